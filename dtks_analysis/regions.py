"""Packaged region reference data (Kemendagri codes, Dairi kecamatan and villages).

Everything is read once and cached. See ``dtks_analysis/data/README.md`` for sources.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from dtks_analysis.arrays import factor
from dtks_analysis.config import PACKAGE_DATA

KEMENDAGRI_CSV = PACKAGE_DATA / "kode_wilayah_kemendagri.csv"
DAIRI_CSV = PACKAGE_DATA / "wilayah_dairi.csv"


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
    return frozenset(t.loc[t["tingkat"] == "provinsi", "kode"].str.replace(".", "", regex=False))


@lru_cache(maxsize=1)
def kabupaten_codes() -> frozenset[str]:
    """4-digit Kemendagri kabupaten/kota codes (``1211`` = Kabupaten Dairi).

    >>> "1211" in kabupaten_codes(), "1299" in kabupaten_codes()
    (True, False)
    """
    t = kemendagri_table()
    kab = t.loc[t["tingkat"] == "kabupaten_kota", "kode"]
    return frozenset(kab.str.replace(".", "", regex=False))


def _dairi() -> pd.DataFrame:
    return pd.read_csv(DAIRI_CSV, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def kecamatan_table() -> pd.DataFrame:
    """The 15 Dairi kecamatan: ``kode`` (``12.11.01``), ``nama``, ``kode_nik6``, ``kode_bps``,
    ``nama_bps``."""
    w = _dairi()
    cols = ["kode", "nama", "kode_nik6", "kode_bps", "nama_bps"]
    return w.loc[w["tingkat"] == "kecamatan", cols].reset_index(drop=True)


@lru_cache(maxsize=1)
def desa_table() -> pd.DataFrame:
    """The 169 Dairi villages: ``kode`` (``12.11.01.2008``), ``nama``, ``kode_kecamatan``,
    ``nama_bps``, ``jenis`` (desa/kelurahan), ``kode_nik6``."""
    w = _dairi()
    d = w.loc[w["tingkat"] == "desa"].reset_index(drop=True)
    d["kode_kecamatan"] = d["kode"].str[:8]
    return d[["kode", "nama", "kode_kecamatan", "nama_bps", "jenis", "kode_nik6"]]


def desa_lookup() -> dict[str, str]:
    """Dotted village code -> Kemendagri name (a copy)."""
    return dict(_desa_lookup()["by_code"])


def kecamatan_lookup() -> dict[str, str]:
    """Dotted kecamatan code -> Kemendagri name (a copy)."""
    return dict(_kec_lookup()["by_code"])


def kecamatan_name(code: str | None) -> str | None:
    """Kemendagri name of a Dairi kecamatan code (dotted or 6 digits), None if unknown.

    >>> kecamatan_name("12.11.03"), kecamatan_name("121115"), kecamatan_name("12.11.99")
    ('Tigalingga', 'Sitinjo', None)
    """
    dotted = _kec_code_key(pd.Series([code], dtype=object)).iloc[0]
    return _kec_lookup()["by_code"].get(dotted)


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


def _lookups(t: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Name key -> code (Kemendagri, then BPS spellings not already taken), code -> name."""
    by_name = dict(zip(name_key(t["nama"]), t["kode"], strict=True))
    by_bps = {
        kb: code
        for kb, code in zip(name_key(t["nama_bps"]), t["kode"], strict=True)
        if kb not in by_name
    }
    return {
        "by_name": by_name,
        "by_bps": by_bps,
        "by_code": dict(zip(t["kode"], t["nama"], strict=True)),
    }


@lru_cache(maxsize=1)
def _kec_lookup() -> dict[str, dict[str, str]]:
    return _lookups(kecamatan_table())


@lru_cache(maxsize=1)
def _desa_lookup() -> dict[str, dict[str, str]]:
    d = desa_table()
    return {
        **_lookups(d),
        "kecamatan_of": dict(zip(d["kode"], d["kode_kecamatan"], strict=True)),
    }


