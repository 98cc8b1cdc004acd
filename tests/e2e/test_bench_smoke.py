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
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| benchmark | measure | value | note |" in proc.stdout
    assert "cores" in proc.stdout
    for measure in ("parse_nik", "parse_kk", "NIK speed-up", "households speed-up"):
        assert measure in proc.stdout
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
