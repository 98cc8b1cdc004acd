"""Crash safety, locking, reruns and determinism of the monthly report."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dtks_analysis.cli import main
from dtks_analysis.report import LockedError, month_lock
from tests.conftest import snapshot

MONTH = "2023-12"


@pytest.fixture(scope="module")
def published(built_report, tmp_path_factory):
    """``(sample root, outputs folder)``: a copy of the session's published edition of the small
    sample (tests/e2e/conftest.py), which the crash tests below replace run after run."""
    root, edition = built_report
    out = tmp_path_factory.mktemp("rel-out")
    shutil.copytree(edition, out / MONTH)
    return root, out


CRASH_STEPS = ["siapkan_data", "csv_xlsx", "notebook_01", "html", "pdf", "publish_rename"]


def test_killed_runs_leave_previous_outputs_intact(published):
    """A run killed (SIGKILL) after each step in turn leaves the published edition as it was
    (killed after the swap: the new, complete edition, with the same tables); each next run
    cleans up after the killed one before its own work, and the last run succeeds and leaves
    neither staging folder nor lock. One run per step, then one whole run (not a whole run
    after every step: each killed run already starts by recovering from the one before)."""
    root, out = published
    cmd = [sys.executable, "-m", "dtks_analysis", "report", "--raw-dir", str(root / "raw")]
    for step in CRASH_STEPS:
        before = snapshot(out / MONTH)
        env = {**os.environ, "DTKS_CRASH_AFTER": step}
        proc = subprocess.run([*cmd, "--out-dir", str(out), "-q"], env=env, capture_output=True)
        assert proc.returncode == -9, (step, proc.stderr.decode()[-2000:])
        if step == "publish_rename":
            after = snapshot(out / MONTH)
            tables = {k: v for k, v in before.items() if k.startswith("tabel/")}
            assert {k: after[k] for k in tables} == tables, step
        else:
            assert snapshot(out / MONTH) == before, step
        # what the killed run left behind, for the next run to clean up
        assert (out / f".{MONTH}.lock").exists() or step == "publish_rename", step
    assert main(["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out), "-q"]) == 0
    assert not [p for p in out.iterdir() if p.name.startswith(".") and "staging" in p.name]
    assert not (out / f".{MONTH}.lock").exists()


def _hold_lock(lock: Path) -> subprocess.Popen:
    """A live process holding ``lock`` (flock, as a running report does) until killed."""
    code = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "os.write(fd, str(os.getpid()).encode())\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"held"
    return proc


def test_concurrent_run_is_refused(tmp_path):
    holder = _hold_lock(tmp_path / f".{MONTH}.lock")
    try:
        with (
            pytest.raises(LockedError, match=f"sedang dibuat.*PID {holder.pid}"),
            month_lock(tmp_path, MONTH),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: the kernel released its lock, which is taken over
    with month_lock(tmp_path, MONTH) as lock:
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()


def test_lock_message_via_cli(published, capsys):
    root, out = published
    holder = _hold_lock(out / f".{MONTH}.lock")
    try:
        code = main(["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out), "-q"])
    finally:
        holder.kill()
        holder.wait()
        (out / f".{MONTH}.lock").unlink(missing_ok=True)
    assert code == 2
    assert "sedang dibuat" in capsys.readouterr().err


_VOLATILE = [
    re.compile(r"Tanggal rilis: [^<]+"),
]


def _html_stable(p: Path) -> str:
    text = p.read_text()
    for rx in _VOLATILE:
        text = rx.sub("", text)
    return text


def test_rerun_is_deterministic(built_report, rebuilt_report):
    _root, first = built_report
    again = rebuilt_report  # a second `dtks report` into another folder (tests/e2e/conftest.py)
    a, b = snapshot(first), snapshot(again)
    assert sorted(a) == sorted(b)
    for name in a:
        if name.endswith(".csv"):
            assert a[name] == b[name], name
    html = f"laporan_dtks_{MONTH}.html"
    assert _html_stable(first / html) == _html_stable(again / html)
