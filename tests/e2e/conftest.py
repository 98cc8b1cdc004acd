"""A month's report built once per test session from the small sample, shared by the files
that only read it (``test_e2e.py``, ``test_public_review.py``, ``test_kualitas_desa.py``; the
crash tests of ``test_reliability.py`` work on a copy), and a second run of it for the
determinism checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtks_analysis.cli import main

REPORT_MONTH = "2023-12"


@pytest.fixture(scope="session")
def built_report(small_sample, tmp_path_factory) -> tuple[Path, Path]:
    """``(sample root, outputs/<month>)`` of ``dtks report`` on the small sample."""
    out = tmp_path_factory.mktemp("outputs")
    code = main(["report", "--raw-dir", str(small_sample / "raw"), "--out-dir", str(out), "-q"])
    assert code == 0
    return small_sample, out / REPORT_MONTH


@pytest.fixture(scope="session")
def rebuilt_report(built_report, tmp_path_factory) -> Path:
    """``outputs/<month>`` of a second ``dtks report`` on the same sample into another folder
    (``test_e2e.py`` and ``test_reliability.py`` check that it equals the first)."""
    root, _first = built_report
    out = tmp_path_factory.mktemp("outputs-again")
    assert main(["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out), "-q"]) == 0
    return out / REPORT_MONTH
