"""Disclosure control across consecutive months: each month's village table is suppressed
consistently with last month's published one (villages carried forward keep last month's
cells, so a reader could intersect the two months' intervals)."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import pandas as pd

from dtks_analysis.config import previous_month
from dtks_analysis.counting import disclosure, stats
from dtks_analysis.counting.disclosure_lp import BulanTerbit

log = logging.getLogger(__name__)


@dataclass
class VillageMonth:
    """A month's village table: true (``lengkap``) and as published (``terbit``)."""

    lengkap: pd.DataFrame
    terbit: BulanTerbit
    mask: pd.DataFrame


def published_villages(
    adjusted: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
    month: str,
    min_cell: int,
    kode: str,
    memo: dict[str, VillageMonth] | None = None,
) -> dict[str, VillageMonth]:
    """Suppressed village table of ``month`` and of the months it depends on.

    A month with villages carried forward is suppressed consistently with last month's
    published table (:func:`disclosure.suppress` with ``sebelumnya``), so last month is
    suppressed first (recursively, until a month without carried villages).
    """
    memo = {} if memo is None else memo
    if month in memo:
        return memo
    hh, nonresp = adjusted[month]
    full = stats.rekap_desa(hh, kode)
    cols = [c for c in stats.MEASURES if c in full.columns]
    dibawa = set(nonresp["kode_desa"].dropna())
    prev_m = previous_month(month)
    sebelumnya, turun = None, set()
    if dibawa and prev_m in adjusted:
        prev = published_villages(adjusted, prev_m, min_cell, kode, memo)[prev_m]
        sebelumnya = prev.terbit
        turun = _villages_lower_than_last_month(full, prev.lengkap, dibawa, cols)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", disclosure.DisclosureWarning)
        terbit, mask = disclosure.suppress(
            full,
            cols,
            min_cell=min_cell,
            lp=True,
            dibawa=dibawa,
            sebelumnya=sebelumnya,
            turun=turun,
        )
    kec = stats.rekap_kecamatan(hh, kode)
    named = disclosure.named_carried(terbit, dibawa)
    unnamed = set(nonresp.loc[~nonresp["kode_desa"].isin(named), "kode_kecamatan"].dropna())
    primer = disclosure.primary_mask(full, cols, min_cell)
    memo[month] = VillageMonth(
        full, BulanTerbit(month, terbit, kec, primer, named, turun, unnamed), mask
    )
    if mask.attrs.get("model_lemah"):
        log.info("%s: dilindungi terhadap penyerang lemah: %s", month, mask.attrs["model_lemah"])
    if mask.attrs.get("tidak_terlindungi"):
        log.warning(
            "%s: sel tersembunyi yang tetap dapat dihitung dari total kecamatan: %s",
            month,
            mask.attrs["tidak_terlindungi"],
        )
    return memo


def _villages_lower_than_last_month(
    full: pd.DataFrame, prev_full: pd.DataFrame, dibawa: set[str], cols: list[str]
) -> set[str]:
    """Carried villages whose cells differ from last month's (a family moved away)."""
    keep = [c for c in cols if c != "rt_imputasi"]
    a = full[full["kode_desa"].isin(dibawa)].set_index("kode_desa")[keep]
    b = prev_full.drop_duplicates("kode_desa").set_index("kode_desa")[keep].reindex(a.index)
    return set(a.index[(a != b).any(axis=1).to_numpy()])
