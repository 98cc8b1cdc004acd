"""The error of the intake stage and the wording shared by its readers.

Every :class:`IngestError` message names the file (and sheet / row / column where it applies),
says what is wrong and what to do, in Indonesian, then in English in parentheses. Messages never
quote cell values of ID or name columns.
"""

from __future__ import annotations

from dtks_analysis.errors import DtksError


class IngestError(DtksError):
    """A month's extracts cannot be read; the message names the file and what to do."""


def place(rel: str, sheet: str | None) -> str:
    """``rel (sheet 'S')``, or ``rel`` alone for a CSV (no sheet)."""
    return f"{rel} (sheet '{sheet}')" if sheet else rel


def reupload_error(rel: str, what: str, what_en: str) -> IngestError:
    """A damaged file: ask the sender for it again."""
    return IngestError(
        f"{rel}: {what}. Minta pengirim mengirim ulang file yang benar, lalu jalankan lagi. "
        f"({what_en}: ask the sender for the file again)"
    )
