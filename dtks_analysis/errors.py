"""The exceptions that mean "bad input or environment" (a message for the analyst, exit 2)."""

from __future__ import annotations

import errno

_FREE_SPACE = "Kosongkan ruang disk (hapus berkas lama), lalu jalankan lagi"
_WRITABLE = (
    "Pilih folder yang dapat ditulis (--out-dir / --data-dir) atau perbaiki izin foldernya, "
    "lalu jalankan lagi"
)
ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: ("disk penuh (no space left on device)", _FREE_SPACE),
    errno.EDQUOT: ("kuota disk habis (disk quota exceeded)", _FREE_SPACE),
    errno.EROFS: ("folder hanya-baca (read-only file system)", _WRITABLE),
    errno.EACCES: ("tidak ada izin (permission denied)", _WRITABLE),
    errno.EPERM: ("operasi tidak diizinkan (operation not permitted)", _WRITABLE),
}
"""OSErrors caused by the machine, not by the code: reported as a message, exit 2."""


class DtksError(Exception):
    """Base of every "bad input or environment" error of the package: its message is shown to
    the analyst as is, without a traceback, and the command exits with code 2."""


def known_errors() -> tuple[type[BaseException], ...]:
    """Exception classes whose message is shown as is, without a traceback."""
    return (DtksError,)


def environment_message(exc: OSError) -> str | None:
    """A message for an OSError of the machine (disk full, read-only, no permission), else None.

    Names the path and says what to do; earlier outputs are untouched because every writer
    works in a temporary folder that is swapped in only when complete.
    """
    known = ENVIRONMENT_ERRNOS.get(exc.errno or -1)
    if known is None:
        return None
    what, advice = known
    path = exc.filename if exc.filename is not None else "(path tidak diketahui)"
    other = f" -> {exc.filename2}" if exc.filename2 is not None else ""
    return (
        f"{path}{other}: {what}. Keluaran yang sudah terbit tidak diubah. {advice}. "
        f"(cannot write: {exc.strerror or exc}; earlier outputs are untouched)"
    )
