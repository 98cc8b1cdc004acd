"""Published tables to open-data CSVs (and, through :mod:`workbook`, to the Excel workbook).

CSV (``write_csvs``): UTF-8 without BOM, ``\\n`` line endings, no index, whole numbers without
``.0``, booleans as 0/1, missing (suppressed) values empty. The same table always gives the same
bytes. Table names, titles and column labels: :mod:`dtks_analysis.publishing.tables`.
The workbook writer lives in :mod:`dtks_analysis.publishing.workbook` and is re-exported here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dtks_analysis.formatting import is_missing, teks_sel
from dtks_analysis.publishing.cells import FLOAT_DIGITS, check_name
from dtks_analysis.publishing.workbook import (
    NOTE_SUPPRESSED,
    NOTE_TOTAL_GIVEN,
    NOTE_TOTAL_HIDDEN,
    NOTE_UNAVAILABLE,
    read_workbook_table,
    write_workbook,
)

__all__ = [
    "NOTE_SUPPRESSED",
    "NOTE_TOTAL_GIVEN",
    "NOTE_TOTAL_HIDDEN",
    "NOTE_UNAVAILABLE",
    "read_workbook_table",
    "tidy_for_csv",
    "write_csvs",
    "write_tables",
    "write_workbook",
]


def tidy_for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Columns as they should appear in CSV: booleans -> 0/1, whole floats -> Int64, other
    floats rounded to :data:`FLOAT_DIGITS` decimals."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("Int64")
        elif pd.api.types.is_float_dtype(s):
            finite = s.dropna()
            if finite.map(lambda x: float(x).is_integer()).all():
                out[col] = s.astype("Int64")
            else:
                out[col] = s.round(FLOAT_DIGITS)
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            vals = [v for v in s if not is_missing(v)]
            if vals and all(isinstance(v, bool) for v in vals):
                out[col] = s.map(lambda v: None if is_missing(v) else int(v)).astype("Int64")
            elif any(isinstance(v, str) for v in vals):
                out[col] = _safe_text(s)
    out.columns = [teks_sel(str(c)) for c in out.columns]
    return out


def _safe_text(s: pd.Series) -> pd.Series:
    """Text cells made safe: IDs masked, formula starts neutralised (see ``teks_sel``)."""
    uniques = pd.unique(s.dropna())
    safe = {v: teks_sel(v) for v in uniques}
    return s.map(lambda v: safe.get(v, v) if isinstance(v, str) else v)


def write_csvs(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> dict[str, Path]:
    """Write each table to ``out_dir/<name>.csv``; return ``{name: path}``.

    UTF-8 (no BOM), ``\\n`` line endings, no index, integers without ``.0``, booleans as 0/1,
    missing values empty. Rows and columns are written in the order given. Each file is written
    to a temporary name and renamed, so readers never see half a file.

    Raises ValueError for a table name that is not a safe file name (``[a-z0-9_]``).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, df in tables.items():
        check_name(name)
        path = out_dir / f"{name}.csv"
        text = tidy_for_csv(df).to_csv(index=False, lineterminator="\n", na_rep="")
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(text.encode("utf-8"))
        os.replace(tmp, path)
        written[name] = path
    return written


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    month_dir: str | Path,
    month: str,
    meta: Mapping[str, Any],
) -> dict[str, Path]:
    """Write a month's published tables: ``month_dir/tabel/<name>.csv`` and
    ``month_dir/tabel_dtks_<month>.xlsx`` (see :func:`write_csvs`, :func:`write_workbook`).

    Returns ``{name: csv path, ..., "xlsx": workbook path}``.
    """
    month_dir = Path(month_dir)
    paths: dict[str, Path] = dict(write_csvs(tables, month_dir / "tabel"))
    paths["xlsx"] = write_workbook(tables, month_dir / f"tabel_dtks_{month}.xlsx", month, meta)
    return paths
