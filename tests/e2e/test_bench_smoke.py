"""Keep ``bench/run_all.py`` working: run two cheap benchmarks at tiny size (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_run_all_quick_prints_the_table(tmp_path: Path) -> None:
    out = tmp_path / "latest.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_all.py"), "--quick", "--only", "nik,naive"]
        + ["--skip", "nik", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| benchmark | measure | value | note |" in proc.stdout
    assert "cores" in proc.stdout
    for measure in ("NIK speed-up", "households speed-up", "machine load at start / end"):
        assert measure in proc.stdout
    assert "parse_kk" not in proc.stdout  # --skip nik
    assert "## Targets (issue 16)" in proc.stdout
    assert "| `make test` on the 2-core machine | not run |" in proc.stdout
    assert out.read_text(encoding="utf-8") in proc.stdout  # the same table is written


def test_run_all_rejects_an_unknown_benchmark() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_all.py"), "--quick", "--only", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode != 0
    assert "unknown benchmark" in proc.stderr


def test_targets_table_sets_each_figure_beside_its_target() -> None:
    """The Targets table of ``bench/targets.py`` from hand-made figures (no benchmark runs)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import harness
        import targets
    finally:
        sys.path.remove(str(ROOT / "bench"))
    saved = dict(harness.FIG), dict(harness.LOADS)
    harness.FIG.clear()
    harness.FIG.update(
        compute={
            1_000_000: {
                "wall": 3.3,
                "cpu": 3.3,
                "floor": 1.0,
                "floor_cpu": 1.2,
                "peak_mb": 900.0,
                "table_mb": 400.0,
            }
        },
        naive={"nik_s": 1.5, "nik_n": 1_000_000, "hh_s": 2.0, "hh_n": 150_000},
        e2e={"total": 14.0, "floor": 4.0, "runs": 3, "scale": 1.0},
        sample={
            "wall": 4.5,
            "cpu": 4.4,
            "scale": 1.0,
            "floor": 2.0,
            "floor_cpu": 2.0,
            "naive": 9.0,
            "naive_cpu": 9.0,
        },
    )
    harness.LOADS["e2e"] = ("load 1/1/1", "load 3.5/2/2")  # its own processes at the end
    harness.LOADS["sample"] = ("load 9.5/1/1, 9 running of 99 processes", "load 2/2/2")
    try:
        text = targets.targets_table(quick=False)
    finally:
        harness.FIG.clear()
        harness.FIG.update(saved[0])
        harness.LOADS.clear()
        harness.LOADS.update(saved[1])
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()[4:]}
    assert (
        "3.30 s / 1.00 s = 3.3x | <= 3x | **no** |"
        in rows["compute stages at 1M person rows / floor"]
    )
    assert "14.8 s (row-by-row" in rows["compute stages at 1M person rows / floor"]
    assert "0.90 GB | <= 1 GB | yes | 0.40 GB" in rows["peak memory per million rows (compute)"]
    assert "14.00 s | <= 15 s | yes | 4.00 s" in rows["end-to-end scale-1 month (`bench e2e`)"]
    assert "start load 1/1/1; end load 3.5/2/2" in rows["end-to-end scale-1 month (`bench e2e`)"]
    assert "4.50 s | <= 4 s | **no** | 2.00 s" in rows["`dtks sample`, one scale-1 month"]
    assert "**busy machine** (load 9.5" in rows["`dtks sample`, one scale-1 month"]
    assert "busy" not in rows["end-to-end scale-1 month (`bench e2e`)"]
    assert "| not run |" in rows["first `make report` on a fresh clone"]