def _name_lookup(u: pd.Series, lookup: dict[str, dict[str, str]]) -> tuple[pd.Series, pd.Series]:
    """Unique names -> (code or NaN, alt_spelling): official name first, then the BPS
    spelling, then the documented old spellings."""
    key = _name_key_unique(u)
    old = _old_spelling(key)
    candidates = [
        key.map(lookup["by_name"]),
        key.map(lookup["by_bps"]),
        old.map(lookup["by_name"]),
        old.map(lookup["by_bps"]),
    ]
    found = [c.to_numpy(dtype=object) for c in candidates]
    code = found[0].copy()
    for alt in found[1:]:
        code = np.where(pd.isna(code), alt, code)
    direct_missing = pd.isna(found[0])
    return pd.Series(code, dtype=object), pd.Series(direct_missing & pd.notna(code))


def _match(
    names: pd.Series, codes: pd.Series | None, lookup: dict[str, dict[str, str]], code_key
) -> tuple[pd.Series, pd.Series]:
    """(official code or None, matched only via an alternative spelling) per row.

    A valid code wins over the name. Work is done on unique values, then broadcast.
    """
    pos, uniq = factor(names)
    ucode, ualt = _name_lookup(uniq, lookup)
    code = ucode.to_numpy(dtype=object).take(pos)
    alt = ualt.to_numpy(dtype=bool).take(pos)
    if codes is not None:
        cpos, cuniq = factor(_align(codes, names.index))
        ck = code_key(cuniq)
        by_code = ck.where(ck.isin(list(lookup["by_code"]))).to_numpy(dtype=object).take(cpos)
        use = pd.notna(by_code)
        code = np.where(use, by_code, code)
        alt = alt & ~use
    code = pd.Series(code, index=names.index, dtype=object)
    return code.where(code.notna(), None), pd.Series(alt, index=names.index, dtype=bool)


def _match_kecamatan(names: pd.Series, codes: pd.Series | None = None) -> pd.DataFrame:
    names = names if isinstance(names, pd.Series) else pd.Series(names, dtype=object)
    lookup = _kec_lookup()
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


def _match_desa(
    names: pd.Series, kode_kecamatan: pd.Series | None = None, codes: pd.Series | None = None
) -> pd.DataFrame:
    names = names if isinstance(names, pd.Series) else pd.Series(names, dtype=object)
    lookup = _desa_lookup()
    code, alt = _match(names, codes, lookup, _desa_code_key)
    kec = code.map(lookup["kecamatan_of"])
    if kode_kecamatan is not None:
        gpos, guniq = factor(_align(kode_kecamatan, names.index))
        gkey = _kec_code_key(guniq)
        gkey = gkey.where(gkey.isin(list(_kec_lookup()["by_code"])))  # Dairi kecamatan only
        given = pd.Series(gkey.to_numpy(dtype=object).take(gpos), index=names.index)
        clash = code.notna() & given.notna() & (given != kec)
        code = code.where(~clash, None)
        alt = alt & ~clash
        kec = kec.where(~clash)
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
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.ravel()


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


def match_kecamatan(names: pd.Series, codes: pd.Series | None = None) -> pd.DataFrame:
    """Dairi kecamatan of each row: ``kode_kecamatan``, ``kecamatan`` (Kemendagri name) and
    ``alt_spelling``; None when neither the code nor the name matches.

    A valid code (``12.11.01`` or ``121101``) wins over the name; names match the Kemendagri
    and the BPS spelling through :func:`name_key`.

    >>> match_kecamatan(pd.Series(["Kota Sidikalang", "TIGA LINGGA", "Medan", None]),
    ...                 pd.Series([None, None, None, "121115"])).values.tolist()
    [['12.11.01', 'Sidikalang', False], ['12.11.03', 'Tigalingga', False], [None, None, False], ['12.11.15', 'Sitinjo', False]]
    """
    return _on_unique_rows(_match_kecamatan, names, codes)


