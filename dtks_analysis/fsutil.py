"""Replace a folder by a complete new one without ever leaving a half-written state."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from dtks_analysis.errors import DtksError


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


class TreeError(DtksError, ValueError):
    """A month folder cannot be listed safely (symlink loop, a folder reached twice, a broken link)."""


def _skipped(name: str) -> bool:
    """Hidden entries and Office lock files (``~$Book.xlsx``) are never read."""
    return name.startswith((".", "~$"))


def walk_files(root: Path) -> list[tuple[Path, str]]:
    """Every file under ``root`` with its relative POSIX path, sorted by that path.

    Symlinked sub-folders and files are followed (a Dinas analyst links a shared folder of
    village uploads into the month), hidden entries and ``~$`` lock files are skipped. A folder
    reached twice (a link loop, or a link to a folder that is also inside the month) and a
    broken link raise :class:`TreeError` naming the paths: files are never silently left out
    nor read twice.
    """
    found: list[tuple[Path, str]] = []
    seen: dict[str, str] = {os.path.realpath(root): "."}

    def visit(folder: Path, prefix: str) -> None:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if _skipped(entry.name):
                continue
            rel = f"{prefix}{entry.name}"
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=True):
                real = os.path.realpath(path)
                clash = [a for a in seen if a == real or a.startswith(real + os.sep)]
                if clash:
                    first = (
                        seen[clash[0]] if seen[clash[0]] != "." else "(folder bulan itu sendiri)"
                    )
                    raise TreeError(
                        f"{root}: '{rel}' dan {first!r} adalah folder yang sama atau yang satu "
                        f"memuat yang lain (lewat tautan/symlink); isinya akan terbaca dua kali "
                        f"atau tanpa akhir. Hapus tautannya. ('{rel}' and {first!r} are the same "
                        f"folder, or one holds the other, through a symlink: remove the link)"
                    )
                seen[real] = rel
                visit(path, rel + "/")
            elif entry.is_file(follow_symlinks=True):
                found.append((path, rel))
            elif entry.is_symlink():
                raise TreeError(
                    f"{root}: '{rel}' adalah tautan (symlink) yang rusak: tujuannya "
                    f"'{os.readlink(path)}' tidak ada. Perbaiki atau hapus tautan itu. "
                    f"(broken symlink)"
                )

    visit(Path(root), "")
    found.sort(key=lambda x: x[1])
    return found
