"""Editing (penyuntingan): normalise names, IDs, flags, relationships, dates and regions.

``clean_records`` follows docs/architecture.md section 2. The normalisers work on the unique
values of a column (a few hundred at most for codes and flags) and map the result back, so
they are vectorized over rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import groupby

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dtks_analysis import regions
from dtks_analysis.arrays import as_series, factor, objects_or_none, to_arrow
from dtks_analysis.config import Settings
from dtks_analysis.editing.nik import strip_id
from dtks_analysis.intake.ingest.dtsen import (
    DESIL_COLUMNS,
    STATUS_NONAKTIF,
    status_key,
)
from dtks_analysis.vocab import PROGRAMS

# --------------------------------------------------------------------------- shared helpers


def _map_unique(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``fn`` (Series of unique values -> Series of results, same order) broadcast to rows."""
    pos, uniq = factor(values)
    return np.asarray(fn(uniq).to_numpy(dtype=object), dtype=object).take(pos)


def _text_key(s: pd.Series) -> pd.Series:
    """Strings trimmed, upper case, inner whitespace collapsed; None/NaN -> ""."""
    txt = s.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return txt.str.replace(r"\s+", " ", regex=True).str.strip().str.upper()


# --------------------------------------------------------------------------- headers
_NUMBER_WORDS = {"nomor", "nmr", "nomer", "no"}
_GLUED_NO = re.compile(r"^(?:nomor|nomer|nmr|no)(kk|nik|ktp|urut|rt|rw|dtks)$")


