"""Row-position helpers of a month's rows: running numbers, families, serials (numpy only)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def by_family(fid: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """``rows`` split by family, families in ``fid`` order, rows in order within each."""
    if len(rows) == 0:
        return []
    srt = rows[np.argsort(fid[rows], kind="stable")]
    _, starts = np.unique(fid[srt], return_index=True)
    return np.split(srt, starts[1:])


def serials(ids: np.ndarray) -> np.ndarray:
    """``int(v[12:])`` of each ID (its serial): from the bytes when all are 16 ASCII digits."""
    try:
        raw = np.array(ids.tolist(), dtype="S")
    except UnicodeEncodeError:
        raw = None
    if raw is not None and raw.dtype.itemsize == 16 and (np.char.str_len(raw) == 16).all():
        d = raw.view(np.uint8).reshape(len(ids), 16)[:, 12:].astype(np.int64) - 48
        if ((d >= 0) & (d <= 9)).all():
            return d @ np.array([1000, 100, 10, 1])
    return np.array([int(s[12:]) for s in ids], dtype=np.int64)


def running(key: np.ndarray) -> np.ndarray:
    """0-based running number of each row among the rows with its ``key``, in row order."""
    o = np.argsort(key, kind="stable")
    ks = key[o]
    start = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    run = np.arange(len(key)) - np.repeat(start, np.diff(np.r_[start, len(key)]))
    out = np.empty(len(key), dtype=np.int64)
    out[o] = run
    return out


def sheet_ids(fi: np.ndarray, sheet: np.ndarray) -> np.ndarray:
    """One integer per (file, sheet)."""
    code = pd.factorize(sheet, use_na_sentinel=False)[0]
    return fi * (int(code.max(initial=0)) + 1) + code
