"""The ``sample`` benchmark: ``dtks sample`` of one scale-1 month in a fresh process (median of 3)
and of six months (once), against a floor and a naive baseline measured in the same run on the
cells of the month just written:

* floor: the same cells written with xlsxwriter's ``constant_memory`` mode alone (CSV files with
  the ``csv`` module), i.e. what remains when generating the people costs nothing;
* naive: the same cells written with openpyxl's default (in-memory) workbook.

The cells are read back with python-calamine before the timing starts.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2023-12"
SIX = "2023-07..2023-12"
SEED = 20231

Row = tuple[str, str, str, str]


def _sample_cmd(out: Path, months: str, scale: float) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dtks_analysis",
        "sample",
        "--out",
        str(out),
        "--months",
        months,
        "--scale",
        f"{scale:g}",
        "--seed",
        str(SEED),
        "-q",
    ]


def read_cells(raw_month: Path) -> list[tuple[str, dict[str, list[list[Any]]]]]:
    """Every sheet's rows of every workbook and CSV file of a month, by relative path."""
    import python_calamine as pcal

    files: list[tuple[str, dict[str, list[list[Any]]]]] = []
    for p in sorted(raw_month.rglob("*")):
        rel = str(p.relative_to(raw_month))
        if p.suffix == ".xlsx":
            wb = pcal.CalamineWorkbook.from_path(str(p))
            files.append((rel, {s: wb.get_sheet_by_name(s).to_python() for s in wb.sheet_names}))
        elif p.suffix == ".csv":
            with p.open(newline="", encoding="utf-8") as fh:
                files.append((rel, {"": list(csv.reader(fh))}))
    return files


def _write_csv(path: Path, rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def write_xlsxwriter(files: list, out: Path) -> None:
    """The floor: the same cells, xlsxwriter ``constant_memory`` (CSV with ``csv``)."""
    import xlsxwriter

    for i, (rel, sheets) in enumerate(files):
        if rel.endswith(".csv"):
            _write_csv(out / f"{i}.csv", sheets[""])
            continue
        wb = xlsxwriter.Workbook(str(out / f"{i}.xlsx"), {"constant_memory": True})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name[:31])
            for r, row in enumerate(rows):
                ws.write_row(r, 0, row)
        wb.close()


def write_openpyxl(files: list, out: Path) -> None:
    """The naive baseline: the same cells through openpyxl's in-memory workbook."""
    from openpyxl import Workbook

    for i, (rel, sheets) in enumerate(files):
        if rel.endswith(".csv"):
            _write_csv(out / f"{i}.csv", sheets[""])
            continue
        wb = Workbook()
        wb.remove(wb.active)
        for name, rows in sheets.items():
            ws = wb.create_sheet(name[:31])
            for row in rows:
                ws.append(row)
        wb.save(out / f"{i}.xlsx")


def _timed(fn, *args: Any) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0


def bench_sample(quick: bool) -> list[Row]:
    """One month (median of ``runs``), six months once, floor and naive writers."""
    scale, runs = (0.05, 1) if quick else (1.0, 3)
    env = {**harness.clean_env(), "PYTHONPATH": str(ROOT)}
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dtks-bench-sample-") as tmp:
        results = []
        for i in range(runs):
            r = harness.run_timed(_sample_cmd(Path(tmp) / f"m{i}", MONTH, scale), ROOT, env)
            if r["rc"]:
                return [("sample", "dtks sample, one month", "FAILED", f"exit code {r['rc']}")]
            results.append(r)
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        peak = statistics.median(r["peak_mb"] for r in results)
        files = read_cells(Path(tmp) / "m0" / "raw" / MONTH)
        cells = sum(len(row) for _, sheets in files for rows in sheets.values() for row in rows)
        persons = sum(len(rows) for _, sheets in files for rows in sheets.values())
        (Path(tmp) / "floor").mkdir()
        (Path(tmp) / "naive").mkdir()
        f_wall, f_cpu = _timed(write_xlsxwriter, files, Path(tmp) / "floor")
        n_wall, n_cpu = _timed(write_openpyxl, files, Path(tmp) / "naive")
        harness.FIG["sample"] = {
            "wall": wall,
            "cpu": cpu,
            "scale": scale,
            "floor": f_wall,
            "floor_cpu": f_cpu,
            "naive": n_wall,
            "naive_cpu": n_cpu,
        }
        label = f"scale {scale:g}"
        out += [
            (
                "sample",
                f"dtks sample, one {label} month, s",
                f"{wall:.2f}",
                f"CPU {cpu:.2f} s; peak RSS {peak:,.0f} MB; fresh process, median of {runs}; "
                f"{harness.load_info()}; target <= 4 s",
            ),
            (
                "sample",
                "cells written (all files of the month)",
                f"{cells:,}",
                f"{len(files)} files, {persons:,} rows with headers",
            ),
            (
                "sample",
                "floor: same cells, xlsxwriter constant_memory, s",
                f"{f_wall:.2f}",
                f"CPU {f_cpu:.2f} s; CSV files with the csv module",
            ),
            (
                "sample",
                "naive: same cells, openpyxl workbook, s",
                f"{n_wall:.2f}",
                f"CPU {n_cpu:.2f} s; CSV files with the csv module",
            ),
        ]
        if quick:
            print("[bench] sample: six months skipped (--quick)", file=sys.stderr)
            out.append(("sample", "six months", "skipped", "--quick"))
            return out
        r = harness.run_timed(_sample_cmd(Path(tmp) / "six", SIX, scale), ROOT, env)
        value = f"{r['wall']:.2f}" if not r["rc"] else "FAILED"
        harness.FIG["sample"]["six"] = r["wall"] if not r["rc"] else None
        out.append(
            (
                "sample",
                f"dtks sample, six {label} months ({SIX}), s",
                value,
                f"CPU {r['cpu']:.2f} s; peak RSS {r['peak_mb']:,.0f} MB; once; "
                f"{harness.load_info()}",
            )
        )
    return out