def match_desa(
    names: pd.Series, kode_kecamatan: pd.Series | None = None, codes: pd.Series | None = None
) -> pd.DataFrame:
    """Dairi village of each row: ``kode_desa``, ``desa``, ``kode_kecamatan``, ``alt_spelling``.

    Village names are unique in Dairi, so a name alone finds the village; when the row's
    ``kode_kecamatan`` is known and the village lies in another kecamatan, the village is
    unknown (None). A valid village code wins over the name.

    >>> match_desa(pd.Series(["Huta Rakjat", "Lau Pakpak", "Desa Lau Pak-Pak"]),
    ...            pd.Series(["12.11.01", None, "12.11.01"])).values.tolist()
    [['12.11.01.2011', 'Huta Rakyat', '12.11.01', True], ['12.11.03.2010', 'Lau Pak-Pak', '12.11.03', False], [None, None, None, False]]
    """
    return _on_unique_rows(_match_desa, names, kode_kecamatan, codes)


# --------------------------------------------------------------------------- membership
@lru_cache(maxsize=1)
def kabupaten_kode() -> str:
    """Kemendagri code of the kabupaten whose kecamatan and villages are packaged (``12.11``)."""
    w = _dairi()
    return str(w.loc[w["tingkat"] == "kabupaten", "kode"].iloc[0])


def _code_digits(values: pd.Series) -> pd.Series:
    """Digits of values written as codes (``12.11.01``, ``121101``); "" for anything with letters."""
    txt = values.map(lambda v: v if isinstance(v, str) else "" if v is None else str(v))
    return _digits(txt).where(~txt.str.contains(r"[^\W\d_]", regex=True), "")


@lru_cache(maxsize=1)
def _codes() -> dict[str, frozenset[str]]:
    """Codes (digits) accepted per level: Kemendagri, NIK (kecamatan) and BPS codes."""
    w = _dairi()
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


def _known(values: pd.Series, lookup: dict[str, dict[str, str]], level: str) -> pd.Series:
    values = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    pos, uniq = factor(values)
    by_name = _name_lookup(uniq, lookup)[0].notna().to_numpy(dtype=bool)
    by_code = _code_digits(uniq).isin(_codes()[level]).to_numpy(dtype=bool)
    return pd.Series((by_name | by_code).take(pos), index=values.index, dtype=bool)


def is_kecamatan(values: pd.Series) -> pd.Series:
    """True where a value is a Dairi kecamatan: its name as :func:`match_kecamatan` reads it
    (Kemendagri, BPS or old spelling, prefixes of :func:`name_key` dropped), or its code
    (``12.11.01``, ``121101``, BPS ``1210030``).

    >>> is_kecamatan(pd.Series(["Kec. Tiga Lingga", "121115", "Kabanjahe", None])).tolist()
    [True, True, False, False]
    """
    return _known(values, _kec_lookup(), "kecamatan")


def is_desa(values: pd.Series) -> pd.Series:
    """True where a value is a Dairi village: its name as :func:`match_desa` reads it, or its
    code (``12.11.01.2008``, ``1211012008``, BPS ``1210030009``).

    >>> is_desa(pd.Series(["Desa Lau Pak-Pak", "1211012008", "Gung Leto"])).tolist()
    [True, True, False]
    """
    return _known(values, _desa_lookup(), "desa")


@lru_cache(maxsize=4)
def _kabupaten_keys(kode: str, nama: str) -> tuple[frozenset[str], frozenset[str]]:
    """(name keys, code digits) of the kabupaten ``kode`` also called ``nama``."""
    w = _dairi()
    kab = w[(w["tingkat"] == "kabupaten") & (w["kode"] == kode)]
    names = name_key(pd.Series([*kab["nama"], *kab["nama_bps"], nama], dtype=object))
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
