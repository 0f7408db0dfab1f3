"""Every template notebook executes on the sample data, through the `evaltools run` path."""

import json
from pathlib import Path

import pytest

from evaltools.cli import NOTEBOOKS, run_notebook

# Small-data parameters for notebooks whose defaults would be slow in the test suite.
FAST_PARAMETERS: dict[str, dict] = {}

NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOK_FILES


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_is_stored_clean_with_a_parameters_cell(path: Path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and not c.get("execution_count") for c in code)
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in code)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_executes(path: Path, tmp_path):
    report = run_notebook(path, tmp_path / f"{path.stem}.html",
                          FAST_PARAMETERS.get(path.stem, {}), timeout=300, progress=False)
    html = report.read_text()
    assert "<html" in html and "Traceback" not in html
