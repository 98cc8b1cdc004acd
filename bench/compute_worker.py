"""One run of the compute stages on a Parquet file of ingested records, in its own process.

Usage: ``python bench/compute_worker.py RECORDS.parquet [--profile OUT.html]``. Prints one JSON
line: seconds per stage, the floor (Parquet read + households per No KK group-by), and the
peak resident memory of this process after each stage (``ru_maxrss``, the honest figure).
Wall and CPU seconds are both given: on a shared machine CPU time is the steadier figure.

The stages mirror ``pipeline.prepare_month`` (clean -> validate -> households, without the
Excel reading and the file writing) and ``pipeline.build_tables`` (non-response, statistics,
flows, disclosure). The previous month for the flows is this month's households with about 3%
of the households left out and 5% of the program flags switched (fixed seed), built outside
the timed stages.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdata import MONTH, read_records  # noqa: E402

from dtks_analysis.config import Settings, month_end  # noqa: E402
from dtks_analysis.counting import disclosure, flows, households, nonresponse, stats
from dtks_analysis.editing import clean, rules, validate


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    ``VmHWM`` of /proc/self/status where available: ``ru_maxrss`` survives ``execve`` on Linux,
    so it would start at the size of the parent process that launched this one.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def previous_households(hh: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """A plausible previous month: 3% of households absent, 5% of program flags switched."""
    rng = np.random.default_rng(seed)
    prev = hh.loc[rng.random(len(hh)) >= 0.03].copy()
    for prog in households.PROGRAMS:
        flip = rng.random(len(prev)) < 0.05
        prev[prog] = prev[prog].to_numpy(dtype=bool) ^ flip
    return prev.reset_index(drop=True)


def run(path: Path) -> dict[str, Any]:
    """Time every stage once; return the figures."""
    settings = Settings()
    ref = month_end(MONTH)
    base_mb = rss_mb()  # interpreter and libraries, before any data
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    peak: dict[str, float] = {}

    def stage(name: str, fn: Callable[[], Any]) -> Any:
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        seconds[name] = time.perf_counter() - t0
        cpu[name] = time.process_time() - c0
        peak[name] = rss_mb()
        return out

    records = stage("read_parquet", lambda: read_records(path))
    stage("groupby_no_kk", lambda r=records: r.groupby("no_kk", sort=False).size())
    # the memory floor: the Parquet-read table's own memory (measured outside the stages)
    table_mb = float(records.memory_usage(deep=True).sum()) / 1024**2
    cleaned = stage("clean", lambda r=records: clean.clean_records(r, settings))
    del records
    checked = stage("validate", lambda: validate.validate(cleaned, settings, reference_date=ref))
    hh = stage(
        "households",
        lambda: households.build_households(
            checked.persons, ref, umur_maks=110, kunci_rumah_tangga="no_kk"
        ),
    )

    prev_hh = previous_households(hh)
    villages = set(checked.persons["kode_desa"].dropna())

    def stats_stage() -> pd.DataFrame:
        adj, _nonresp = nonresponse.adjust(hh, prev_hh, villages)
        stats.rekap_kecamatan(adj, "12.11")
        stats.kombinasi_program(adj)
        stats.cakupan_program(adj, "12.11")
        stats.ukuran_rumah_tangga(adj)
        stats.jk_kepala(adj)
        stats.struktur_umur(checked.persons, ref, umur_maks=110)
        stats.kualitas_data(checked.findings, rules.rules_table(settings.kabupaten_nama))
        desa = stats.rekap_desa(adj, "12.11")
        disclosure.suppress(desa, list(stats.MEASURES), min_cell=settings.min_cell)
        return adj

    adj = stage("statistics", stats_stage)

    def flows_stage() -> None:
        prev_adj, _ = nonresponse.adjust(prev_hh, None, villages)
        flows.arus_program(prev_adj, adj)
        flows.tren_bulanan({"2023-11": prev_adj, MONTH: adj})

    stage("flows", flows_stage)
    compute = ("clean", "validate", "households", "statistics", "flows")
    return {
        "rows": len(cleaned),
        "households": len(hh),
        "findings": len(checked.findings),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak,
        "compute_s": sum(seconds[s] for s in compute),
        "compute_cpu_s": sum(cpu[s] for s in compute),
        "floor_s": seconds["read_parquet"] + seconds["groupby_no_kk"],
        "floor_cpu_s": cpu["read_parquet"] + cpu["groupby_no_kk"],
        "peak_rss_mb": rss_mb(),
        "base_rss_mb": base_mb,
        "table_mb": table_mb,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records", type=Path)
    ap.add_argument("--profile", type=Path, help="write a pyinstrument HTML profile here")
    args = ap.parse_args(argv)
    if args.profile:
        from pyinstrument import Profiler

        prof = Profiler(interval=0.005)
        prof.start()
        out = run(args.records)
        prof.stop()
        args.profile.write_text(prof.output_html())
        print(prof.output_text(unicode=False, color=False), file=sys.stderr)
    else:
        out = run(args.records)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
