"""A Griffe extension for the API reference: doctest examples shown as code.

The docstrings of ``formation`` carry their examples as bare doctest blocks (``>>>`` lines, run
by ``pytest --doctest-modules``). Markdown would read them as quotes and paragraphs (and a
printed list such as ``['2A', '2B']`` as a link), so this extension wraps each doctest block of
every docstring in a ``pycon`` code fence before mkdocstrings renders it. Listed under
``extensions`` in ``mkdocs.yml``; it changes nothing in the source files.
"""

from __future__ import annotations

from typing import Any

import griffe

__all__ = ["DoctestFences", "fence_doctests"]


def fence_doctests(text: str) -> str:
    """Wrap every doctest block of ``text`` (``>>>`` up to the next blank line) in a fence.

    A block inside a fence is left alone (tests/test_docs.py checks both).
    """
    lines = text.split("\n")
    out: list[str] = []
    in_fence = False
    in_doctest = False
    indent = ""
    for line in lines:
        stripped = line.strip()
        if in_doctest:
            if stripped:
                out.append(line)
                continue
            out.append(f"{indent}```")
            in_doctest = False
        if stripped.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
            in_doctest = True
        out.append(line)
    if in_doctest:
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctest blocks of every docstring Griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
