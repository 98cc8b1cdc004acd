"""Run every benchmark at fixed seeds and print one table of figures (``make bench``).

Usage: ``python bench/run_all.py [--quick] [--only NAME[,...]] [--skip NAME[,...]] [--out FILE]``

Benchmarks (``--only`` names):

``ingest``   a scale-1 synthetic month: ``ingest.read_month`` (calamine) against
             ``pandas.read_excel(engine="openpyxl")`` on the same files; rows per second.
``compute``  edit + validate + households + statistics + flows on 150 thousand, 1 million and
             5 million person rows read from Parquet (one process per run), against the floor
             (Parquet read + households per No KK group-by); peak resident memory.
``nik``      ``nik.parse_nik`` / ``parse_kk`` on one million values.
``naive``    the row-by-row baseline of ``bench/naive.py`` against the package.
``e2e``      ``python -m dtks_analysis report`` on a scale-1 month: total and per step
             (``manifest.json`` ``durations_s``), peak memory of the largest process.
``wilayah``  ``dtks wilayah --kode 12 --hanya-tabel`` on Sumatera Utara's 33 kabupaten (scale
             0.05, one month) with 1 and 2 Dask workers: rows per second, each worker's peak
             memory, the cross-kabupaten shuffle (``bench/bench_wilayah.py``).
``sample``   ``dtks sample`` of one scale-1 month in a fresh process (median of 3) and of six
             months (once), against the same cells written by xlsxwriter ``constant_memory``
             alone (floor) and by openpyxl (naive) (``bench/bench_sample.py``).
``fresh``    a clone of HEAD in a temporary folder: ``make setup`` / ``make sample`` /
             ``make report`` timed one phase each, pip's own time as the floor (long: minutes).
``tests``    ``make test-fast`` and ``make test`` (in the clone of ``fresh`` when it ran), with
             pytest's collection + worker start-up as the floor (long) (``bench/bench_fresh.py``).

After the table of every benchmark, a "Targets" table (``bench/targets.py``) gives each figure
of issue 16 beside its target, its floor and its naive baseline from the same run, with the
machine load (load average and running processes) at the start and end of its benchmark.

Figures are medians of several runs; the table gives the date, the machine's cores and memory,
and the load average around each benchmark (the machine may be shared: CPU seconds are given
beside wall seconds where they matter). Inputs are generated once into ``data/bench/``
(git-ignored). The table is also written to ``bench/results/latest.md``.
``--quick`` uses tiny sizes and one run each (for the smoke test); its figures mean nothing.
In ``--quick``, ``fresh`` reuses this interpreter (no new environment) on a tiny sample and
``tests`` times only the collection floor of ``make test-fast``; the rows say so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import bench_fresh  # noqa: E402
import bench_sample  # noqa: E402
import harness  # noqa: E402
import targets  # noqa: E402

Row = tuple[str, str, str, str]  # benchmark, measure, value, note


# -- helpers ---------------------------------------------------------------------------
def median_runs(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``runs`` calls of ``fn``, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def run_child(
    cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[int, float, float, str]:
    """Run ``cmd``; return (exit code, wall s, peak RSS MB of the process, stdout); peak from
    :func:`harness.run_timed`'s small launcher, so this process's own size is not in it."""
    r = harness.run_timed(cmd, cwd, env)
    return r["rc"], r["wall"], r["peak_mb"], r["stdout"]


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def mem_available_gb() -> float:
    """MemAvailable from /proc/meminfo (GB); inf when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("inf")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024**2:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def fmt(x: float, digits: int = 2) -> str:
    return f"{x:,.{digits}f}"


