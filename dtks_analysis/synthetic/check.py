"""Independent checker of the written rows: which rules each row really triggers.

Deliberately separate from ``dtks_analysis.editing.nik``/``validate``: the truth must not share code with
the pipeline it is used to test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .layout import FileStyle
from .reference import Reference, desa_key, kec_key

TRUE_VALUES = frozenset({"1", "Y", "YA", "YES", "TRUE", "ADA"})
FALSE_VALUES = frozenset({"0", "2", "N", "T", "TIDAK", "NO", "FALSE", "TIDAK ADA", ""})
LABELS = {
    "KEPALA KELUARGA": 1, "KK": 1, "ISTRI": 2, "SUAMI": 2, "ANAK": 3, "MENANTU": 4, "CUCU": 5,
    "ORANG TUA": 6, "MERTUA": 6, "PEMBANTU": 7, "FAMILI LAIN": 8, "LAINNYA": 8,
}  # fmt: skip
DUKCAPIL_TO_DTKS = {1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 6: 5, 7: 6, 8: 6, 9: 8, 10: 7, 11: 8}
SEVERITY = {
    "nik_excel": "error", "nik_panjang": "error", "nik_bukan_angka": "error",
    "nik_provinsi": "error", "nik_kabupaten": "error", "nik_tanggal": "error",
    "nik_nomor_urut": "error", "nik_tanda_baca": "note", "nik_beda_jk": "warning",
    "nik_beda_tgl_lahir": "warning", "nik_ganda_kk": "error", "kk_excel": "error",
    "kk_panjang": "error", "kk_bukan_angka": "error", "kk_provinsi": "error",
    "kk_kabupaten": "error", "kk_tanggal": "error", "kk_nomor_urut": "error",
    "kk_tanda_baca": "note", "baris_ganda": "note", "kk_tanpa_kepala": "warning",
    "kk_kepala_ganda": "warning", "kk_beda_desa": "warning", "desa_tidak_dikenal": "error",
    "wilayah_ejaan_lain": "note", "program_tidak_dikenal": "warning", "nama_kosong": "error",
}  # fmt: skip
_SCI = r"\s*[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+\s*"


def _unique(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, unique values as an object Series): string work is done once per distinct value."""
    codes, uniq = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    return codes, pd.Series(uniq, dtype=object)


def _plain16(s: pd.Series) -> np.ndarray:
    """Which values are exactly 16 ASCII digits (RE2 over an Arrow array; Python if not UTF-8)."""
    try:
        arr = pa.array(s.to_numpy(dtype=object), type=pa.string())
    except (pa.ArrowException, UnicodeError):
        return np.array([len(x) == 16 and x.isascii() and x.isdigit() for x in s], dtype=bool)
    hit = pc.match_substring_regex(arr, r"^[0-9]{16}$")
    return hit.to_numpy(zero_copy_only=False).astype(bool)


def _digits(b: pd.Series) -> np.ndarray:
    """16-digit ASCII strings -> (n, 16) array of their digits."""
    raw = np.array(b.tolist(), dtype="S16").view(np.uint8).reshape(len(b), 16)
    return raw.astype(np.int64) - 48


def _number(d: np.ndarray, a: int, z: int) -> np.ndarray:
    """The integer written by digits ``a:z`` of each row of ``d``."""
    out = np.zeros(len(d), dtype=np.int64)
    for i in range(a, z):
        out = out * 10 + d[:, i]
    return out


def _codes(values: frozenset[str], width: int) -> np.ndarray:
    return np.array(
        sorted(int(v) for v in values if len(v) == width and v.isascii() and v.isdigit())
    )


