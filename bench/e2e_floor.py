"""The floor of the ``e2e`` benchmark, in its own process: the interpreter, the package's import
(the command line and the pipeline, as ``python -m dtks_analysis report`` loads them) and
reading the month's files (``ingest.read_month``), nothing else.

Usage: ``python bench/e2e_floor.py RAW_DIR MONTH``; prints the number of rows read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dtks_analysis.cli  # noqa: F401
import dtks_analysis.pipeline  # noqa: F401
from dtks_analysis.config import Settings
from dtks_analysis.intake import ingest


def main(raw: Path, month: str) -> int:
    """Read the month; print its rows."""
    res = ingest.read_month(raw / month, Settings(data_dir=raw.parent, raw_dir=raw))
    print(len(res.records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), sys.argv[2]))