def normalise_header(name: object) -> str:
    """Matching key of a column header: lower case, words joined by ``_``, NO/NOMOR -> ``no``.

    Spaces, dots, underscores, slashes and other punctuation become one ``_``; a camel-case
    boundary (``NoKK``, ``TglLahir``) splits words; spaced letters (``N I K``) are joined.

    >>> [normalise_header(h) for h in ["NOMOR KK", "No. KK", "no_kk", "NoKK", "NO KK"]]
    ['no_kk', 'no_kk', 'no_kk', 'no_kk', 'no_kk']
    >>> [normalise_header(h) for h in ["N I K", "KABUPATEN/KOTA", " TglLahir ", "PBI-JKN"]]
    ['nik', 'kabupaten_kota', 'tgl_lahir', 'pbi_jkn']
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(name))  # camelCase -> camel_Case
    words = [w for w in re.split(r"[\W_]+", text.lower()) if w]
    merged: list[str] = []
    for single, run in groupby(words, key=lambda w: len(w) == 1 and w.isalpha()):
        run = list(run)
        merged += ["".join(run)] if single and len(run) > 1 else run
    out: list[str] = []
    for w in merged:
        glued = _GLUED_NO.match(w)
        if w in _NUMBER_WORDS:
            out.append("no")
        elif glued:
            out += ["no", glued.group(1)]
        else:
            out.append(w)
    return "_".join(out)


# --------------------------------------------------------------------------- flags
# tick marks (a ticked box = receives); "X" is not read: villages use it both for a tick and for
# "no" (a crossed-out box), so it stays unrecognised and flagged (docs/codings.md)
_FLAG_TRUE = (
    *("1", "Y", "YA", "YES", "TRUE", "ADA"),
    *("\u2713", "\u2714", "\u221a", "V"),
    *("PENERIMA", "TERIMA", "MENERIMA", "DITERIMA"),
)
_FLAG_FALSE = (
    *("0", "2", "N", "T", "TIDAK", "NO", "FALSE", "TIDAK ADA", ""),
    *("BUKAN PENERIMA", "TIDAK MENERIMA", "TIDAK TERIMA", "BUKAN"),
)
_FLAG_MAP: dict[str, bool] = {
    **dict.fromkeys(_FLAG_TRUE, True),
    **dict.fromkeys(_FLAG_FALSE, False),
}


def _code_key(s: pd.Series) -> pd.Series:
    """Text key of a coded value: trimmed, upper case, ``"1.0"`` (a numeric cell) -> ``"1"``."""
    return _text_key(s).str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True)


def normalise_flag(values: pd.Series) -> pd.Series:
    """Program flag -> boolean: True / False / ``<NA>`` (unrecognised); blank is False.

    True: ``1, Y, YA, YES, TRUE, ADA``, tick marks ``✓ ✔ √ V``, ``PENERIMA, TERIMA, MENERIMA,
    DITERIMA``; False: ``0, 2, N, T, TIDAK, NO, FALSE, TIDAK ADA, BUKAN, BUKAN PENERIMA, TIDAK
    MENERIMA, TIDAK TERIMA``, blank or missing (case-insensitive, spaces collapsed, trailing
    ``. , ; : !`` ignored; ``2`` = Tidak in the 1/2 coding). ``X`` is ambiguous: unrecognised.

    >>> normalise_flag(pd.Series(["Ya", " tidak ", "2", None, "", "1.0", "-", "x"])).tolist()
    [True, False, False, False, False, True, <NA>, <NA>]
    >>> normalise_flag(pd.Series(["\u2713", "v", "Ya.", "Bukan  penerima"])).tolist()
    [True, True, True, False]
    """
    s = as_series(values)
    pos, uniq = factor(s)
    # trailing punctuation ("Ya.", "Tidak!") does not change the answer
    key = _code_key(uniq).str.replace(r"(?<=[^.,;:!])[.,;:!]+$", "", regex=True).str.strip()
    mapped = key.map(_FLAG_MAP)
    value = (mapped == True).to_numpy(dtype=bool).take(pos)  # noqa: E712 (NaN -> False)
    unknown = mapped.isna().to_numpy(dtype=bool).take(pos)
    return pd.Series(pd.arrays.BooleanArray(value, unknown), index=s.index, name=s.name)


# --------------------------------------------------------------------------- relationship
_HUB_LABELS: dict[str, int] = {
    "KEPALAKELUARGA": 1,
    "KK": 1,
    "KEPALA": 1,
    "KEPALARUMAHTANGGA": 1,
    "KRT": 1,
    "ISTRI": 2,
    "ISTERI": 2,
    "SUAMI": 2,
    "ISTRISUAMI": 2,
    "SUAMIISTRI": 2,
    "ANAK": 3,
    "ANAKKANDUNG": 3,
    "ANAKTIRI": 3,
    "ANAKANGKAT": 3,
    "MENANTU": 4,
    "CUCU": 5,
    "ORANGTUA": 6,
    "MERTUA": 6,
    "ORANGTUAMERTUA": 6,
    "AYAH": 6,
    "IBU": 6,
    "PEMBANTU": 7,
    "PEMBANTURUMAHTANGGA": 7,
    "FAMILILAIN": 8,
    "FAMILI": 8,
    "LAINNYA": 8,
    "LAINLAIN": 8,
}
# Labels as words, for abbreviations ("KEP. KELUARGA", "KEPALA KLG", "ANK", "ORTU"): a written
# word stands for a label word when it equals it, or (3+ letters) begins it, or, in a label of
# several words, is its first letter followed by some of its other letters in order ("KLG").
# A value matching labels of different codes stays unknown.
_HUB_WORDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("KEPALA", "KELUARGA"), 1),
    (("KEPALA", "RUMAH", "TANGGA"), 1),
    (("KEPALA", "RT"), 1),
    (("KEPALA",), 1),
    (("ISTRI",), 2),
    (("ISTERI",), 2),
    (("SUAMI",), 2),
    (("ISTRI", "SUAMI"), 2),
    (("SUAMI", "ISTRI"), 2),
    (("ANAK",), 3),
    (("ANAK", "KANDUNG"), 3),
    (("ANAK", "TIRI"), 3),
    (("ANAK", "ANGKAT"), 3),
    (("MENANTU",), 4),
    (("CUCU",), 5),
    (("ORANG", "TUA"), 6),
    (("ORTU",), 6),
    (("MERTUA",), 6),
    (("ORANG", "TUA", "MERTUA"), 6),
    (("AYAH",), 6),
    (("IBU",), 6),
    (("PEMBANTU",), 7),
    (("PEMBANTU", "RUMAH", "TANGGA"), 7),
    (("PEMBANTU", "RT"), 7),
    (("PRT",), 7),
    (("FAMILI", "LAIN"), 8),
    (("FAMILI",), 8),
    (("LAINNYA",), 8),
    (("LAIN", "LAIN"), 8),
)


def _abbreviates(word: str, full: str, several: bool) -> bool:
    if word == full:
        return True
    if len(word) < 3 or word[0] != full[0]:
        return False
    if full.startswith(word):
        return True
    if not several:
        return False
    rest = iter(full[1:])
    return all(c in rest for c in word[1:])


def _hub_words(text: str) -> int:
    """DTKS code of an abbreviated label (0 when none or ambiguous)."""
    words = re.findall(r"[A-Z]+", text)
    codes = {
        code
        for label, code in _HUB_WORDS
        if len(label) == len(words)
        and all(_abbreviates(w, f, len(label) > 1) for w, f in zip(words, label, strict=True))
    }
    return codes.pop() if len(codes) == 1 else 0


# code number -> DTKS code (0 = unknown)
_HUB_DTKS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0], dtype=np.int8)
_HUB_DUKCAPIL = np.array([0, 1, 2, 2, 3, 4, 5, 6, 6, 8, 7, 8], dtype=np.int8)
SCHEMES = ("dtks", "dukcapil")


def _hub_parts(u: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Unique values -> (label code or 0, number or 0)."""
    key = _code_key(u).str.replace(r"[^0-9A-Z]", "", regex=True)
    label = key.map(_HUB_LABELS)
    # "1. Kepala Keluarga", "4 - ANAK": the label decides
    prefixed = key.str.extract(r"^[0-9]+([A-Z]+)$", expand=False).map(_HUB_LABELS)
    label = label.fillna(prefixed)
    unknown = label.isna() & ~key.str.fullmatch(r"[0-9]*")
    if unknown.any():
        text = _code_key(u[unknown]).str.replace(r"[^A-Z]+", " ", regex=True)
        label[unknown] = text.map(_hub_words).replace(0, np.nan)
    label = label.fillna(0).astype(np.int8)
    num = pd.to_numeric(key.where(key.str.fullmatch(r"[0-9]{1,3}"), None), errors="coerce")
    num = num.where(num < len(_HUB_DTKS), 0).fillna(0).astype(np.int64)
    return label.to_numpy(), num.to_numpy()


