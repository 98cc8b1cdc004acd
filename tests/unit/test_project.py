"""Project hygiene the README promises: notebooks stored clean, make help lists every target."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stored_without_outputs_and_with_parameters(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "dtks"
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_at_least_two_numbered_notebooks():
    assert [p.name[:3] for p in NOTEBOOKS][:2] == ["01_", "02_"]


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    for target in [
        "setup",
        "sample",
        "report",
        "reports",
        "test",
        "lint",
        "format",
        "lab",
        "bench",
        "clean",
    ]:
        assert f"make {target} " in out, target


def test_data_and_outputs_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text()
    assert "/data/*" in ignored and "/outputs/*" in ignored