# -- benchmarks ---------------------------------------------------------------------------
def bench_ingest(quick: bool) -> list[Row]:
    """calamine (``read_month``) vs openpyxl on the files of a synthetic month."""
    import benchdata
    import pandas as pd

    from dtks_analysis.config import Settings
    from dtks_analysis.intake import ingest

    scale, runs = (0.05, 1) if quick else (1.0, 3)
    raw = benchdata.sample_month(scale)
    month = raw / benchdata.MONTH
    settings = Settings(data_dir=raw.parent, raw_dir=raw)
    files = sorted(p for p in month.rglob("*") if p.suffix in (".xlsx", ".csv"))
    others = sorted(
        p for p in month.rglob("*") if p.is_file() and p.suffix not in (".xlsx", ".csv", ".yaml")
    )

    def with_openpyxl() -> int:
        n = 0
        for p in files:
            if p.suffix == ".csv":
                n += len(pd.read_csv(p, dtype=str))
            else:
                sheets = pd.read_excel(p, engine="openpyxl", dtype=str, sheet_name=None)
                n += sum(len(s) for s in sheets.values())
        return n

    t_cal, c_cal, res = median_runs(lambda: ingest.read_month(month, settings), runs)
    t_opx, c_opx, _ = median_runs(with_openpyxl, runs)
    rows = len(res.records)
    harness.FIG["ingest"] = {"calamine": t_cal, "openpyxl": t_opx}
    note = f"{len(files)} files ({sum(p.suffix == '.xlsx' for p in files)} xlsx), median of {runs}"
    if others:
        note += f"; {len(others)} other files read by calamine only"
    return [
        ("ingest", "rows in the month", f"{rows:,}", f"scale {scale:g}, seed {benchdata.SEED}"),
        ("ingest", "calamine read_month, s", fmt(t_cal), f"CPU {fmt(c_cal)} s; {note}"),
        ("ingest", "calamine rows/s", f"{rows / t_cal:,.0f}", f"CPU {rows / c_cal:,.0f}/s"),
        ("ingest", "openpyxl read_excel, s", fmt(t_opx), f"CPU {fmt(c_opx)} s; CSV via read_csv"),
        ("ingest", "openpyxl rows/s", f"{rows / t_opx:,.0f}", ""),
        (
            "ingest",
            "speed-up calamine / openpyxl",
            f"{t_opx / t_cal:.1f}x",
            f"CPU {c_opx / c_cal:.1f}x",
        ),
    ]


COMPUTE_STAGES = ("clean", "validate", "households", "statistics", "flows")


