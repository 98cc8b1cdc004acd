"""Benchmark: seconds per month, rows and bytes of a scale-1 synthetic month.

Run: ``python bench/bench_synthetic.py [--scale 1] [--months 2023-07..2023-08] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from dtks_analysis.synthetic import generate, parse_months


def _size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--months", default="2023-07..2023-08")
    ap.add_argument("--seed", type=int, default=20231)
    ap.add_argument("--fmt", default="mixed")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    months = parse_months(a.months)
    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or Path(tmp)
        t0, c0 = time.perf_counter(), time.process_time()
        s = generate(out, months, scale=a.scale, seed=a.seed, fmt=a.fmt, progress=False)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"scale {a.scale}, format {a.fmt}, {len(months)} month(s): wall {total:.1f} s,"
            f" CPU {cpu:.1f} s ({cpu / len(months):.1f} s CPU per month)"
        )
        for m, v in s["months"].items():
            raw, truth = _size(out / "raw" / m), _size(out / "truth" / m)
            print(
                f"{m}: {v['seconds']:6.1f} s  {v['rows']:>7,} rows  {v['rumah_tangga']:>6,} households"
                f"  {v['files']:>3} files  raw {raw / 1e6:5.1f} MB  truth {truth / 1e6:5.1f} MB"
                f"  ({v['rows'] / v['seconds']:,.0f} rows/s)"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {peak:.0f} MB")
        print(json.dumps({m: v["seconds"] for m, v in s["months"].items()}))


if __name__ == "__main__":
    main()
