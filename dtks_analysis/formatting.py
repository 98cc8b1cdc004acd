"""Indonesian display formats for numbers, dates and IDs (babel, locale ``id_ID``).

Every function returns a ``str`` and shows a missing value (None, NaN, ``pd.NA``, NaT) as
:data:`KOSONG` (an en dash), the convention of BPS tables. Rounding is half away from zero, as
Excel displays numbers, so the report and the workbook show the same digits.

>>> fmt_int(1234567)
'1.234.567'
>>> fmt_pct(0.123)
'12,3%'
>>> fmt_change(-56)
'−56'
>>> bulan_id("2023-12")
'Desember 2023'
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "id_ID"
KOSONG = "–"  # en dash: value missing or suppressed
MINUS = "−"  # U+2212, the typographic minus sign

__all__ = [
    "KOSONG",
    "LOCALE",
    "awal_kalimat",
    "bulan_id",
    "bulan_singkat_id",
    "fmt_change",
    "fmt_dec",
    "fmt_int",
    "fmt_pct",
    "fmt_table",
    "is_missing",
    "mask_id",
    "periode_id",
    "source_line",
    "source_line_periode",
    "tanggal_id",
    "teks_publik",
    "teks_sel",
    "terbilang",
]


def is_missing(x: Any) -> bool:
    """True for None, NaN, ``pd.NA`` and NaT (scalars only).

    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):  # list-likes are not missing scalars
        return False


def _quantize(x: Any, digits: int) -> Decimal:
    """``x`` rounded half away from zero to ``digits`` decimals (via its shortest repr)."""
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"cannot format non-finite number {x!r}")
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, numbers.Integral):
        d = Decimal(int(x))
    else:
        d = Decimal(repr(float(x)))
    return d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _fmt_number(x: Any, digits: int) -> str:
    q = _quantize(x, digits)
    if q == 0:
        q = abs(q)  # no "-0"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    text = format_decimal(q, format=pattern, locale=LOCALE)
    return text.replace("-", MINUS)


def fmt_int(x: Any) -> str:
    """Whole number with Indonesian thousands dots: ``1234567`` -> ``"1.234.567"``.

    Non-integers are rounded half away from zero. Missing -> ``"–"``.

    >>> fmt_int(1234567.0), fmt_int(-1500), fmt_int(None)
    ('1.234.567', '−1.500', '–')
    """
    if is_missing(x):
        return KOSONG
    return _fmt_number(x, 0)


def fmt_dec(x: Any, digits: int = 1) -> str:
    """Decimal number with a comma: ``3.456`` -> ``"3,5"``. Missing -> ``"–"``.

    >>> fmt_dec(3.456), fmt_dec(1234.5, 2)
    ('3,5', '1.234,50')
    """
    if is_missing(x):
        return KOSONG
    return _fmt_number(x, digits)


def fmt_pct(x: Any, digits: int = 1) -> str:
    """A **fraction** shown as a percentage: ``0.123`` -> ``"12,3%"`` (``1.0`` is 100%).

    Missing -> ``"–"``.

    >>> fmt_pct(0.123), fmt_pct(1), fmt_pct(0.5, 0), fmt_pct(0.1235)
    ('12,3%', '100,0%', '50%', '12,4%')
    """
    if is_missing(x):
        return KOSONG
    return _fmt_number(_quantize(x, digits + 6) * 100, digits) + "%"


def fmt_change(x: Any, digits: int = 0) -> str:
    """A change from last month with its sign: ``"+1.234"``, ``"−56"``, ``0`` -> ``"tetap"``.

    The minus is U+2212. A change that rounds to zero at ``digits`` is ``"tetap"`` (unchanged).

    >>> fmt_change(1234), fmt_change(-56), fmt_change(0), fmt_change(None)
    ('+1.234', '−56', 'tetap', '–')
    """
    if is_missing(x):
        return KOSONG
    q = _quantize(x, digits)
    if q == 0:
        return "tetap"
    text = _fmt_number(q, digits)
    return "+" + text if q > 0 else text


def _to_date(value: Any) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    raise TypeError(f"expected a date or ISO date string, got {type(value).__name__}: {value!r}")


def _month_start(month: Any) -> dt.date:
    if isinstance(month, str):
        text = month.strip()
        try:
            year, mon = (int(p) for p in text[:7].split("-"))
            return dt.date(year, mon, 1)
        except ValueError as exc:
            raise ValueError(
                f"Bulan tidak valid: {month!r}; gunakan YYYY-MM, mis. 2023-12 (invalid month)"
            ) from exc
    d = _to_date(month)
    return d.replace(day=1)


