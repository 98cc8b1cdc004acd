"""The long benchmarks: ``fresh`` (the first ``make report`` of a fresh clone) and ``tests``
(``make test-fast`` and ``make test``).

``fresh`` clones the current commit (``git rev-parse HEAD``: uncommitted changes are not in it)
into a temporary folder and runs ``make setup``, ``make sample`` and ``make report`` there, one
timed phase each; their sum is the first ``make report`` (which runs the same three steps).
The clone makes its own ``.venv`` (``PYTHONPATH``, ``VIRTUAL_ENV`` and ``CONDA_PREFIX`` are
removed from the environment) and **reuses pip's download and wheel cache** of this machine, as a
user's second machine would. The floor is pip's own time inside ``make setup``: the span of
pip's log (``PIP_LOG``), from its first to its last line.

``tests`` times ``make test-fast`` and ``make test`` in that clone when ``fresh`` ran before it
in the same run, otherwise in this checkout with this interpreter (``PY=``, and a ``STAMP=`` file
newer than ``pyproject.toml`` so that make never reinstalls the environment). The floor is
pytest's collection and worker start-up alone: the same pytest command with ``-k`` deselecting
every test.

``--quick``: ``fresh`` runs the clone with this interpreter (no new environment) on one month at
scale 0.05; ``tests`` times only the floor of ``make test-fast``. Both say so in their rows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import harness

ROOT = Path(__file__).resolve().parents[1]
Row = tuple[str, str, str, str]
NO_TEST = "bench_deselect_every_test"  # -k expression that matches no test: collection only

# the clone of the last ``fresh`` run, reused by ``tests`` and removed by :func:`cleanup`
_CLONE: dict[str, Path] = {}


def cleanup() -> None:
    """Remove the temporary clone of ``fresh`` (after ``tests`` used it) and the stamp folder."""
    _CLONE.pop("repo", None)
    for key in ("base", "stamp"):
        folder = _CLONE.pop(key, None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def pip_seconds(log: Path) -> float | None:
    """Span of pip's log (first to last timestamp), in seconds; None without a log.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pip.log"
    >>> _ = p.write_text("2026-12-03T05:17:29,401 a\\n  more\\n2026-12-03T05:18:30,901 b\\n")
    >>> pip_seconds(p)
    61.5
    """
    if not log.is_file():
        return None
    stamps = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            stamps.append(datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S,%f"))
        except ValueError:
            continue
    if len(stamps) < 2:
        return None
    return (max(stamps) - min(stamps)).total_seconds()


def pip_cache_mb(env: dict[str, str]) -> float | None:
    """Size of pip's cache folder (``pip cache dir``) in MB; None when pip cannot say."""
    r = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True, env=env
    )
    folder = Path(r.stdout.strip()) if r.returncode == 0 else None
    if folder is None or not folder.is_dir():
        return 0.0 if folder is not None else None
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024**2


