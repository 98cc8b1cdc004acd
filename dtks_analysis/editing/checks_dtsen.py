"""Validation rule group *DTSEN* (issue 13, ``docs/dtsen.md``): the join of members to
families (``anggota_tanpa_keluarga`` at the member row, ``keluarga_tanpa_anggota`` at the family
row), the desil of every family (``desil_tidak_valid``) and the family's region (the region
rules at the family row: a DTSEN member takes its region from its family).

Family rows are the rows ``_baris_keluarga`` of the cleaned records; they are never persons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dtks_analysis.editing.checks_fields import check_regions
from dtks_analysis.editing.findings import Collector, col, filled, text
from dtks_analysis.intake.ingest.dtsen import DESIL_COLUMNS, family_key, is_in


def is_family_row(cleaned: pd.DataFrame) -> np.ndarray:
    """Rows of a DTSEN keluarga file (not persons)."""
    return col(cleaned, "_baris_keluarga").notna().to_numpy(dtype=bool)


def is_dtsen(df: pd.DataFrame) -> np.ndarray:
    return (col(df, "sumber") == "dtsen").to_numpy(dtype=bool)


def check_members(df: pd.DataFrame, families: pd.DataFrame, out: Collector) -> None:
    """``anggota_tanpa_keluarga``: a DTSEN member whose id_keluarga is in no family row."""
    dtsen = is_dtsen(df)
    if not dtsen.any():
        return
    known = pd.Index(pd.unique(family_key(col(families, "id_keluarga"))))
    key = family_key(col(df, "id_keluarga"))
    orphan = dtsen & ((key == "") | ~is_in(key, known[known != ""]))
    out.add(
        orphan,
        "anggota_tanpa_keluarga",
        lambda pos: [
            "id_keluarga anggota ini tidak ada di berkas keluarga DTSEN"
            if k
            else "id_keluarga anggota ini kosong"
            for k in key[pos]
        ],
    )


def check_families(
    families: pd.DataFrame, members: pd.DataFrame, out: Collector, kode: str
) -> None:
    """On family rows: ``keluarga_tanpa_anggota``, ``desil_tidak_valid`` (per desil column)
    and the region rules of the kabupaten ``kode``."""
    key = family_key(col(families, "id_keluarga"))
    mkey = family_key(col(members, "id_keluarga").where(is_dtsen(members), None))
    with_members = pd.Index(pd.unique(mkey[mkey != ""]))
    out.add(
        (key == "") | ~is_in(key, with_members),
        "keluarga_tanpa_anggota",
        lambda pos: [
            "Tidak ada anggota keluarga dengan id_keluarga ini"
            if k
            else "id_keluarga keluarga ini kosong"
            for k in key[pos]
        ],
    )
    for c in DESIL_COLUMNS:
        raw = col(families, f"{c}_raw")
        bad = filled(raw) & (col(families, c).fillna("").to_numpy(dtype=object) == "")
        shown = text(raw).to_numpy(dtype=object)
        out.add(
            bad,
            "desil_tidak_valid",
            lambda pos, shown=shown, c=c: [
                f"{c} '{v}' bukan angka 1 sampai 10" for v in shown[pos]
            ],
            kolom=c,
        )
    check_regions(families, out, kode)
