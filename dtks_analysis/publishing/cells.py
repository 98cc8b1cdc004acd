"""Cell values shared by the CSV and workbook writers: plain Python values, safe table names."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from typing import Any

import pandas as pd

from dtks_analysis.formatting import is_missing

# Floats are rounded to this many decimals in CSV and XLSX: full float reprs are noise for
# readers, and a 17-digit run would look like a NIK to the personal-data scan.
FLOAT_DIGITS = 6
_NAME_OK = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def plain(v: Any) -> Any:
    """A cell value as a plain Python value: int for whole numbers, None for missing."""
    if is_missing(v):
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        if not math.isfinite(f):
            return None
        return int(f) if f.is_integer() else round(f, FLOAT_DIGITS)
    if isinstance(v, pd.Timestamp | dt.date):
        return v.isoformat()[:10]
    return str(v)


def check_name(name: str) -> None:
    """Raise ValueError for a table name that is not a safe file name (``[a-z0-9_]``)."""
    if not _NAME_OK.match(name):
        raise ValueError(
            f"Nama tabel {name!r} tidak valid (invalid table name): gunakan huruf kecil, angka "
            "dan garis bawah, mis. rekap_kecamatan."
        )