def bench_compute(quick: bool) -> list[Row]:
    """Compute stages per size, each run in a fresh process."""
    import benchdata

    plan = [(20_000, 1)] if quick else [(150_000, 3), (1_000_000, 3), (5_000_000, 1)]
    out: list[Row] = []
    for n, runs in plan:
        need_gb = 2.0 * n / 1e6 + 1
        if mem_available_gb() < need_gb:
            out.append(
                ("compute", f"{n:,} rows", "skipped", f"needs ~{need_gb:.0f} GB; less is free")
            )
            continue
        path = benchdata.records_parquet(n)
        results = []
        for _ in range(runs):
            rc, _wall, peak, text = run_child(
                [sys.executable, str(BENCH / "compute_worker.py"), str(path)]
            )
            if rc:
                out.append(("compute", f"{n:,} rows", "FAILED", f"exit code {rc}"))
                break
            r = json.loads(text.strip().splitlines()[-1])
            r["peak_child_mb"] = r["peak_rss_mb"]  # VmHWM: wait4's figure includes the parent's
            results.append(r)
        if not results:
            continue

        def med(get: Callable[[dict], float], rs: list[dict] = results) -> float:
            return statistics.median(get(r) for r in rs)

        label = f"{n / 1e6:g}M" if n >= 1e6 else f"{n / 1e3:g}k"
        note = f"median of {len(results)}, load {load()}"
        comp, comp_cpu = med(lambda r: r["compute_s"]), med(lambda r: r["compute_cpu_s"])
        floor, floor_cpu = med(lambda r: r["floor_s"]), med(lambda r: r["floor_cpu_s"])
        peak = med(lambda r: r["peak_child_mb"])
        base = med(lambda r: r["base_rss_mb"])
        harness.FIG.setdefault("compute", {})[n] = {
            "wall": comp,
            "cpu": comp_cpu,
            "floor": floor,
            "floor_cpu": floor_cpu,
            "peak_mb": peak,
            "table_mb": med(lambda r: r.get("table_mb", float("nan"))),
        }
        for s in ("read_parquet", "groupby_no_kk", *COMPUTE_STAGES):
            w = med(lambda r, s=s: r["seconds"][s])
            c = med(lambda r, s=s: r["cpu_seconds"][s])
            out.append(("compute " + label, f"{s}, s", fmt(w), f"CPU {fmt(c)} s"))
        out += [
            (
                "compute " + label,
                "compute stages total, s",
                fmt(comp),
                f"CPU {fmt(comp_cpu)} s; {note}",
            ),
            (
                "compute " + label,
                "compute rows/s",
                f"{n / comp:,.0f}",
                f"CPU {n / comp_cpu:,.0f}/s",
            ),
            (
                "compute " + label,
                "floor (read + group-by), s",
                fmt(floor),
                f"CPU {fmt(floor_cpu)} s",
            ),
            (
                "compute " + label,
                "ratio compute / floor",
                f"{comp / floor:.1f}x",
                f"CPU {comp_cpu / floor_cpu:.1f}x; target <= 3x",
            ),
            (
                "compute " + label,
                "peak RSS, MB",
                f"{peak:,.0f}",
                f"{peak / (n / 1e6):,.0f} MB per million rows ({(peak - base) / (n / 1e6):,.0f} "
                f"above the {base:,.0f} MB of interpreter and libraries); target <= 1,000",
            ),
            (
                "compute " + label,
                "Parquet-read table (deep), MB",
                f"{harness.FIG['compute'][n]['table_mb']:,.0f}",
                "the memory floor: the records as read, before any stage",
            ),
            (
                "compute " + label,
                "households / findings",
                f"{results[0]['households']:,} / {results[0]['findings']:,}",
                "",
            ),
        ]
    return out


def bench_nik(quick: bool) -> list[Row]:
    """parse_nik / parse_kk on one million values (median of 5)."""
    from bench_nik import make_ids

    from dtks_analysis.editing.nik import parse_kk, parse_nik

    n, runs = (20_000, 1) if quick else (1_000_000, 5)
    out: list[Row] = []
    for name, fn, values in (
        ("parse_nik", parse_nik, make_ids(n, seed=1, women=True)),
        ("parse_kk", parse_kk, make_ids(n, seed=2, women=False)),
    ):
        w, c, _ = median_runs(lambda fn=fn, v=values: fn(v, reference_date="2024-01-31"), runs)
        out.append(
            (
                "nik",
                f"{name} {n:,} values, s",
                f"{w:.3f}",
                f"CPU {c:.3f} s, {n / w:,.0f}/s, median of {runs}; target < 1 s per million",
            )
        )
    return out


