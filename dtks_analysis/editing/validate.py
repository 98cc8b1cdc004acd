"""Validation (penyahihan) of cleaned person rows: findings per rule and the rows that are counted.

Input is the cleaned frame of ``clean.clean_records`` (contract section 2); rules are in
:mod:`dtks_analysis.editing.rules`. Counting rules follow DOMAIN.md section 7:

* a row is counted when its No KK is *usable* (16 digits after stripping separators; a numeric
  Excel cell that still has 16 digits is usable and flagged ``kk_excel``);
* exact duplicates (identical in every canonical field after editing, see
  :data:`dtks_analysis.editing.checks_duplicates.COMPARE_FIELDS`) collapse to the first row in
  file order;
* every other row is kept and flagged.

This module runs the rule groups, one function each, all vectorized:

========== ======================================================================
IDs        :func:`dtks_analysis.editing.checks_ids.check_ids`
duplicates :func:`dtks_analysis.editing.checks_duplicates.check_duplicates`
families   :func:`dtks_analysis.editing.checks_family.check_families`
regions    :func:`dtks_analysis.editing.checks_fields.check_regions`
programs   :func:`dtks_analysis.editing.checks_fields.check_programs`
names      :func:`dtks_analysis.editing.checks_fields.check_names`
ages       :func:`dtks_analysis.editing.checks_fields.check_ages`
========== ======================================================================

and gathers their findings (:mod:`dtks_analysis.editing.findings`: messages never contain NIK,
No KK, names or birth dates, so findings can be summarised safely; the correction worklists
add the IDs) with the counted and excluded rows in a :class:`ValidationResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dtks_analysis.arrays import sort_by_codes
from dtks_analysis.config import Settings, month_end
from dtks_analysis.editing import checks_dtsen
from dtks_analysis.editing.checks_duplicates import COMPARE_FIELDS, check_duplicates
from dtks_analysis.editing.checks_family import check_families
from dtks_analysis.editing.checks_fields import (
    check_ages,
    check_names,
    check_programs,
    check_regions,
)
from dtks_analysis.editing.checks_ids import check_ids, excluded_codes
from dtks_analysis.editing.findings import FINDING_COLUMNS, Collector, assemble, col
from dtks_analysis.editing.rules import RULES, TINGKAT, uraian
from dtks_analysis.families import household_key
from dtks_analysis.vocab import TIDAK_DIKETAHUI

__all__ = ["COMPARE_FIELDS", "FINDING_COLUMNS", "ValidationResult", "validate"]


# --------------------------------------------------------------------------- result
@dataclass
class ValidationResult:
    """Findings, counted rows and excluded rows of one month.

    ``n_rows == len(persons) + len(excluded) + n_duplicates``: duplicates of unusable rows are
    counted among ``excluded``.
    """

    findings: pd.DataFrame
    persons: pd.DataFrame
    excluded: pd.DataFrame
    n_duplicates: int
    n_rows: int
    villages: pd.DataFrame = field(repr=False)  # rows received per village, with names
    wilayah: str = field(default="", repr=False)  # the kabupaten/kota rule descriptions name

    def summary_by_rule(self) -> pd.DataFrame:
        """``kode_aturan, tingkat, uraian, jumlah_catatan`` for every rule (zeros included)."""
        counts = self.findings["kode_aturan"].value_counts()
        return pd.DataFrame(
            {
                "kode_aturan": list(RULES),
                "tingkat": [r.tingkat for r in RULES.values()],
                "uraian": [uraian(k, self.wilayah) for k in RULES],
                "jumlah_catatan": [int(counts.get(k, 0)) for k in RULES],
            }
        )

    def summary_by_village(self) -> pd.DataFrame:
        """Per village: ``kode_kecamatan, kecamatan, kode_desa, desa, errors, warnings, notes,
        records`` (rows received) and ``records_bermasalah`` (rows with an error or warning).

        Unknown regions appear with ``None`` codes and the name "Tidak diketahui".
        """
        keys = ["kode_kecamatan", "kode_desa"]
        f = self.findings
        counts = (
            pd.crosstab([f["kode_kecamatan"].fillna(""), f["kode_desa"].fillna("")], f["tingkat"])
            if len(f)
            else pd.DataFrame()
        )
        counts = counts.reindex(columns=list(TINGKAT), fill_value=0)
        serious = f[f["tingkat"].isin(["error", "warning"])]
        bad = serious.drop_duplicates("record")
        bad_n = bad.groupby([bad["kode_kecamatan"].fillna(""), bad["kode_desa"].fillna("")]).size()
        v = self.villages.copy()
        idx = pd.MultiIndex.from_arrays([v["kode_kecamatan"].fillna(""), v["kode_desa"].fillna("")])
        # villages that only appear through family findings (household region) are added
        extra = counts.index.difference(idx)
        if len(extra):
            add = pd.DataFrame(
                {
                    "kode_kecamatan": [a or None for a, _ in extra],
                    "kode_desa": [b or None for _, b in extra],
                    "records": 0,
                }
            )
            v = pd.concat([v, add], ignore_index=True)
            idx = pd.MultiIndex.from_arrays(
                [v["kode_kecamatan"].fillna(""), v["kode_desa"].fillna("")]
            )
        out = v[keys].copy()
        names = _region_names(self.villages)
        out["kecamatan"] = out["kode_kecamatan"].map(names["kec"]).fillna(TIDAK_DIKETAHUI)
        out["desa"] = out["kode_desa"].map(names["desa"]).fillna(TIDAK_DIKETAHUI)
        for t, name in (("error", "errors"), ("warning", "warnings"), ("note", "notes")):
            out[name] = counts[t].reindex(idx, fill_value=0).to_numpy(dtype=np.int64)
        out["records"] = v["records"].to_numpy(dtype=np.int64)
        out["records_bermasalah"] = bad_n.reindex(idx, fill_value=0).to_numpy(dtype=np.int64)
        out = out[
            [
                "kode_kecamatan",
                "kecamatan",
                "kode_desa",
                "desa",
                "errors",
                "warnings",
                "notes",
                "records",
                "records_bermasalah",
            ]
        ]
        order = np.lexsort(
            (
                out["kode_desa"].fillna("~").to_numpy(dtype=str),
                out["kode_kecamatan"].fillna("~").to_numpy(dtype=str),
            )
        )
        return out.iloc[order].reset_index(drop=True)


def _region_names(villages: pd.DataFrame) -> dict[str, dict[str, str]]:
    kec = villages.dropna(subset=["kode_kecamatan", "kecamatan"]).drop_duplicates("kode_kecamatan")
    desa = villages.dropna(subset=["kode_desa", "desa"]).drop_duplicates("kode_desa")
    return {
        "kec": dict(zip(kec["kode_kecamatan"], kec["kecamatan"], strict=True)),
        "desa": dict(zip(desa["kode_desa"], desa["desa"], strict=True)),
    }


def _file_order(df: pd.DataFrame) -> np.ndarray:
    """Positions of rows sorted by ``_file, _sheet, _row`` (row numerically), stable."""
    row = pd.to_numeric(col(df, "_row"), errors="coerce").fillna(-1).to_numpy()
    sheet = _sorted_codes(col(df, "_sheet"))
    file_ = _sorted_codes(col(df, "_file"))
    if len(row) and np.isfinite(row).all() and (row == np.floor(row)).all():
        row_code = (row - row.min()).astype(np.int64)
        return sort_by_codes([file_, sheet, row_code])
    return np.lexsort((np.arange(len(df)), row, sheet, file_))


def _sorted_codes(s: pd.Series) -> np.ndarray:
    """Codes of ``s`` in sorted order of its values, missing values ranked as ""."""
    codes, uniques = pd.factorize(s, sort=True)
    missing = 0 if len(uniques) and uniques[0] == "" else -1
    codes[codes < 0] = missing  # "" sorts first; without "", missing is simply first
    return codes.astype(np.int64) + 1


def _reference(settings: Settings, reference_date: object) -> pd.Timestamp:
    if reference_date is not None:
        return pd.Timestamp(reference_date)
    if settings.month:
        return pd.Timestamp(month_end(settings.month))
    return pd.Timestamp(date.today())


# --------------------------------------------------------------------------- main entry
def validate(
    cleaned: pd.DataFrame,
    settings: Settings,
    reference_date: object = None,
) -> ValidationResult:
    """Check every cleaned row against every rule of :data:`dtks_analysis.editing.rules.RULES`.

    ``reference_date`` (default: end of ``settings.month``, else today) fixes ages and the
    NIK century pivot. Returns findings (sorted by ``_file, _sheet, _row, kode_aturan``), the
    counted ``persons`` (with ``nik_valid, kk_valid`` and ``kunci``, the family key of
    :func:`dtks_analysis.families.household_key`), the ``excluded`` rows (with
    ``kode_aturan`` and ``alasan``) and the number of collapsed duplicates.
    """
    ref = _reference(settings, reference_date)
    family_rows = checks_dtsen.is_family_row(cleaned)
    df = cleaned[~family_rows] if family_rows.any() else cleaned  # persons' rows
    families = cleaned[family_rows]
    n = len(df)
    out = Collector(settings.kabupaten_nama)

    ids = check_ids(df, settings, ref, out)
    is_copy = check_duplicates(df, _file_order(df), ids.usable, ids.nik_valid, out)
    counted = ids.usable & ~is_copy
    kunci = household_key(df, settings.kunci_rumah_tangga)
    check_families(df, counted, kunci, out)
    dtsen = checks_dtsen.is_dtsen(df)  # a DTSEN member's region is checked at its family row
    check_regions(df, out, settings.kabupaten_kode, scope=~dtsen if dtsen.any() else None)
    check_programs(df, out)
    check_names(df, out)
    birth_parts = (ids.birth_parts, ids.nik_birth_parts)  # computed once, by check_ids
    check_ages(df, ids.nik["birth_date"], settings, ref, out, parts=birth_parts)
    checks_dtsen.check_members(df, families, out)
    findings = assemble(df, out)
    if len(families):
        fam_out = Collector(settings.kabupaten_nama)
        checks_dtsen.check_families(families, df, fam_out, settings.kabupaten_kode)
        findings = _merge_findings(findings, assemble(families, fam_out))

    persons = df.take(np.flatnonzero(counted))
    persons["nik_valid"] = ids.nik_valid[counted]
    persons["kk_valid"] = ids.kk_valid[counted]
    persons["kunci"] = kunci.to_numpy(dtype=object)[counted]
    ex_mask = ~ids.usable
    excluded = df.take(np.flatnonzero(ex_mask))
    ex_code = excluded_codes(ids, ex_mask)
    excluded["kode_aturan"] = ex_code
    excluded["alasan"] = [uraian(c, settings.kabupaten_nama) for c in ex_code]
    n_dup = int((is_copy & ids.usable).sum())

    villages = _villages(df, col(df, "kode_desa"))
    return ValidationResult(
        findings, persons, excluded, n_dup, n, villages, settings.kabupaten_nama
    )


def _merge_findings(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Findings of person rows and of DTSEN family rows (other files) in file order; each part
    keeps its own order within a row."""
    if not len(b):
        return a
    if not len(a):
        return b
    res = pd.concat([a, b], ignore_index=True)
    file_, _ = pd.factorize(res["_file"].fillna(""), sort=True)
    sheet, _ = pd.factorize(res["_sheet"].fillna(""), sort=True)
    row = pd.to_numeric(res["_row"], errors="coerce").fillna(-1).to_numpy()
    order = np.lexsort((np.arange(len(res)), row, sheet, file_))
    return res.iloc[order].reset_index(drop=True)


