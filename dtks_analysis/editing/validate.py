"""Validation (penyahihan) of cleaned person rows: findings per rule and the rows that are counted.

Input is the cleaned frame of ``clean.clean_records`` (contract section 2); rules are in
:mod:`dtks_analysis.editing.rules`. Counting rules follow DOMAIN.md section 7:

* a row is counted when its No KK is *usable* (16 digits after stripping separators; a numeric
  Excel cell that still has 16 digits is usable and flagged ``kk_excel``);
* exact duplicates (identical in every canonical field after editing, see :data:`COMPARE_FIELDS`)
  collapse to the first row in file order;
* every other row is kept and flagged.

All checks are vectorized. Messages (``pesan``) never contain NIK, No KK, names or birth dates,
so findings can be summarised safely; the correction worklists add the IDs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dtks_analysis import regions
from dtks_analysis.config import Settings, month_end
from dtks_analysis.counting.households import date_parts, sort_by_codes
from dtks_analysis.editing import nik as nikmod
from dtks_analysis.editing.rules import RULE_ORDER, RULES, TINGKAT

FINDING_COLUMNS: tuple[str, ...] = (
    "record",
    "_file",
    "_sheet",
    "_row",
    "kode_aturan",
    "tingkat",
    "kolom",
    "pesan",
    "tindakan",
    "kode_kecamatan",
    "kode_desa",
)

PROGRAMS: tuple[str, ...] = ("bpnt", "pbi_jkn", "pkh")

#: Free-text canonical fields compared after normalising case and spaces.
TEXT_FIELDS: tuple[str, ...] = (
    "id_dtks",
    "provinsi",
    "kabupaten",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "tempat_lahir",
    "nama_ibu",
    "disabilitas",
)
#: Edited canonical fields compared as edited (a ``<field>_raw`` column, when clean.py keeps one,
#: is used only where the edited value is missing, so "Ya" and "1" compare equal).
EDITED_FIELDS: tuple[str, ...] = (
    "nik",
    "no_kk",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan",
    *PROGRAMS,
    "kode_kecamatan",
    "kode_desa",
)
#: Every field that defines an exact duplicate. Not compared: the source location
#: (``_file, _sheet, _row``), cell types, raw copies, region names (their codes are compared;
#: the raw name only when the code is unknown) and unknown ``x_`` columns (not part of the
#: record schema; a running "NO" column would otherwise hide every copy).
COMPARE_FIELDS: tuple[str, ...] = (*EDITED_FIELDS, *TEXT_FIELDS)

_FALLBACK_RAW = {"kode_kecamatan": "kecamatan_raw", "kode_desa": "desa_raw"}
_KK_UNUSABLE = ("empty", "excel", "digits", "length")
_FAMILY_RULES = ("kk_tanpa_kepala", "kk_kepala_ganda", "kk_beda_desa")
_PROGRAM_LABEL = {"bpnt": "BPNT", "pbi_jkn": "PBI-JKN", "pkh": "PKH"}


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

    def summary_by_rule(self) -> pd.DataFrame:
        """``kode_aturan, tingkat, uraian, jumlah_catatan`` for every rule (zeros included)."""
        counts = self.findings["kode_aturan"].value_counts()
        return pd.DataFrame(
            {
                "kode_aturan": list(RULES),
                "tingkat": [r.tingkat for r in RULES.values()],
                "uraian": [r.uraian for r in RULES.values()],
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
        out["kecamatan"] = out["kode_kecamatan"].map(names["kec"]).fillna("Tidak diketahui")
        out["desa"] = out["kode_desa"].map(names["desa"]).fillna("Tidak diketahui")
        for t, col in (("error", "errors"), ("warning", "warnings"), ("note", "notes")):
            out[col] = counts[t].reindex(idx, fill_value=0).to_numpy(dtype=np.int64)
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


# --------------------------------------------------------------------------- helpers
def _col(df: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` or an all-None object column."""
    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _by_uniques(
    s: pd.Series, func: Callable[[pd.Series], pd.Series], missing: object
) -> np.ndarray:
    """``func`` applied to the distinct values of ``s`` only (region names, codes and flags
    repeat a lot); ``missing`` for None/NaN."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object))
    mapped = np.asarray(func(pd.Series(uniques, dtype=object)).to_numpy(), dtype=object)
    out = np.full(len(s), missing, dtype=object)
    known = codes >= 0
    out[known] = mapped[codes[known]]
    return out


def _text(s: pd.Series) -> pd.Series:
    """Trimmed string values, "" for missing."""
    out = _by_uniques(s, lambda u: u.astype(str).str.strip(), "")
    return pd.Series(out, index=s.index, dtype=object)


def _norm(s: pd.Series) -> pd.Series:
    """Comparison form of a text value: upper case, single spaces, "" for missing."""
    return s.astype("string").str.upper().str.split().str.join(" ").fillna("").astype(object)


def _filled(s: pd.Series) -> np.ndarray:
    """True where the value is a non-blank string (or any non-missing non-string value)."""
    return _text(s).to_numpy(dtype=object) != ""


def _arrow_text(s: pd.Series) -> pa.Array:
    """Trimmed values as an arrow string array (null for missing)."""
    values = s.to_numpy(dtype=object)
    try:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        arr = pa.array(s.astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
    return pc.utf8_trim_whitespace(arr)


def _match(arr: pa.Array, pattern: str) -> np.ndarray:
    """Regex (RE2) search per value; False for null."""
    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(
        zero_copy_only=False
    )


def _blank_missing(s: pd.Series) -> np.ndarray:
    """Values as an object array, "" for missing (``fillna("")`` without its dtype inference)."""
    values = s.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = ""
    return values


def _is_na(s: pd.Series) -> np.ndarray:
    return s.isna().to_numpy(dtype=bool)


def _file_order(df: pd.DataFrame) -> np.ndarray:
    """Positions of rows sorted by ``_file, _sheet, _row`` (row numerically), stable."""
    row = pd.to_numeric(_col(df, "_row"), errors="coerce").fillna(-1).to_numpy()
    sheet = _sorted_codes(_col(df, "_sheet"))
    file_ = _sorted_codes(_col(df, "_file"))
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


class _Collector:
    """Accumulates (position, rule, kolom, pesan) findings as arrays."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: np.ndarray,
        code: str,
        pesan: str | Callable[[np.ndarray], Sequence[str] | np.ndarray] | None = None,
        kolom: str | None = None,
        region: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        rule = RULES[code]
        if pesan is None:
            msg = np.full(len(pos), rule.uraian, dtype=object)
        elif isinstance(pesan, str):
            msg = np.full(len(pos), pesan, dtype=object)
        else:
            msg = np.asarray(pesan(pos), dtype=object)
        part = pd.DataFrame(
            {"pos": pos, "kode_aturan": code, "kolom": kolom or rule.kolom, "pesan": msg}
        )
        if region is not None:
            part["kode_kecamatan"] = region[0][pos]
            part["kode_desa"] = region[1][pos]
        self.parts.append(part)


