"""The documentation: built strictly by MkDocs, its pages in the nav, its generated parts fresh.

The ```python blocks of every page run as doctests (``--doctest-glob='*.md'`` in
pyproject.toml); here the site itself is built with ``mkdocs build --strict`` (a broken link,
a missing page, a docstring that does not render is an error), and the pages generated from the
code are checked against it.
"""

from __future__ import annotations

import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from formation.cli import main
from formation.cli.rules import markdown_reference
from formation.rules.rulebook import Rulebook

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
MKDOCS_READY = all(importlib.util.find_spec(name) is not None
                   for name in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers"))


def _nav_pages() -> list[str]:
    """The Markdown files the nav of mkdocs.yml lists (read as text: no YAML dependency)."""
    nav = MKDOCS_YML.read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    return re.findall(r":\s*([\w/.-]+\.md)\s*$", nav, flags=re.MULTILINE)


def _griffe_extension() -> object:
    spec = importlib.util.spec_from_file_location("griffe_doctests",
                                                  ROOT / "tools" / "griffe_doctests.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not MKDOCS_READY, reason="mkdocs, mkdocs-material or mkdocstrings[python] "
                    "is not installed (pip install -e '.[docs]'); CI installs them")
def test_the_documentation_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(MKDOCS_YML),
         "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("quickstart", "testing", "notebooks", "rules", "glossary", "performance"):
        assert (site / page / "index.html").exists(), page
    assert (site / "img" / "careers.png").exists()
    # the doctest examples of the docstrings are rendered as code, not as quotes
    reference = (site / "reference" / "catalog" / "index.html").read_text(encoding="utf-8")
    assert "<p>&gt;&gt;&gt;" not in reference


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    listed = _nav_pages()
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(listed) == pages
    for concept in ("quickstart.md", "accounts.md", "search.md", "funding.md", "bookings.md",
                    "reviews.md", "persistence.md", "rules.md", "glossary.md", "performance.md",
                    "testing.md", "notebooks.md"):
        assert concept in listed


def test_the_rules_reference_is_generated_from_the_rulebook_and_up_to_date() -> None:
    # Regenerate with: formation rules --history --markdown --lang en > docs/rules.md
    expected = markdown_reference(Rulebook.default(), "en")
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == expected
    out = io.StringIO()
    assert main(["rules", "--history", "--markdown", "--lang", "en"], out) == 0
    assert out.getvalue() == expected


def test_the_rules_reference_lists_every_parameter_with_its_dates_and_source() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for value in Rulebook.default().values:
        assert f"## `{value.name}`" in text
        assert f"| {value.since.isoformat()} |" in text


def test_every_python_block_of_the_docs_and_the_readme_is_a_doctest() -> None:
    # pytest runs the ```python blocks as doctests (--doctest-glob='*.md'): only their >>>
    # lines run, so a block without them would be shown but never checked. Snippets that
    # cannot run here (a store of your own) are ```text blocks.
    for page in [ROOT / "README.md", *DOCS.rglob("*.md")]:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL):
            assert block.lstrip().startswith(">>>"), f"{page.name}: {block[:60]!r}"
            assert block.endswith("\n\n"), f"{page.name}: end the block with a blank line"


def test_the_readme_commands_are_the_demo_and_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, flags=re.DOTALL)
    assert commands[0] == ("python3 -m venv .venv && .venv/bin/pip install . && "
                           ".venv/bin/formation demo")
    assert "pip install -e '.[test,docs]'" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci


def test_the_images_the_pages_show_exist() -> None:
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().exists(), f"{page.name}: {target}"


def test_the_quick_start_shows_lines_the_demo_really_prints() -> None:
    text = (DOCS / "quickstart.md").read_text(encoding="utf-8")
    block = text.split("```text\n$ formation demo\n", 1)[1].split("```", 1)[0]
    out = io.StringIO()
    assert main(["demo"], out) == 0
    printed = out.getvalue().splitlines()
    shown = [line for line in block.splitlines() if line != "..."]
    assert len(shown) >= 5
    for line in shown:
        assert line in printed, line


def test_the_reference_shows_docstring_doctests_as_code_fences() -> None:
    fence = _griffe_extension().fence_doctests  # type: ignore[attr-defined]
    text = "Intro.\n\n>>> 1 + 1\n2\n\nAfter.\n\n```python\n>>> kept\n```"
    assert fence(text) == (
        "Intro.\n\n```pycon\n>>> 1 + 1\n2\n```\n\nAfter.\n\n```python\n>>> kept\n```")
    indented = "Args:\n    x: a value.\n\n    >>> f(1)\n    1"
    assert fence(indented).endswith("    ```pycon\n    >>> f(1)\n    1\n    ```")
