"""Cell values -> text: every value becomes a stripped ``str`` or ``None``.

Numbers become their digits (ID columns: always the integer digits, ``1.21101E+15`` ->
``"1210100000000000"``), dates ISO ``YYYY-MM-DD``, booleans ``TRUE``/``FALSE``; the mask of
numeric cells is returned so that ``_nik_type`` / ``_no_kk_type`` can record Excel damage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _other_to_text(v: Any) -> str:
    """Text of a cell that is not str/float/int/bool (dates, times, durations)."""
    if type(v) is dt.datetime:
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def _numbers_to_text(vals: np.ndarray, as_id: bool) -> np.ndarray:
    """Float cell values -> text: integral values as digits, others as the shortest repr."""
    out = np.empty(len(vals), dtype=object)
    finite = np.isfinite(vals)
    integral = finite & (np.floor(vals) == vals) if not as_id else finite
    small = integral & (np.abs(vals) < 2.0**62)
    if small.any():
        out[small] = np.trunc(vals[small]).astype(np.int64).astype(str).astype(object)
    big = integral & ~small
    if big.any():
        out[big] = [f"{int(v)}" for v in vals[big]]
    rest = ~integral
    if rest.any():
        out[rest] = vals[rest].astype(str).astype(object)
    return out


_TYPE_CODE = {str: 1, float: 2, int: 3, bool: 4, dt.datetime: 5, dt.date: 6}


def _dates_to_text(vals: np.ndarray, with_time: bool) -> np.ndarray:
    """date/datetime objects -> ISO ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` if a time is set)."""
    try:
        stamps = pd.DatetimeIndex(vals).to_numpy().astype("datetime64[s]")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return np.array([_other_to_text(v) for v in vals], dtype=object)
    day = stamps.astype("datetime64[D]")
    out = np.datetime_as_string(day, unit="D").astype(object)
    if with_time:
        timed = stamps != day
        if timed.any():
            out[timed] = np.char.replace(
                np.datetime_as_string(stamps[timed], unit="s"), "T", " "
            ).astype(object)
    return out


def _strip_strings(col: np.ndarray) -> np.ndarray:
    """str cells -> stripped str, ``""`` -> None (arrow kernels; Python only where changed)."""
    try:
        arr = pa.array(col, type=pa.string())
    except (pa.ArrowException, UnicodeError):  # e.g. lone surrogates
        out = pd.Series(col, dtype=object).str.strip().to_numpy(dtype=object)
        out[out == ""] = None
        return out
    trimmed = pc.utf8_trim_whitespace(arr)
    changed = pc.invert(pc.equal(arr, trimmed))
    out = col.copy()
    if pc.any(changed).as_py():
        idx = np.flatnonzero(changed.to_numpy(zero_copy_only=False))
        out[idx] = trimmed.take(pa.array(idx)).to_numpy(zero_copy_only=False)
    empty = pc.equal(trimmed, "").to_numpy(zero_copy_only=False)
    if empty.any():
        out[empty] = None
    return out


def cells_to_text(col: np.ndarray, as_id: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Raw cell values -> (stripped str or None, mask of numeric cells)."""
    n = len(col)
    if n == 0:
        return np.empty(0, dtype=object), np.zeros(0, dtype=bool)
    s = pd.Series(col, dtype=object, copy=False)
    if pd.api.types.infer_dtype(s, skipna=False) == "string":
        return _strip_strings(col), np.zeros(n, dtype=bool)
    code = s.map(type).map(_TYPE_CODE).fillna(0).to_numpy(dtype=np.int8)
    out = np.full(n, None, dtype=object)
    is_str = code == 1
    if is_str.any():
        out[is_str] = _strip_strings(col[is_str])
    is_num = (code == 2) | (code == 3)
    if (code == 2).any():
        out[code == 2] = _numbers_to_text(col[code == 2].astype(np.float64), as_id)
    if (code == 3).any():
        out[code == 3] = [f"{v}" for v in col[code == 3]]
    if (code == 4).any():
        out[code == 4] = np.where(col[code == 4].astype(bool), "TRUE", "FALSE")
    for c in (5, 6):
        if (code == c).any():
            out[code == c] = _dates_to_text(col[code == c], with_time=c == 5)
    other = code == 0
    if other.any():
        vals = col[other]
        out[other] = [None if v is None else _other_to_text(v).strip() for v in vals]
    out[out == ""] = None
    return out, is_num
