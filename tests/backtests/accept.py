"""Regenerate the accepted backtest tables (a deliberate, reviewed change).

    .venv/bin/python tests/backtests/accept.py

Runs the pipeline on the backtest sample (synthetic, so safe to commit) and writes every
published table of every month to ``tests/backtests/<YYYY-MM>/``. Review the diff before
committing: every changed number is a changed published number.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dtks_analysis.config import Settings
    from dtks_analysis.pipeline import MonthData

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

MONTHS = "2023-07..2023-12"
SCALE, SEED, DEFECTS = 0.05, 20231, 0.02


def generate(root: Path) -> Path:
    """The backtest sample (``raw/``, ``truth/``) under ``root``."""
    from dtks_analysis import synthetic

    months = synthetic.parse_months(MONTHS)
    synthetic.generate(root, months, scale=SCALE, seed=SEED, defect_rate=DEFECTS, progress=False)
    return root


def prepare(root: Path) -> tuple[list[str], Settings, dict[str, MonthData]]:
    """Prepare the months of the sample under ``root``: ``(months, settings, data)`` (also the
    prepared months of ``tests/truth/test_disclosure_loss.py``: tests/conftest.py)."""
    from dtks_analysis import pipeline, synthetic
    from dtks_analysis.config import load_settings

    months = synthetic.parse_months(MONTHS)
    # interim data under ``root`` too: the project's data/interim (the real sample) is left alone
    settings = load_settings(months[-1], raw_dir=root / "raw", data_dir=root)
    return months, settings, pipeline.prepare_months(months[-1], settings)


def publish(
    months: list[str], settings: Settings, data: dict[str, MonthData], out: Path
) -> list[str]:
    """Write each month's published CSVs of the prepared ``data`` under ``out``."""
    from dtks_analysis import pipeline, quality_history
    from dtks_analysis.publishing import export

    for m in months:
        t = pipeline.build_tables(m, settings, {k: v for k, v in data.items() if k <= m})
        export.write_csvs(t.published, out / m)
        # issue 14: the village quality history up to the month (written apart from the tables)
        export.write_csvs({"kualitas_desa": quality_history.build_history(m, settings)}, out / m)
    return months


def build(root: Path, out: Path) -> list[str]:
    """Generate the sample under ``root`` and write each month's published CSVs under ``out``."""
    return publish(*prepare(generate(root)), out)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for old in HERE.glob("20*-*"):
            shutil.rmtree(old)
        months = build(Path(tmp), HERE)
    print(f"accepted tables written for {', '.join(months)} under {HERE}")
