"""Vectorized parsers for NIK and No KK (16 digits ``PP KK CC DDMMYY SSSS``).

See DOMAIN.md sections 2-4. Strings are handled with pyarrow compute kernels (plain-digit
values skip the regular expressions) and the 16-digit values are decoded straight from the
arrow byte buffer, two ASCII digits at a time through a lookup table, so a million values
parse in about half a second (``bench/bench_nik.py``).

Reasons, in priority order (the first that applies is reported):

``empty``
    missing, or nothing left after stripping separators
``excel``
    scientific-notation text such as ``1.21101E+15`` / ``1,21101E+15`` (damaged by Excel)
``digits``
    a character other than a digit remains after stripping separators
``length``
    digits only, but not 16 of them
``province``
    ``PP`` is not a Kemendagri province code
``kabupaten``
    ``PPKK`` is not a Kemendagri kabupaten/kota code
``date``
    ``DDMMYY`` is not a calendar date (NIK: day 01-31 men, 41-71 women)
``serial``
    ``SSSS`` is ``0000``

Century: ``20YY`` unless that year is after the reference year, else ``19YY``.
Whenever 16 digits remain, the parts (``province``, ``kabupaten``, ``kecamatan``,
``serial``, ``sex``, ``birth_date`` when the date is real) are filled even if the value is
invalid for a later reason, so callers can report them. ``sex`` is None when the day code
is neither 01-31 nor 41-71 (NIK only; No KK has no ``sex`` column and no +40 rule).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dtks_analysis import regions
from dtks_analysis.arrays import as_series, objects_or_none, to_arrow

REASONS: tuple[str, ...] = (
    "empty",
    "excel",
    "digits",
    "length",
    "province",
    "kabupaten",
    "date",
    "serial",
)
"""Reason codes in priority order (earlier wins when several apply)."""

_REASON_TABLE = np.array([None, *REASONS], dtype=object)
_R = {name: i + 1 for i, name in enumerate(REASONS)}

# Separators stripped anywhere: whitespace (incl. no-break and zero-width spaces), dots, dashes.
_SEP_RE = r"[\s\pZ\x{200B}-\x{200D}\x{FEFF}.\-\x{2010}-\x{2015}\x{2212}]"
# Slashes only between digit groups ("1211/01/..."): a stray one at an end stays a fault.
_SLASHED_RE = r"^[0-9]+(?:/[0-9]+)+$"
# One leading apostrophe or backtick (Excel's "store as text" marker; also typographic quotes).
_APOS_RE = r"^['`\x{2018}\x{2019}]"
# Excel's text-forcing formula written out: ="1211..." or =1211...
_FORMULA_RE = r"^=\s*\"?([^\"]*)\"?$"
# A number cell's float text: 16 digits and ".0" (a CSV export of a numeric column); the number
# went through Excel like a number cell, so it is treated as one (DOMAIN.md section 4).
_FLOAT_RE = r"^[0-9]{16}\.0+$"
# Scientific notation as Excel shows a long number: 1.21101E+15, 1,21101E+15, 1E15.
_EXCEL_RE = r"^[+-]?[0-9]+([.,][0-9]*)?[eE][+-]?[0-9]+$"

_NS_PER_DAY = 86_400_000_000_000
_NAT = np.iinfo(np.int64).min
_SEX_TABLE = np.array(["L", "P"], dtype=object)

RefDate = date | datetime | str | pd.Timestamp | None


# --------------------------------------------------------------------------- lookup tables
@lru_cache(maxsize=1)
def _code_tables() -> dict[str, np.ndarray]:
    """Valid province/kabupaten flags, zero-padded code strings, and ASCII digit-pair values."""
    prov_ok = np.zeros(100, dtype=bool)
    prov_ok[[int(c) for c in regions.province_codes()]] = True
    kab_ok = np.zeros(10000, dtype=bool)
    kab_ok[[int(c) for c in regions.kabupaten_codes()]] = True
    # two ASCII digits read as one little-endian uint16 -> their value 0..99
    pair = np.zeros(65536, dtype=np.int16)
    tens, ones = np.divmod(np.arange(100), 10)
    pair[(48 + tens) + 256 * (48 + ones)] = np.arange(100)
    return {
        "prov_ok": prov_ok,
        "kab_ok": kab_ok,
        "pair": pair,
        "str2": np.array([f"{i:02d}" for i in range(100)], dtype=object),
        "str4": np.array([f"{i:04d}" for i in range(10000)], dtype=object),
    }


@lru_cache(maxsize=2)
def _day_tables(women_plus_40: bool) -> tuple[np.ndarray, np.ndarray]:
    """Day code DD (0..99) -> (day of month or 0 when impossible, sex 0=L 1=P 2=unknown)."""
    code = np.arange(100)
    men = (code >= 1) & (code <= 31)
    women = (code >= 41) & (code <= 71) if women_plus_40 else np.zeros(100, dtype=bool)
    day = np.where(men, code, np.where(women, code - 40, 0)).astype(np.int16)
    sex = np.where(men, 0, np.where(women, 1, 2)).astype(np.int8)
    return day, sex


@lru_cache(maxsize=8)
def _month_tables(reference_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Key ``YY * 100 + MM`` -> (days in that month, 0 when MM is not 01-12; days from
    1970-01-01 to its first day), with the century resolved against ``reference_year``.
    """
    yy, mm = np.divmod(np.arange(10000), 100)
    year = np.where(2000 + yy <= reference_year, 2000 + yy, 1900 + yy)
    ok = (mm >= 1) & (mm <= 12)
    first = (year - 1970).astype("datetime64[Y]") + (np.where(ok, mm, 1) - 1).astype(
        "timedelta64[M]"
    )
    dim = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    days = first.astype("datetime64[D]").astype(np.int64)
    return np.where(ok, dim, 0).astype(np.int16), days


