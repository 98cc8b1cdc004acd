"""Time parse_nik / parse_kk on one million values (median of 5 runs).

Run: ``.venv/bin/python bench/bench_nik.py [n]``.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import pandas as pd

from dtks_analysis.editing.nik import parse_kk, parse_nik


def make_ids(n: int, seed: int = 0, women: bool = True) -> pd.Series:
    """``n`` realistic IDs: mostly valid Dairi numbers, ~5% with separators or defects."""
    rng = np.random.default_rng(seed)
    kec = rng.integers(1, 16, n)
    day = rng.integers(1, 29, n) + (40 * rng.integers(0, 2, n) if women else 0)
    month = rng.integers(1, 13, n)
    yy = rng.integers(0, 100, n)
    serial = rng.integers(1, 10000, n)
    ids = pd.Series(
        [
            f"1211{k:02d}{d:02d}{m:02d}{y:02d}{s:04d}"
            for k, d, m, y, s in zip(kec, day, month, yy, serial, strict=True)
        ],
        dtype=object,
    )
    bad = rng.random(n)
    ids[bad < 0.02] = ids[bad < 0.02].str.slice(0, 15)
    sep = (bad >= 0.02) & (bad < 0.04)
    ids[sep] = ids[sep].str.slice(0, 6) + " " + ids[sep].str.slice(6)
    ids[(bad >= 0.04) & (bad < 0.045)] = "1.21101E+15"
    ids[(bad >= 0.045) & (bad < 0.05)] = None
    return ids


def median_time(fn, values: pd.Series, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(values, reference_date="2024-01-31")
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(n: int = 1_000_000) -> None:
    nik = make_ids(n, seed=1, women=True)
    kk = make_ids(n, seed=2, women=False)
    t_nik = median_time(parse_nik, nik)
    t_kk = median_time(parse_kk, kk)
    spaced = nik.str.slice(0, 4) + " " + nik.str.slice(4, 8) + "." + nik.str.slice(8)
    t_sep = median_time(parse_nik, spaced)
    print(f"parse_nik: {n:,} values in {t_nik:.3f} s (median of 5) = {n / t_nik:,.0f}/s")
    print(f"parse_kk:  {n:,} values in {t_kk:.3f} s (median of 5) = {n / t_kk:,.0f}/s")
    print(f"parse_nik, every value with separators (worst case): {t_sep:.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
