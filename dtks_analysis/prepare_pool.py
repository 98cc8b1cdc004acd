"""Months prepared side by side (issue 16): the first report of a fresh data folder reads,
cleans and validates six months; each is independent of the others, so the months to rebuild
go to a pool of worker processes (one per core, at most one per month to rebuild).

The results are the same as one after another: each worker runs the same
:func:`pipeline.prepare_month` and sends back the same :class:`pipeline.MonthData`; the
console lines and the first error come in month order. The caller holds the data folder's
lock for the whole pool: the workers count it as theirs (:func:`locks.adopt`) and die with
the caller (``PR_SET_PDEATHSIG`` on Linux), so none writes after the lock is gone.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import sys
from pathlib import Path

from dtks_analysis import children, locks, pipeline
from dtks_analysis.config import Settings

#: worker processes: a number, or 1 to prepare months one after another in this process
WORKERS_ENV = "DTKS_PREPARE_WORKERS"
#: a worker preparing a scale-1 month peaks near 1 GiB: leave room for the parent and a spare
WORKER_MEMORY = 1_500_000_000


def pool_size(stale: int) -> int:
    """Workers for ``stale`` months to rebuild: ``DTKS_PREPARE_WORKERS`` when set, else one
    per core the process may use and per 1.5 GB of memory, never more than the months."""
    if multiprocessing.current_process().daemon:  # a Dask worker: no children, cores busy
        return 1
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env.isdigit():
        return max(1, min(int(env), stale))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // WORKER_MEMORY
    except (ValueError, OSError, AttributeError):
        memory = 1
    return max(1, min(cores or 1, memory, stale))


def lock_path(settings: Settings) -> Path:
    """The lock file of :func:`pipeline.data_lock` (one per kabupaten in the many-kabupaten
    layout), which the caller holds while the workers write."""
    sub = settings.kabupaten_folder
    return settings.data_dir / (f".dtks-data-{sub}.lock" if sub else pipeline.DATA_LOCK)


def _worker_start(parent: int, lock: str) -> None:
    """Worker start: killed when the caller dies (it holds ``lock``, the data folder's lock)."""
    children.die_with_parent(parent)
    locks.adopt(Path(lock))


def _prepare(month: str, settings: Settings, progress: bool) -> tuple[str, pipeline.MonthData]:
    """A worker's month: its console lines (replayed by the caller in month order) and data."""
    err = io.StringIO()  # not a terminal: one "Membaca ekstrak" line, no progress bar
    try:
        with contextlib.redirect_stderr(err):
            data = pipeline.prepare_month(month, settings, progress=progress)
        return err.getvalue(), data
    except Exception as exc:
        sys.stderr.write(err.getvalue())
        sent = children.portable(exc, f"{month}: ")  # the caller re-raises it
        if sent is exc:
            raise
        raise sent from None


def prepare_all(
    months: list[str], settings: Settings, progress: bool
) -> dict[str, pipeline.MonthData]:
    """Prepare ``months`` (sorted), rebuilding stale ones side by side; call under the data
    lock. Returns the months' data in month order, as one after another would."""
    stale = [m for m in months if not pipeline.is_current(m, settings)]
    workers = pool_size(len(stale))
    if workers < 2:
        return {m: pipeline.prepare_month(m, settings, progress=progress) for m in months}
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")  # no fork of a process with Arrow threads
    out: dict[str, pipeline.MonthData] = {}
    pool = ProcessPoolExecutor(
        workers,
        ctx,
        initializer=_worker_start,
        initargs=(os.getpid(), str(lock_path(settings))),
    )
    try:
        futures = {m: pool.submit(_prepare, m, settings, progress) for m in stale}
        for m in months:  # month order: the console lines and the first error as serially
            if m in futures:
                lines, out[m] = futures[m].result()
                sys.stderr.write(lines)
                sys.stderr.flush()
            else:
                out[m] = pipeline.prepare_month(m, settings, progress=progress)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return out
