"""Replace a folder by a complete new one without ever leaving a half-written state."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def replace_dir(new: Path, final: Path, between: Callable[[], None] = lambda: None) -> None:
    """Put the complete folder ``new`` at ``final``, replacing what was there.

    With an existing ``final`` the two are swapped in one system call, so ``final`` is at every
    instant either the complete old or the complete new folder. Where that is not supported,
    two renames through ``.<name>.old`` are used (an interruption between them leaves the old
    folder there, for the caller's recovery). ``between`` runs between the swap and the clean-up
    (the crash-safety tests kill the process there).
    """
    old = final.with_name(f".{final.name}.old")
    if final.exists() and exchange(new, final):
        between()
        shutil.rmtree(new)  # now holds the old folder
        return
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    between()
    new.rename(final)
    if old.exists():
        shutil.rmtree(old)
