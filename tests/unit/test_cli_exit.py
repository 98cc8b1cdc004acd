"""The console entry point ends the process with ``os._exit`` after :func:`cli.main` (native
threads of pyarrow can abort Python's own shutdown): its exit code and everything it printed
must still reach the caller through pipes, which are block-buffered."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_robustness import ENV

pytestmark = pytest.mark.unit


def _check_outputs(folder: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "dtks_analysis", "check-outputs", str(folder)]
    env = {k: v for k, v in ENV.items() if k != "PYTHONUNBUFFERED"}  # buffered, as in a pipe
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


def test_clean_folder_exits_zero_with_its_message(tmp_path):
    (tmp_path / "a.txt").write_text("tabel tanpa data pribadi\n")
    done = _check_outputs(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: 1 berkas")


def test_finding_exits_one_and_every_line_arrives(tmp_path):
    lines = [f"121101010180{i:04d}" for i in range(300)]  # more than a pipe buffer's worth
    (tmp_path / "b.csv").write_text("\n".join(lines) + "\n")
    done = _check_outputs(tmp_path)
    assert done.returncode == 1
    out = done.stdout + done.stderr
    assert "DITEMUKAN 300 dugaan data pribadi" in out
    assert out.rstrip().endswith("(fix the named input and rerun).")
