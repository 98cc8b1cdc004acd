"""Quality history per village across months (issue 14): rows received, error and warning
findings per 100 rows, whether the village sent anything, how many of last month's worklist rows
were corrected, and a grade A-D (docs/kualitas_desa.md).

Counts are of rows and findings, not of persons or households: the table needs no disclosure
control. Villages are the kabupaten's official villages (every one, every month); rows whose
village is unknown stay in the report's ``kualitas_data`` and are not in this history.

A worklist row (a finding of level error or warning) of month m-1 is **corrected** in month m
when the same person (same NIK, or same name and date of birth: ``editing.person_keys``)
appears in m and carries no finding of the same rule there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dtks_analysis.editing.person_keys import KEY_COLUMNS
from dtks_analysis.regions import desa_table, kecamatan_lookup

#: the levels a worklist sends back (``editing.corrections.SENT_BACK``)
WORKLIST_LEVELS: tuple[str, ...] = ("error", "warning")
#: grade of a village that sent no row that month
TIDAK_MENGIRIM = "TM"
#: grades best to worst (``TIDAK_MENGIRIM`` last: nothing could be checked)
GRADES: tuple[str, ...] = ("A", "B", "C", "D", TIDAK_MENGIRIM)
GRADE_LABELS: dict[str, str] = {
    "A": "A (baik sekali)",
    "B": "B (baik)",
    "C": "C (perlu perbaikan)",
    "D": "D (buruk)",
    TIDAK_MENGIRIM: "Tidak mengirim",
}
HISTORY_COLUMNS: tuple[str, ...] = (
    "kode_kecamatan",
    "kecamatan",
    "kode_desa",
    "desa",
    "bulan",
    "mengirim",
    "baris",
    "kesalahan",
    "peringatan",
    "kesalahan_per_100",
    "peringatan_per_100",
    "baris_koreksi_lalu",
    "baris_diperbaiki",
    "nilai",
)


@dataclass
class MonthQuality:
    """What the history needs of one prepared month.

    ``villages``: ``validate.summary_by_village`` (``kode_desa, records, errors, warnings``);
    ``findings``: the month's findings with ``kode_desa, tingkat, kode_aturan`` and the person
    keys; ``present``: the person keys (``kunci_nik, kunci_identitas``) of every row received
    (counted persons and flagged rows alike).
    """

    month: str
    villages: pd.DataFrame
    findings: pd.DataFrame
    present: pd.DataFrame


def grade(errors_per_100: pd.Series, sent: pd.Series, thresholds: dict[str, float]) -> pd.Series:
    """Grade per village: A when errors per 100 rows <= ``thresholds["A"]``, B <= ``B``,
    C <= ``C``, else D; ``TM`` (tidak mengirim) where nothing was sent.

    >>> grade(pd.Series([0.5, 1.0, 2.0, 9.0, 0.0]), pd.Series([1, 1, 1, 1, 0]),
    ...       {"A": 0.75, "B": 1.25, "C": 2.0}).tolist()
    ['A', 'B', 'C', 'D', 'TM']
    """
    e = errors_per_100.to_numpy(dtype=float)
    out = np.select(
        [e <= thresholds["A"], e <= thresholds["B"], e <= thresholds["C"]], ["A", "B", "C"], "D"
    ).astype(object)
    out[sent.to_numpy(dtype=bool) == 0] = TIDAK_MENGIRIM
    return pd.Series(out, index=errors_per_100.index, dtype=object)


def _pairs(keys: pd.Series, rules: pd.Series) -> pd.MultiIndex:
    ok = keys.notna().to_numpy()
    return pd.MultiIndex.from_arrays([keys[ok].astype("int64"), rules[ok].astype(str)])


def corrected(previous: pd.DataFrame, current: MonthQuality) -> pd.Series:
    """Per worklist row of last month (``previous``: its error/warning findings): True when the
    same person appears in ``current`` without a finding of the same rule."""
    found = np.zeros(len(previous), dtype=bool)
    still = np.zeros(len(previous), dtype=bool)
    now = current.findings
    for key in KEY_COLUMNS:
        k = previous[key]
        ok = k.notna().to_numpy()
        present = pd.Index(current.present[key].dropna().astype("int64").unique())
        found |= ok & k.astype("Int64").isin(present).fillna(False).to_numpy(dtype=bool)
        pairs = _pairs(now[key], now["kode_aturan"])
        mine = pd.MultiIndex.from_arrays(
            [k.astype("Int64").fillna(0).astype("int64"), previous["kode_aturan"].astype(str)]
        )
        still |= ok & mine.isin(pairs)
    return pd.Series(found & ~still, index=previous.index)


def _worklist(findings: pd.DataFrame) -> pd.DataFrame:
    f = findings[findings["tingkat"].isin(WORKLIST_LEVELS) & findings["kode_desa"].notna()]
    return f.reset_index(drop=True)


def village_history(
    months: dict[str, MonthQuality], kabupaten_kode: str, thresholds: dict[str, float]
) -> pd.DataFrame:
    """The long table ``kualitas_desa``: one row per official village and month present (columns
    :data:`HISTORY_COLUMNS`), sorted by village code and month. ``baris_koreksi_lalu`` and
    ``baris_diperbaiki`` are 0 in the first month (no worklist before it) and refer to the
    calendar month before (a gap in the months gives 0 as well)."""
    desa = desa_table(kabupaten_kode)
    kec = kecamatan_lookup(kabupaten_kode)
    base = pd.DataFrame(
        {
            "kode_kecamatan": desa["kode_kecamatan"],
            "kecamatan": desa["kode_kecamatan"].map(kec),
            "kode_desa": desa["kode"],
            "desa": desa["nama"],
        }
    )
    parts = []
    ordered = sorted(months)
    for i, m in enumerate(ordered):
        q = months[m]
        v = q.villages.dropna(subset=["kode_desa"]).groupby("kode_desa")
        sums = v[["records", "errors", "warnings"]].sum()
        part = base.assign(bulan=m)
        for src, dst in (("records", "baris"), ("errors", "kesalahan"), ("warnings", "peringatan")):
            part[dst] = part["kode_desa"].map(sums[src]).fillna(0).astype(np.int64)
        part["mengirim"] = (part["baris"] > 0).astype(np.int64)
        per = part["baris"].where(part["baris"] > 0)
        part["kesalahan_per_100"] = (part["kesalahan"] / per * 100).fillna(0.0).round(2)
        part["peringatan_per_100"] = (part["peringatan"] / per * 100).fillna(0.0).round(2)
        prev_m = ordered[i - 1] if i else None
        if prev_m is not None and _consecutive(prev_m, m):
            w = _worklist(months[prev_m].findings)
            w = w.assign(ok=corrected(w, q).to_numpy())
            by = w.groupby("kode_desa")["ok"].agg(["size", "sum"])
            part["baris_koreksi_lalu"] = part["kode_desa"].map(by["size"]).fillna(0)
            part["baris_diperbaiki"] = part["kode_desa"].map(by["sum"]).fillna(0)
        else:
            part["baris_koreksi_lalu"] = 0
            part["baris_diperbaiki"] = 0
        for c in ("baris_koreksi_lalu", "baris_diperbaiki"):
            part[c] = part[c].astype(np.int64)
        part["nilai"] = grade(part["kesalahan_per_100"], part["mengirim"], thresholds)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    out = pd.concat(parts, ignore_index=True)[list(HISTORY_COLUMNS)]
    return out.sort_values(["kode_desa", "bulan"], kind="stable").reset_index(drop=True)


def _consecutive(a: str, b: str) -> bool:
    ya, ma = (int(x) for x in a.split("-"))
    yb, mb = (int(x) for x in b.split("-"))
    return yb * 12 + mb - (ya * 12 + ma) == 1


def rank(nilai: pd.Series) -> pd.Series:
    """0 (A) .. 4 (tidak mengirim): lower is better."""
    return nilai.map({g: i for i, g in enumerate(GRADES)}).astype(np.int64)


def changes(history: pd.DataFrame, month: str) -> pd.DataFrame:
    """Per village: the grade of the month before ``month`` (``nilai_lalu``) and of ``month``
    (``nilai``), errors per 100 rows of both and ``perubahan`` (grade steps; negative = better).
    Empty when ``month`` is the first month of the history."""
    months = sorted(history["bulan"].unique())
    if month not in months or months.index(month) == 0:
        return pd.DataFrame()
    prev = months[months.index(month) - 1]
    cols = ["kode_desa", "nilai", "kesalahan_per_100"]
    a = history.loc[history["bulan"] == prev, cols]
    b = history.loc[history["bulan"] == month]
    out = b.merge(a, on="kode_desa", suffixes=("", "_lalu"))
    out["perubahan"] = rank(out["nilai"]) - rank(out["nilai_lalu"])
    return out


def improving(history: pd.DataFrame, month: str) -> pd.DataFrame:
    """Villages whose grade rose since last month, most steps first."""
    c = changes(history, month)
    if c.empty:
        return c
    c = c[c["perubahan"] < 0]
    return c.sort_values(["perubahan", "kesalahan_per_100", "kode_desa"]).reset_index(drop=True)


def worsening(history: pd.DataFrame, month: str) -> pd.DataFrame:
    """Villages whose grade fell since last month (or that stopped sending), most steps first."""
    c = changes(history, month)
    if c.empty:
        return c
    c = c[c["perubahan"] > 0]
    return c.sort_values(
        ["perubahan", "kesalahan_per_100", "kode_desa"], ascending=[False, False, True]
    ).reset_index(drop=True)


def grade_counts(history: pd.DataFrame) -> pd.DataFrame:
    """Villages per grade (columns :data:`GRADES`) per month (rows)."""
    t = pd.crosstab(history["bulan"], history["nilai"])
    return t.reindex(columns=list(GRADES), fill_value=0)
