"""Validation rule group *families*: relationship codes (``hubungan_tidak_dikenal``) and the
structure of each family among the counted rows (``kk_tanpa_kepala``, ``kk_kepala_ganda``,
``kk_beda_desa``, on every counted member row).

A family is a household key group (:func:`dtks_analysis.families.household_key`); its family
findings are located at the family's region (:func:`dtks_analysis.families.region_positions`),
the same village the household table gives the household.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dtks_analysis.arrays import file_order
from dtks_analysis.editing.findings import Collector, col, is_na, text
from dtks_analysis.families import region_positions


def check_relationship(df: pd.DataFrame, out: Collector) -> None:
    """``hubungan_tidak_dikenal``: relationship code or label not recognised (every row)."""
    if "hubungan" not in df.columns:
        return
    hub_na = is_na(df["hubungan"])
    if "hubungan_raw" in df.columns:
        hraw = df["hubungan_raw"]
        out.add(
            hub_na,
            "hubungan_tidak_dikenal",
            lambda pos: [
                f"Hubungan keluarga '{h}' tidak dikenal" if h else "Hubungan keluarga kosong"
                for h in text(hraw.iloc[pos])
            ],
        )
    else:
        out.add(hub_na, "hubungan_tidak_dikenal", "Hubungan keluarga kosong atau tidak dikenal")


def check_families(df: pd.DataFrame, counted: np.ndarray, kunci: pd.Series, out: Collector) -> None:
    """Relationship codes, then no head, several heads, several villages per family."""
    check_relationship(df, out)
    pos = np.flatnonzero(counted)
    if not len(pos):
        return
    g, _keys = pd.factorize(kunci.to_numpy(dtype=object)[pos])
    n_g = int(g.max()) + 1
    head = (col(df, "hubungan") == 1).fillna(False).to_numpy(dtype=bool)[pos]
    n_heads = np.bincount(g, weights=head, minlength=n_g)
    desa_code, _ = pd.factorize(col(df, "kode_desa").to_numpy(dtype=object)[pos])
    known = desa_code >= 0
    pairs = pd.unique(g[known].astype(np.int64) * (int(desa_code.max()) + 2) + desa_code[known])
    n_desa = np.bincount(pairs // (int(desa_code.max()) + 2), minlength=n_g)

    tanpa = np.zeros(len(df), dtype=bool)
    ganda = np.zeros(len(df), dtype=bool)
    beda = np.zeros(len(df), dtype=bool)
    tanpa[pos] = n_heads[g] == 0
    ganda[pos] = n_heads[g] > 1
    beda[pos] = n_desa[g] > 1
    flagged = tanpa | ganda | beda
    if not flagged.any():
        return

    kec, des = family_region(df, flagged, kunci)
    heads = np.zeros(len(df), dtype=np.int64)
    heads[pos] = n_heads[g]
    villages = np.zeros(len(df), dtype=np.int64)
    villages[pos] = n_desa[g]
    out.add(tanpa, "kk_tanpa_kepala", region=(kec, des))
    out.add(
        ganda,
        "kk_kepala_ganda",
        lambda p: [f"Keluarga ini mempunyai {k} kepala keluarga" for k in heads[p]],
        region=(kec, des),
    )
    out.add(
        beda,
        "kk_beda_desa",
        lambda p: [f"Anggota keluarga ini tercatat di {k} desa berbeda" for k in villages[p]],
        region=(kec, des),
    )


def family_region(
    df: pd.DataFrame, rows: np.ndarray, kunci: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """(kode_kecamatan, kode_desa) per row of its family, for the rows of mask ``rows`` (all
    counted members of the families concerned); None elsewhere and when unknown."""
    at = np.flatnonzero(rows)
    where = df[[c for c in ("_row", "_sheet", "_file") if c in df.columns]].take(at)
    at = at[file_order(where)]  # rows in file order: ties go to the first
    g, keys = pd.factorize(kunci.to_numpy(dtype=object)[at])
    kode_kec = col(df, "kode_kecamatan").to_numpy(dtype=object)[at]
    kode_desa = col(df, "kode_desa").to_numpy(dtype=object)[at]
    kec_code, _ = pd.factorize(kode_kec, sort=False)
    desa_code, _ = pd.factorize(kode_desa, sort=False)
    kec_pos, desa_pos = region_positions(g, len(keys), kec_code, desa_code)

    def pick(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
        chosen = values[np.maximum(positions, 0)]
        chosen[positions < 0] = None
        return chosen

    kec = np.full(len(df), None, dtype=object)
    des = np.full(len(df), None, dtype=object)
    kec[at] = pick(kode_kec, kec_pos)[g]
    des[at] = pick(kode_desa, desa_pos)[g]
    return kec, des