def _schemes(scheme: pd.Series | str | None, index: pd.Index, default: str) -> np.ndarray:
    """Per-row ``True`` where the Dukcapil scheme applies; missing means ``default``."""
    if scheme is None or isinstance(scheme, str):
        s = pd.Series([scheme], dtype=object)
        pos = np.zeros(len(index), dtype=np.int64)
    else:
        scheme = scheme if isinstance(scheme, pd.Series) else pd.Series(list(scheme), index=index)
        s = scheme.reindex(index)
        pos, s = factor(s)
    key = _text_key(s).str.lower().replace("", default)
    bad = sorted(set(key) - set(SCHEMES))
    if bad:
        raise ValueError(f"skema_hubungan tidak dikenal (unknown scheme): {bad}; use {SCHEMES}")
    return (key == "dukcapil").to_numpy().take(pos)


def normalise_hubungan(
    values: pd.Series, scheme: pd.Series | str = "dtks", default: str = "dtks"
) -> pd.Series:
    """Relationship to the family head -> DTKS code 1..8 (``Int8``, ``<NA>`` when unknown).

    Numbers follow ``scheme`` per row (``"dtks"`` or ``"dukcapil"``, a string or a Series
    aligned on the index; a missing scheme means ``default``); labels (``KEPALA KELUARGA``,
    ``ISTRI``, ...) map the same in both.
    DTKS: 1 kepala keluarga, 2 istri/suami, 3 anak, 4 menantu, 5 cucu, 6 orang tua/mertua,
    7 pembantu, 8 lainnya. Dukcapil 1..11 -> 1, 2, 2, 3, 4, 5, 6, 6, 8, 7, 8.

    >>> normalise_hubungan(pd.Series(["1", "3", "10", "Istri", "x"]), "dukcapil").tolist()
    [1, 2, 7, 2, <NA>]
    >>> normalise_hubungan(pd.Series(["3", "03", "9", "Kepala Keluarga"]), "dtks").tolist()
    [3, 3, <NA>, 1]
    """
    s = as_series(values)
    pos, uniq = factor(s)
    label, num = (a.take(pos) for a in _hub_parts(uniq))
    code = np.where(_schemes(scheme, s.index, default), _HUB_DUKCAPIL[num], _HUB_DTKS[num])
    code = np.where(label > 0, label, code).astype(np.int8)
    return pd.Series(pd.array(code, dtype="Int8"), index=s.index, name=s.name).mask(code == 0)