def _clone(base: Path) -> tuple[Path, str, bool]:
    """Clone this repository's HEAD into ``base/repo``; (path, short commit, dirty?)."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    repo = base / "repo"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(repo)], check=True)
    subprocess.run(["git", "checkout", "--quiet", head], cwd=repo, check=True)
    return repo, head[:7], dirty


def _no_install_args(where: Path) -> list[str]:
    """make variables that use this interpreter and a fresh stamp (never reinstall)."""
    stamp = where / ".bench-installed"
    stamp.touch()
    return [f"PY={sys.executable}", f"STAMP={stamp}"]


def bench_fresh(quick: bool) -> list[Row]:
    """``make setup`` / ``make sample`` / ``make report`` in a fresh clone, one phase each."""
    cleanup()
    base = Path(tempfile.mkdtemp(prefix="dtks-fresh-"))
    repo, commit, dirty = _clone(base)
    _CLONE.update(base=base, repo=repo)
    pip_log = base / "pip.log"
    if quick:
        env = harness.clean_env(PYTHONPATH=str(repo))
        args = _no_install_args(repo) + ["SAMPLE_MONTHS=2023-12", "SAMPLE_SCALE=0.05"]
        how = "--quick: this interpreter (no new environment), one month at scale 0.05"
        print(f"[bench] fresh: {how}", file=sys.stderr)
    else:
        env = harness.clean_env(PIP_LOG=str(pip_log))
        args = []
        cache = pip_cache_mb(harness.clean_env())  # not under PIP_LOG: pip time only
        how = (
            "own .venv; pip's cache and configured wheel sources of this machine reused "
            f"(a user's second machine; cache {cache:,.0f} MB at the start)"
            if cache is not None
            else "own .venv; pip's configuration of this machine"
        )
    where = f"commit {commit}{' (uncommitted changes not included)' if dirty else ''}"
    phases: dict[str, dict[str, Any]] = {}
    out: list[Row] = []
    for phase in ("setup", "sample", "report"):
        start = harness.load_info()
        r = harness.run_timed(["make", phase, *args], repo, env)
        phases[phase] = r
        out.append(
            (
                "fresh",
                f"make {phase}, s",
                f"{r['wall']:.1f}" if not r["rc"] else "FAILED",
                f"CPU {r['cpu']:.1f} s; {'exit code ' + str(r['rc']) + '; ' if r['rc'] else ''}"
                f"start {start}; end {harness.load_info()}",
            )
        )
        if r["rc"]:
            return out
    total = sum(p["wall"] for p in phases.values())
    pip_s = pip_seconds(pip_log)
    harness.FIG["fresh"] = {
        "total": total,
        "cpu": sum(p["cpu"] for p in phases.values()),
        "phases": {k: v["wall"] for k, v in phases.items()},
        "pip": pip_s,
        "quick": quick,
    }
    out += [
        (
            "fresh",
            "first make report (setup + sample + report), s",
            f"{total:.1f}",
            f"{harness.mmss(total)}; {where}; {how}; target <= 3 min",
        ),
        (
            "fresh",
            "floor: pip alone inside make setup, s",
            f"{pip_s:.1f}" if pip_s is not None else "n/a",
            "span of PIP_LOG" if pip_s is not None else "no pip ran (--quick)",
        ),
    ]
    return out


def _pytest(marker: str | None, py: str) -> list[str]:
    """The pytest command of ``make test`` / ``make test-fast``, deselecting every test."""
    cmd = [py, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider", "-k", NO_TEST]
    return cmd + (["-m", marker] if marker else [])


def bench_tests(quick: bool) -> list[Row]:
    """``make test-fast`` and ``make test`` (wall and CPU), and their collection floors."""
    if "repo" in _CLONE and (_CLONE["repo"] / ".venv" / "bin" / "python").exists():
        where, env, args = _CLONE["repo"], harness.clean_env(), []
        py, place = str(where / ".venv" / "bin" / "python"), "the fresh clone of `fresh`"
    else:
        where, env = ROOT, harness.clean_env(PYTHONPATH=str(ROOT))
        stamp_dir = Path(tempfile.mkdtemp(prefix="dtks-bench-stamp-"))
        _CLONE["stamp"] = stamp_dir  # removed by cleanup()
        args = _no_install_args(stamp_dir)
        py, place = sys.executable, "this checkout"
    fig: dict[str, Any] = {"quick": quick}
    out: list[Row] = []
    for target, marker in (("test-fast", "unit"), ("test", None)):
        if quick and target == "test":
            print("[bench] tests: make test skipped (--quick)", file=sys.stderr)
            out.append(("tests", "make test", "skipped", "--quick: ~3-18 min"))
            continue
        floor = harness.run_timed(_pytest(marker, py), where, env, expected=(0, 5))
        ok = floor["rc"] in (0, 5)  # 5: no test ran, as intended
        fig[f"{target}_floor"] = floor["wall"] if ok else None
        out.append(
            (
                "tests",
                f"floor of make {target}: collection + 2 workers' start-up, s",
                f"{floor['wall']:.1f}" if ok else "FAILED",
                f"CPU {floor['cpu']:.1f} s; {harness.load_info()}",
            )
        )
        if quick:
            print(f"[bench] tests: make {target} skipped (--quick)", file=sys.stderr)
            out.append(("tests", f"make {target}", "skipped", "--quick"))
            continue
        start = harness.load_info()
        r = harness.run_timed(["make", target, *args], where, env)
        fig[target] = r["wall"]
        fig[f"{target}_rc"] = r["rc"]
        fig[f"{target}_cpu"] = r["cpu"]
        last = [ln for ln in r["stdout"].splitlines() if ln.strip()][-1:] or [""]
        out.append(
            (
                "tests",
                f"make {target}, s",
                f"{r['wall']:.1f}",
                f"{harness.mmss(r['wall'])}; CPU {r['cpu']:.0f} s (workers included); "
                f"exit code {r['rc']}; {last[0].strip('= ')}; in {place}; "
                f"start {start}; end {harness.load_info()}",
            )
        )
    harness.FIG["tests"] = fig
    cleanup()
    return out
