"""Packaged region reference data: Kemendagri codes, the kecamatan and villages of any kabupaten.

Every kabupaten-specific function takes the kabupaten code (``settings.kabupaten_kode``)
explicitly. Kecamatan and villages come from the national reference ``wilayah_indonesia.csv.gz``;
Dairi (12.11) keeps ``wilayah_dairi.csv``, which adds BPS codes and spellings.

Everything is read once and cached. See ``dtks_analysis/data/README.md`` for sources.
"""

from __future__ import annotations

from functools import lru_cache, partial

import numpy as np
import pandas as pd

from dtks_analysis.arrays import factor
from dtks_analysis.config import PACKAGE_DATA

KEMENDAGRI_CSV = PACKAGE_DATA / "kode_wilayah_kemendagri.csv"
DAIRI_CSV = PACKAGE_DATA / "wilayah_dairi.csv"
NATIONAL_CSV = PACKAGE_DATA / "wilayah_indonesia.csv.gz"
DAIRI_KODE = "12.11"
"""The kabupaten whose BPS codes and spellings are packaged in ``wilayah_dairi.csv``."""


@lru_cache(maxsize=1)
def national_table() -> pd.DataFrame:
    """Every region of Indonesia, in force and retired (``berlaku`` "1"/"0"), with ``nama_lama``."""
    return pd.read_csv(NATIONAL_CSV, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def kemendagri_table() -> pd.DataFrame:
    """All provinces, kabupaten/kota and kecamatan of Indonesia: ``kode, tingkat, nama``."""
    return pd.read_csv(KEMENDAGRI_CSV, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """2-digit Kemendagri province codes.

    >>> "12" in province_codes(), "99" in province_codes()
    (True, False)
    """
    t = kemendagri_table()
    n = national_table()
    codes = [*t.loc[t["tingkat"] == "provinsi", "kode"], *n.loc[n["tingkat"] == "provinsi", "kode"]]
    return frozenset(c.replace(".", "") for c in codes)


@lru_cache(maxsize=1)
def kabupaten_codes() -> frozenset[str]:
    """4-digit Kemendagri kabupaten/kota codes, in force or retired (a NIK issued before a
    change keeps the old code: ``9101`` was Merauke before the 2022 Papua split).

    >>> "1211" in kabupaten_codes(), "1299" in kabupaten_codes()
    (True, False)
    """
    t = kemendagri_table()
    n = national_table()
    kab = [
        *t.loc[t["tingkat"] == "kabupaten_kota", "kode"],
        *n.loc[n["tingkat"] == "kabupaten", "kode"],
    ]
    return frozenset(c.replace(".", "") for c in kab)


@lru_cache(maxsize=8)
def _wilayah(kode: str) -> pd.DataFrame:
    """The kabupaten, its kecamatan and villages in force: ``kode, tingkat, nama, jenis,
    kode_nik6, kode_bps, nama_bps, nama_lama`` (BPS columns: Dairi only, else the name and "")."""
    n = national_table()
    mine = n[(n["kode"] == kode) | n["kode"].str.startswith(kode + ".")]
    mine = mine[mine["berlaku"] == "1"]
    if kode == DAIRI_KODE:
        w = pd.read_csv(DAIRI_CSV, dtype=str, keep_default_na=False)
        lama = dict(zip(mine["kode"], mine["nama_lama"], strict=True))
        w["nama_lama"] = w["kode"].map(lama).fillna("")
        return w
    w = mine[["kode", "tingkat", "nama", "jenis", "nama_lama"]].reset_index(drop=True)
    digits = w["kode"].str.replace(".", "", regex=False)
    w["kode_nik6"] = np.where(w["tingkat"] == "kabupaten", "", digits.str[:6])
    w["kode_bps"] = ""
    w["nama_bps"] = w["nama"]
    return w


@lru_cache(maxsize=8)
def kecamatan_table(kode: str) -> pd.DataFrame:
    """The kecamatan of kabupaten ``kode``: ``kode`` (``12.11.01``), ``nama``, ``kode_nik6``,
    ``kode_bps``, ``nama_bps``, ``nama_lama``.

    >>> len(kecamatan_table("12.11")), len(kecamatan_table("12.17"))
    (15, 9)
    """
    w = _wilayah(kode)
    cols = ["kode", "nama", "kode_nik6", "kode_bps", "nama_bps", "nama_lama"]
    return w.loc[w["tingkat"] == "kecamatan", cols].reset_index(drop=True)


@lru_cache(maxsize=8)
def desa_table(kode: str) -> pd.DataFrame:
    """The villages of kabupaten ``kode``: ``kode`` (``12.11.01.2008``), ``nama``,
    ``kode_kecamatan``, ``nama_bps``, ``jenis`` (desa/kelurahan), ``kode_nik6``, ``nama_lama``."""
    w = _wilayah(kode)
    d = w.loc[w["tingkat"] == "desa"].reset_index(drop=True)
    d["kode_kecamatan"] = d["kode"].str[:8]
    return d[["kode", "nama", "kode_kecamatan", "nama_bps", "jenis", "kode_nik6", "nama_lama"]]


def desa_lookup(kode: str) -> dict[str, str]:
    """Dotted village code -> Kemendagri name (a copy)."""
    return dict(_desa_lookup(kode)["by_code"])


def kecamatan_lookup(kode: str) -> dict[str, str]:
    """Dotted kecamatan code -> Kemendagri name (a copy)."""
    return dict(_kec_lookup(kode)["by_code"])


def kecamatan_name(kode: str, code: str | None) -> str | None:
    """Kemendagri name of a kecamatan code (dotted or 6 digits) of kabupaten ``kode``, None if
    unknown.

    >>> kecamatan_name("12.11", "12.11.03"), kecamatan_name("12.11", "121115")
    ('Tigalingga', 'Sitinjo')
    >>> kecamatan_name("12.11", "12.11.99"), kecamatan_name("12.17", "12.17.01")
    (None, 'Simanindo')
    """
    dotted = _kec_code_key(pd.Series([code], dtype=object)).iloc[0]
    return _kec_lookup(kode)["by_code"].get(dotted)


# --------------------------------------------------------------------------- name keys
_PREFIX_RE = r"^(?:(?:KABUPATEN|KAB|KECAMATAN|KEC|KOTA|DESA|KELURAHAN|KEL)(?:[\W_]+|$))+"
# documented older spellings (DOMAIN.md section 5) tried when nothing else matches
OLD_SPELLINGS: dict[str, str] = {"PAGAGAN": "PEGAGAN", "POLDING": "PALDING"}


def _name_key_unique(u: pd.Series) -> pd.Series:
    up = u.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    up = up.str.upper().str.strip()
    dropped = up.str.replace(_PREFIX_RE, "", regex=True)
    key = dropped.str.replace(r"[\W_]", "", regex=True)
    full = up.str.replace(r"[\W_]", "", regex=True)
    return key.where(key != "", full)


def name_key(s: pd.Series) -> pd.Series:
    """Matching key of region names: upper case, non-alphanumerics removed, leading whole
    words ``KABUPATEN/KAB/KECAMATAN/KEC/KOTA/DESA/KELURAHAN/KEL`` dropped; "" when missing.

    >>> name_key(pd.Series(["Lau Pak-Pak", "Kota Sidikalang", "Kec. Tiga Lingga",
    ...                     "Kaban Julu", "Kota", None])).tolist()
    ['LAUPAKPAK', 'SIDIKALANG', 'TIGALINGGA', 'KABANJULU', 'KOTA', '']
    """
    s = s if isinstance(s, pd.Series) else pd.Series(s, dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    uniq = pd.Series([*np.asarray(uniques, dtype=object), None], dtype=object)
    keys = _name_key_unique(uniq).to_numpy(dtype=object)
    return pd.Series(keys.take(np.where(codes < 0, len(uniq) - 1, codes)), index=s.index)


def _old_spelling(key: pd.Series) -> pd.Series:
    out = key
    for old, new in OLD_SPELLINGS.items():
        out = out.str.replace(old, new, regex=False)
    return out


def _digits(codes: pd.Series) -> pd.Series:
    """Digits of a code as written (``12.11.01``, ``121101``, ``121101.0``)."""
    txt = codes.map(
        lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
    )
    txt = txt.str.strip().str.replace(r"\.0+$", "", regex=True)
    return txt.str.replace(r"[^0-9]", "", regex=True)


def _kec_code_key(codes: pd.Series) -> pd.Series:
    """Dotted kecamatan code (``12.11.01``) from either form, "" when not 6 digits."""
    d = _digits(codes)
    dotted = d.str[:2] + "." + d.str[2:4] + "." + d.str[4:6]
    return dotted.where(d.str.len() == 6, "")


def _desa_code_key(codes: pd.Series) -> pd.Series:
    """Dotted village code (``12.11.01.2008``) from either form, "" when not 10 digits."""
    d = _digits(codes)
    dotted = d.str[:2] + "." + d.str[2:4] + "." + d.str[4:6] + "." + d.str[6:10]
    return dotted.where(d.str.len() == 10, "")


def _spellings(t: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(code, name key) of every earlier spelling in ``nama_lama`` (``;``-separated)."""
    if "nama_lama" not in t.columns:
        return pd.Series([], dtype=object), pd.Series([], dtype=object)
    lama = t["nama_lama"].str.split(";").explode()
    lama = lama[lama.notna() & (lama.str.strip() != "")]
    return t["kode"].reindex(lama.index), name_key(lama)


def _unique_map(keys: pd.Series, codes: pd.Series) -> dict[str, str]:
    """Key -> code for the keys that name one code only (a name shared by two regions of the
    kabupaten decides nothing on its own)."""
    pairs = pd.DataFrame({"k": keys.to_numpy(dtype=object), "c": codes.to_numpy(dtype=object)})
    pairs = pairs[pairs["k"] != ""].drop_duplicates()
    once = pairs[~pairs["k"].duplicated(keep=False)]
    return dict(zip(once["k"], once["c"], strict=True))


def _lookups(t: pd.DataFrame) -> dict[str, dict]:
    """Name key -> code (Kemendagri, then BPS spellings, then earlier spellings of
    ``nama_lama``, each only where not already taken), code -> name."""
    by_name = _unique_map(name_key(t["nama"]), t["kode"])
    taken = set(name_key(t["nama"]))
    by_bps = {
        kb: code
        for kb, code in _unique_map(name_key(t["nama_bps"]), t["kode"]).items()
        if kb not in taken
    }
    taken |= set(name_key(t["nama_bps"]))
    lama_codes, lama_keys = _spellings(t)
    by_lama = {k: c for k, c in _unique_map(lama_keys, lama_codes).items() if k not in taken}
    return {
        "by_name": by_name,
        "by_bps": by_bps,
        "by_lama": by_lama,
        "by_code": dict(zip(t["kode"], t["nama"], strict=True)),
    }


@lru_cache(maxsize=8)
def _kec_lookup(kode: str) -> dict[str, dict]:
    return _lookups(kecamatan_table(kode))


@lru_cache(maxsize=8)
def _desa_lookup(kode: str) -> dict[str, dict]:
    d = desa_table(kode)
    lama_codes, lama_keys = _spellings(d)
    keys = pd.concat([name_key(d["nama"]), name_key(d["nama_bps"]), lama_keys], ignore_index=True)
    codes = pd.concat([d["kode"], d["kode"], lama_codes], ignore_index=True)
    official = np.r_[np.ones(len(d), dtype=bool), np.zeros(len(keys) - len(d), dtype=bool)]
    by_pair: dict[tuple[str, str], tuple[str, bool]] = {}
    for k, c, off in zip(keys, codes, official, strict=True):
        if k and (c[:8], k) not in by_pair:
            by_pair[(c[:8], k)] = (c, not off)
    return {
        **_lookups(d),
        "kecamatan_of": dict(zip(d["kode"], d["kode_kecamatan"], strict=True)),
        "by_pair": by_pair,
    }


def _name_lookup(u: pd.Series, lookup: dict[str, dict]) -> tuple[pd.Series, pd.Series]:
    """Unique names -> (code or NaN, alt_spelling): official name first, then the BPS
    spelling, then the documented old spellings, then the earlier spellings of ``nama_lama``."""
    key = _name_key_unique(u)
    old = _old_spelling(key)
    candidates = [
        key.map(lookup["by_name"]),
        key.map(lookup["by_bps"]),
        old.map(lookup["by_name"]),
        old.map(lookup["by_bps"]),
        key.map(lookup["by_lama"]),
    ]
    found = [c.to_numpy(dtype=object) for c in candidates]
    code = found[0].copy()
    for alt in found[1:]:
        code = np.where(pd.isna(code), alt, code)
    direct_missing = pd.isna(found[0])
    return pd.Series(code, dtype=object), pd.Series(direct_missing & pd.notna(code))


def _match(
    names: pd.Series, codes: pd.Series | None, lookup: dict[str, dict], code_key
) -> tuple[pd.Series, pd.Series]:
    """(official code or None, matched only via an alternative spelling) per row.

    A valid code wins over the name. Work is done on unique values, then broadcast.
    """
    pos, uniq = factor(names)
    ucode, ualt = _name_lookup(uniq, lookup)
    code = ucode.to_numpy(dtype=object).take(pos)
    alt = ualt.to_numpy(dtype=bool).take(pos)
    by_code = None
    if codes is not None:
        cpos, cuniq = factor(_align(codes, names.index))
        ck = code_key(cuniq)
        by_code = ck.where(ck.isin(list(lookup["by_code"]))).to_numpy(dtype=object).take(cpos)
        use = pd.notna(by_code)
        code = np.where(use, by_code, code)
        alt = alt & ~use
    code = pd.Series(code, index=names.index, dtype=object)
    return code.where(code.notna(), None), pd.Series(alt, index=names.index, dtype=bool)


def _match_kecamatan(kode: str, names: pd.Series, codes: pd.Series | None = None) -> pd.DataFrame:
    names = names if isinstance(names, pd.Series) else pd.Series(names, dtype=object)
    lookup = _kec_lookup(kode)
    code, alt = _match(names, codes, lookup, _kec_code_key)
    nama = code.map(lookup["by_code"])
    return pd.DataFrame(
        {
            "kode_kecamatan": code,
            "kecamatan": nama.astype(object).where(nama.notna(), None),
            "alt_spelling": alt.astype(bool),
        },
        index=names.index,
    )


def _pair_match(
    names: pd.Series, given: pd.Series, lookup: dict[str, dict]
) -> tuple[pd.Series, pd.Series]:
    """(code or None, alt_spelling) of the village named in the row's own kecamatan ``given``."""
    key = _name_key_unique(names.reset_index(drop=True))
    old = _old_spelling(key)
    pairs = lookup["by_pair"]
    codes: list[object] = []
    alts: list[bool] = []
    for g, k, o in zip(given.to_numpy(dtype=object), key, old, strict=True):
        hit = None
        if isinstance(g, str):
            hit = pairs.get((g, k))
            if hit is None and o != k:
                hit = pairs.get((g, o))
                hit = None if hit is None else (hit[0], True)
        codes.append(None if hit is None else hit[0])
        alts.append(False if hit is None else bool(hit[1]))
    return (
        pd.Series(codes, index=names.index, dtype=object),
        pd.Series(alts, index=names.index, dtype=bool),
    )


def _match_desa(
    kode: str,
    names: pd.Series,
    kode_kecamatan: pd.Series | None = None,
    codes: pd.Series | None = None,
) -> pd.DataFrame:
    names = names if isinstance(names, pd.Series) else pd.Series(names, dtype=object)
    lookup = _desa_lookup(kode)
    code, alt = _match(names, codes, lookup, _desa_code_key)
    if kode_kecamatan is not None:
        gpos, guniq = factor(_align(kode_kecamatan, names.index))
        gkey = _kec_code_key(guniq)
        gkey = gkey.where(gkey.isin(list(_kec_lookup(kode)["by_code"])))  # its own kecamatan
        given = pd.Series(gkey.to_numpy(dtype=object).take(gpos), index=names.index)
        # a village name found in the row's kecamatan wins (names repeat across kecamatan)
        pcode, palt = _pair_match(names, given, lookup)
        by_code = pd.Series(False, index=names.index)
        if codes is not None:
            ck = _desa_code_key(_align(codes, names.index))
            by_code = ck.isin(list(lookup["by_code"]))
        use = pcode.notna() & ~by_code
        code = code.where(~use, pcode)
        alt = alt.where(~use, palt)
        kec = code.map(lookup["kecamatan_of"])
        clash = code.notna() & given.notna() & (given != kec)
        code = code.where(~clash, None)
        alt = alt & ~clash
        kec = kec.where(~clash)
    else:
        kec = code.map(lookup["kecamatan_of"])
    nama = code.map(lookup["by_code"])
    return pd.DataFrame(
        {
            "kode_desa": code.astype(object).where(code.notna(), None),
            "desa": nama.astype(object).where(nama.notna(), None),
            "kode_kecamatan": kec.astype(object).where(kec.notna(), None),
            "alt_spelling": alt.astype(bool),
        },
        index=names.index,
    )


def _align(other: pd.Series | object, index: pd.Index) -> pd.Series:
    """``other`` aligned on ``index`` (positionally when it is not a Series or has that index)."""
    if isinstance(other, pd.Series):
        if other.index.equals(index):
            return other
        return other.reindex(index)
    return pd.Series(list(other), index=index, dtype=object)


def _unique_rows(*columns: pd.Series | None) -> tuple[np.ndarray, np.ndarray]:
    """(first position of each distinct row, row -> distinct row) over the given columns."""
    key: np.ndarray | None = None
    for col in columns:
        if col is None or len(col) == 0:
            continue
        codes = pd.factorize(col, use_na_sentinel=True)[0].astype(np.int64) + 1
        key = codes if key is None else pd.factorize(key * (int(codes.max()) + 1) + codes)[0]
    if key is None or len(key) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    inverse, uniques = pd.factorize(key)  # hashing, in order of first appearance: no sort
    first = np.empty(len(uniques), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(key) - 1, -1, -1)  # last write wins -> first row
    return first, inverse.astype(np.int64)


def _on_unique_rows(fn, names: pd.Series, *others: pd.Series | None) -> pd.DataFrame:
    """Run ``fn(names, *others)`` on the distinct rows only and broadcast the result back."""
    names = names if isinstance(names, pd.Series) else pd.Series(names, dtype=object)
    others = tuple(None if o is None else _align(o, names.index) for o in others)
    first, inverse = _unique_rows(names, *others)
    pick = [None if o is None else o.iloc[first].reset_index(drop=True) for o in (names, *others)]
    res = fn(*pick)
    out = res.iloc[inverse].reset_index(drop=True)
    out.index = names.index
    return out


def match_kecamatan(kode: str, names: pd.Series, codes: pd.Series | None = None) -> pd.DataFrame:
    """Kecamatan of kabupaten ``kode`` of each row: ``kode_kecamatan``, ``kecamatan`` (Kemendagri
    name) and ``alt_spelling``; None when neither the code nor the name matches.

    A valid code (``12.11.01`` or ``121101``) wins over the name; names match the Kemendagri,
    the BPS and earlier spellings through :func:`name_key`.

    >>> match_kecamatan("12.11", pd.Series(["Kota Sidikalang", "TIGA LINGGA", "Medan", None]),
    ...                 pd.Series([None, None, None, "121115"])).values.tolist()
    [['12.11.01', 'Sidikalang', False], ['12.11.03', 'Tigalingga', False], [None, None, False], ['12.11.15', 'Sitinjo', False]]
    >>> match_kecamatan("12.17", pd.Series(["Kec. Pangururan"])).values.tolist()
    [['12.17.08', 'Pangururan', False]]
    """
    return _on_unique_rows(partial(_match_kecamatan, kode), names, codes)


def match_desa(
    kode: str,
    names: pd.Series,
    kode_kecamatan: pd.Series | None = None,
    codes: pd.Series | None = None,
) -> pd.DataFrame:
    """Village of kabupaten ``kode`` of each row: ``kode_desa``, ``desa``, ``kode_kecamatan``,
    ``alt_spelling``.

    When the row's ``kode_kecamatan`` is known, the village is looked up in that kecamatan
    first (a name may repeat across kecamatan), and a village of another kecamatan is unknown
    (None). Without a kecamatan, a name found in one village only finds it. A valid village
    code wins over the name.

    >>> match_desa("12.11", pd.Series(["Huta Rakjat", "Lau Pakpak", "Desa Lau Pak-Pak"]),
    ...            pd.Series(["12.11.01", None, "12.11.01"])).values.tolist()
    [['12.11.01.2011', 'Huta Rakyat', '12.11.01', True], ['12.11.03.2010', 'Lau Pak-Pak', '12.11.03', False], [None, None, None, False]]
    """
    return _on_unique_rows(partial(_match_desa, kode), names, kode_kecamatan, codes)


# --------------------------------------------------------------------------- membership
def _code_digits(values: pd.Series) -> pd.Series:
    """Digits of values written as codes (``12.11.01``, ``121101``); "" for anything with letters."""
    txt = values.map(lambda v: v if isinstance(v, str) else "" if v is None else str(v))
    return _digits(txt).where(~txt.str.contains(r"[^\W\d_]", regex=True), "")


@lru_cache(maxsize=8)
def _codes(kode: str) -> dict[str, frozenset[str]]:
    """Codes (digits) accepted per level: Kemendagri, NIK (kecamatan) and BPS codes."""
    w = _wilayah(kode)
    cols = {
        "kabupaten": ("kode", "kode_bps"),
        "kecamatan": ("kode", "kode_nik6", "kode_bps"),
        "desa": ("kode", "kode_bps"),
    }
    out: dict[str, frozenset[str]] = {}
    for level, names in cols.items():
        part = w[w["tingkat"] == level]
        out[level] = frozenset(d for c in names for d in _digits(part[c]) if d)
    return out


def _known(kode: str, values: pd.Series, lookup: dict[str, dict], level: str) -> pd.Series:
    values = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    pos, uniq = factor(values)
    by_name = _name_lookup(uniq, lookup)[0].notna().to_numpy(dtype=bool)
    if level == "desa":  # a name shared by two villages is still one of the kabupaten's
        shared = {k for (_, k) in lookup["by_pair"]}
        by_name |= _name_key_unique(uniq).isin(shared).to_numpy(dtype=bool)
    by_code = _code_digits(uniq).isin(_codes(kode)[level]).to_numpy(dtype=bool)
    return pd.Series((by_name | by_code).take(pos), index=values.index, dtype=bool)


def is_kecamatan(kode: str, values: pd.Series) -> pd.Series:
    """True where a value is a kecamatan of kabupaten ``kode``: its name as
    :func:`match_kecamatan` reads it (Kemendagri, BPS or old spelling, prefixes of
    :func:`name_key` dropped), or its code (``12.11.01``, ``121101``, BPS ``1210030``).

    >>> is_kecamatan("12.11", pd.Series(["Kec. Tiga Lingga", "121115", "Kabanjahe", None])).tolist()
    [True, True, False, False]
    """
    return _known(kode, values, _kec_lookup(kode), "kecamatan")


def is_desa(kode: str, values: pd.Series) -> pd.Series:
    """True where a value is a village of kabupaten ``kode``: its name as :func:`match_desa`
    reads it, or its code (``12.11.01.2008``, ``1211012008``, BPS ``1210030009``).

    >>> is_desa("12.11", pd.Series(["Desa Lau Pak-Pak", "1211012008", "Gung Leto"])).tolist()
    [True, True, False]
    """
    return _known(kode, values, _desa_lookup(kode), "desa")


@lru_cache(maxsize=8)
def _kabupaten_keys(kode: str, nama: str) -> tuple[frozenset[str], frozenset[str]]:
    """(name keys, code digits) of the kabupaten ``kode`` also called ``nama``."""
    w = _wilayah(kode)
    kab = w[(w["tingkat"] == "kabupaten") & (w["kode"] == kode)]
    lama = [v for x in kab["nama_lama"] for v in x.split(";") if v.strip()]
    names = name_key(pd.Series([*kab["nama"], *kab["nama_bps"], *lama, nama], dtype=object))
    codes = {kode.replace(".", "")} | {d for d in _digits(kab["kode_bps"]) if d}
    return frozenset(k for k in names if k), frozenset(codes)


def is_kabupaten(values: pd.Series, kode: str, nama: str) -> pd.Series:
    """True where a value names the kabupaten ``kode`` (``12.11``): its Kemendagri or BPS name,
    or ``nama``, through :func:`name_key` (``KAB. DAIRI``, ``Kabupaten Dairi`` -> ``DAIRI``), or its
    code (``12.11``, ``1211``, BPS ``1210``).

    >>> is_kabupaten(pd.Series(["KAB. DAIRI", "1210", "Kabupaten Karo"]), "12.11",
    ...              "Kabupaten Dairi").tolist()
    [True, True, False]
    """
    values = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    names, codes = _kabupaten_keys(kode, nama)
    pos, uniq = factor(values)
    ok = name_key(uniq).isin(names).to_numpy(dtype=bool)
    ok |= _code_digits(uniq).isin(codes).to_numpy(dtype=bool)
    return pd.Series(ok.take(pos), index=values.index, dtype=bool)


# --------------------------------------------------------------------------- other kabupaten
@lru_cache(maxsize=1)
def _national_keys() -> dict[str, dict[str, set[str]]]:
    """Per level (kabupaten, kecamatan): name key -> kabupaten codes (in force) having it."""
    n = national_table()
    n = n[(n["berlaku"] == "1") & n["tingkat"].isin(["kabupaten", "kecamatan"])]
    out: dict[str, dict[str, set[str]]] = {"kabupaten": {}, "kecamatan": {}}
    lama = n["nama_lama"].str.split(";").explode()
    names = pd.concat([n["nama"], lama[lama.notna() & (lama != "")]])
    keys = name_key(names)
    for key, kode, level in zip(
        keys, n["kode"].reindex(names.index), n["tingkat"].reindex(names.index), strict=True
    ):
        if key:
            out[level].setdefault(key, set()).add(kode[:5])
    for key, kode in zip(name_key(n["kode"]), n["kode"], strict=True):
        if key:
            out["kabupaten" if len(kode) == 5 else "kecamatan"].setdefault(key, set()).add(kode[:5])
    return out


def guess_kabupaten(kabupaten: pd.Series, kecamatan: pd.Series) -> str | None:
    """Code of the kabupaten/kota most values name: its name or code in ``kabupaten``, else the
    kabupaten whose kecamatan names fit most of ``kecamatan``; None when nothing fits.

    >>> guess_kabupaten(pd.Series(["KAB. KARO"]), pd.Series([], dtype=object))
    '12.06'
    >>> guess_kabupaten(pd.Series([], dtype=object), pd.Series(["Pangururan", "Simanindo"]))
    '12.17'
    """
    keys = _national_keys()
    for values, level in ((kabupaten, "kabupaten"), (kecamatan, "kecamatan")):
        votes: dict[str, int] = {}
        for key in name_key(pd.Series(values.dropna().unique(), dtype=object)):
            for kode in keys[level].get(key, ()):
                votes[kode] = votes.get(kode, 0) + 1
        if votes:
            return max(sorted(votes), key=lambda k: votes[k])
    return None


def kabupaten_nama(kode: str) -> str:
    """Name of a kabupaten/kota code in force ("" if unknown).

    >>> kabupaten_nama("12.06")
    'Kabupaten Karo'
    """
    n = national_table()
    hit = n.loc[(n["kode"] == kode) & (n["tingkat"] == "kabupaten"), "nama"]
    return str(hit.iloc[0]) if len(hit) else ""