def bench_naive(quick: bool) -> list[Row]:
    """Row-by-row baseline (bench/naive.py) against the package's vectorized code."""
    import naive
    import numpy as np
    from bench_compute import REF, synthetic_persons
    from bench_nik import make_ids

    from dtks_analysis.counting.households import build_households
    from dtks_analysis.editing.nik import parse_nik

    n_nik, n_hh, runs = (20_000, 20_000, 1) if quick else (1_000_000, 150_000, 3)
    ids = make_ids(n_nik, seed=1)
    t_naive, _, reasons = median_runs(lambda: naive.check_all(ids.tolist(), 2024), runs)
    t_vec, _, parsed = median_runs(lambda: parse_nik(ids, reference_date="2024-01-31"), runs)
    agree = float(np.mean(np.array([r is None for r in reasons]) == parsed["valid"].to_numpy()))
    persons = synthetic_persons(n_hh, seed=1)
    h_naive, _, hh_naive = median_runs(lambda: naive.households(persons, REF), runs)
    h_vec, _, hh = median_runs(
        lambda: build_households(persons, REF, umur_maks=110, kunci_rumah_tangga="no_kk"), runs
    )
    harness.FIG["naive"] = {"nik_s": t_naive, "nik_n": n_nik, "hh_s": h_naive, "hh_n": n_hh}
    same = len(hh_naive) == len(hh) and int(hh["jiwa"].sum()) == sum(
        h["jiwa"] for h in hh_naive.values()
    )
    return [
        ("naive", f"NIK check {n_nik:,} values, row by row, s", fmt(t_naive), f"median of {runs}"),
        (
            "naive",
            "NIK check, parse_nik, s",
            fmt(t_vec, 3),
            f"same valid flag on {agree:.1%} of values",
        ),
        ("naive", "NIK speed-up", f"{t_naive / t_vec:.0f}x", ""),
        ("naive", f"households {n_hh:,} persons, dict of lists, s", fmt(h_naive), ""),
        (
            "naive",
            "households, build_households, s",
            fmt(h_vec, 3),
            f"{len(hh):,} households; same count and persons: {same}",
        ),
        ("naive", "households speed-up", f"{h_naive / h_vec:.0f}x", ""),
    ]


E2E_STEPS = {
    "siapkan_data": "ingest + clean + validate + households + worklists + interim Parquet",
    "tabel": "published tables",
    "csv_xlsx": "CSV and XLSX",
    "notebook_01": "intake and quality notebook (papermill)",
    "notebook_02": "report notebook (papermill)",
    "html": "HTML (nbconvert)",
    "pdf": "PDF (headless Chromium)",
}


def bench_e2e(quick: bool) -> list[Row]:
    """``dtks report`` on a one-month sample, in a fresh data folder each run."""
    import benchdata

    scale, runs = (0.05, 1) if quick else (1.0, 3)
    raw = benchdata.sample_month(scale)
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="dtks-bench-") as tmp:
            shutil.copytree(raw / benchdata.MONTH, Path(tmp) / "raw" / benchdata.MONTH)
            cmd = [sys.executable, "-m", "dtks_analysis", "report", "-q"]
            cmd += ["--raw-dir", f"{tmp}/raw", "--out-dir", f"{tmp}/out"]
            rc, wall, peak, _ = run_child(cmd, cwd=ROOT)
            if rc:
                return [("e2e", "dtks report", "FAILED", f"exit code {rc}")]
            manifest = json.loads(
                (Path(tmp) / "out" / benchdata.MONTH / "manifest.json").read_text()
            )
            results.append((wall, peak, manifest["durations_s"], manifest.get("side_steps", [])))
    total = statistics.median(r[0] for r in results)
    # the floor: interpreter + package import + reading the month's files, same runs
    floors = [
        harness.run_timed(
            [sys.executable, str(BENCH / "e2e_floor.py"), str(raw), benchdata.MONTH],
            ROOT,
            {**harness.clean_env(), "PYTHONPATH": str(ROOT)},
        )
        for _ in range(runs)
    ]
    ok = [f for f in floors if not f["rc"]]
    floor = statistics.median(f["wall"] for f in ok) if ok else None
    floor_cpu = statistics.median(f["cpu"] for f in ok) if ok else float("nan")
    harness.FIG["e2e"] = {"total": total, "floor": floor, "runs": runs, "scale": scale}
    out: list[Row] = [
        (
            "e2e",
            "total (process wall), s",
            fmt(total),
            f"scale {scale:g} month, median of {runs}, {harness.load_info()}; target <= 15 s",
        ),
        (
            "e2e",
            "floor: interpreter + import + read_month, s",
            fmt(floor) if floor is not None else "FAILED",
            f"CPU {fmt(floor_cpu)} s; bench/e2e_floor.py, fresh process, median of {runs}",
        ),
    ]
    steps = [s for s in E2E_STEPS if s in results[0][2]]
    steps += [s for s in results[0][2] if s not in steps]
    side = set(results[0][3])
    timed = 0.0
    for step in steps:
        v = statistics.median(r[2].get(step, float("nan")) for r in results)
        note = E2E_STEPS.get(step, "")
        if step in side:  # ran in a side process while the main one went on: not in the rest
            note = "; ".join(x for x in (note, "side process, beside the steps above") if x)
        else:
            timed += v
        out.append(("e2e", f"{step}, s", fmt(v), note))
    out.append(
        (
            "e2e",
            "rest, s",
            fmt(total - timed),
            "total minus the main process's steps: start-up, the final personal-data check, "
            "publication",
        )
    )
    peak = statistics.median(r[1] for r in results)
    out.append(("e2e", "peak RSS of the largest process, MB", f"{peak:,.0f}", ""))
    return out