def check_ids(
    raw: pd.Series, numeric: np.ndarray, ref: Reference, ref_year: int, nik: bool
) -> pd.DataFrame:
    """Structure of NIK / No KK values: digits, usable, valid, and one boolean column per rule.

    The string tests run once per distinct value; the cell type (``numeric``) is applied per row.
    """
    codes, s = _unique(raw.fillna("").astype(str))
    # most values are plain 16 ASCII digits: the regular expressions only see the others
    plain = _plain16(s)
    o = s[~plain]
    sci_u = np.zeros(len(s), bool)
    sci_u[~plain] = o.str.fullmatch(_SCI).to_numpy(bool)
    ob = o.str.replace(r"^'", "", n=1, regex=True).str.replace(r"[\s.\-]", "", regex=True)
    body = s.copy()
    body[~plain] = ob
    changed_u = np.zeros(len(s), bool)
    changed_u[~plain] = (ob != o).to_numpy()
    empty_u = np.zeros(len(s), bool)
    empty_u[~plain] = (o.str.strip() == "").to_numpy()
    isdig_u = plain.copy()
    isdig_u[~plain] = ob.str.fullmatch(r"[0-9]+").fillna(False).to_numpy(bool)
    n_u = np.full(len(s), 16, dtype=np.int64)
    n_u[~plain] = ob.str.len().to_numpy()
    # a value with digits only never reads as scientific notation, so this is per value
    ok_u = isdig_u & (n_u == 16) & ~sci_u
    d = _digits(body.where(ok_u, "0" * 16))
    prov_u = np.isin(_number(d, 0, 2), _codes(ref.provinces, 2))
    kab_u = np.isin(_number(d, 0, 4), _codes(ref.kabupaten, 4))
    dd_u = _number(d, 6, 8)
    female_u = (dd_u > 40) if nik else np.zeros(len(s), bool)
    day_u = np.where(female_u, dd_u - 40, dd_u)
    mm_u = _number(d, 8, 10)
    yy_u = _number(d, 10, 12)
    year_u = np.where(2000 + yy_u <= ref_year, 2000 + yy_u, 1900 + yy_u)
    date_u = pd.to_datetime(
        pd.DataFrame({"year": year_u, "month": np.clip(mm_u, 1, 12), "day": np.clip(day_u, 1, 31)}),
        errors="coerce",
    )
    date_ok_u = (mm_u >= 1) & (mm_u <= 12) & (day_u >= 1) & date_u.notna().to_numpy()
    serial0_u = _number(d, 12, 16) == 0
    sci = sci_u[codes] & ~numeric
    punct = changed_u[codes] & ~sci & ~numeric
    empty = empty_u[codes]
    isdig = isdig_u[codes]
    n = n_u[codes]
    ok16 = isdig & (n == 16) & ~sci
    prov_ok, kab_ok = prov_u[codes], kab_u[codes]
    female = female_u[codes]
    date = pd.Series(date_u.to_numpy()[codes])
    date_ok = date_ok_u[codes]
    serial0 = serial0_u[codes]
    p = "nik" if nik else "kk"
    digits = pd.Series(body.to_numpy()[codes], index=raw.index, dtype=object)
    res = pd.DataFrame(
        {
            "digits": digits.where(ok16, None),
            "usable": ok16,
            "valid": ok16 & prov_ok & kab_ok & date_ok & ~serial0,
            "female": female,
            "date": date.where(date_ok),
            f"{p}_excel": numeric | sci,
            f"{p}_tanda_baca": punct,
            f"{p}_bukan_angka": ~empty & ~sci & ~isdig,
            f"{p}_panjang": ~empty & ~sci & isdig & (n != 16),
            f"{p}_provinsi": ok16 & ~prov_ok,
            f"{p}_kabupaten": ok16 & prov_ok & ~kab_ok,
            f"{p}_tanggal": ok16 & ~date_ok,
            f"{p}_nomor_urut": ok16 & serial0,
        },
        index=raw.index,
    )
    return res


def _group_codes(values: pd.Series) -> np.ndarray:
    """Integer group of each value as float, NaN where missing (groupby drops it like the value)."""
    codes, _ = pd.factorize(values.to_numpy(dtype=object))
    return np.where(codes >= 0, codes, np.nan)


def _per_value(values: pd.Series, fn) -> pd.Series:
    """``fn`` applied to the distinct values of ``values`` (a Series -> Series), taken back per row."""
    codes, u = _unique(values)
    return pd.Series(fn(u).to_numpy()[codes], index=values.index)


def decode_flag(values: pd.Series) -> pd.Series:
    """True / False / NA (unrecognised) for a program flag column (decided per distinct value)."""
    codes, u = _unique(values.fillna(""))
    u = u.astype(str).str.strip().str.upper()
    out = pd.Series(pd.NA, index=u.index, dtype="boolean")
    out[u.isin(TRUE_VALUES)] = True
    out[u.isin(FALSE_VALUES)] = False
    return pd.Series(out.array.take(codes), index=values.index)


def decode_hubungan(values: pd.Series, skema: pd.Series) -> pd.Series:
    """DTKS relationship code (1..8) of written values in each file's scheme (decided per
    distinct value and scheme)."""
    vcodes, _ = _unique(values.fillna(""))
    scodes, _ = _unique(skema)
    pair = vcodes.astype(np.int64) * (int(scodes.max(initial=0)) + 1) + scodes
    _, at, back = np.unique(pair, return_index=True, return_inverse=True)  # pair -> a row of it
    u = _per_value(values.iloc[at].fillna(""), lambda x: x.astype(str).str.strip().str.upper())
    sk = np.asarray(skema)[at]
    num = pd.to_numeric(u, errors="coerce")
    dk = num.map(DUKCAPIL_TO_DTKS)
    code = np.where(sk == "dukcapil", dk, num.where(num.between(1, 8)))
    code = pd.Series(code, index=u.index, dtype="Float64")
    lab = u.map(LABELS)
    return pd.Series(code.fillna(lab).astype("Int8").array.take(back), index=values.index)


