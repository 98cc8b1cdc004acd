"""Published statistics from the household table (issue #5, architecture section 6).

Every table has a fixed shape: all 15 kecamatan / 169 villages of the reference list in code
order, zeros included; "Tidak diketahui" rows only when they hold households. Counts are int64.
"""

from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from dtks_analysis import regions
from dtks_analysis.counting.households import umur_tahun
from dtks_analysis.vocab import PROGRAMS, TIDAK_DIKETAHUI

MEASURES: tuple[str, ...] = (
    "rumah_tangga",
    "jiwa",
    "rt_bpnt",
    "rt_pbi_jkn",
    "rt_pkh",
    "rt_bansos",
    "rt_imputasi",
)
UKURAN_LABELS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8+")
KELOMPOK_UMUR: tuple[str, ...] = tuple(f"{a}-{a + 4}" for a in range(0, 75, 5)) + ("75+",)


@lru_cache(maxsize=8)
def _wilayah(kode: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kecamatan, villages) of the reference list, in code order."""
    kec = (
        regions.kecamatan_table(kode)[["kode", "nama"]]
        .rename(columns={"kode": "kode_kecamatan", "nama": "kecamatan"})
        .sort_values("kode_kecamatan")
        .reset_index(drop=True)
    )
    desa = regions.desa_table(kode)[["kode", "nama", "kode_kecamatan"]].rename(
        columns={"kode": "kode_desa", "nama": "desa"}
    )
    desa = desa.merge(kec, on="kode_kecamatan", how="left")
    desa = desa[["kode_kecamatan", "kecamatan", "kode_desa", "desa"]]
    return kec, desa.sort_values("kode_desa").reset_index(drop=True)


def kecamatan_reference(kode: str) -> pd.DataFrame:
    """The kecamatan (``kode_kecamatan, kecamatan``) of kabupaten ``kode`` in code order."""
    return _wilayah(kode)[0].copy()


def desa_reference(kode: str) -> pd.DataFrame:
    """The villages (``kode_kecamatan, kecamatan, kode_desa, desa``) of kabupaten ``kode`` in
    code order."""
    return _wilayah(kode)[1].copy()


def _measure_frame(hh: pd.DataFrame) -> pd.DataFrame:
    """Per-household 0/1 indicators (and ``jiwa``) ready to be summed."""
    progs = {f"rt_{p}": hh[p].fillna(False).astype(bool).to_numpy() for p in PROGRAMS}
    bansos = np.logical_or.reduce(list(progs.values())) if len(hh) else np.zeros(0, bool)
    return pd.DataFrame(
        {
            "rumah_tangga": np.ones(len(hh), dtype=np.int64),
            "jiwa": hh["jiwa"].to_numpy(dtype=np.int64),
            **{k: v.astype(np.int64) for k, v in progs.items()},
            "rt_bansos": bansos.astype(np.int64),
            "rt_imputasi": hh["imputasi"].fillna(False).astype(bool).to_numpy().astype(np.int64),
        },
        index=hh.index,
    )


def _codes(hh: pd.DataFrame, col: str, known: set[str]) -> pd.Series:
    """``col`` with missing values as ""; raises on a code outside the reference list."""
    vals = hh[col].astype(object).where(hh[col].notna(), "")
    unknown = set(vals.unique()) - known - {""}
    if unknown:
        raise ValueError(f"{col}: kode di luar daftar wilayah kabupaten: {sorted(unknown)}")
    return vals


def rekap_kecamatan(hh: pd.DataFrame, kode: str) -> pd.DataFrame:
    """Households, persons and program receipt per kecamatan (+ "Tidak diketahui" if any)."""
    kec = kecamatan_reference(kode)
    m = _measure_frame(hh)
    m["kode_kecamatan"] = _codes(hh, "kode_kecamatan", set(kec["kode_kecamatan"]))
    sums = m.groupby("kode_kecamatan", sort=False)[list(MEASURES)].sum()
    out = kec.copy()
    if "" in sums.index:
        out = pd.concat(
            [out, pd.DataFrame({"kode_kecamatan": [""], "kecamatan": [TIDAK_DIKETAHUI]})],
            ignore_index=True,
        )
    vals = sums.reindex(out["kode_kecamatan"]).fillna(0).astype("int64").reset_index(drop=True)
    return pd.concat([out, vals], axis=1)


def rekap_desa(hh: pd.DataFrame, kode: str) -> pd.DataFrame:
    """As :func:`rekap_kecamatan`, per village: all 169 in code order; within each kecamatan a
    "Tidak diketahui" village row (empty ``kode_desa``) after its villages when it holds
    households; last, an unknown-kecamatan row when needed."""
    kec = kecamatan_reference(kode)
    desa = desa_reference(kode)
    m = _measure_frame(hh)
    m["kode_kecamatan"] = _codes(hh, "kode_kecamatan", set(kec["kode_kecamatan"]))
    m["kode_desa"] = _codes(hh, "kode_desa", set(desa["kode_desa"]))
    # households with unknown kecamatan all go to the single unknown row
    m.loc[m["kode_kecamatan"] == "", "kode_desa"] = ""
    sums = m.groupby(["kode_kecamatan", "kode_desa"], sort=False)[list(MEASURES)].sum()

    rows = []
    for _, k in kec.iterrows():
        rows.append(desa[desa["kode_kecamatan"] == k["kode_kecamatan"]])
        if (k["kode_kecamatan"], "") in sums.index:
            rows.append(
                pd.DataFrame(
                    {
                        "kode_kecamatan": [k["kode_kecamatan"]],
                        "kecamatan": [k["kecamatan"]],
                        "kode_desa": [""],
                        "desa": [TIDAK_DIKETAHUI],
                    }
                )
            )
    if ("", "") in sums.index:
        rows.append(
            pd.DataFrame(
                {
                    "kode_kecamatan": [""],
                    "kecamatan": [TIDAK_DIKETAHUI],
                    "kode_desa": [""],
                    "desa": [TIDAK_DIKETAHUI],
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    idx = pd.MultiIndex.from_frame(out[["kode_kecamatan", "kode_desa"]])
    stray = sums.index.difference(idx)
    if len(stray):
        raise ValueError(
            f"kode_desa di luar kecamatannya (village outside its kecamatan): {list(stray)}"
        )
    vals = sums.reindex(idx).fillna(0).astype("int64").reset_index(drop=True)
    return pd.concat([out, vals], axis=1)


def kombinasi_program(hh: pd.DataFrame) -> pd.DataFrame:
    """Households per combination of programs: ``bpnt, pbi_jkn, pkh`` (0/1), ``rumah_tangga``.

    Always eight rows, in binary order 000, 001, ..., 111 (``bpnt`` most significant).
    """
    flags = {p: hh[p].fillna(False).astype(bool).to_numpy().astype(np.int64) for p in PROGRAMS}
    code = flags["bpnt"] * 4 + flags["pbi_jkn"] * 2 + flags["pkh"]
    counts = np.bincount(code, minlength=8).astype(np.int64)
    combos = np.array(list(itertools.product([0, 1], repeat=3)), dtype=np.int64)
    return pd.DataFrame(
        {
            "bpnt": combos[:, 0],
            "pbi_jkn": combos[:, 1],
            "pkh": combos[:, 2],
            "rumah_tangga": counts,
        }
    )


def _persen(num: pd.Series, den: pd.Series) -> pd.Series:
    """100 * num / den as float64, NaN where den is 0."""
    den = den.astype("float64")
    return (100.0 * num.astype("float64") / den.where(den > 0)).astype("float64")


def cakupan_program(hh: pd.DataFrame, kabupaten_kode: str) -> pd.DataFrame:
    """Coverage (% of registry households) per program and any program, per kecamatan and for
    the kabupaten (last row, ``kode_kecamatan`` = ``kabupaten_kode``, ``kecamatan`` = "Jumlah").

    Columns: ``kode_kecamatan, kecamatan, rumah_tangga, persen_bpnt, persen_pbi_jkn, persen_pkh,
    persen_bansos`` (float64, unrounded; NaN when there are no households).
    """
    return cakupan(rekap_kecamatan(hh, kabupaten_kode), kabupaten_kode)


def cakupan(rekap: pd.DataFrame, kabupaten_kode: str) -> pd.DataFrame:
    """:func:`cakupan_program` from a ``rekap_kecamatan`` table: the one place coverage is
    computed (the published CSV, the report's program table and the coverage chart).

    ``persen_bansos`` only when ``rekap`` has ``rt_bansos``. The rows of ``rekap`` keep their
    order and index; the kabupaten row comes last.
    """
    programs = (*PROGRAMS, "bansos") if "rt_bansos" in rekap.columns else PROGRAMS
    counts = ["rumah_tangga", *(f"rt_{p}" for p in programs)]
    rk = rekap[["kode_kecamatan", "kecamatan", *counts]].copy()
    total = rk[counts].sum().to_frame().T.astype("int64")
    total.insert(0, "kecamatan", "Jumlah")
    total.insert(0, "kode_kecamatan", kabupaten_kode)
    rk = pd.concat([rk, total], ignore_index=True)
    out = rk[["kode_kecamatan", "kecamatan", "rumah_tangga"]].copy()
    for p in programs:
        out[f"persen_{p}"] = _persen(rk[f"rt_{p}"], rk["rumah_tangga"])
    return out


def ukuran_rumah_tangga(hh: pd.DataFrame) -> pd.DataFrame:
    """Household size distribution: ``ukuran`` ("1".."7", "8+"), ``rumah_tangga``, ``persen``."""
    size = np.clip(hh["jiwa"].to_numpy(dtype=np.int64), 1, 8)
    counts = (
        np.bincount(size - 1, minlength=8).astype(np.int64) if len(hh) else np.zeros(8, "int64")
    )
    out = pd.DataFrame({"ukuran": list(UKURAN_LABELS), "rumah_tangga": counts})
    out["persen"] = _persen(out["rumah_tangga"], pd.Series(counts.sum(), index=out.index))
    return out


def jk_kepala(hh: pd.DataFrame) -> pd.DataFrame:
    """Households by sex of the head: ``jenis_kelamin`` (Laki-laki, Perempuan, Tidak diketahui
    = no head or sex unknown), ``rumah_tangga``, ``persen``. Always three rows."""
    jk = hh["jk_kepala"]
    counts = [int((jk == "L").sum()), int((jk == "P").sum())]
    counts.append(len(hh) - sum(counts))
    out = pd.DataFrame(
        {
            "jenis_kelamin": ["Laki-laki", "Perempuan", TIDAK_DIKETAHUI],
            "rumah_tangga": np.array(counts, dtype=np.int64),
        }
    )
    out["persen"] = _persen(out["rumah_tangga"], pd.Series(len(hh), index=out.index))
    return out


def struktur_umur(
    persons: pd.DataFrame, reference_date: date | pd.Timestamp, *, umur_maks: int
) -> pd.DataFrame:
    """Persons by five-year age group and sex.

    Rows: ``0-4`` ... ``70-74``, ``75+``, then ``Tidak diketahui`` (age unknown or implausible);
    always 17 rows. Columns: ``kelompok_umur, laki_laki, perempuan, jk_tidak_diketahui, jumlah``.
    """
    age = umur_tahun(persons["tanggal_lahir"], reference_date, umur_maks)
    grp = (age // 5).clip(upper=15).fillna(16).to_numpy(dtype=np.int64)
    jk = persons["jenis_kelamin"]
    cols = {}
    for name, sel in (
        ("laki_laki", (jk == "L").to_numpy(dtype=bool)),
        ("perempuan", (jk == "P").to_numpy(dtype=bool)),
    ):
        cols[name] = np.bincount(grp[sel], minlength=17).astype(np.int64)
    total = np.bincount(grp, minlength=17).astype(np.int64)
    cols["jk_tidak_diketahui"] = total - cols["laki_laki"] - cols["perempuan"]
    cols["jumlah"] = total
    return pd.DataFrame({"kelompok_umur": [*KELOMPOK_UMUR, TIDAK_DIKETAHUI], **cols})


def kualitas_data(findings: pd.DataFrame, rules_table: pd.DataFrame) -> pd.DataFrame:
    """Findings per rule: ``kode_aturan, tingkat, uraian, jumlah_catatan``.

    Every rule of ``rules_table`` in its order, zeros included; codes found but missing from
    the catalogue are appended (sorted) with their ``tingkat`` and an empty ``uraian``.
    """
    rules = rules_table[["kode_aturan", "tingkat", "uraian"]].reset_index(drop=True)
    counts = findings.groupby("kode_aturan", sort=True).size()
    extra = sorted(set(counts.index) - set(rules["kode_aturan"]))
    if extra:
        tingkat = findings.drop_duplicates("kode_aturan").set_index("kode_aturan")["tingkat"]
        rules = pd.concat(
            [
                rules,
                pd.DataFrame(
                    {
                        "kode_aturan": extra,
                        "tingkat": tingkat.reindex(extra).to_list(),
                        "uraian": "",
                    }
                ),
            ],
            ignore_index=True,
        )
    rules["jumlah_catatan"] = rules["kode_aturan"].map(counts).fillna(0).astype("int64")
    return rules


def received_summary(files: pd.DataFrame) -> pd.DataFrame:
    """Published intake: one kabupaten row ``berkas, lembar, baris`` (files, sheets, rows).

    Nothing per file or per kind of file: a village's own file holds that village's persons,
    and a per-kind split can isolate one file. The list per file stays confidential
    (:func:`dtks_analysis.editing.corrections.received_files`, written under ``data/corrections/<month>/``).
    """
    return pd.DataFrame(
        {
            "berkas": [int(files["_file"].nunique()) if len(files) else 0],
            "lembar": [int(len(files))],
            "baris": [int(files["rows"].sum()) if len(files) else 0],
        }
    )
