"""HTML fragments the notebooks display: title page, highlights box, key figures, tables.

They carry the CSS classes of the print template (``templates/dtks_print``): ``.dtks-judul``,
``.dtks-ringkasan``, ``.dtks-angka``, ``.dtks-tabel``. Light on imports on purpose: notebooks
use it without loading nbconvert.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from dtks_analysis.formatting import KOSONG, fmt_dec, fmt_int, fmt_pct, is_missing

#: a table of at most this many rows is kept on one page (CSS); a longer one may run over pages
#: and is then continued under its caption with "(lanjutan)" (``bersambung``)
BARIS_UTUH = 25
LANJUTAN = "(lanjutan)"

# --------------------------------------------------------------------------- HTML blocks


class HtmlBlock(str):
    """A string of HTML that Jupyter displays as HTML (``text/html``) and prints as itself."""

    def _repr_html_(self) -> str:
        return str(self)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def judul_html(
    judul: str,
    bulan: str,
    *,
    tanggal_rilis: str,
    instansi: str,
    wilayah: str,
    sementara: bool = False,
    alamat: str = "",
    kontak: str = "",
) -> HtmlBlock:
    """Title page (CSS ``.dtks-judul``): fills page 1, the report starts on page 2.

    ``bulan`` and ``tanggal_rilis`` are display strings ("Desember 2023", "5 Januari 2024"); the
    "Data sementara" mark appears when ``sementara`` is true.
    """
    mark = '<p class="sementara">Data sementara</p>' if sementara else ""
    foot = "".join(f"<p>{_e(t)}</p>" for t in (instansi, alamat, kontak) if t)
    return HtmlBlock(
        '<section class="dtks-judul">\n<div>\n'
        f'<p class="instansi">{_e(instansi)}</p>\n<h1>{_e(judul)}</h1>\n'
        f'<p class="wilayah">{_e(wilayah)}</p>\n<p class="bulan">{_e(bulan)}</p>\n{mark}\n'
        f'</div>\n<div class="kaki">\n<p>Tanggal rilis: {_e(tanggal_rilis)}</p>\n{foot}\n</div>\n'
        "</section>\n"
    )


def ringkasan_html(kalimat: Iterable[str], judul: str | None = None) -> HtmlBlock:
    """Highlights box (CSS ``.dtks-ringkasan``): one bullet per sentence (plain text, escaped)."""
    head = f"<h3>{_e(judul)}</h3>\n" if judul else ""
    items = "\n".join(f"<li>{_e(k)}</li>" for k in kalimat)
    return HtmlBlock(f'<div class="dtks-ringkasan">\n{head}<ul>\n{items}\n</ul>\n</div>\n')


def angka_kunci_html(items: Iterable[Sequence[Any]]) -> HtmlBlock:
    """Key-figure tiles (CSS ``.dtks-angka``), three per row.

    Each item is ``(label, nilai)`` or ``(label, nilai, perubahan)``; numbers are shown with
    :func:`~dtks_analysis.formatting.fmt_int`, strings as given (use ``fmt_pct`` for shares).
    """
    tiles = []
    for item in items:
        label, nilai, *rest = item
        shown = nilai if isinstance(nilai, str) else fmt_int(nilai)
        change = f'<div class="perubahan">{_e(rest[0])}</div>' if rest and rest[0] else ""
        tiles.append(
            f'<div class="item"><div class="nilai">{_e(shown)}</div>'
            f'<div class="label">{_e(label)}</div>{change}</div>'
        )
    return HtmlBlock('<div class="dtks-angka">\n' + "\n".join(tiles) + "\n</div>\n")


def _cell(
    value: Any, col: str, ints: set[str], pcts: set[str], decs: set[str], digits: int = 1
) -> str:
    if col in ints:
        return fmt_int(value)
    if col in pcts:
        return fmt_pct(value)
    if col in decs:
        return fmt_dec(value, digits)
    return KOSONG if is_missing(value) else str(value)


def tabel_html(
    df: pd.DataFrame,
    judul: str,
    *,
    sumber: str,
    satuan: str | None = None,
    catatan: str | Iterable[str] | None = None,
    int_cols: Iterable[str] = (),
    pct_cols: Iterable[str] = (),
    dec_cols: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
    total: Mapping[str, Any] | bool | None = None,
    kecil: bool | None = None,
    bersambung: bool | None = None,
    kelas: str = "",
    dec_digits: int = 1,
) -> HtmlBlock:
    """A published table (CSS ``.dtks-tabel``): title, unit line, table, source and notes.

    Columns in ``int_cols``/``pct_cols`` (fractions)/``dec_cols`` are formatted the Indonesian way
    and right-aligned; other columns are left-aligned text. ``labels`` renames column headers.
    ``total=True`` adds a "Jumlah" row summing ``int_cols`` (use only for additive tables;
    a column with a missing/suppressed cell shows "–"); a mapping gives the total row's values
    explicitly (e.g. ``{"desa": "Jumlah", "rumah_tangga": 35412}``). Missing values print as "–". The header
    repeats on every page the table runs over. ``kecil`` keeps a narrow table from spanning
    the full width (default: true for three columns or fewer).

    ``bersambung`` (default: more than :data:`BARIS_UTUH` rows) marks a table that may run over
    pages: its caption is the first header row, so every page it runs onto names it, and the
    PDF printer (:mod:`~dtks_analysis.publishing.tata_letak`) splits it where the page breaks,
    the continuation captioned "<caption> (lanjutan)". A shorter table is kept on one page.
    ``kelas``: extra CSS classes of the ``<figure>``; ``dec_digits``: decimals of ``dec_cols``.
    """
    ints, pcts, decs = set(int_cols), set(pct_cols), set(dec_cols)
    unknown = (ints | pcts | decs) - set(df.columns)
    if unknown:
        raise KeyError(f"tabel_html: kolom tidak ada (columns not in table): {sorted(unknown)}")
    labels = dict(labels or {})
    cols = list(df.columns)
    num = ints | pcts | decs

    def cls(col: str) -> str:
        return "angka" if col in num else "teks"

    head = "".join(f'<th class="{cls(c)}" scope="col">{_e(labels.get(c, c))}</th>' for c in cols)
    rows = []
    for rec in df.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="{cls(c)}">{_e(_cell(v, c, ints, pcts, decs, dec_digits))}</td>'
            for c, v in zip(cols, rec, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    if total:
        if total is True:
            # a column with a suppressed (missing) cell gets no total: summing the visible
            # cells would print a wrong number; pass a mapping to show the true total
            values: dict[str, Any] = {
                c: None if df[c].isna().any() else df[c].sum() for c in cols if c in ints
            }
            first_text = next((c for c in cols if c not in num), None)
            if first_text is not None:
                values[first_text] = "Jumlah"
        else:
            values = dict(total)
        cells = "".join(
            f'<td class="{cls(c)}">'
            f"{_e(_cell(values[c], c, ints, pcts, decs, dec_digits) if c in values else '')}</td>"
            for c in cols
        )
        rows.append(f'<tr class="total">{cells}</tr>')
    if kecil is None:
        kecil = len(cols) <= 3
    if bersambung is None:
        bersambung = len(rows) > BARIS_UTUH
    notes = [catatan] if isinstance(catatan, str) else list(catatan or [])
    classes = " ".join(
        c
        for c in ("dtks-tabel", "kecil" if kecil else "", "bersambung" if bersambung else "", kelas)
        if c
    )
    if bersambung:
        n = len(cols)
        unit = (
            f'<tr class="baris-satuan"><th class="satuan" colspan="{n}">{_e(satuan)}</th></tr>'
            if satuan
            else ""
        )
        parts = [
            f'<figure class="{classes}" data-lanjutan="{_e(f"{judul} {LANJUTAN}")}">',
            f"<table>\n<colgroup>{'<col>' * n}</colgroup>\n"
            f'<thead><tr class="baris-judul"><th class="judul-tabel" colspan="{n}" '
            f'scope="colgroup">{_e(judul)}</th></tr>{unit}<tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows)
            + "\n</tbody>\n</table>",
        ]
    else:
        parts = [
            f'<figure class="{classes}">',
            f'<figcaption class="judul-tabel">{_e(judul)}</figcaption>',
            f'<p class="satuan">{_e(satuan)}</p>' if satuan else "",
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(rows)
            + "\n</tbody>\n</table>",
        ]
    parts += [
        f'<p class="sumber">{_e(sumber)}</p>',
        *(f'<p class="catatan">{_e(n)}</p>' for n in notes),
        "</figure>",
    ]
    return HtmlBlock("\n".join(p for p in parts if p) + "\n")
