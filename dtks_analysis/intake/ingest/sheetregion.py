"""The village (and kecamatan) of a sheet without a DESA column: from its tab name or title rows.

A workbook with one sheet per village often names the village only in the sheet tab
(``Sukaramai``) or in a title row above the header (``DATA DTKS DESA SUKARAMAI KEC. SIDIKALANG``).
Only used when the header has no DESA column (or no KECAMATAN column, for the kecamatan).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from dtks_analysis import regions

_LEVEL = r"DESA|KELURAHAN|KEL|KECAMATAN|KEC"
_STOP = rf"{_LEVEL}|KABUPATEN|KAB|KOTA|PROVINSI|BULAN|TAHUN|PERIODE|PER|TANGGAL|TGL"
_TITLE = re.compile(
    rf"\b({_LEVEL})\b\.?\s*:?\s*(.+?)(?=\s*(?:[,;()/]|\s-\s|\b(?:{_STOP})\b|\d|$))",
    re.IGNORECASE,
)


def _known(level: str, name: str, kode: str) -> bool:
    check = regions.is_desa if level == "desa" else regions.is_kecamatan
    return bool(check(kode, pd.Series([name], dtype=object)).iloc[0])


def region_from_context(
    sheet: str, title_rows: Sequence[Sequence[Any]], kode: str
) -> dict[str, str]:
    """``{"desa": ..., "kecamatan": ...}`` named by the title rows or the sheet tab.

    A title row's name is taken as written (``DESA X`` names the village even when the name is
    not recognised); the sheet tab only when it is a village (or kecamatan) name of kabupaten
    ``kode``. A
    recognised title name wins over the tab, the tab over an unrecognised title name.

    >>> region_from_context("Lembar1", [["DATA DTKS DESA LAU PAKPAK KEC. SIDIKALANG"]], "12.11")
    {'desa': 'LAU PAKPAK', 'kecamatan': 'SIDIKALANG'}
    """
    titled: dict[str, str] = {}
    for row in title_rows:
        for v in row:
            if not isinstance(v, str):
                continue
            for m in _TITLE.finditer(v):
                level = "kecamatan" if m.group(1).upper().startswith("KEC") else "desa"
                name = m.group(2).strip(" .:-")
                if name and level not in titled:
                    titled[level] = name
    found: dict[str, str] = {}
    for level in ("desa", "kecamatan"):
        title = titled.get(level)
        tab = sheet.strip() if sheet and sheet.strip() else None
        if title is not None and _known(level, title, kode):
            found[level] = title
        elif tab is not None and _known(level, tab, kode) and tab not in found.values():
            found[level] = tab
        elif title is not None:
            found[level] = title
    return found
