"""Child processes of a run (browser, month workers, side processes): they die with the run,
what goes wrong in them reaches it, and their CPU time is counted."""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Any:
    """libc ``prctl`` (Linux), resolved at import: before any fork, so that
    :func:`die_with_parent` may run between fork and exec. None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux); exit at once when
    the parent, process ``parent``, is already gone. A run killed with SIGKILL runs no
    ``finally``: without this its children would go on (and write after its lock is gone)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (workers, kernels,
    browsers): what a step costs on a busy machine, where wall time says little."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + done.ru_utime + done.ru_stime


def portable(exc: BaseException, prefix: str = "") -> BaseException:
    """``exc`` when it survives pickling both ways (so the parent can raise it), else a
    ``RuntimeError`` with ``prefix``, its type and its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - whatever pickling raises, the message travels
        return RuntimeError(f"{prefix}{type(exc).__name__}: {exc}")
    return exc
