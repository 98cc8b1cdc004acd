"""Ingest speed: ``read_month`` (calamine) vs ``pandas.read_excel(engine="openpyxl")``.

Usage: ``python bench/bench_ingest.py [--rows N] [--repeat R] [--skip-openpyxl]``

Writes one workbook of N synthetic person rows (default 150000, a large Dairi month) with
xlsxwriter into a temporary folder, then reports the median time of R runs (default 3) and
rows per second for each reader (wall clock, and CPU time of this process, which is not
inflated when other jobs share the machine), and their ratio. No real personal data is involved.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dtks_analysis.config import Settings  # noqa: E402
from dtks_analysis.intake.ingest import read_month  # noqa: E402

HEADER = [
    "ID DTKS",
    "PROVINSI",
    "KABUPATEN/KOTA",
    "KECAMATAN",
    "DESA/KELURAHAN",
    "ALAMAT",
    "DUSUN",
    "RT",
    "RW",
    "NOMOR KK",
    "NOMOR NIK",
    "NAMA",
    "TANGGAL LAHIR",
    "TEMPAT LAHIR",
    "JENIS KELAMIN",
    "NAMA IBU KANDUNG",
    "HUBUNGAN KELUARGA",
    "BPNT",
    "PBI-JKN",
    "PKH",
]


def write_workbook(path: Path, n: int, seed: int = 1) -> None:
    """A title row, a header on row 3 and ``n`` person rows (2% numeric-cell NIKs)."""
    rng = np.random.default_rng(seed)
    kk = 1211010101200001 + rng.integers(0, n // 3 + 1, n)
    nik = 1211014101800001 + np.arange(n)
    numeric_nik = rng.random(n) < 0.02
    hub = rng.integers(1, 5, n)
    flags = rng.integers(0, 2, (n, 3))
    wb = xlsxwriter.Workbook(path)  # shared strings, as Excel writes them
    ws = wb.add_worksheet("DTKS")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_string(0, 0, "DATA TERPADU KESEJAHTERAAN SOSIAL KABUPATEN DAIRI")
    ws.write_row(2, 0, HEADER)
    base = pd.Timestamp("1950-01-01")
    days = rng.integers(0, 25000, n)
    birth = (base + pd.to_timedelta(days, unit="D")).to_pydatetime()
    for i in range(n):
        r = i + 3
        ws.write_row(
            r,
            0,
            [
                f"DT{i // 3:08d}",
                "SUMATERA UTARA",
                "DAIRI",
                "SIDIKALANG",
                "KUTA GAMBIR",
                f"JL. MERDEKA NO {i % 200}",
                f"DUSUN {i % 5 + 1}",
                f"{i % 9 + 1:03d}",
                f"{i % 4 + 1:03d}",
                str(kk[i]),
            ],
        )
        if numeric_nik[i]:
            ws.write_number(r, 10, float(nik[i]))
        else:
            ws.write_string(r, 10, str(nik[i]))
        ws.write_string(r, 11, f"NAMA ORANG {i}")
        ws.write_datetime(r, 12, birth[i], date_fmt)
        ws.write_row(
            r,
            13,
            [
                "SIDIKALANG",
                "L" if i % 2 else "P",
                f"IBU {i % 1000}",
                int(hub[i]),
                int(flags[i, 0]),
                "Ya" if flags[i, 1] else "Tidak",
                int(flags[i, 2]),
            ],
        )
    wb.close()


def median_time(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall time, median CPU time of this process, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def _line(label: str, rows: int, wall: float, cpu: float, repeat: int) -> str:
    return (
        f"{label:<28} {wall:7.2f} s wall {rows / wall:>10,.0f} rows/s | "
        f"{cpu:7.2f} s CPU {rows / cpu:>10,.0f} rows/s (median of {repeat})"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-openpyxl", action="store_true", help="time only read_month")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        month = Path(tmp) / "2023-12"
        month.mkdir()
        path = month / "dairi.xlsx"
        t0 = time.perf_counter()
        write_workbook(path, args.rows)
        print(
            f"workbook: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB "
            f"(written in {time.perf_counter() - t0:.1f} s)"
        )
        settings = Settings(data_dir=Path(tmp))
        t_cal, c_cal, res = median_time(lambda: read_month(month, settings), args.repeat)
        assert len(res.records) == args.rows, len(res.records)
        print(_line("read_month (calamine):", args.rows, t_cal, c_cal, args.repeat))
        if args.skip_openpyxl:
            return 0
        t_opx, c_opx, df = median_time(
            lambda: pd.read_excel(path, engine="openpyxl", dtype=str, header=2), args.repeat
        )
        assert len(df) == args.rows, len(df)
        print(_line("read_excel (openpyxl, str):", args.rows, t_opx, c_opx, args.repeat))
        print(
            f"speed-up of read_month over openpyxl: {t_opx / t_cal:.1f}x wall, "
            f"{c_opx / c_cal:.1f}x CPU"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
