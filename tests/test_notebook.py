"""docs/notebooks/rules-explorer.ipynb runs top to bottom and writes its plots.

The notebook simulates careers with ``credit_career``, plots them against the ceilings, changes
rules with what-if rulebooks and plots a funding plan's split; its images are shown in
docs/notebooks.md. Here it runs in a python3 Jupyter kernel (ipykernel) with the images sent to
a temporary directory (``RULES_EXPLORER_IMAGES``), so the run never touches the docs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "rules-explorer.ipynb"
IMAGES = ("careers.png", "what-if-ceiling.png", "funding-split.png")
READY = all(importlib.util.find_spec(name) is not None
            for name in ("nbclient", "nbformat", "ipykernel", "matplotlib"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not READY, reason="nbclient, nbformat, ipykernel or matplotlib is not "
                    "installed (pip install -e '.[docs]'); CI installs them")
def test_the_rules_explorer_runs_top_to_bottom_and_writes_its_plots(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbclient
    import nbformat

    monkeypatch.setenv("RULES_EXPLORER_IMAGES", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert errors == []
    for name in IMAGES:
        image = tmp_path / name
        assert image.read_bytes()[:8] == PNG_SIGNATURE, name
        assert image.stat().st_size > 10_000, name
    last = notebook.cells[-1].outputs[0]["data"]["text/plain"]
    assert last == repr(sorted(IMAGES))


def test_the_docs_hold_the_notebooks_plots() -> None:
    page = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    for name in IMAGES:
        assert (ROOT / "docs" / "img" / name).read_bytes()[:8] == PNG_SIGNATURE
        assert f"img/{name}" in page


def test_the_notebook_is_stored_without_outputs() -> None:
    import json

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert all(not cell.get("outputs") for cell in cells if cell["cell_type"] == "code")
