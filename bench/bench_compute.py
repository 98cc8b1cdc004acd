"""Time households + stats + flows on synthetic counted person tables.

Usage: ``.venv/bin/python bench/bench_compute.py [ROWS ...]`` (default 150000 1000000).
"""

from __future__ import annotations

import sys
import time
from datetime import date

import numpy as np
import pandas as pd

from dtks_analysis.counting import disclosure, flows, nonresponse, stats
from dtks_analysis.counting.households import build_households

REF = date(2023, 12, 31)


def synthetic_persons(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` person rows in the ``validate(...).persons`` schema, ~3.7 persons per household."""
    rng = np.random.default_rng(seed)
    desa_ref = stats.desa_reference("12.11")
    n_hh = max(1, int(n / 3.7))
    hh_of_row = np.sort(rng.integers(0, n_hh, n))
    hh_desa = rng.integers(0, len(desa_ref), n_hh)
    row_desa = hh_desa[hh_of_row]
    moved = rng.random(n) < 0.01
    row_desa[moved] = rng.integers(0, len(desa_ref), moved.sum())
    unknown = rng.random(n) < 0.005
    kode_desa = desa_ref["kode_desa"].to_numpy(dtype=object)[row_desa]
    kode_desa[unknown] = None
    kode_kec = desa_ref["kode_kecamatan"].to_numpy(dtype=object)[row_desa]
    kode_kec[unknown & (rng.random(n) < 0.5)] = None
    first = np.r_[True, hh_of_row[1:] != hh_of_row[:-1]]

    def flag(p: float) -> pd.arrays.BooleanArray:
        hh_flag = rng.random(n_hh) < p
        return pd.array(hh_flag[hh_of_row] & (rng.random(n) < 0.7), dtype="boolean")

    return pd.DataFrame(
        {
            "no_kk": pd.Series(hh_of_row + 1211010101230000).astype(str),
            "nik": pd.Series(np.arange(n) + 1211014101900001).astype(str),
            "hubungan": pd.array(np.where(first, 1, rng.integers(2, 9, n)), dtype="Int8"),
            "jenis_kelamin": np.where(rng.random(n) < 0.5, "L", "P").astype(object),
            "tanggal_lahir": pd.Timestamp("1930-01-01")
            + pd.to_timedelta(rng.integers(0, 34_000, n), "D"),
            "bpnt": flag(0.3),
            "pbi_jkn": flag(0.6),
            "pkh": flag(0.1),
            "kode_kecamatan": kode_kec,
            "kecamatan": "x",
            "kode_desa": kode_desa,
            "desa": "y",
            "disabilitas": np.where(rng.random(n) < 0.02, "YA", None),
            "_file": np.char.add("kiriman/", (row_desa % 15).astype(str)).astype(object),
            "_sheet": "Sheet1",
            "_row": np.arange(n) + 2,
            "kunci": pd.Series(hh_of_row + 1211010101230000).astype(str),
        }
    )


def timed(label: str, fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    print(f"  {label:<28} {time.perf_counter() - t0:8.2f} s")
    return out


def main(sizes: list[int]) -> None:
    for n in sizes:
        print(f"{n:,} person rows")
        cur_p = synthetic_persons(n, seed=1)
        prev_p = synthetic_persons(n, seed=2)
        t0 = time.perf_counter()
        cur = timed("build_households (cur)", build_households, cur_p, REF)
        prev = timed("build_households (prev)", build_households, prev_p, REF)
        adj, _ = timed("nonresponse.adjust", nonresponse.adjust, cur, prev, cur_p["kode_desa"])
        timed("rekap_kecamatan", stats.rekap_kecamatan, adj)
        rd = timed("rekap_desa", stats.rekap_desa, adj)
        timed("kombinasi_program", stats.kombinasi_program, adj)
        timed("struktur_umur", stats.struktur_umur, cur_p, REF)
        timed("arus_program", flows.arus_program, prev, adj)
        timed("disclosure.suppress", disclosure.suppress, rd, list(stats.MEASURES))
        print(f"  {'total':<28} {time.perf_counter() - t0:8.2f} s  ({len(cur):,} households)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [150_000, 1_000_000])
