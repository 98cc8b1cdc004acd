"""Shared fixtures: small synthetic samples with known truth, generated once per session."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dtks_analysis import synthetic
from tests import samples
from tests.backtests import accept

if TYPE_CHECKING:
    from dtks_analysis.config import Settings
    from dtks_analysis.pipeline import MonthData


def snapshot(d: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``d`` (to prove a folder was untouched)."""
    return {
        p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


def generate_sample(root: Path, months: list[str], scale: float, seed: int, defects: float) -> Path:
    """A private copy of the sample ``(months, scale, seed, defects)`` under ``root``
    (generated once into the on-disk cache of ``tests/samples.py``)."""
    return samples.sample(root, months, scale=scale, seed=seed, defect_rate=defects)


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory) -> Path:
    """Three months at a small scale (defects on): ``<root>/raw``, ``<root>/truth``."""
    root = tmp_path_factory.mktemp("sample")
    return generate_sample(root, ["2023-10", "2023-11", "2023-12"], 0.02, 11, 0.03)


@pytest.fixture(scope="session")
def backtest_months(tmp_path_factory) -> tuple[list[str], Settings, dict[str, MonthData]]:
    """The backtest sample's months prepared once: ``(months, settings, {month: MonthData})``
    (tests/backtests/accept.py; interim data beside its ``raw/``). Read only: shared by the
    backtests, ``tests/truth/test_disclosure_loss.py`` and ``test_kualitas_desa_truth.py``."""
    root = tmp_path_factory.mktemp("backtest-data")
    samples.sample(
        root,
        synthetic.parse_months(accept.MONTHS),
        scale=accept.SCALE,
        seed=accept.SEED,
        defect_rate=accept.DEFECTS,
    )
    return accept.prepare(root)


#: test folder -> marker: `pytest -m unit` (what `make test-fast` runs) needs no sample month
FOLDER_MARKERS = {
    "unit": "unit",
    "integration": "integration",
    "truth": "truth",
    "e2e": "e2e",
    "backtests": "backtest",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test by its folder (tests/unit, tests/integration, tests/truth, tests/e2e,
    tests/backtests); the package's doctests count as unit tests."""
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        path = Path(str(item.path)).resolve()
        try:
            folder = path.relative_to(tests_dir).parts[0]
        except ValueError:
            folder = "unit"  # doctests of dtks_analysis
        marker = FOLDER_MARKERS.get(folder)
        if marker:
            item.add_marker(getattr(pytest.mark, marker))
