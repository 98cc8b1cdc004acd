"""Issue 16: work done beside the notebooks (village quality files, notebook 01, early scans)
fails like the rest of a report: the error names the notebook cell, the executed copy is kept
under data/, nothing is published and no staging folder is left."""

from __future__ import annotations

import json
import shutil

import pytest

from dtks_analysis import pipeline, report
from dtks_analysis.config import Settings


def test_failing_notebook_in_side_process_publishes_nothing(small_sample, tmp_path, monkeypatch):
    shutil.copytree(small_sample / "raw", tmp_path / "raw")
    settings = Settings(data_dir=tmp_path, out_dir=tmp_path / "out")
    month = pipeline.available_months(settings)[-1]
    nbdir = tmp_path / "notebooks"
    shutil.copytree(report.NOTEBOOK_DIR, nbdir)
    path = nbdir / report.NOTEBOOKS[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "uji-gagal",
            "metadata": {},
            "outputs": [],
            "source": ["raise ValueError('uji gagal samping')"],
        }
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setattr(report, "NOTEBOOK_DIR", nbdir)
    with pytest.raises(report.ReportError) as err:
        report.run_report(month, settings, progress=False)
    assert report.NOTEBOOKS[0] in str(err.value) and "uji gagal samping" in str(err.value)
    assert (settings.interim_root / month / f"gagal_{report.NOTEBOOKS[0]}").is_file()
    out = settings.out_dir
    assert not (out / month).exists()
    assert not [p for p in out.iterdir() if "staging" in p.name]
    assert not (out / f".{month}.lock").exists()