def _reference_year(reference_date: RefDate) -> int:
    if reference_date is None:
        return date.today().year
    return pd.Timestamp(reference_date).year


# --------------------------------------------------------------------------- strings
def _clean_rest(raw: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(stripped, is_excel) for values that are not plain digits."""
    trimmed = pc.utf8_trim_whitespace(raw)
    formula = pc.fill_null(pc.starts_with(trimmed, "="), False)
    if pc.any(formula).as_py():
        unwrapped = pc.replace_substring_regex(trimmed, _FORMULA_RE, "\\1")
        trimmed = pc.utf8_trim_whitespace(pc.if_else(formula, unwrapped, trimmed))
    apos = pc.fill_null(pc.match_substring_regex(trimmed, _APOS_RE), False)
    if pc.any(apos).as_py():
        trimmed = pc.if_else(apos, pc.utf8_slice_codeunits(trimmed, 1), trimmed)
        trimmed = pc.utf8_trim_whitespace(trimmed)
    floaty = pc.fill_null(pc.match_substring_regex(trimmed, _FLOAT_RE), False)
    if pc.any(floaty).as_py():
        trimmed = pc.if_else(floaty, pc.utf8_slice_codeunits(trimmed, 0, 16), trimmed)
    excel = pc.fill_null(pc.match_substring_regex(trimmed, _EXCEL_RE), False)
    # literal replacements handle the usual separators; the Unicode class only what remains
    stripped = trimmed
    for sep in (" ", ".", "-"):
        stripped = pc.replace_substring(stripped, sep, "")
    odd = pc.invert(pc.fill_null(pc.ascii_is_decimal(stripped), True))
    if pc.any(odd).as_py():
        stripped = pc.if_else(odd, pc.replace_substring_regex(stripped, _SEP_RE, ""), stripped)
        slashed = pc.fill_null(pc.match_substring_regex(stripped, _SLASHED_RE), False)
        stripped = pc.if_else(slashed, pc.replace_substring(stripped, "/", ""), stripped)
    return pc.if_else(excel, trimmed, stripped), excel


def _prepare(values: pd.Series) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """(stripped, is_excel, raw): separators removed except in scientific notation.

    Plain-digit values (the usual case) skip the regular expressions.
    """
    raw = to_arrow(values)
    other = pc.invert(pc.fill_null(pc.ascii_is_decimal(raw), False))
    if not pc.any(other).as_py():
        return raw, np.zeros(len(raw), dtype=bool), raw
    rest, rest_excel = _clean_rest(pc.filter(raw, other))
    stripped = pc.replace_with_mask(raw, other, rest)
    excel = np.zeros(len(raw), dtype=bool)
    excel[other.to_numpy(zero_copy_only=False)] = rest_excel.to_numpy(zero_copy_only=False)
    return stripped, excel, raw


class Prepared(NamedTuple):
    """One ID column converted and stripped once, for the parse and the separator and
    float-text checks: ``raw`` (arrow), ``stripped`` (arrow), ``excel`` (bool per row)."""

    raw: pa.Array
    stripped: pa.Array
    excel: np.ndarray


def prepare(values: pd.Series | object) -> Prepared:
    """:class:`Prepared` of ``values``: pass it to :func:`parse_nik`, :func:`parse_kk`,
    :func:`float_text` and :func:`had_separators` instead of the values to convert them once."""
    stripped, excel, raw = _prepare(as_series(values))
    return Prepared(raw, stripped, excel)


def _unpack(values: pd.Series | object) -> tuple[Prepared, pd.Index, object]:
    """``values`` as :class:`Prepared` with the index and name of the result (a Prepared
    column has lost them: a ``RangeIndex`` and no name)."""
    if isinstance(values, Prepared):
        return values, pd.RangeIndex(len(values.raw)), None
    s = as_series(values)
    return prepare(s), s.index, s.name


def _digit_pairs(arr: pa.Array) -> np.ndarray:
    """(m, 8) int16 values of the digit pairs of m strings that are all 16 ASCII digits."""
    m = len(arr)
    if m == 0:
        return np.zeros((0, 8), dtype=np.int16)
    arr = arr.cast(pa.string())
    start = int(np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset])
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8, count=16 * m, offset=start)
    return _code_tables()["pair"][data.view("<u2").reshape(m, 8)]


def _rank(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Like ``np.unique(codes, return_inverse=True)`` for small non-negative ints, in O(n)."""
    present = np.zeros(size, dtype=bool)
    present[codes] = True
    rank = np.cumsum(present, dtype=np.int64) - 1
    return np.flatnonzero(present), rank[codes]


# --------------------------------------------------------------------------- parser
def _parse(
    values: pd.Series | object,
    reference_date: RefDate,
    women_plus_40: bool,
    region_parts: bool = True,
) -> pd.DataFrame:
    prepared, index, _ = _unpack(values)
    stripped, excel = prepared.stripped, prepared.excel
    n = len(stripped)
    t = _code_tables()

    length = pc.fill_null(pc.utf8_length(stripped), 0).to_numpy(zero_copy_only=False)
    digits_ok = pc.fill_null(pc.ascii_is_decimal(stripped), False).to_numpy(zero_copy_only=False)
    is16 = digits_ok & (length == 16)
    idx = np.flatnonzero(is16)

    p = _digit_pairs(pc.filter(stripped, pa.array(is16)))  # PP KK CC DD MM YY SS SS
    prov = p[:, 0].astype(np.int32)
    kab = prov * 100 + p[:, 1]
    serial = p[:, 6].astype(np.int32) * 100 + p[:, 7]
    day_of, sex_of = _day_tables(women_plus_40)
    dim_of, first_of = _month_tables(_reference_year(reference_date))
    key = p[:, 5].astype(np.int32) * 100 + p[:, 4]
    day = day_of[p[:, 3]]
    date_ok = (day >= 1) & (day <= dim_of[key])

    # reasons assigned from the lowest priority up, so the highest-priority one wins
    sub = np.zeros(len(idx), dtype=np.int8)
    sub[serial == 0] = _R["serial"]
    sub[~date_ok] = _R["date"]
    sub[~t["kab_ok"][kab]] = _R["kabupaten"]
    sub[~t["prov_ok"][prov]] = _R["province"]
    reason = np.zeros(n, dtype=np.int8)
    reason[idx] = sub
    reason[digits_ok & (length != 16)] = _R["length"]
    reason[~digits_ok] = _R["digits"]
    reason[excel] = _R["excel"]
    reason[length == 0] = _R["empty"]

    def expand(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """``table[codes]`` on the 16-digit rows, None elsewhere."""
        full = np.full(n, len(table), dtype=np.int64)
        full[idx] = codes
        return np.append(table, None).take(full)

    births = np.full(n, _NAT, dtype=np.int64)
    ok = np.flatnonzero(date_ok)
    births[idx[ok]] = (first_of[key[ok]] + day[ok] - 1) * _NS_PER_DAY

    # columns inserted one by one: avoids consolidating the object columns into one block
    out = pd.DataFrame(index=index)
    out["valid"] = reason == 0
    out["reason"] = _REASON_TABLE[reason]
    if region_parts:
        out["province"] = expand(t["str2"], prov)
    out["kabupaten"] = expand(t["str4"], kab)
    if region_parts:
        kab_used, kab_rank = _rank(kab, 10000)
        kec_str = (t["str4"][kab_used][:, None] + t["str2"][None, :]).ravel()  # PPKK + CC
        out["kecamatan"] = expand(kec_str, kab_rank * 100 + p[:, 2])
    if women_plus_40:
        out["sex"] = expand(_SEX_TABLE, sex_of[p[:, 3]])
    out["birth_date"] = births.view("datetime64[ns]")
    out["serial"] = expand(t["str4"], serial)
    return out


# --------------------------------------------------------------------------- public API
def parse_nik(
    values: pd.Series | Prepared, reference_date: RefDate = None, *, region_parts: bool = True
) -> pd.DataFrame:
    """Parse NIK values: ``valid, reason, province, kabupaten, kecamatan, sex, birth_date, serial``
    (without ``province`` and ``kecamatan`` when not ``region_parts``: validation needs neither).

    Indexed like ``values``. ``reference_date`` (date, datetime or ISO string; default today)
    resolves the century of the 2-digit year.

    >>> r = parse_nik(pd.Series(["1211014507850001", "1211013101850000", "1.21101E+15"]),
    ...               reference_date="2024-01-01")
    >>> r[["valid", "reason", "sex"]].values.tolist()
    [[True, None, 'P'], [False, 'serial', 'L'], [False, 'excel', None]]
    >>> str(r.loc[0, "birth_date"].date())
    '1985-07-05'
    """
    return _parse(values, reference_date, women_plus_40=True, region_parts=region_parts)


def parse_kk(
    values: pd.Series | Prepared, reference_date: RefDate = None, *, region_parts: bool = True
) -> pd.DataFrame:
    """Parse No KK values: ``valid, reason, province, kabupaten, kecamatan, birth_date, serial``.

    Same as :func:`parse_nik` without ``sex``; ``birth_date`` is the date the card was
    recorded (day 01-31, no +40 rule).

    >>> parse_kk(pd.Series(["1211012010150003", "1211014510150003"]),
    ...          reference_date="2024-01-01")["reason"].tolist()
    [None, 'date']
    """
    return _parse(values, reference_date, women_plus_40=False, region_parts=region_parts)


def strip_id(values: pd.Series) -> pd.Series:
    """Values with spaces, dots, dashes, slashes between digits and one leading apostrophe or
    backtick removed,
    Excel's ``="..."`` unwrapped and a float text's ``.0`` dropped; None when empty.

    Scientific-notation text (``1.21101E+15``) is only trimmed, so it stays recognisable.

    >>> strip_id(pd.Series(["'1211.0145-0785 0001", " ", None, "1.2E+15"])).tolist()
    ['1211014507850001', None, None, '1.2E+15']
    >>> strip_id(pd.Series(['="1211014507850001"', "`1211014507850001", "1211/01/45078500/01",
    ...                     "1211014507850001.0"])).tolist()
    ['1211014507850001', '1211014507850001', '1211014507850001', '1211014507850001']
    """
    s = as_series(values)
    stripped, _, raw = _prepare(s)
    if len(s) and pd.api.types.infer_dtype(s, skipna=True) == "string":
        # plain-digit strings are unchanged: keep their objects, convert only the other rows
        other = pc.invert(pc.fill_null(pc.ascii_is_decimal(raw), False))
        out = s.to_numpy(dtype=object, copy=True)
        rows = np.flatnonzero(other.to_numpy(zero_copy_only=False))
        if len(rows):
            changed = objects_or_none(stripped.take(pa.array(rows)), pd.Series(rows))
            out[rows] = changed.to_numpy(dtype=object)
        return pd.Series(out, index=s.index, dtype=object, name=s.name)
    return objects_or_none(stripped, s)


def float_text(values: pd.Series | Prepared) -> pd.Series:
    """True where the value is a number cell's float text: 16 digits then ``.0`` (also after an
    apostrophe or inside ``="..."``). Such a value is read as its 16 digits but, like a number
    cell, it went through Excel as a number: flagged as damaged (DOMAIN.md section 4).

    >>> float_text(pd.Series(["1211012304150001.0", "1211012304150001", "12110.0", None])).tolist()
    [True, False, False, False]
    """
    if isinstance(values, Prepared):
        raw, index, name = values.raw, pd.RangeIndex(len(values.raw)), None
    else:
        s = as_series(values)
        raw, index, name = to_arrow(s), s.index, s.name
    out = np.zeros(len(raw), dtype=bool)
    maybe = pc.fill_null(pc.match_substring(raw, ".0"), False)  # plain digits skip the regexes
    if pc.any(maybe).as_py():
        arr = pc.utf8_trim_whitespace(pc.filter(raw, maybe))
        arr = pc.replace_substring_regex(arr, _FORMULA_RE, "\\1")
        arr = pc.replace_substring_regex(pc.utf8_trim_whitespace(arr), _APOS_RE, "")
        hit = pc.fill_null(pc.match_substring_regex(pc.utf8_trim_whitespace(arr), _FLOAT_RE), False)
        out[maybe.to_numpy(zero_copy_only=False)] = hit.to_numpy(zero_copy_only=False)
    return pd.Series(out, index=index, dtype=bool, name=name)


def had_separators(values: pd.Series | Prepared) -> pd.Series:
    """True where stripping (spaces, dots, dashes, slashes, apostrophe, ``="..."``) changed a
    non-empty value.

    False for missing values, values that become empty and scientific-notation text.

    >>> had_separators(pd.Series(["1211 0145", "12110145", None, "1.2E+15", " - "])).tolist()
    [True, False, False, False, False]
    """
    p, index, name = _unpack(values)
    stripped, excel, raw = p.stripped, p.excel, p.raw
    changed = pc.fill_null(pc.not_equal(raw, stripped), False).to_numpy(zero_copy_only=False)
    nonempty = pc.fill_null(pc.utf8_length(stripped), 0).to_numpy(zero_copy_only=False) > 0
    return pd.Series(changed & nonempty & ~excel, index=index, dtype=bool, name=name)
