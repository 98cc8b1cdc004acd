"""The "Targets" table printed at the end of every ``make bench`` run (issue 16): one row per
figure of the issue, measured beside its target, the floor and the naive baseline of the same
run, and the machine load while it was measured. Figures come from ``harness.FIG``; a figure
whose benchmark did not run says so.
"""

from __future__ import annotations

import os
from typing import Any

import harness

HEADER = "| figure | measured | target | met? | floor | naive baseline | note |"
RULE = "|---|---|---|---|---|---|---|"


def _not_run(name: str, target: str) -> tuple[str, ...]:
    """The row of a figure whose benchmark did not run."""
    return (name, "not run", target, "–", "", "", "")


def _met(ok: bool | None, quick: bool) -> str:
    if quick:
        return "– (--quick)"
    return "–" if ok is None else ("yes" if ok else "**no**")


def _busy(bench: str) -> str:
    """A warning when the 1-min load average at the start of ``bench`` exceeded the cores: the
    wall figures are then inflated by other jobs. (The load at the end includes the
    benchmark's own processes, e.g. ``make test``'s workers, browsers and kernels: not a sign
    of other jobs.)"""
    loads = []
    for text in harness.LOADS.get(bench, ())[:1]:
        try:
            loads.append(float(text.split()[1].split("/")[0]))
        except (IndexError, ValueError):
            continue
    cores = os.cpu_count() or 1
    if loads and max(loads) > cores:
        return (
            f"**busy machine** (load {max(loads):.1f} > {cores} cores): wall inflated by other jobs"
        )
    return ""


def _note(bench: str, extra: str = "", timed: bool = True) -> str:
    """The note of a figure: busy-machine warning (for times), ``extra``, load at start / end."""
    busy = _busy(bench) if timed else ""
    return "; ".join(x for x in (busy, extra, harness.load_note(bench)) if x)


def _compute(quick: bool) -> list[tuple[str, ...]]:
    """The compute ratio and the memory per million rows (at 1M rows, else the largest size)."""
    runs: dict[int, dict[str, Any]] = harness.FIG.get("compute", {})
    if not runs:
        return [
            _not_run("compute stages at 1M person rows / floor", "<= 3x"),
            _not_run("peak memory per million rows (compute)", "<= 1 GB"),
        ]
    n = 1_000_000 if 1_000_000 in runs else max(runs)
    r = runs[n]
    size = "" if n == 1_000_000 else f"at {n:,} rows; "
    naive = harness.FIG.get("naive")
    if naive:
        scaled = naive["nik_s"] * n / naive["nik_n"] + naive["hh_s"] * n / naive["hh_n"]
        naive_txt = f"{scaled:.1f} s (row-by-row NIK check + dict-of-lists households, scaled)"
    else:
        naive_txt = "not run (`naive`)"
    ratio = r["wall"] / r["floor"]
    per_m = r["peak_mb"] / (n / 1e6) / 1000
    table = r.get("table_mb")
    return [
        (
            "compute stages at 1M person rows / floor",
            f"{r['wall']:.2f} s / {r['floor']:.2f} s = {ratio:.1f}x",
            "<= 3x",
            _met(ratio <= 3, quick),
            f"{r['floor']:.2f} s (Parquet read + one group-by)",
            naive_txt,
            _note(
                "compute",
                f"{size}wall; CPU {r['cpu']:.2f} s / {r['floor_cpu']:.2f} s = "
                f"{r['cpu'] / r['floor_cpu']:.1f}x",
            ),
        ),
        (
            "peak memory per million rows (compute)",
            f"{per_m:.2f} GB",
            "<= 1 GB",
            _met(per_m <= 1, quick),
            f"{table / (n / 1e6) / 1000:.2f} GB (the Parquet-read table itself)"
            if table
            else "n/a",
            "n/a",
            _note("compute", f"{size}peak RSS (VmHWM) {r['peak_mb']:,.0f} MB", timed=False),
        ),
    ]


