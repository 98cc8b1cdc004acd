"""Run locks on lock files with ``fcntl.flock``.

The kernel releases a flock when its process dies (killed, power cut, reboot), so a stale lock
file never blocks a run, even when a new process reuses the old PID after a reboot. The file
still records who holds it (PID, boot id, process start time) for the messages. A lock file is
removed by its holder on release; a waiter that then holds a lock on the removed file notices
(the path no longer names its file) and tries again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

_HELD: dict[str, int] = {}
"""Locks this process holds (path -> depth): a nested request for the same lock passes."""


class LockBusy(Exception):
    """The lock is held by another process; ``holder`` describes it."""

    def __init__(self, path: Path, holder: dict) -> None:
        super().__init__(f"{path} held by {holder}")
        self.path = path
        self.holder = holder


def boot_id() -> str:
    """This boot's id (Linux), "" elsewhere."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def start_ticks(pid: int) -> int | None:
    """Start time of process ``pid`` in clock ticks since boot (Linux), None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[19]) if len(fields) > 19 else None


def holder_record() -> dict:
    """What a lock file says about its holder: this process."""
    pid = os.getpid()
    return {"pid": pid, "boot_id": boot_id(), "start": start_ticks(pid)}


def read_holder(path: Path) -> dict:
    """The holder recorded in a lock file (``{"pid": 0}`` when unreadable; old files: a PID)."""
    try:
        text = path.read_text().strip()
    except OSError:
        return {"pid": 0}
    try:
        data = json.loads(text)
    except ValueError:
        return {"pid": int(text)} if text.isdigit() else {"pid": 0}
    if isinstance(data, int):
        return {"pid": data}
    return data if isinstance(data, dict) else {"pid": 0}


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (own.st_dev, own.st_ino) == (st.st_dev, st.st_ino)


def _acquire(path: Path, wait: Callable[[dict], None] | None) -> int:
    """Open and flock ``path``; return the descriptor. Raises LockBusy when ``wait`` is None."""
    waited = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if wait is None:
                    raise LockBusy(path, read_holder(path)) from None
                if not waited:
                    wait(read_holder(path))
                    waited = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            if _same_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed the file while we waited: lock the new one


@contextlib.contextmanager
def file_lock(path: Path, wait: Callable[[dict], None] | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` (created if needed) for the ``with`` block.

    With ``wait`` None a lock held by another process raises :class:`LockBusy`; otherwise
    ``wait(holder)`` is called once and the lock is awaited. Nested use in one process passes.
    """
    key = os.path.abspath(path)
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield path
        finally:
            _HELD[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path, wait)
    _HELD[key] = 1
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder_record()).encode(), 0)
        yield path
    finally:
        _HELD.pop(key, None)
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def adopt(path: Path) -> None:
    """Count ``path`` as held by this process: its parent holds the lock and waits for this
    process (a worker of the parent's run), so nested requests for it pass instead of
    waiting for the parent forever."""
    _HELD[os.path.abspath(path)] = 1