def bulan_id(month: Any) -> str:
    """Month in Indonesian: ``"2023-12"`` (or a date) -> ``"Desember 2023"``.

    >>> bulan_id("2024-02"), bulan_id(dt.date(2023, 8, 17))
    ('Februari 2024', 'Agustus 2023')
    """
    if is_missing(month):
        return KOSONG
    return format_date(_month_start(month), "MMMM yyyy", locale=LOCALE)


def bulan_singkat_id(month: Any) -> str:
    """Short month label for chart axes: ``"2023-12"`` -> ``"Des 2023"``.

    >>> bulan_singkat_id("2023-08")
    'Agu 2023'
    """
    if is_missing(month):
        return KOSONG
    return format_date(_month_start(month), "MMM yyyy", locale=LOCALE)


def tanggal_id(value: Any) -> str:
    """Date in Indonesian: ``date(2023, 12, 27)`` or ``"2023-12-27"`` -> ``"27 Desember 2023"``.

    >>> tanggal_id(dt.date(2023, 12, 27)), tanggal_id("2024-01-05")
    ('27 Desember 2023', '5 Januari 2024')
    """
    if is_missing(value):
        return KOSONG
    return format_date(_to_date(value), "d MMMM yyyy", locale=LOCALE)


def mask_id(value: Any) -> str:
    """An ID shown safely: first 4 and last 4 characters kept, the rest ``*``.

    Only for showing the *shape* of an example; values of 8 characters or fewer are masked
    completely. Missing -> ``"–"``.

    >>> mask_id("1211012304150001"), mask_id("12345")
    ('1211********0001', '*****')
    """
    if is_missing(value):
        return KOSONG
    text = str(value).strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def source_line(month: Any, instansi: str, sumber_data: str = "DTKS") -> str:
    """The source line under every table and chart (``instansi``: ``settings.instansi``;
    ``sumber_data``: the month's source, "DTKS", "DTSEN" or "DTSEN dan DTKS").

    >>> source_line("2023-12", "Dinas Sosial Kabupaten Dairi")
    'Sumber: DTKS Dinas Sosial Kabupaten Dairi, Desember 2023, diolah'
    >>> source_line("2025-03", "Dinas Sosial Kabupaten Dairi", "DTSEN")
    'Sumber: DTSEN Dinas Sosial Kabupaten Dairi, Maret 2025, diolah'
    """
    return f"Sumber: {sumber_data} {instansi}, {bulan_id(month)}, diolah"


def fmt_table(
    df: pd.DataFrame,
    int_cols: Iterable[str] = (),
    pct_cols: Iterable[str] = (),
    *,
    pct_digits: int = 1,
    dec_cols: Iterable[str] = (),
    dec_digits: int = 1,
) -> pd.DataFrame:
    """A copy of ``df`` with the named columns turned into display strings.

    ``int_cols`` -> :func:`fmt_int`, ``pct_cols`` (fractions) -> :func:`fmt_pct`, ``dec_cols`` ->
    :func:`fmt_dec`. Other columns are kept as they are, with missing values shown as ``"–"``.
    Raises KeyError naming a column that is not in ``df``.

    >>> fmt_table(pd.DataFrame({"a": [1234, None], "p": [0.5, 0.25]}), ["a"], ["p"]).values.tolist()
    [['1.234', '50,0%'], ['–', '25,0%']]
    """
    int_cols, pct_cols, dec_cols = list(int_cols), list(pct_cols), list(dec_cols)
    missing = [c for c in [*int_cols, *pct_cols, *dec_cols] if c not in df.columns]
    if missing:
        raise KeyError(f"fmt_table: kolom tidak ada (columns not in table): {missing}")
    out = df.copy()
    for col in out.columns:
        if col in int_cols:
            out[col] = [fmt_int(v) for v in df[col]]
        elif col in pct_cols:
            out[col] = [fmt_pct(v, pct_digits) for v in df[col]]
        elif col in dec_cols:
            out[col] = [fmt_dec(v, dec_digits) for v in df[col]]
        elif df[col].isna().any():
            out[col] = [KOSONG if is_missing(v) else v for v in df[col]]
    return out


