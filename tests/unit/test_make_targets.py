"""Issue 12: the Makefile's report targets scan for personal data once (``dtks report`` does,
before publishing), and ``make lab`` opens at the project root with the notebooks first."""

from __future__ import annotations

import subprocess

from dtks_analysis.config import PROJ_ROOT


def test_make_report_scans_once_and_lab_opens_at_the_project_root():
    def dry(target: str) -> str:
        return subprocess.run(
            ["make", "-n", target], cwd=PROJ_ROOT, capture_output=True, text=True, check=True
        ).stdout

    for target in ("report", "reports"):
        out = dry(target)
        assert "dtks_analysis report" in out and "check-outputs" not in out, target
    lab = dry("lab")
    assert f"--ServerApp.root_dir={PROJ_ROOT}" in lab
    assert "--FileContentsManager.preferred_dir=notebooks" in lab
    assert "--LabApp.default_url=/lab/tree/notebooks" in lab
    assert "--notebook-dir notebooks" not in lab