def bench_wilayah(quick: bool) -> list[Row]:
    """The province benchmark of ``bench/bench_wilayah.py`` (issue 15)."""
    import bench_wilayah as bw

    return bw.bench_wilayah(quick, run_child, fmt, load)


BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {
    "ingest": bench_ingest,
    "compute": bench_compute,
    "nik": bench_nik,
    "naive": bench_naive,
    "e2e": bench_e2e,
    "wilayah": bench_wilayah,
    "sample": bench_sample.bench_sample,
    "fresh": bench_fresh.bench_fresh,
    "tests": bench_fresh.bench_tests,
}


# benchmarks that launch processes first (peak RSS no longer depends on it: see run_child);
# ``tests`` right after ``fresh``: it runs in the fresh clone when there is one
RUN_ORDER: tuple[str, ...] = (
    "e2e",
    "wilayah",
    "compute",
    "sample",
    "fresh",
    "tests",
    "ingest",
    "nik",
    "naive",
)


def table(rows: list[Row], header: str) -> str:
    """A Markdown table of the rows under a header."""
    lines = [header, "", "| benchmark | measure | value | note |", "|---|---|---:|---|"]
    lines += [f"| {b} | {m} | {v} | {n} |" for b, m, v, n in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, one run (smoke test)")
    ap.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    ap.add_argument("--skip", help="comma-separated benchmarks to leave out (e.g. fresh,tests)")
    ap.add_argument("--out", type=Path, default=BENCH / "results" / "latest.md")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    skip = args.skip.split(",") if args.skip else []
    unknown = [n for n in names + skip if n not in BENCHMARKS]
    if unknown:
        ap.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    names = [n for n in names if n not in skip]

    started = datetime.now(UTC)
    results: dict[str, list[Row]] = {}
    try:
        for name in sorted(names, key=RUN_ORDER.index):
            before = harness.load_info()
            t0 = time.perf_counter()
            print(f"[bench] {name} ... ({before})", file=sys.stderr, flush=True)
            results[name] = BENCHMARKS[name](args.quick)
            harness.LOADS[name] = (before, harness.load_info())
            results[name].append(
                (name, "machine load at start / end", "", "; ".join(harness.LOADS[name]))
            )
            print(
                f"[bench] {name}: {time.perf_counter() - t0:.0f} s ({harness.load_info()})",
                file=sys.stderr,
                flush=True,
            )
    finally:
        bench_fresh.cleanup()
    header = (
        f"## Benchmarks {started:%Y-%m-%d %H:%M} UTC{' (--quick: sizes too small to mean anything)' if args.quick else ''}\n\n"
        f"Machine: {machine()}. At the end: {harness.load_info()}."
    )
    rows = [row for name in BENCHMARKS if name in results for row in results[name]]
    text = table(rows, header) + "\n" + targets.targets_table(args.quick)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
