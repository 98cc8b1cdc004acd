"""Shared helpers of the benchmark harness: the figures a run collects for the final "Targets"
table (:data:`FIG`), the machine load around each benchmark (:data:`LOADS`), and a child-process
runner that reports wall and CPU seconds (``wait4``: the child and every descendant it waited
for, e.g. pytest-xdist workers under ``make test``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# figures the final Targets table reads: {benchmark: {name: value}}; filled by each benchmark
FIG: dict[str, dict[str, Any]] = {}
# machine load at the start and at the end of each benchmark: {benchmark: (start, end)}
LOADS: dict[str, tuple[str, str]] = {}


def load_info() -> str:
    """Load average (1/5/15 min) and running / total processes, from ``/proc/loadavg``.

    >>> "load" in load_info()
    True
    """
    try:
        parts = Path("/proc/loadavg").read_text().split()
        running, total = parts[3].split("/")
        return f"load {parts[0]}/{parts[1]}/{parts[2]}, {running} running of {total} processes"
    except (OSError, IndexError, ValueError):
        return "load " + "/".join(f"{x:.2f}" for x in os.getloadavg())


def load_note(name: str) -> str:
    """``start -> end`` load of benchmark ``name`` (empty when it did not run)."""
    if name not in LOADS:
        return ""
    start, end = LOADS[name]
    return f"start {start}; end {end}"


#: forks ``argv[2:]`` from a small interpreter and writes its peak RSS (kB) to ``argv[1]``
_LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execvp(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_timed(
    cmd: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    expected: tuple[int, ...] = (0,),
) -> dict[str, Any]:
    """Run ``cmd``; return exit code, wall and CPU seconds (user + system of the child and the
    descendants it waited for), its peak RSS in MB and its stdout and stderr. An exit code
    outside ``expected`` prints the end of its stderr.

    ``cmd`` is started by a small launcher interpreter: a child's ``ru_maxrss`` starts at the
    size of the process it was forked from (it survives ``execve``), so forked from this
    harness (gigabytes after the compute benchmark) it would report the harness's size."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        rss = Path(tempfile.mkstemp(prefix="dtks-bench-rss-")[1])
        t0 = time.perf_counter()
        launch = [sys.executable, "-S", "-c", _LAUNCHER, str(rss), *cmd]
        proc = subprocess.Popen(launch, stdout=out, stderr=err, text=True, cwd=cwd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        try:
            peak_kb = int(rss.read_text() or 0)
        except ValueError:
            peak_kb = 0
        rss.unlink(missing_ok=True)
    if proc.returncode not in expected:
        sys.stderr.write(f"[bench] {' '.join(cmd)} -> exit {proc.returncode}\n{stderr[-3000:]}\n")
    return {
        "rc": proc.returncode,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": peak_kb / 1024,
        "stdout": stdout,
        "stderr": stderr,
    }


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without the variables that pick an interpreter or a package
    path (``PYTHONPATH``, ``VIRTUAL_ENV``, ``CONDA_PREFIX``), plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX", "MAKEFLAGS", "MFLAGS")
    }
    env.update(extra)
    return env


def mmss(seconds: float) -> str:
    """``3 min 18 s`` style.

    >>> mmss(198.4), mmss(42.0)
    ('3 min 18 s', '42.0 s')
    """
    if seconds < 60:
        return f"{seconds:.1f} s"
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s} s"