def _duplicated(df: pd.DataFrame, subset: list[str]) -> pd.Series:
    """``df.duplicated(subset, keep="first")``, the full comparison only among the rows that
    share their NIK, No KK, file and sheet (a duplicate shares them all)."""
    few = [c for c in ("nik", "no_kk", "path", "sheet") if c in subset]
    cand = df.duplicated(subset=few, keep=False).to_numpy()
    out = np.zeros(len(df), dtype=bool)
    if cand.any():
        out[cand] = df.loc[cand, subset].duplicated(keep="first").to_numpy()
    return pd.Series(out, index=df.index)


def check_month(
    df: pd.DataFrame, files: list[FileStyle], ref: Reference, ref_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Findings (kode_aturan, file, sheet, row, kolom) and the per-row facts the truth needs."""
    facts = pd.DataFrame(index=df.index)
    nik = check_ids(df["nik"], df["nik_num"].to_numpy(bool), ref, ref_year, nik=True)
    kk = check_ids(df["no_kk"], df["kk_num"].to_numpy(bool), ref, ref_year, nik=False)
    has_kec = np.array([any(c == "kecamatan" for c, _ in f.columns) for f in files])
    skema = pd.Series(np.array([f.skema for f in files])[df["file_idx"].to_numpy()], index=df.index)
    # region
    u = pd.unique(df["desa"])
    dkey = df["desa"].map(dict(zip(u, [desa_key(x) for x in u], strict=True)))
    uk = pd.unique(df["kecamatan"])
    kec_from_col = df["kecamatan"].map(dict(zip(uk, [kec_key(x) for x in uk], strict=True)))
    kec_from_col = kec_from_col.map(ref.kec_by_key)
    kec_from_col = kec_from_col.where(has_kec[df["file_idx"].to_numpy()])
    kec_codes = dict(enumerate(ref.kecamatan["kode"]))
    # the village named in the row's own kecamatan first (names repeat across kecamatan), then
    # a name used by one village only
    pair = kec_from_col.map(kec_codes) + "|" + dkey
    off = pair.map(ref.desa_by_pair)
    alt = pair.map(ref.desa_by_pair_bps).where(off.isna())
    in_kec = off.notna() | alt.notna()
    off = off.where(in_kec, dkey.map(ref.desa_by_key))
    alt = alt.where(in_kec, dkey.map(ref.desa_by_bps_key))
    desa_pos = off.fillna(alt)
    desa_kec = desa_pos.map(dict(enumerate(ref.desa["kode_kec"])))
    kode_kec = kec_from_col.map(kec_codes).fillna(desa_kec)
    kode_desa = desa_pos.map(dict(enumerate(ref.desa["kode"])))
    # a village only counts within its own kecamatan
    kode_desa = kode_desa.where(kode_desa.isna() | (kode_desa.str[:8] == kode_kec))
    facts["kode_kecamatan"] = kode_kec
    facts["kode_desa"] = kode_desa
    facts["usable"] = kk["usable"]
    facts["no_kk"] = kk["digits"]
    content = [c for c in df.columns if c in _CONTENT]
    dup = _duplicated(df, content + ["nik_num", "kk_num", "path", "sheet"])
    facts["dup"] = dup
    facts["counted"] = kk["usable"] & ~dup
    flags = {}
    for p in ("bpnt", "pbi_jkn", "pkh"):
        flags[p] = decode_flag(df[p])
        facts[p] = flags[p].fillna(False).astype(bool)
    rules: dict[str, tuple[np.ndarray, str]] = {}
    for r in nik.columns[5:]:
        rules[r] = (nik[r].to_numpy(bool), "nik")
    for r in kk.columns[5:]:
        rules[r] = (kk[r].to_numpy(bool), "no_kk")
    jk = _per_value(df["jenis_kelamin"].fillna(""), lambda x: x.str.strip().str.upper())
    rec_f = jk.isin(["P", "PEREMPUAN", "WANITA"]).to_numpy()
    rec_m = jk.isin(["L", "LAKI-LAKI", "LAKI LAKI", "PRIA"]).to_numpy()
    v = nik["valid"].to_numpy()
    rules["nik_beda_jk"] = (
        v & ((nik["female"].to_numpy() & rec_m) | (~nik["female"].to_numpy() & rec_f)),
        "jenis_kelamin",  # the cell the finding names (the worklist asks to compare with NIK)
    )
    dob = pd.DatetimeIndex(df["dob_value"])
    nd = pd.DatetimeIndex(nik["date"])
    same = (dob.day == nd.day) & (dob.month == nd.month) & (dob.year % 100 == nd.year % 100)
    rules["nik_beda_tgl_lahir"] = (v & ~np.asarray(same) & dob.notna(), "tanggal_lahir")
    blank = _per_value(df["nama"].fillna(""), lambda x: x.str.strip() == "")
    rules["nama_kosong"] = (blank.to_numpy(bool), "nama")
    rules["desa_tidak_dikenal"] = (desa_pos.isna().to_numpy(), "desa")
    rules["wilayah_ejaan_lain"] = ((off.isna() & alt.notna()).to_numpy(), "desa")
    rules["baris_ganda"] = (dup.to_numpy(), "(seluruh baris)")
    cnt = facts["counted"].to_numpy()
    # families (counted rows only)
    hub = decode_hubungan(df["hubungan"], skema)
    heads = (hub == 1).fillna(False).to_numpy() & cnt
    key = facts["no_kk"].where(cnt)
    kf = _group_codes(key)  # the groups of ``key`` (missing: no group), hashed once
    n_heads = pd.Series(heads).groupby(kf).transform("sum").to_numpy()
    n_heads = np.where(cnt, n_heads, -1)
    rules["kk_tanpa_kepala"] = (cnt & (n_heads == 0), "hubungan")
    rules["kk_kepala_ganda"] = (cnt & (n_heads > 1), "hubungan")
    nd_ = facts["kode_desa"].fillna("?").where(cnt)
    beda = nd_.groupby(kf).transform("nunique").to_numpy()
    rules["kk_beda_desa"] = (cnt & (np.nan_to_num(beda.astype(float)) > 1), "desa")
    vn = nik["digits"].where(cnt & nik["valid"].to_numpy())
    kv = pd.Series(np.where(vn.notna().to_numpy(), kf, np.nan), index=vn.index)
    nkk = kv.groupby(_group_codes(vn)).transform("nunique").to_numpy()
    rules["nik_ganda_kk"] = (vn.notna().to_numpy() & (np.nan_to_num(nkk.astype(float)) > 1), "nik")
    parts = []
    for code, (mask, kolom) in rules.items():
        idx = np.flatnonzero(mask)
        if len(idx):
            parts.append(
                pd.DataFrame(
                    {
                        "kode_aturan": code,
                        "file": df["path"].to_numpy()[idx],
                        "sheet": df["sheet"].to_numpy()[idx],
                        "row": df["row"].to_numpy()[idx],
                        "kolom": kolom,
                        "_i": idx,
                    }
                )
            )
    for p in ("bpnt", "pbi_jkn", "pkh"):
        idx = np.flatnonzero(flags[p].isna().to_numpy())
        if len(idx):
            parts.append(
                pd.DataFrame(
                    {
                        "kode_aturan": "program_tidak_dikenal",
                        "file": df["path"].to_numpy()[idx],
                        "sheet": df["sheet"].to_numpy()[idx],
                        "row": df["row"].to_numpy()[idx],
                        "kolom": p,
                        "_i": idx,
                    }
                )
            )
    cols = ["kode_aturan", "file", "sheet", "row", "kolom", "_i"]
    f = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    f["tingkat"] = f["kode_aturan"].map(SEVERITY)
    f = f.sort_values(["file", "sheet", "row", "kode_aturan", "kolom"]).reset_index(drop=True)
    # a valid NIK is 16 ASCII digits: its kabupaten is its first four
    valid = nik["valid"].to_numpy()
    own = np.zeros(len(valid), bool)
    own[valid] = [d.startswith(ref.nik4) for d in nik["digits"].to_numpy()[valid]]
    facts["nik_luar_kabupaten"] = valid & ~own
    return f, facts


_CONTENT = frozenset(
    {
        "id_dtks", "provinsi", "kabupaten", "kecamatan", "desa", "alamat", "dusun", "rt", "rw",
        "no_kk", "nik", "nama", "tanggal_lahir", "tempat_lahir", "jenis_kelamin", "nama_ibu",
        "hubungan", "bpnt", "pbi_jkn", "pkh", "no", "keterangan",
    }
)  # fmt: skip