# --------------------------------------------------------------------------- sex, names, dates
_SEX_MAP: dict[str, str] = {
    **dict.fromkeys(("L", "LK", "LAKI", "LAKILAKI", "LAKI2", "PRIA", "M", "MALE", "1"), "L"),
    **dict.fromkeys(("P", "PR", "PEREMPUAN", "WANITA", "W", "F", "FEMALE", "2"), "P"),
}


def normalise_sex(values: pd.Series) -> pd.Series:
    """Recorded sex -> ``"L"``, ``"P"`` or None (``1``/``2`` as in Dukcapil: 1 L, 2 P).

    >>> normalise_sex(pd.Series(["Laki-laki", "PEREMPUAN", "l", "2", "", None, "?"])).tolist()
    ['L', 'P', 'L', 'P', None, None, None]
    """
    s = as_series(values)
    table = _map_unique(
        s, lambda u: _code_key(u).str.replace(r"[^0-9A-Z]", "", regex=True).map(_SEX_MAP)
    )
    table[pd.isna(table)] = None
    return pd.Series(table, index=s.index, dtype=object, name=s.name)


def normalise_name(values: pd.Series) -> pd.Series:
    """Person name: whitespace collapsed, trimmed, upper case; None when empty.

    >>> normalise_name(pd.Series(["  siti   nurhaliza ", "", None, "Bona\\u00a0Sihombing"])).tolist()
    ['SITI NURHALIZA', None, None, 'BONA SIHOMBING']
    """
    s = as_series(values)
    pos, uniq = factor(s)  # names repeat: normalise each distinct name once
    arr = to_arrow(uniq)
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"[\s\pZ]+", " "))
    # Python's full case mapping on the distinct names ("ﬀ" -> "FF", "ß" -> "SS"); Arrow's
    # utf8_upper maps one code point to one and would leave such names not upper case
    names = objects_or_none(arr, uniq).str.upper().to_numpy(dtype=object)
    return pd.Series(names.take(pos), index=s.index, dtype=object, name=s.name)