# --------------------------------------------------------------------------- ID checks
def _id_checks(
    df: pd.DataFrame,
    field_name: str,
    prefix: str,
    label: str,
    ref: pd.Timestamp,
    out: _Collector,
) -> pd.DataFrame:
    """Structural checks of NIK (``prefix="nik"``) or No KK, added to ``out``.

    Returns the parse of :mod:`dtks_analysis.editing.nik` plus ``is16`` (16 digits, numeric cells
    included), ``excel`` and ``valid_struct`` (valid and not damaged by Excel).
    """
    raw_col = f"{field_name}_raw" if f"{field_name}_raw" in df.columns else field_name
    raw = _col(df, raw_col)
    parser = nikmod.parse_nik if prefix == "nik" else nikmod.parse_kk
    p = parser(raw.reset_index(drop=True), reference_date=ref)
    reason_code, reasons = pd.factorize(p["reason"].to_numpy(dtype=object))  # valid: -1

    def has_reason(*names: str | None) -> np.ndarray:
        codes = [-1 if r is None else i for i, r in enumerate([*reasons, None]) if r in names]
        return np.isin(reason_code, codes)

    # length after stripping: 16 where the parser decoded the digits, 0 when empty; the
    # separators are stripped again only for the other rows (few: letters, wrong length, ...)
    decoded = has_reason(None, "province", "kabupaten", "date", "serial")
    length = np.where(decoded, 16, 0)
    other = np.flatnonzero(~decoded & ~has_reason("empty"))
    if len(other):
        stripped = nikmod.strip_id(raw.iloc[other].reset_index(drop=True))
        as_arrow = pa.array(stripped.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        length[other] = pc.fill_null(pc.utf8_length(as_arrow), 0).to_numpy()

    cell = _by_uniques(_col(df, f"_{field_name}_type"), lambda u: u.astype(str).str.lower(), "")
    number = cell == "number"
    sci = has_reason("excel")
    excel = number | sci
    empty = has_reason("empty") & ~number
    digits = has_reason("digits")
    letters = digits & ~excel
    wrong_len = ~empty & ~excel & ~sci & (length != 16)
    is16 = ~empty & ~sci & ~digits & (length == 16)
    prov_bad = is16 & has_reason("province")
    kab_bad = is16 & has_reason("kabupaten")
    date_bad = is16 & p["birth_date"].isna().to_numpy() & ~number
    serial_bad = is16 & (p["serial"].to_numpy(dtype=object) == "0000") & ~number

    out.add(empty, f"{prefix}_kosong")
    out.add(
        excel,
        f"{prefix}_excel",
        lambda pos: np.where(
            number[pos],
            f"{label} tersimpan sebagai angka di Excel: digit ke-16 bisa hilang",
            f"{label} tampil dalam notasi ilmiah (mis. 1,21101E+15): digit hilang",
        ),
    )
    out.add(
        wrong_len,
        f"{prefix}_panjang",
        lambda pos: [f"{label} berisi {k} karakter (harus 16 digit)" for k in length[pos]],
    )
    out.add(letters, f"{prefix}_bukan_angka")
    out.add(prov_bad, f"{prefix}_provinsi")
    out.add(kab_bad, f"{prefix}_kabupaten")
    out.add(date_bad, f"{prefix}_tanggal")
    out.add(serial_bad, f"{prefix}_nomor_urut")
    seps = nikmod.had_separators(raw.reset_index(drop=True)).to_numpy(dtype=bool) & ~excel
    out.add(seps, f"{prefix}_tanda_baca")

    p["is16"] = is16
    p["excel"] = excel
    p["valid_struct"] = p["valid"].to_numpy(dtype=bool) & ~excel
    return p


# --------------------------------------------------------------------------- duplicates
def _compare_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical comparison form of the rows (see :data:`COMPARE_FIELDS`)."""
    cols: dict[str, pd.Series] = {}
    for f in EDITED_FIELDS:
        s = _col(df, f)
        if pd.api.types.is_datetime64_any_dtype(s):
            v = s.dt.strftime("%Y-%m-%d").fillna("").astype(object)
        else:
            v = s.astype("string").fillna("").astype(object)
        raw_name = _FALLBACK_RAW.get(f, f"{f}_raw")
        if raw_name in df.columns and f not in ("nik", "no_kk"):
            missing = v == ""
            v = v.where(~missing, "?" + _norm(df[raw_name]))
        cols[f] = v
    for f in TEXT_FIELDS:
        cols[f] = _norm(_col(df, f))
    return pd.DataFrame(cols, index=df.index)


def _duplicates(df: pd.DataFrame, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is_copy, position of the first row) for exact duplicates, first = file order."""
    n = len(df)
    is_copy = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return is_copy, first
    # cheap pre-filters, in file order: rows sharing their NIK (a copy must), then rows sharing
    # NIK, No KK, name and birth date; the full comparison only for those candidates
    maybe = order[pd.Series(_col(df, "nik").to_numpy()[order]).duplicated(keep=False).to_numpy()]
    quick = pd.DataFrame(
        {f: _col(df, f).to_numpy()[maybe] for f in ("nik", "no_kk", "nama", "tanggal_lahir")}
    )
    cand_pos = maybe[quick.duplicated(keep=False).to_numpy()]  # positions, in file order
    if not len(cand_pos):
        return is_copy, first
    sub = _compare_frame(df.take(cand_pos))
    dup = sub.duplicated(keep="first").to_numpy()
    h = pd.util.hash_pandas_object(sub, index=False).to_numpy()
    pos_sorted = cand_pos
    first_of_hash = pd.Series(pos_sorted).groupby(h, sort=False).transform("first").to_numpy()
    is_copy[pos_sorted[dup]] = True
    first[pos_sorted[dup]] = first_of_hash[dup]
    return is_copy, first


# --------------------------------------------------------------------------- main entry
def validate(
    cleaned: pd.DataFrame,
    settings: Settings | None = None,
    reference_date: object = None,
) -> ValidationResult:
    """Check every cleaned row against every rule of :data:`dtks_analysis.editing.rules.RULES`.

    ``reference_date`` (default: end of ``settings.month``, else today) fixes ages and the
    NIK century pivot. Returns findings (sorted by ``_file, _sheet, _row, kode_aturan``), the
    counted ``persons`` (with ``nik_valid, kk_valid, kunci``), the ``excluded`` rows (with
    ``kode_aturan`` and ``alasan``) and the number of collapsed duplicates.
    """
    settings = settings or Settings()
    ref = _reference(settings, reference_date)
    df = cleaned
    n = len(df)
    out = _Collector()
    order = _file_order(df)

    # -- NIK and No KK structure
    pn = _id_checks(df, "nik", "nik", "NIK", ref, out)
    pk = _id_checks(df, "no_kk", "kk", "No KK", ref, out)
    kk_reason = pk["reason"].to_numpy(dtype=object)
    usable = ~pd.Series(kk_reason).isin(_KK_UNUSABLE).to_numpy()  # hashing, not object sort
    nik_valid = pn["valid_struct"].to_numpy(dtype=bool)
    kk_valid = pk["valid_struct"].to_numpy(dtype=bool)

    # -- NIK vs record: prefix outside Dairi (structurally valid NIK, also from a numeric cell:
    # its first 15 digits are intact), sex and birth date (whenever the NIK's date decodes)
    kab = pn["kabupaten"].to_numpy(dtype=object)
    out.add(pn["valid"].to_numpy(dtype=bool) & (kab != settings.kabupaten_nik4), "nik_luar_dairi")
    nik_sex = pn["sex"].to_numpy(dtype=object)
    jk = _col(df, "jenis_kelamin").to_numpy(dtype=object)
    decodes = pn["is16"].to_numpy(dtype=bool) & pn["birth_date"].notna().to_numpy()
    sex_known = pd.Series(jk).isin(["L", "P"]).to_numpy(dtype=bool)
    out.add(decodes & sex_known & (nik_sex != jk), "nik_beda_jk")
    tl = pd.to_datetime(_col(df, "tanggal_lahir"), errors="coerce").reset_index(drop=True)
    ty, tm, td, tl_known = date_parts(tl)
    by, bm, bday, bd_known = date_parts(pn["birth_date"])
    same_date = tl_known & bd_known & (td == bday) & (tm == bm) & (ty % 100 == by % 100)
    out.add(decodes & tl_known & ~same_date, "nik_beda_tgl_lahir")

    # -- exact duplicates, then counted rows
    is_copy, first = _duplicates(df, order)
    rows_txt = _col(df, "_row").to_numpy(dtype=object)
    sheet_txt = _col(df, "_sheet").to_numpy(dtype=object)
    file_txt = _col(df, "_file").to_numpy(dtype=object)

    def dup_msg(pos: np.ndarray) -> list[str]:
        return [
            f"Sama persis dengan baris {rows_txt[f]}"
            + (f" sheet {sheet_txt[f]}" if sheet_txt[f] not in (None, "") else "")
            + f" berkas {file_txt[f]}"
            for f in first[pos]
        ]

    out.add(is_copy, "baris_ganda", dup_msg)
    counted = usable & ~is_copy

    # -- the same valid NIK under two or more usable No KK
    kk_str = _blank_missing(_col(df, "no_kk"))
    nik_str = _blank_missing(_col(df, "nik"))
    cand = counted & nik_valid
    ganda = np.zeros(n, dtype=bool)
    if cand.any():
        g, _ = pd.factorize(nik_str[cand])
        k, kk_uniques = pd.factorize(kk_str[cand])
        pair = pd.unique(g.astype(np.int64) * (len(kk_uniques) + 1) + k)
        n_kk = np.bincount(pair // (len(kk_uniques) + 1), minlength=int(g.max()) + 1)[g]
        ganda[np.flatnonzero(cand)] = n_kk >= 2
        n_kk_all = np.zeros(n, dtype=np.int64)
        n_kk_all[np.flatnonzero(cand)] = n_kk
        out.add(
            ganda,
            "nik_ganda_kk",
            lambda pos: [f"NIK ini tercatat pada {k} No KK berbeda" for k in n_kk_all[pos]],
        )

    # -- household key and family rules (counted rows only)
    kunci = pd.Series(kk_str, dtype=object)
    if settings.kunci_rumah_tangga == "id_dtks":
        idd = _text(_col(df, "id_dtks")).to_numpy(dtype=object)
        kunci = pd.Series(np.where(idd != "", idd, kk_str), dtype=object)
    _family_rules(df, counted, kunci, ref, settings, out)

    # -- regions
    kode_desa = _col(df, "kode_desa")
    desa_raw = _col(df, "desa_raw") if "desa_raw" in df.columns else _col(df, "desa")
    no_desa = _is_na(kode_desa)
    out.add(
        no_desa,
        "desa_tidak_dikenal",
        lambda pos: [
            f"Desa/kelurahan '{d}' tidak ada dalam daftar resmi"
            if d
            else "Nama desa/kelurahan kosong"
            for d in _text(desa_raw.iloc[pos])
        ],
    )
    kec_raw = _text(
        _col(df, "kecamatan_raw") if "kecamatan_raw" in df.columns else _col(df, "kecamatan")
    )
    kec_unmatched = _kecamatan_unmatched(df, kec_raw)
    kec_txt = kec_raw.to_numpy(dtype=object)
    out.add(
        kec_unmatched,
        "kecamatan_tidak_dikenal",
        lambda pos: [f"Kecamatan '{k}' tidak ada dalam daftar resmi" for k in kec_txt[pos]],
    )
    if "wilayah_ejaan_lain" in df.columns:
        alt = df["wilayah_ejaan_lain"].fillna(False).to_numpy(dtype=bool)
        out.add(alt, "wilayah_ejaan_lain")

    # -- program flags, relationship
    for prog in PROGRAMS:
        if prog not in df.columns:
            continue
        bad = _is_na(df[prog])
        label = _PROGRAM_LABEL[prog]
        if f"{prog}_raw" in df.columns:
            rawp = df[f"{prog}_raw"]
            out.add(
                bad,
                "program_tidak_dikenal",
                lambda pos, rawp=rawp, label=label: [
                    f"Isian {label} '{v}' tidak dikenal (dihitung tidak menerima)"
                    for v in _text(rawp.iloc[pos])
                ],
                kolom=prog,
            )
        else:
            msg = f"Isian {label} tidak dikenal (dihitung tidak menerima)"
            out.add(bad, "program_tidak_dikenal", msg, kolom=prog)
    if "hubungan" in df.columns:
        hub_na = _is_na(df["hubungan"])
        if "hubungan_raw" in df.columns:
            hraw = df["hubungan_raw"]
            out.add(
                hub_na,
                "hubungan_tidak_dikenal",
                lambda pos: [
                    f"Hubungan keluarga '{h}' tidak dikenal" if h else "Hubungan keluarga kosong"
                    for h in _text(hraw.iloc[pos])
                ],
            )
        else:
            out.add(hub_na, "hubungan_tidak_dikenal", "Hubungan keluarga kosong atau tidak dikenal")

    # -- names
    nama = _arrow_text(_col(df, "nama"))
    nama_empty = pc.fill_null(pc.equal(nama, ""), True).to_numpy(zero_copy_only=False)
    out.add(nama_empty, "nama_kosong")
    has_digit = _match(nama, r"\d")
    two_letters = _match(nama, r"\pL.*\pL")  # RE2: any Unicode letter
    odd = ~nama_empty & (has_digit | ~two_letters)
    out.add(
        odd,
        "nama_tidak_wajar",
        lambda pos: np.where(has_digit[pos], "Nama berisi angka", "Nama kurang dari 2 huruf"),
    )

    # -- dates of birth and ages
    tl_raw_col = next((c for c in ("tanggal_lahir_raw", "tgl_lahir_raw") if c in df.columns), None)
    if tl_raw_col is not None:
        bad_date = np.zeros(n, dtype=bool)  # a filled raw date that did not parse
        unparsed = np.flatnonzero(~tl_known)
        bad_date[unparsed] = _filled(df[tl_raw_col].iloc[unparsed])
        out.add(bad_date, "tgl_lahir_tidak_valid")
    # born: the recorded date, else the date in the NIK
    y, m, d = (np.where(tl_known, a, b) for a, b in ((ty, by), (tm, bm), (td, bday)))
    before = (m > ref.month) | ((m == ref.month) & (d > ref.day))
    age = np.where(tl_known | bd_known, ref.year - y - before, np.nan)
    with np.errstate(invalid="ignore"):
        odd_age = (age < 0) | (age > settings.umur_maks)
    from_record = tl_known

    def age_msg(pos: np.ndarray) -> list[str]:
        return [
            (
                "Tanggal lahir sesudah tanggal referensi (umur negatif)"
                if a < 0
                else f"Umur {a:.0f} tahun"
            )
            + ("" if rec else " (dihitung dari tanggal lahir pada NIK)")
            for a, rec in zip(age[pos], from_record[pos], strict=True)
        ]

    out.add(odd_age, "umur_tidak_wajar", age_msg)

    findings = _assemble(df, out)

    # -- persons and excluded rows
    persons = df.take(np.flatnonzero(counted))
    persons["nik_valid"] = nik_valid[counted]
    persons["kk_valid"] = kk_valid[counted]
    persons["kunci"] = kunci.to_numpy(dtype=object)[counted]
    ex_mask = ~usable
    excluded = df.take(np.flatnonzero(ex_mask))
    kk_damaged = pk["excel"].to_numpy(dtype=bool)  # numeric cell or scientific notation
    ex_reason, ex_damaged = kk_reason[ex_mask], kk_damaged[ex_mask]
    ex_code = np.select(
        [ex_reason == "empty", ex_damaged, ex_reason == "digits"],
        ["kk_kosong", "kk_excel", "kk_bukan_angka"],
        default="kk_panjang",
    )
    excluded["kode_aturan"] = ex_code
    excluded["alasan"] = [RULES[c].uraian for c in ex_code]
    n_dup = int((is_copy & usable).sum())

    villages = _villages(df, kode_desa)
    return ValidationResult(findings, persons, excluded, n_dup, n, villages)


def _villages(df: pd.DataFrame, kode_desa: pd.Series) -> pd.DataFrame:
    """Rows received per (kode_kecamatan, kode_desa), missing codes included, in order of first
    appearance, with the first known names: a group-by done with integer codes."""
    kec_code, kec_uniques = pd.factorize(_col(df, "kode_kecamatan"), use_na_sentinel=False)
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
        values = _col(df, name).to_numpy(dtype=object)
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


def _kecamatan_unmatched(df: pd.DataFrame, kec_raw: pd.Series) -> np.ndarray:
    """Rows whose kecamatan column is filled but names no Dairi kecamatan.

    A row's kecamatan code may come from its village even when the kecamatan text is unknown,
    so the text itself is matched again with the matcher clean.py uses
    (:func:`regions.match_kecamatan`, on distinct values only).
    """
    filled = kec_raw.to_numpy(dtype=object) != ""
    if not filled.any():
        return filled
    codes, uniques = pd.factorize(kec_raw.to_numpy(dtype=object)[filled])
    u = pd.Series(uniques, dtype=object)
    matched = regions.match_kecamatan(u, u)["kode_kecamatan"]  # a name, or a code typed there
    unknown = matched.isna().to_numpy(dtype=bool)[codes]
    out = np.zeros(len(kec_raw), dtype=bool)
    out[np.flatnonzero(filled)] = unknown
    return out


def _family_rules(
    df: pd.DataFrame,
    counted: np.ndarray,
    kunci: pd.Series,
    ref: pd.Timestamp,
    settings: Settings,
    out: _Collector,
) -> None:
    """No head, several heads, several villages: on every counted member row of the family."""
    pos = np.flatnonzero(counted)
    if not len(pos):
        return
    g, _keys = pd.factorize(kunci.to_numpy(dtype=object)[pos])
    n_g = int(g.max()) + 1
    head = (_col(df, "hubungan") == 1).fillna(False).to_numpy(dtype=bool)[pos]
    n_heads = np.bincount(g, weights=head, minlength=n_g)
    desa_code, _ = pd.factorize(_col(df, "kode_desa").to_numpy(dtype=object)[pos])
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

    # the household's region (same rule as households.build_households)
    from dtks_analysis.counting import households

    fam = df.take(np.flatnonzero(flagged))
    fam["kunci"] = kunci.to_numpy(dtype=object)[flagged]
    hh = households.build_households(fam, reference_date=ref, umur_maks=settings.umur_maks)
    kec_map = dict(zip(hh["kunci"], hh["kode_kecamatan"], strict=True))
    desa_map = dict(zip(hh["kunci"], hh["kode_desa"], strict=True))
    kec = np.full(len(df), None, dtype=object)
    des = np.full(len(df), None, dtype=object)
    kec[flagged] = fam["kunci"].map(kec_map).to_numpy(dtype=object)
    des[flagged] = fam["kunci"].map(desa_map).to_numpy(dtype=object)
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


def _assemble(df: pd.DataFrame, out: _Collector) -> pd.DataFrame:
    """Findings table in the contract's columns and deterministic order."""
    if not out.parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FINDING_COLUMNS})
    f = pd.concat(out.parts, ignore_index=True)
    pos = f["pos"].to_numpy()
    own_kec = _col(df, "kode_kecamatan").to_numpy(dtype=object)[pos]
    own_desa = _col(df, "kode_desa").to_numpy(dtype=object)[pos]
    if "kode_kecamatan" in f.columns:
        is_family = f["kode_aturan"].isin(_FAMILY_RULES).to_numpy()
        kec = np.where(is_family, f["kode_kecamatan"].to_numpy(dtype=object), own_kec)
        desa = np.where(is_family, f["kode_desa"].to_numpy(dtype=object), own_desa)
    else:
        kec, desa = own_kec, own_desa
    res = pd.DataFrame(
        {
            "record": df.index.to_numpy()[pos],
            "_file": _col(df, "_file").to_numpy(dtype=object)[pos],
            "_sheet": _col(df, "_sheet").to_numpy(dtype=object)[pos],
            "_row": _col(df, "_row").to_numpy()[pos],
            "kode_aturan": f["kode_aturan"].to_numpy(dtype=object),
            "tingkat": f["kode_aturan"].map({k: r.tingkat for k, r in RULES.items()}).to_numpy(),
            "kolom": f["kolom"].to_numpy(dtype=object),
            "pesan": f["pesan"].to_numpy(dtype=object),
            "tindakan": f["kode_aturan"].map({k: r.tindakan for k, r in RULES.items()}).to_numpy(),
            "kode_kecamatan": kec,
            "kode_desa": desa,
        }
    )
    res = res.astype({"kode_kecamatan": object, "kode_desa": object})
    res["kode_kecamatan"] = res["kode_kecamatan"].where(res["kode_kecamatan"].notna(), None)
    res["kode_desa"] = res["kode_desa"].where(res["kode_desa"].notna(), None)
    row_num = pd.to_numeric(res["_row"], errors="coerce").fillna(-1).to_numpy()
    sheet, _ = pd.factorize(res["_sheet"].fillna(""), sort=True)
    file_, _ = pd.factorize(res["_file"].fillna(""), sort=True)
    code, _ = pd.factorize(res["kode_aturan"], sort=True)
    kolom, _ = pd.factorize(res["kolom"], sort=True)
    order = np.lexsort((kolom, code, pos, row_num, sheet, file_))
    res = res.iloc[order].reset_index(drop=True)
    assert set(res["kode_aturan"]) <= set(RULE_ORDER)
    return res