# first characters a spreadsheet reads as the start of a formula (OWASP "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def teks_publik(value: Any) -> Any:
    """Free text from the input made safe to publish: every NIK / No KK-like run (16 digits,
    also with separators or glued to letters, see :mod:`dtks_analysis.idtext`) masked.
    Non-strings are returned unchanged.

    >>> teks_publik("kiriman/KK1211021107100013.csv")
    'kiriman/KK1211********0013.csv'
    """
    if not isinstance(value, str):
        return value
    from dtks_analysis.idtext import mask_ids

    return mask_ids(value)


def teks_sel(value: Any) -> Any:
    """A text cell for CSV / XLSX: :func:`teks_publik`, then a leading ``'`` when the text would
    start a formula (``=``, ``+``, ``-``, ``@``, tab, CR). Numbers stay numbers.

    >>> teks_sel("=HYPERLINK(1)"), teks_sel("-5"), teks_sel(-5), teks_sel("Sidikalang")
    ("'=HYPERLINK(1)", "'-5", -5, 'Sidikalang')
    """
    if not isinstance(value, str):
        return value
    text = teks_publik(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# --------------------------------------------------------------------------- words and periods

_SATUAN = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
)  # fmt: skip
_SKALA = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (1000, "ribu"))


def terbilang(n: int) -> str:
    """A whole number in Indonesian words (lower case), as written at the start of a sentence.

    >>> terbilang(0), terbilang(11), terbilang(15), terbilang(21), terbilang(100)
    ('nol', 'sebelas', 'lima belas', 'dua puluh satu', 'seratus')
    >>> terbilang(1166), terbilang(2_000_005), terbilang(-3)
    ('seribu seratus enam puluh enam', 'dua juta lima', 'minus tiga')
    """
    n = int(n)
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _SATUAN[n]
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_SATUAN[tens]} puluh" + (f" {_SATUAN[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_SATUAN[hundreds]} ratus"
        return head + (f" {terbilang(rest)}" if rest else "")
    for value, name in _SKALA:
        if n >= value:
            big, rest = divmod(n, value)
            head = "seribu" if value == 1000 and big == 1 else f"{terbilang(big)} {name}"
            return head + (f" {terbilang(rest)}" if rest else "")
    raise AssertionError(n)  # pragma: no cover


def awal_kalimat(n: Any, benda: str) -> str:
    """The start of a sentence that counts ``benda``: Indonesian style never opens a sentence
    with a numeral. Small numbers (below 100) are written in words, larger ones follow
    "Sebanyak" (the number itself stays in figures, as in the tables).

    >>> awal_kalimat(3, "desa/kelurahan"), awal_kalimat(12, "baris")
    ('Tiga desa/kelurahan', 'Dua belas baris')
    >>> awal_kalimat(166, "baris yang persis sama"), awal_kalimat(12345, "baris")
    ('Sebanyak 166 baris yang persis sama', 'Sebanyak 12.345 baris')
    """
    value = int(n)
    if 0 <= value < 100:
        words = terbilang(value)
        return f"{words[0].upper()}{words[1:]} {benda}"
    return f"Sebanyak {fmt_int(value)} {benda}"


def periode_id(months: Iterable[Any]) -> str:
    """The period a series covers, for titles and source lines: first and last month joined by
    an en dash, the year written once when both are in the same year.

    >>> periode_id(["2023-07", "2023-09", "2023-12"]), periode_id(["2023-11", "2024-02"])
    ('Juli–Desember 2023', 'November 2023–Februari 2024')
    >>> periode_id(["2023-12"]), periode_id([])
    ('Desember 2023', '–')
    """
    ordered = sorted({_month_start(m) for m in months if not is_missing(m)})
    if not ordered:
        return KOSONG
    first, last = ordered[0], ordered[-1]
    if first == last:
        return bulan_id(first)
    if first.year == last.year:
        return f"{format_date(first, 'MMMM', locale=LOCALE)}–{bulan_id(last)}"
    return f"{bulan_id(first)}–{bulan_id(last)}"


def source_line_periode(months: Iterable[Any], instansi: str, sumber_data: str = "DTKS") -> str:
    """The source line of a table or chart that shows a series of months (``sumber_data``:
    the sources of those months, e.g. "DTKS dan DTSEN" across a change of source).

    >>> source_line_periode(["2023-07", "2023-12"], "Dinas Sosial Kabupaten Dairi")
    'Sumber: DTKS Dinas Sosial Kabupaten Dairi, Juli–Desember 2023, diolah'
    """
    return f"Sumber: {sumber_data} {instansi}, {periode_id(months)}, diolah"