_ISO_RE = (
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)
_DMY_RE = r"^(?P<d>[0-9]{1,2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})$"
_SERIAL_RE = r"^(?P<n>[0-9]{2,5})(?:\.0+)?$"
# "12 Maret 1985", "12-Mar-1985", "12 Agt. 1985", "12 March, 1985"
_NAMED_RE = r"^(?P<d>[0-9]{1,2})[-/. ]*(?P<mon>[A-Za-z]{3,9})\.?[-/. ,]*(?P<y>[0-9]{4})$"
_MONTHS: dict[str, int] = {
    name: i + 1
    for i, names in enumerate(
        (
            ("JANUARI", "JAN", "JANUARY"),
            ("FEBRUARI", "FEB", "PEBRUARI", "PEB", "FEBRUARY"),
            ("MARET", "MAR", "MRT", "MARCH"),
            ("APRIL", "APR"),
            ("MEI", "MAY"),
            ("JUNI", "JUN", "JUNE"),
            ("JULI", "JUL", "JULY"),
            ("AGUSTUS", "AGT", "AGU", "AGS", "AGST", "AGUST", "AUG", "AUGUST"),
            ("SEPTEMBER", "SEP", "SEPT"),
            ("OKTOBER", "OKT", "OCT", "OCTOBER"),
            ("NOVEMBER", "NOV", "NOPEMBER", "NOP"),
            ("DESEMBER", "DES", "DEC", "DECEMBER"),
        )
    )
    for name in names
}
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def _extract_ints(arr: pa.Array, pattern: str) -> dict[str, np.ndarray]:
    """Named groups of ``pattern`` as float arrays (NaN where the text does not match)."""
    found = pc.extract_regex(arr, pattern)
    matched = pc.is_valid(found)  # the children hold "" where the parent is null
    none = pa.scalar(None, pa.string())
    return {
        f.name: pc.cast(pc.if_else(matched, found.field(f.name), none), "int64")
        .to_numpy(zero_copy_only=False)
        .astype(float)
        for f in found.type
    }


def _dates_of(u: pd.Series) -> np.ndarray:
    arr = pc.utf8_trim_whitespace(to_arrow(u))
    iso = _extract_ints(arr, _ISO_RE)
    dmy = _extract_ints(arr, _DMY_RE)
    named = pc.extract_regex(arr, _NAMED_RE)
    if pc.any(pc.is_valid(named)).as_py():
        ok = pc.is_valid(named)
        none = pa.scalar(None, pa.string())
        mon = pd.Series(pc.if_else(ok, named.field("mon"), none).to_pandas(), dtype=object)
        month = mon.str.upper().map(_MONTHS).to_numpy(dtype=float)
        for k in ("d", "y"):
            got = pc.if_else(ok, named.field(k), none)
            v = pc.cast(got, "int64").to_numpy(zero_copy_only=False).astype(float)
            dmy[k] = np.where(np.isnan(dmy[k]) & ~np.isnan(month), v, dmy[k])
        dmy["m"] = np.where(np.isnan(dmy["m"]), month, dmy["m"])
    parts = pd.DataFrame(
        {k: np.where(np.isnan(iso[k]), dmy[k], iso[k]) for k in ("y", "m", "d")}
    ).rename(columns={"y": "year", "m": "month", "d": "day"})
    dates = pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[ns]")
    serial = _extract_ints(arr, _SERIAL_RE)["n"]
    # 61.. : after Excel's phantom 29 Feb 1900; 1900-2100 look like a bare year, not a date
    ok = (serial >= 61) & ~((serial >= 1900) & (serial <= 2100))
    from_serial = _EXCEL_EPOCH + np.where(ok, serial, 0).astype(np.int64).astype("timedelta64[D]")
    return np.where(np.isnat(dates) & ok, from_serial.astype("datetime64[ns]"), dates)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as written -> ``datetime64[ns]`` (NaT when missing or unparseable).

    Accepted: ``YYYY-MM-DD`` (optionally with a time), ``DD-MM-YYYY``, ``DD/MM/YYYY``,
    ``DD.MM.YYYY`` (day first, 4-digit years only), a month name or abbreviation in Indonesian
    or English (``12 Maret 1985``, ``12-Mar-1985``, ``12 Agt 1985``, docs/codings.md) and
    Excel serial day numbers written as
    text (``32874`` = 1990-01-01; 1900-2100 are read as a bare year, hence NaT).

    >>> parse_dates(pd.Series(["1990-01-31", "31-01-1990", "31/1/1990", "32904", "31-02-1990",
    ...                        "90-01-31", "1990", None])).dt.strftime("%Y-%m-%d").tolist()
    ['1990-01-31', '1990-01-31', '1990-01-31', '1990-01-31', nan, nan, nan, nan]
    """
    s = as_series(values)
    pos, uniq = factor(s)
    return pd.Series(_dates_of(uniq).take(pos), index=s.index, name=s.name)


# --------------------------------------------------------------------------- records
ID_COLUMNS = ("nik", "no_kk")
FLAG_COLUMNS = PROGRAMS


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` or an all-None column when the extract lacks it."""
    if name in records.columns:
        return records[name]
    return pd.Series(None, index=records.index, dtype=object, name=name)


