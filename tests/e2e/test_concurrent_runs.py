"""Issue 17 item 10: runs sharing a data folder (two months, or two out-dirs) wait for each other
instead of crashing; the wait is announced. Real `dtks prepare` processes on a sample month."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dtks_analysis import locks, pipeline
from tests.unit.test_robustness import ENV


def _prepare_cmd(raw: Path, month: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "dtks_analysis", "prepare", "--raw-dir", str(raw),
            "--month", month, "--out-dir", str(out), "-q"]  # fmt: skip


@pytest.mark.parametrize("months", [("2023-11", "2023-12"), ("2023-12", "2023-12")])
def test_concurrent_prepares_share_the_data_folder(small_sample, tmp_path, months):
    for attempt in range(3):
        root = tmp_path / f"run{attempt}"
        shutil.copytree(small_sample / "raw", root / "raw")
        procs = [
            subprocess.Popen(
                _prepare_cmd(root / "raw", m, root / f"out{i}"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=ENV,
            )
            for i, m in enumerate(months)
        ]
        results = [p.communicate(timeout=600) for p in procs]
        for p, (_out, err) in zip(procs, results, strict=True):
            assert p.returncode == 0, err[-3000:]
        leftovers = [
            p.name
            for d in (root / "interim", root / "corrections")
            for p in d.iterdir()
            if p.name.startswith(".")
        ]
        assert leftovers == []
        assert sorted(p.name for p in (root / "interim").iterdir()) == [
            "2023-10",
            "2023-11",
            "2023-12",
        ]


def test_waiting_for_the_data_lock_is_announced(small_sample, tmp_path):
    shutil.copytree(small_sample / "raw", tmp_path / "raw")
    lock = tmp_path / pipeline.DATA_LOCK
    with locks.file_lock(lock):
        proc = subprocess.Popen(
            _prepare_cmd(tmp_path / "raw", "2023-10", tmp_path / "out"),
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        first = proc.stderr.readline()
        assert "menunggu proses lain" in first and f"PID {os.getpid()}" in first
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
