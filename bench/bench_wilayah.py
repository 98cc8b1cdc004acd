"""The province benchmark (issue 15): Sumatera Utara's 33 kabupaten/kota at their relative sizes
(``penduduk_kabupaten.csv`` through the generator's scale), one month, ``dtks wilayah --kode 12
--hanya-tabel`` on a LocalCluster of 1 and 2 workers, from a fresh data folder each run.

Inputs are generated once into ``data/bench/wilayah12_scale<S>/`` (git-ignored).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "data" / "bench"
MONTH = "2023-12"
SEED = 20231
PROVINSI = "12"


def province_codes(provinsi: str = PROVINSI) -> list[str]:
    """Kabupaten/kota codes of a province in ``penduduk_kabupaten.csv``."""
    path = ROOT / "dtks_analysis" / "data" / "penduduk_kabupaten.csv"
    with path.open(encoding="utf-8") as fh:
        return [r["kode"] for r in csv.DictReader(fh) if r["kode"].startswith(f"{provinsi}.")]


def province_sample(scale: float, codes: list[str] | None = None) -> tuple[Path, dict[str, int]]:
    """The data folder of a one-month province sample and the rows per kabupaten."""
    from dtks_analysis.synthetic import generate_wilayah

    codes = codes or province_codes()
    base = CACHE / f"wilayah{PROVINSI}_{len(codes)}kab_scale{scale:g}"
    done = base / ".complete"
    if not done.is_file():
        t0 = time.perf_counter()
        generate_wilayah(base, codes, [MONTH], scale=scale, seed=SEED, progress=False)
        done.write_text(f"{time.perf_counter() - t0:.1f}\n")
    rows = {
        k: json.loads((base / "truth" / k / MONTH / "summary.json").read_text())["baris"]
        for k in codes
    }
    return base, rows


def bench_wilayah(
    quick: bool, run_child: Callable[..., tuple[int, float, float, str]], fmt: Callable, load
) -> list[tuple[str, str, str, str]]:
    """Rows per second with 1 and 2 workers, each worker's peak memory, the duplicates' shuffle."""
    import sys

    scale, codes = (0.01, province_codes()[:3]) if quick else (0.05, province_codes())
    base, rows = province_sample(scale, codes)
    total = sum(rows.values())
    largest = max(rows, key=rows.get)
    out = [
        (
            "wilayah",
            "province sample",
            f"{total:,} rows",
            f"{len(codes)} kabupaten of province {PROVINSI} at scale {scale:g}; largest "
            f"{largest} {rows[largest]:,} rows",
        )
    ]
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="dtks-bench-wilayah-") as tmp:
            os.symlink(base / "raw", Path(tmp) / "raw")  # interim and corrections: fresh
            cmd = [sys.executable, "-m", "dtks_analysis", "wilayah", "--kode", PROVINSI]
            cmd += ["--month", MONTH, "--data-dir", tmp, "--out-dir", f"{tmp}/out"]
            cmd += ["--workers", str(workers), "--hanya-tabel", "-q"]
            rc, wall, _, _ = run_child(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
            rollup = Path(tmp) / "out" / PROVINSI / MONTH / "manifest.json"
            if not rollup.is_file():  # exit 1 with a rollup: some kabupaten failed, noted below
                out.append(("wilayah", f"{workers} worker(s)", "FAILED", f"exit code {rc}"))
                continue
            manifest = json.loads(rollup.read_text())
            engine: dict[str, Any] = manifest["engine"]
            failed = [k for k, v in manifest["kabupaten"].items() if v["keadaan"] != "selesai"]
            if failed:
                out.append(
                    (
                        "wilayah",
                        f"{workers} worker(s): kabupaten failed",
                        str(len(failed)),
                        f"{', '.join(failed)} (see the run's messages); their time still counted",
                    )
                )
            peaks = engine.get("memori_puncak_pekerja_mb", [])
            out += [
                ("wilayah", f"{workers} worker(s): wall, s", fmt(wall), f"load {load()}"),
                ("wilayah", f"{workers} worker(s): rows per second", f"{total / wall:,.0f}", ""),
                (
                    "wilayah",
                    f"{workers} worker(s): peak RSS per worker, MB",
                    ", ".join(f"{p:,.0f}" for p in peaks),
                    "bounded by the largest kabupaten, not the province",
                ),
                (
                    "wilayah",
                    f"{workers} worker(s): cross-kabupaten shuffle, s",
                    fmt(engine.get("detik_duplikat", float("nan"))),
                    "Dask DataFrame shuffle on NIK over every kabupaten's persons",
                ),
            ]
    return out