def _objects(s: pd.Series) -> pd.Series:
    """``s`` as an object Series: itself when it already is one (``astype`` would copy it)."""
    return s if s.dtype == object else s.astype(object)


def normalise_desil(values: pd.Series) -> pd.Series:
    """Desil as received -> ``"1"`` .. ``"10"``, or ``""`` when empty or not a desil (then
    ``desil_tidak_valid`` when it was filled; docs/dtsen.md).

    >>> normalise_desil(pd.Series(["3", " 03 ", "10.0", "Desil 2", "11", "0", "x", None])).tolist()
    ['3', '3', '10', '2', '', '', '', '']
    """
    s = as_series(values)
    pos, uniq = factor(s)
    found = _code_key(uniq).str.extract(r"^(?:DESIL\s*)?0*([1-9]|10)(?:\.0+)?$")[0]
    return pd.Series(found.fillna("").to_numpy(dtype=object).take(pos), index=s.index, dtype=object)


def _dtsen_columns(records: pd.DataFrame, out: dict[str, object]) -> None:
    """The DTSEN record columns, in every row (docs/dtsen.md): ``sumber`` (``dtks`` when not
    DTSEN), ``id_keluarga`` and the desil (``"1"``..``"10"`` or ``""``, as received in
    ``<desil>_raw``), ``status_keluarga`` (``aktif``/``nonaktif`` for DTSEN rows, ``""`` for
    DTKS rows); BPNT of a DTSEN file with both ``penerima_bpnt`` and ``penerima_sembako`` is
    either of them."""
    n = len(records)
    if "sumber" in records.columns:
        is_dtsen = (records["sumber"].astype(object) == "dtsen").to_numpy(dtype=bool)
    else:
        is_dtsen = np.zeros(n, dtype=bool)
    if not is_dtsen.any():  # a DTKS month: constant columns, nothing to read
        out["sumber"] = np.full(n, "dtks", dtype=object)
        blank = np.full(n, "", dtype=object)
        for col in ("id_keluarga", *DESIL_COLUMNS, "status_keluarga"):
            out[col] = blank.copy()
        for col in DESIL_COLUMNS:
            out[f"{col}_raw"] = _objects(_column(records, col))
        return
    out["sumber"] = np.where(is_dtsen, "dtsen", "dtks").astype(object)
    idk = _column(records, "id_keluarga").astype("string").str.strip()
    out["id_keluarga"] = idk.fillna("").to_numpy(dtype=object)
    for col in DESIL_COLUMNS:
        raw = _objects(_column(records, col))
        out[f"{col}_raw"] = raw
        out[col] = normalise_desil(raw)
    nonaktif = status_key(_column(records, "status_keluarga")).isin(STATUS_NONAKTIF).to_numpy()
    status = np.where(nonaktif, "nonaktif", "aktif")
    out["status_keluarga"] = np.where(is_dtsen, status, "").astype(object)
    if "sembako" in records.columns:
        sembako = normalise_flag(records["sembako"])
        out["bpnt"] = (out["bpnt"] | sembako).astype("boolean")