def _e2e(quick: bool) -> tuple[str, ...]:
    e = harness.FIG.get("e2e")
    name = "end-to-end scale-1 month (`bench e2e`)"
    if not e:
        return _not_run(name, "<= 15 s")
    ing = harness.FIG.get("ingest")
    if ing:
        est = e["total"] + ing["openpyxl"] - ing["calamine"]
        naive = f"~{est:.1f} s (estimate: the same report with openpyxl ingest, from `ingest`)"
    else:
        naive = "not run (`ingest`)"
    floor = e.get("floor")
    return (
        name,
        f"{e['total']:.2f} s",
        "<= 15 s",
        _met(e["total"] <= 15, quick),
        f"{floor:.2f} s (interpreter + package import + reading the month)" if floor else "n/a",
        naive,
        _note("e2e", f"median of {e['runs']}"),
    )


def _fresh() -> tuple[str, ...]:
    f = harness.FIG.get("fresh")
    name = "first `make report` on a fresh clone"
    if not f:
        return _not_run(name, "<= 3 min")
    ph = f["phases"]
    pip = f.get("pip")
    return (
        name,
        harness.mmss(f["total"]),
        "<= 3 min",
        _met(f["total"] <= 180, f["quick"]),
        f"{pip:.0f} s (pip alone)" if pip is not None else "n/a (no pip: --quick)",
        "n/a",
        _note(
            "fresh",
            f"CPU {f['cpu']:.0f} s; setup {ph['setup']:.0f} s, sample {ph['sample']:.0f} s, "
            f"report {ph['report']:.0f} s"
            + (
                "; pip cache and wheel sources reused"
                if not f["quick"]
                else "; --quick: tiny sample, no setup"
            ),
        ),
    )


def _sample(quick: bool) -> tuple[str, ...]:
    s = harness.FIG.get("sample")
    name = "`dtks sample`, one scale-1 month"
    if not s:
        return _not_run(name, "<= 4 s")
    six = s.get("six")
    return (
        name,
        f"{s['wall']:.2f} s",
        "<= 4 s",
        _met(s["wall"] <= 4, quick),
        f"{s['floor']:.2f} s, CPU {s.get('floor_cpu', float('nan')):.2f} s "
        "(same cells, xlsxwriter constant_memory)",
        f"{s['naive']:.2f} s, CPU {s.get('naive_cpu', float('nan')):.2f} s (same cells, openpyxl)",
        _note(
            "sample",
            f"CPU {s['cpu']:.2f} s, scale {s['scale']:g}"
            + (f"; six months {six:.1f} s" if six else ""),
        ),
    )


def _tests() -> tuple[str, ...]:
    t = harness.FIG.get("tests")
    name = "`make test` on the 2-core machine"
    target = "<= 3 min; test-fast < 1 min"
    if not t:
        return _not_run(name, target)
    full, fast = t.get("test"), t.get("test-fast")
    measured = "; ".join(
        f"{label} {harness.mmss(v)}"
        for label, v in (("test", full), ("test-fast", fast))
        if v is not None
    )
    ok = None
    if full is not None and fast is not None:
        ok = full <= 180 and fast < 60 and not t.get("test_rc") and not t.get("test-fast_rc")
    floors = "; ".join(
        f"{label} {t[key]:.0f} s"
        for label, key in (("test", "test_floor"), ("test-fast", "test-fast_floor"))
        if t.get(key) is not None
    )
    return (
        name,
        measured or "skipped",
        target,
        _met(ok, t["quick"]),
        f"{floors} (collection + worker start-up)" if floors else "n/a",
        "n/a",
        _note(
            "tests",
            "; ".join(
                f"make {k}: CPU {t[k + '_cpu']:.0f} s, exit code {t[k + '_rc']}"
                for k in ("test", "test-fast")
                if k + "_rc" in t
            ),
        ),
    )


def targets_table(quick: bool) -> str:
    """The Markdown "Targets" table of this run."""
    rows = [*_compute(quick), _e2e(quick), _fresh(), _sample(quick), _tests()]
    lines = ["## Targets (issue 16)", "", HEADER, RULE]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"
