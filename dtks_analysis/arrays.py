"""Vectorised helpers shared by every stage: factorising, arrow strings, sorting and dates.

No domain rules live here, only the array plumbing that editing (clean, nik, validate), the
region matcher and counting (households) used to define each for themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def as_series(values: pd.Series | object) -> pd.Series:
    """``values`` itself when it is a Series, else an object Series of it."""
    return values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)


def factor(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(row -> position, unique values): the unique non-missing values plus a final None
    that every missing row points to. Normalisers work on the uniques, then ``take``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniq = pd.Series([*np.asarray(uniques, dtype=object), None], dtype=object)
    return np.where(codes < 0, len(uniq) - 1, codes), uniq


# --------------------------------------------------------------------------- arrow strings
def by_uniques(s: pd.Series, func: Callable[[pd.Series], object], missing: object) -> np.ndarray:
    """``func`` applied to the distinct values of ``s`` only (region names, codes, flags and
    names repeat a lot): an object Series of them -> as many results (Series or array), then
    broadcast to the rows as an object array; ``missing`` for None/NaN."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object))
    mapped = np.asarray(func(pd.Series(uniques, dtype=object)), dtype=object)
    out = np.full(len(s), missing, dtype=object)
    known = codes >= 0
    out[known] = mapped[codes[known]]
    return out


def _scalar_to_str(v: object) -> str | None:
    """Fallback conversion of one non-string cell (rare: ingest delivers strings)."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = v if isinstance(v, str) else str(v)
    return text.encode("utf-8", "replace").decode("utf-8")


def to_arrow(values: pd.Series) -> pa.Array:
    """Values as an arrow string array (None/NaN -> null)."""
    try:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, UnicodeError):
        conv = [_scalar_to_str(v) for v in values.to_numpy(dtype=object)]
        arr = pa.array(conv, type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def objects_or_none(arr: pa.Array, like: pd.Series) -> pd.Series:
    """Arrow strings as an object Series shaped like ``like``; None for null or empty."""
    empty = pc.fill_null(pc.equal(pc.utf8_length(arr), 0), True).to_numpy(zero_copy_only=False)
    out = np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)
    out[empty] = None
    return pd.Series(out, index=like.index, dtype=object, name=like.name)


# --------------------------------------------------------------------------- order, groups
def sort_by_codes(codes: list[np.ndarray]) -> np.ndarray:
    """Stable order of rows by non-negative integer ``codes`` (most significant first).

    The keys are packed into one int64 when they fit, so one stable argsort (fast on the
    mostly sorted file order) replaces a multi-key lexsort; same result as ``np.lexsort``.
    """
    width = [int(c.max()) + 1 if len(c) else 1 for c in codes]
    if float(np.prod([float(w) for w in width])) >= 2.0**62:
        return np.lexsort(codes[::-1])
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c, w in zip(codes, width, strict=True):
        key = key * w + c
    return np.argsort(key, kind="stable")


def file_order(frame: pd.DataFrame) -> np.ndarray:
    """Positions of ``frame`` rows in file order (``_file, _sheet, _row``, stable; each
    column's sorted values, missing first)."""
    keys = [frame[c] for c in ("_row", "_sheet", "_file") if c in frame.columns]
    if not keys:
        return np.arange(len(frame))
    arrays = []
    for k in keys:
        codes, _ = pd.factorize(k, sort=True, use_na_sentinel=True)
        arrays.append(codes.astype(np.int64) + 1)  # missing (-1) first
    return sort_by_codes(arrays[::-1])


def mode_first(g: np.ndarray, v: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the position of the first row carrying the group's most frequent value.

    ``g``: group code per row (rows already in file order); ``v``: value code, -1 = unknown
    (ignored). Returns -1 for groups without any known value.
    """
    out = np.full(n_groups, -1, dtype=np.int64)
    known = v >= 0
    if not known.any():
        return out
    pos = np.flatnonzero(known)
    gk = g[known].astype(np.int64)
    vk = v[known].astype(np.int64)
    pair = gk * (int(vk.max()) + 1) + vk
    pair_codes, uniques = pd.factorize(pair)  # hashing: no sort of a million pairs
    counts = np.bincount(pair_codes, minlength=len(uniques))
    first_idx = np.empty(len(uniques), dtype=np.int64)
    first_idx[pair_codes[::-1]] = np.arange(len(pair) - 1, -1, -1)  # last write = first row
    pair_g = gk[first_idx]
    pair_first = pos[first_idx]
    # best: group asc, count desc, first position asc
    order = np.lexsort((pair_first, -counts, pair_g))
    sg = pair_g[order]
    lead = np.ones(len(sg), dtype=bool)
    lead[1:] = sg[1:] != sg[:-1]
    out[sg[lead]] = pair_first[order][lead]
    return out


# --------------------------------------------------------------------------- dates
def date_parts(
    dates: pd.Series,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day, known) of a datetime Series as int64 arrays (0 where NaT).

    Integer arithmetic on the day number instead of the ``.dt`` accessors: a fraction of the
    time on a million rows.
    """
    if not (pd.api.types.is_datetime64_dtype(dates.dtype) and dates.dt.tz is None):
        known = dates.notna().to_numpy()
        parts = [dates.dt.year, dates.dt.month, dates.dt.day]
        y, m, d = (x.fillna(0).to_numpy(dtype=np.int64) for x in parts)
        return y, m, d, known
    v = dates.to_numpy(dtype="datetime64[ns]")
    known = ~np.isnat(v)
    days = np.where(known, v.view(np.int64), 0) // (86_400 * 10**9)  # floor: days since 1970
    # civil date from a day number (H. Hinnant's algorithm), in integer arithmetic
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return np.where(known, y, 0), np.where(known, m, 0), np.where(known, d, 0), known