def clean_records(records: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Edited person rows (docs/architecture.md section 2): same index, all input columns,
    normalised ``nik, no_kk, nama, jenis_kelamin, tanggal_lahir, hubungan, bpnt, pbi_jkn, pkh``,
    official ``kode_kecamatan, kecamatan, kode_desa, desa`` and ``wilayah_ejaan_lain``, with the
    values as received in ``<field>_raw`` (IDs, name, sex, birth date, relationship, flags,
    kecamatan, village). Also
    ``kecamatan_dikenal`` (bool): the row's own kecamatan name or code matched (not via village).

    The relationship scheme is taken per row from ``_skema_hubungan`` when present, else from
    ``settings.skema_hubungan`` (also where that column is blank). A row's kecamatan comes from
    its kecamatan code or name, else
    from its village; the village is looked up within that kecamatan when it is known.
    """
    # the output columns, gathered in a dict and framed once at the end: assigning a column to
    # a DataFrame copies it, and the input columns kept as they are need no copy at all
    out: dict[str, object] = dict(records.items())
    for col in ID_COLUMNS:
        raw = _column(records, col)
        out[f"{col}_raw"] = _objects(raw)
        out[col] = strip_id(raw)
    # values as received, for validation messages and the worklists' "Isian diterima"
    for col in ("nama", "jenis_kelamin", "tanggal_lahir", "hubungan", *FLAG_COLUMNS):
        out[f"{col}_raw"] = _objects(_column(records, col))
    out["nama"] = normalise_name(_column(records, "nama"))
    out["jenis_kelamin"] = normalise_sex(_column(records, "jenis_kelamin"))
    out["tanggal_lahir"] = parse_dates(_column(records, "tanggal_lahir"))
    scheme = (
        records["_skema_hubungan"]
        if "_skema_hubungan" in records.columns
        else settings.skema_hubungan
    )
    out["hubungan"] = normalise_hubungan(
        _column(records, "hubungan"), scheme, default=settings.skema_hubungan
    )
    for col in FLAG_COLUMNS:
        out[col] = normalise_flag(_column(records, col))
    _dtsen_columns(records, out)

    kec_raw = _objects(_column(records, "kecamatan"))
    desa_raw = _objects(_column(records, "desa"))
    kec_code_raw = _column(records, "kode_kecamatan") if "kode_kecamatan" in records else None
    desa_code_raw = _column(records, "kode_desa") if "kode_desa" in records else None
    kab = settings.kabupaten_kode
    kec = regions.match_kecamatan(kab, kec_raw, kec_code_raw)
    desa = regions.match_desa(kab, desa_raw, kec["kode_kecamatan"], desa_code_raw)
    kode_kec = kec["kode_kecamatan"].where(kec["kode_kecamatan"].notna(), desa["kode_kecamatan"])
    out["kecamatan_raw"] = kec_raw
    out["desa_raw"] = desa_raw
    out["kode_kecamatan"] = kode_kec.astype(object).where(kode_kec.notna(), None)
    names = out["kode_kecamatan"].map(regions.kecamatan_lookup(kab))
    out["kecamatan"] = names.astype(object).where(names.notna(), None)
    out["kode_desa"] = desa["kode_desa"]
    out["desa"] = desa["desa"]
    out["kode_kecamatan_raw"] = _objects(_column(records, "kode_kecamatan"))
    out["kode_desa_raw"] = _objects(_column(records, "kode_desa"))
    out["wilayah_ejaan_lain"] = (kec["alt_spelling"] | desa["alt_spelling"]).astype(bool)
    # beyond the contract, for validate: the kecamatan column/code itself matched
    out["kecamatan_dikenal"] = kec["kode_kecamatan"].notna().to_numpy()
    return pd.DataFrame(out, index=records.index, copy=False)
