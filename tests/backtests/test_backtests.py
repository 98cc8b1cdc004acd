"""Backtests: a fresh run's published tables equal the accepted ones, cell by cell.

A failure means a published number changed. If the change is intended, regenerate with
``python tests/backtests/accept.py`` and commit the diff for review.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.backtests.accept import publish

ACCEPTED = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def fresh(backtest_months, tmp_path_factory) -> Path:
    """Every month's published CSVs of the freshly prepared backtest sample (tests/conftest.py;
    ``accept.build`` = generate + ``backtest_months`` + this)."""
    out = tmp_path_factory.mktemp("backtest-out")
    publish(*backtest_months, out)
    return out


def _accepted() -> list[Path]:
    return sorted(ACCEPTED.glob("20*-*/*.csv"))


def test_accepted_tables_exist():
    months = {p.parent.name for p in _accepted()}
    assert len(months) == 6
    names = {p.name for p in _accepted()}
    assert {"rekap_kecamatan.csv", "rekap_desa.csv", "arus_program.csv"} <= names


@pytest.mark.parametrize("path", _accepted(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fresh_run_equals_accepted(fresh, path):
    got_path = fresh / path.parent.name / path.name
    assert got_path.is_file(), f"{got_path.name} no longer produced"
    want = pd.read_csv(path, dtype=str, keep_default_na=False)
    got = pd.read_csv(got_path, dtype=str, keep_default_na=False)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want), f"{path.name}: {len(got)} rows, accepted {len(want)}"
    diff = got.ne(want)
    if diff.any().any():
        rows = diff.any(axis=1)
        report = pd.concat([want[rows], got[rows]], keys=["accepted", "fresh"])
        pytest.fail(f"{path.parent.name}/{path.name} changed:\n{report.to_string()}")
    assert got_path.read_bytes() == path.read_bytes()
