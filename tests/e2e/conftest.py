"""A month's report built once per test session from the small sample, shared by the files
that only read it (``test_e2e.py``, ``test_public_review.py``)."""

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