def _villages(df: pd.DataFrame, kode_desa: pd.Series) -> pd.DataFrame:
    """Rows received per (kode_kecamatan, kode_desa), missing codes included, in order of first
    appearance, with the first known names: a group-by done with integer codes."""
    kec_code, kec_uniques = pd.factorize(col(df, "kode_kecamatan"), use_na_sentinel=False)
    desa_code, desa_uniques = pd.factorize(kode_desa, use_na_sentinel=False)
    group, _ = pd.factorize(kec_code.astype(np.int64) * len(desa_uniques) + desa_code)
    n_groups = int(group.max()) + 1 if len(group) else 0
    rows = np.arange(len(group))

    def first(positions: np.ndarray) -> np.ndarray:
        """Per group, the first of ``positions`` (rows in order) that belongs to it; -1 if none."""
        out = np.full(n_groups, -1, dtype=np.int64)
        out[group[positions][::-1]] = positions[::-1]
        return out

    def first_known(name: str) -> np.ndarray:
        values = col(df, name).to_numpy(dtype=object)
        pos = first(np.flatnonzero(pd.notna(values)))
        picked = values[np.maximum(pos, 0)]
        picked[pos < 0] = None
        return picked

    lead = first(rows)
    out = pd.DataFrame(
        {
            "kode_kecamatan": np.asarray(kec_uniques, dtype=object)[kec_code[lead]],
            "kode_desa": np.asarray(desa_uniques, dtype=object)[desa_code[lead]],
            "kecamatan": first_known("kecamatan"),
            "desa": first_known("desa"),
            "records": np.bincount(group, minlength=n_groups).astype(np.int64),
        }
    )
    return out.where(out.notna(), None)
