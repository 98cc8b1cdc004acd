"""Page flow of the report: Daftar Isi, numbered figures, navigation, continued tables, PDF outline.

Two moments:

1. **Rendering** (:func:`susun`, called by :func:`render.notebook_node_to_html`): the HTML of
   the executed notebook gets

   - "Gambar n." before every figure caption (``figure.dtks-gambar``, from
     :func:`charts.gambar_html`), in document order, and an anchor ``gambar-n``;
   - an anchor on every table (``tabel-n``, and ``lampiran-n`` on the annex tables);
   - every ``<table>`` wrapped in ``div.dtks-gulir`` (scrolls sideways on a narrow screen);
   - the **Daftar Isi** (sections, the annex kecamatan, Daftar Tabel, Daftar Gambar) after the
     title page, with an empty page-number slot per entry (``span.hal``);
   - a navigation bar (``nav.dtks-navigasi``): a side column on a wide screen, a sticky bar on a
     narrow one; not printed.

2. **Printing** (:func:`cetak`, called by :func:`render.html_to_pdf`): Chromium knows neither
   ``target-counter()`` (page numbers of a table of contents) nor a caption for the part of a
   table that runs onto the next page. So the HTML is printed once to see where things land
   (named destinations of anchors, read with pypdf), then

   - the page-number slots are filled in;
   - a table marked ``bersambung`` (:func:`blocks.tabel_html`) that runs over a page break is
     split there, the continuation starting a new page under "<caption> (lanjutan)", with at
     least :data:`MIN_BARIS` rows on either side of the break (else the table moves to the next
     page, or more rows go with the continuation);

   and printed again until nothing moves. The result is written back into the HTML, so the
   published HTML and PDF agree. The probes leave the drawings out of inline SVGs
   (:func:`tanpa_isi_svg`): the pages are the same, and a probe of a report with many charts
   and maps takes about half the time. Last,
   the PDF outline (bookmarks) gets the headings' text as written (:mod:`pdf_outline`).
"""

from __future__ import annotations

import html as htmllib
import logging
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

#: at least this many rows of a continued table on each side of a page break
MIN_BARIS = 3
#: prints at most this many times to settle page numbers and continued tables
MAKS_PUTARAN = 10
JUDUL_DAFTAR_ISI = "Daftar Isi"
LANJUTAN = "(lanjutan)"

__all__ = [
    "LANJUTAN",
    "MIN_BARIS",
    "Entri",
    "Potongan",
    "cetak",
    "entri_daftar_isi",
    "halaman_tujuan",
    "perbarui_potongan",
    "susun",
    "teks_judul",
]


# --------------------------------------------------------------------------- HTML helpers

_TAG = re.compile(r"<[^>]+>")
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def teks_judul(fragment: str) -> str:
    """The visible text of an HTML fragment (tags and nbconvert's "¶" anchor removed, entities
    decoded, white space collapsed).

    >>> teks_judul('Data <b>Terpadu</b>\\n  Kesejahteraan<a class="anchor-link" href="#x">¶</a>')
    'Data Terpadu Kesejahteraan'
    """
    text = _TAG.sub("", _ANCHOR_LINK.sub("", fragment))
    return " ".join(htmllib.unescape(text).split())


def _id_aman(text: str) -> str:
    """An anchor made of ``text`` (letters, digits and hyphens)."""
    out = re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower()
    return out or "bagian"


@dataclass(frozen=True)
class Entri:
    """One line of the Daftar Isi: ``jenis`` is ``bagian`` (h2), ``subbagian`` (h3),
    ``lampiran`` (an annex table), ``tabel`` or ``gambar``; ``target`` the anchor."""

    jenis: str
    teks: str
    target: str


# --------------------------------------------------------------------------- rendering

_FIGURE_GAMBAR = re.compile(r'<figure class="dtks-gambar">(\s*)<figcaption class="judul-gambar">')
_FIGURE_TABEL = re.compile(r'<figure class="(dtks-tabel[^"]*)"([^>]*)>')
_JUDUL_TABEL = re.compile(r'class="judul-tabel"[^>]*>(.*?)</(?:figcaption|th)>', re.S)
_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_MAIN = "<main>"
_JUDUL_END = re.compile(r'<section class="dtks-judul">.*?</section>\s*', re.S)


def _nomori_gambar(body: str) -> str:
    n = 0

    def number(m: re.Match) -> str:
        nonlocal n
        n += 1
        return (
            f'<figure class="dtks-gambar" id="gambar-{n}">{m.group(1)}'
            f'<figcaption class="judul-gambar"><span class="nomor">Gambar {n}.</span> '
        )

    return _FIGURE_GAMBAR.sub(number, body)


def _tandai_tabel(body: str) -> str:
    """An anchor on every table figure: ``tabel-n`` when its caption starts with "Tabel",
    ``lampiran-n`` on an annex table, ``bersambung-n`` on another continued table."""
    counts = {"tabel": 0, "lampiran": 0, "bersambung": 0}
    out, last = [], 0
    for m in _FIGURE_TABEL.finditer(body):
        classes, attrs = m.group(1), m.group(2)
        if _ID_ATTR.search(attrs):
            continue
        caption = _JUDUL_TABEL.search(body, m.end())
        text = teks_judul(caption.group(1)) if caption else ""
        if "lampiran" in classes.split():
            kind = "lampiran"
        elif text.startswith("Tabel"):
            kind = "tabel"
        elif "bersambung" in classes.split():
            kind = "bersambung"
        else:
            continue
        counts[kind] += 1
        out += [body[last : m.end() - 1], f' id="{kind}-{counts[kind]}">']
        last = m.end()
    out.append(body[last:])
    return "".join(out)


def _gulir_tabel(body: str) -> str:
    """Every table in a box that scrolls sideways on a narrow screen (CSS ``.dtks-gulir``)."""
    return _TABLE.sub(lambda m: f'<div class="dtks-gulir">{m.group(0)}</div>', body)


def _beri_id_judul(body: str) -> str:
    """An anchor on every h2/h3 that has none (headings of HTML outputs)."""
    seen = set(re.findall(r'\sid="([^"]+)"', body))

    def add(m: re.Match) -> str:
        level, attrs, inner = m.group(1), m.group(2) or "", m.group(3)
        if level not in "23" or _ID_ATTR.search(attrs):
            return m.group(0)
        base = _id_aman(teks_judul(inner))
        anchor, k = base, 1
        while anchor in seen:
            k += 1
            anchor = f"{base}-{k}"
        seen.add(anchor)
        return f'<h{level}{attrs} id="{anchor}">{inner}</h{level}>'

    return _HEADING.sub(add, body)


def entri_daftar_isi(body: str) -> list[Entri]:
    """The entries of the Daftar Isi, in document order: h2 and h3 headings with an anchor, the
    annex tables (under their section), and the tables and figures (listed apart)."""
    found: list[tuple[int, Entri]] = []
    for m in _HEADING.finditer(body):
        level = m.group(1)
        anchor = _ID_ATTR.search(m.group(2) or "")
        text = teks_judul(m.group(3))
        if level in "23" and anchor and text:
            kind = "bagian" if level == "2" else "subbagian"
            found.append((m.start(), Entri(kind, text, anchor.group(1))))
    for m in _FIGURE_TABEL.finditer(body):
        anchor = _ID_ATTR.search(m.group(2))
        caption = _JUDUL_TABEL.search(body, m.end())
        if not anchor or not caption:
            continue
        kind = anchor.group(1).split("-")[0]
        text = teks_judul(caption.group(1))
        if kind == "lampiran":
            # the entry is the kecamatan the annex table is for ("Kecamatan Sidikalang")
            kec = re.search(r"Kecamatan [^,:]+", text)
            text = kec.group(0).strip() if kec else text.split(":")[0]
            found.append((m.start(), Entri("lampiran", text, anchor.group(1))))
        elif kind == "tabel":
            found.append((m.start(), Entri("tabel", text, anchor.group(1))))
    for m in re.finditer(r'<figure class="dtks-gambar" id="(gambar-\d+)">', body):
        caption = re.search(
            r'<figcaption class="judul-gambar">(.*?)</figcaption>', body[m.end() :], re.S
        )
        if caption:
            found.append((m.start(), Entri("gambar", teks_judul(caption.group(1)), m.group(1))))
    return [e for _, e in sorted(found, key=lambda x: x[0])]


def _tautan(e: Entri, teks: str | None = None) -> str:
    return (
        f'<a href="#{htmllib.escape(e.target)}"><span class="teks">'
        f'{htmllib.escape(e.teks if teks is None else teks)}</span><span class="titik"></span>'
        f'<span class="hal" data-hal="{htmllib.escape(e.target)}"></span></a>'
    )


def daftar_isi_html(entries: Sequence[Entri]) -> str:
    """The Daftar Isi (``nav.dtks-daftar-isi``): sections with their sub-sections; the annex
    tables (one per kecamatan) in two columns under their section; then Daftar Tabel and
    Daftar Gambar. The page numbers are filled in when the PDF is printed."""
    parts = [
        '<nav class="dtks-daftar-isi" id="daftar-isi" aria-labelledby="judul-daftar-isi">',
        f'<h2 id="judul-daftar-isi">{JUDUL_DAFTAR_ISI}</h2>',
        '<ol class="isi">',
    ]
    open_li = False
    annex: list[str] = []

    def close() -> None:
        nonlocal open_li, annex
        if annex:
            parts.append('<ol class="isi lampiran">' + "".join(annex) + "</ol>")
            annex = []
        if open_li:
            parts.append("</li>")
            open_li = False

    for e in entries:
        if e.jenis == "lampiran":
            label = re.sub(r"^Lampiran\.\s*", "", e.teks)  # the section already says Lampiran
            annex.append(f'<li class="lampiran">{_tautan(e, label)}</li>')
        elif e.jenis in ("bagian", "subbagian"):
            close()
            parts.append(f'<li class="{e.jenis}">{_tautan(e)}')
            open_li = True
    close()
    parts.append("</ol>")
    for kind, title, anchor in (
        ("tabel", "Daftar Tabel", "daftar-tabel"),
        ("gambar", "Daftar Gambar", "daftar-gambar"),
    ):
        rows = [f'<li class="{kind}">{_tautan(e)}</li>' for e in entries if e.jenis == kind]
        if rows:
            parts += [f'<h3 id="{anchor}">{title}</h3>', f'<ol class="isi {kind}">', *rows, "</ol>"]
    parts.append("</nav>")
    return "\n".join(parts) + "\n"


def navigasi_html(entries: Sequence[Entri]) -> str:
    """Screen navigation (not printed): the Daftar Isi and every section."""
    links = ['<a href="#daftar-isi">Daftar isi</a>']
    links += [
        f'<a href="#{htmllib.escape(e.target)}">{htmllib.escape(e.teks)}</a>'
        for e in entries
        if e.jenis == "bagian"
    ]
    return (
        '<nav class="dtks-navigasi" aria-label="Navigasi laporan">\n'
        + "\n".join(links)
        + "\n</nav>\n"
    )


def susun(body: str) -> str:
    """The rendered notebook HTML with numbered figures, table anchors, scrolling tables, the
    Daftar Isi (after the title page or the first h1) and the screen navigation.
    Deterministic."""
    body = _nomori_gambar(body)
    body = _tandai_tabel(body)
    body = _gulir_tabel(body)
    body = _beri_id_judul(body)
    if _MAIN not in body:
        return body
    head, main = body.split(_MAIN, 1)
    entries = entri_daftar_isi(main)
    if not entries:
        return body
    toc = daftar_isi_html(entries)
    # after the title page, else after the first h1 (a notebook's own title), else first
    title = _JUDUL_END.search(main) or re.search(r"</h1>\s*", main)
    cut = title.end() if title else 0
    main = main[:cut] + toc + main[cut:]
    return head + _MAIN + "\n" + navigasi_html(entries) + main


# --------------------------------------------------------------------------- continued tables

_FIGURE_BERSAMBUNG = re.compile(
    r'<figure class="(dtks-tabel[^"]*\bbersambung\b[^"]*)"([^>]*)>(.*?)</figure>', re.S
)
_TBODY = re.compile(r"(<tbody>)(.*?)(</tbody>)", re.S)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S)


@dataclass(frozen=True)
class Potongan:
    """How a continued table is printed: ``mulai_baru`` starts it on a new page; ``potong``
    are the rows (0-based) that open a continuation ("(lanjutan)") on a new page."""

    mulai_baru: bool = False
    potong: tuple[int, ...] = field(default=())


@dataclass
class _Bersambung:
    anchor: str
    start: int
    end: int
    classes: str
    attrs: str
    inner: str
    lanjutan: str
    rows: list[str]


def _tabel_bersambung(text: str) -> list[_Bersambung]:
    out = []
    for m in _FIGURE_BERSAMBUNG.finditer(text):
        anchor = _ID_ATTR.search(m.group(2))
        body = _TBODY.search(m.group(3))
        if not anchor or not body:
            continue
        lanjutan = re.search(r'\sdata-lanjutan="([^"]*)"', m.group(2))
        out.append(
            _Bersambung(
                anchor.group(1),
                m.start(),
                m.end(),
                m.group(1),
                m.group(2),
                m.group(3),
                htmllib.unescape(lanjutan.group(1)) if lanjutan else "",
                _ROW.findall(body.group(2)),
            )
        )
    return out


def _id_baris(anchor: str, r: int) -> str:
    return f"{anchor}-b{r}"


def _figure_html(t: _Bersambung, p: Potongan, diagnosa: bool) -> str:
    """The figure of ``t`` split as ``p`` says (row anchors added when ``diagnosa``)."""
    rows = [
        row.replace("<tr", f'<tr id="{_id_baris(t.anchor, r)}"', 1) if diagnosa else row
        for r, row in enumerate(t.rows)
    ]
    cuts = [0, *p.potong, len(rows)]
    table = _TABLE.search(t.inner)
    if table is None:  # pragma: no cover - tabel_html always writes a table
        return f'<figure class="{t.classes}"{t.attrs}>{t.inner}</figure>'
    source = table.group(0)
    tbody = _TBODY.search(source)
    assert tbody is not None
    chunks = []
    for k, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        part = (
            source[: tbody.start(2)] + "\n" + "\n".join(rows[a:b]) + "\n" + source[tbody.end(2) :]
        )
        if k > 0:
            caption = htmllib.escape(t.lanjutan)
            part = re.sub(
                r'(class="judul-tabel"[^>]*>).*?(</th>)',
                lambda m, c=caption: f"{m.group(1)}{c}{m.group(2)}",
                part,
                count=1,
                flags=re.S,
            )
        chunks.append(part)
    # the table sits in its scroll box (susun); every continuation gets a box of its own
    before, after = t.inner[: table.start()], t.inner[table.end() :]
    box_open = '<div class="dtks-gulir">'
    if before.endswith(box_open) and after.startswith("</div>"):
        before, after = before[: -len(box_open)], after[len("</div>") :]
    boxes = [
        f'<div class="dtks-gulir{" dtks-lanjutan" if k else ""}">{c}</div>'
        for k, c in enumerate(chunks)
    ]
    classes = t.classes + (" mulai-baru" if p.mulai_baru else "")
    return f'<figure class="{classes}"{t.attrs}>{before}{"".join(boxes)}{after}</figure>'


def perbarui_potongan(
    p: Potongan, n: int, hal_baris: Sequence[int | None], hal_judul: int | None
) -> tuple[Potongan, bool]:
    """The next layout of a continued table of ``n`` rows from where the last print put it:
    ``hal_baris[r]`` is the page of row ``r``, ``hal_judul`` that of the table's top.

    Every part of the table must sit on one page. A part that runs over a page break is cut
    there, with at least :data:`MIN_BARIS` rows on each side: with too few rows before the
    break, the table starts on a new page; with too few after it, more rows go to the
    continuation. Returns the new layout and whether it moves what follows (anything but a
    cut exactly where the page already broke): the tables after it must then be looked at
    again from a new print.
    """
    if n == 0 or any(h is None for h in hal_baris):
        return p, False
    if not p.mulai_baru and hal_judul is not None and hal_judul < hal_baris[0]:
        return Potongan(True, ()), True  # caption and header alone at the foot of a page
    cuts = [0, *p.potong, n]
    for a, b in zip(cuts, cuts[1:], strict=False):
        i = next((r for r in range(a + 1, b) if hal_baris[r] != hal_baris[a]), None)
        if i is None:
            continue
        kept = tuple(c for c in p.potong if c <= a)
        # later cuts of the table go: from the break on, the rows flow as they come
        dropped = b < n
        if a == 0 and i - a < MIN_BARIS and not p.mulai_baru:
            return Potongan(True, ()), True
        if n - i < MIN_BARIS:
            if (n - MIN_BARIS) - a >= MIN_BARIS:
                return Potongan(p.mulai_baru, (*kept, n - MIN_BARIS)), True
            if a == 0 and not p.mulai_baru:
                return Potongan(True, ()), True
        return Potongan(p.mulai_baru, (*kept, i)), dropped
    return p, False


def _terapkan(
    text: str,
    tables: Sequence[_Bersambung],
    state: Mapping[str, Potongan],
    pages: Mapping[str, int],
    diagnosa: bool,
) -> str:
    """``text`` with the continued tables split, page numbers filled in and, when
    ``diagnosa``, anchors on every row of a continued table and a hidden list of links to them
    (Chromium writes a named destination only for an anchor something links to)."""
    out, last = [], 0
    links = []
    for t in tables:
        out += [text[last : t.start], _figure_html(t, state.get(t.anchor, Potongan()), diagnosa)]
        last = t.end
        if diagnosa:
            links.append(f'<a href="#{t.anchor}"></a>')
            links += [f'<a href="#{_id_baris(t.anchor, r)}"></a>' for r in range(len(t.rows))]
    out.append(text[last:])
    result = "".join(out)
    result = re.sub(
        r'(<span class="hal" data-hal="([^"]*)">)[^<]*(</span>)',
        lambda m: f"{m.group(1)}{pages.get(htmllib.unescape(m.group(2)), '')}{m.group(3)}",
        result,
    )
    if diagnosa and links:
        nav = '<nav class="dtks-diagnosa" hidden>' + "".join(links) + "</nav>"
        result = result.replace("</main>", nav + "</main>", 1)
    return result


def halaman_tujuan(pdf_path: str | Path) -> dict[str, int]:
    """Anchor -> page (1-based) of every named destination of a PDF printed by Chromium."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_path))
    out = {}
    for name, dest in reader.named_destinations.items():
        try:
            page = reader.get_destination_page_number(dest)
        except Exception:  # noqa: BLE001 - a broken destination is simply not known
            continue
        if page is not None and page >= 0:
            out[str(name).lstrip("/")] = page + 1
    return out


_SVG = re.compile(r"(<svg\b[^>]*>)(.*?)(</svg>)", re.S)


def tanpa_isi_svg(text: str) -> str:
    """``text`` with the drawing inside every inline SVG removed (the ``<svg>`` element and its
    size stay). An SVG's box comes from its own attributes and CSS, never from what it draws,
    so the page layout is the same. A probe print of the six-month report (trend charts, maps)
    takes about half the time; of a one-month report, about 5 % less (the browser's start and
    the layout of the pages are most of it). An SVG holding another SVG is left whole.

    >>> tanpa_isi_svg('<p>a</p><svg width="10pt" viewBox="0 0 1 1"><path d="M0 0"/></svg>')
    '<p>a</p><svg width="10pt" viewBox="0 0 1 1"></svg>'
    """

    def empty(m: re.Match) -> str:
        return m.group(0) if "<svg" in m.group(2) else m.group(1) + m.group(3)

    return _SVG.sub(empty, text)


def perlu_cetak_bertahap(text: str) -> bool:
    """True when the HTML has page-number slots or continued tables (see :func:`cetak`)."""
    return 'data-hal="' in text or bool(_FIGURE_BERSAMBUNG.search(text))


def cetak(
    html_path: Path,
    pdf_path: Path,
    print_once: Callable[[Path, Path], None],
    maks_putaran: int = MAKS_PUTARAN,
) -> int:
    """Print ``html_path`` to ``pdf_path`` with ``print_once(html, pdf)``, settling page numbers
    of the Daftar Isi and the page breaks of continued tables first (module docstring). The
    settled HTML is written back to ``html_path``. Returns the number of prints."""
    text = html_path.read_text(encoding="utf-8")
    if not perlu_cetak_bertahap(text):
        print_once(html_path, pdf_path)
        return 1
    tables = _tabel_bersambung(text)
    # the probes lay out the same pages without drawing the charts and maps
    probe_text = tanpa_isi_svg(text)
    probe_tables = _tabel_bersambung(probe_text)
    assert [(t.anchor, len(t.rows)) for t in probe_tables] == [
        (t.anchor, len(t.rows)) for t in tables
    ]
    state: dict[str, Potongan] = {t.anchor: Potongan() for t in tables}
    slots = {htmllib.unescape(a) for a in re.findall(r'data-hal="([^"]*)"', text)}
    pages: dict[str, int] = {}
    prints = 0
    with tempfile.TemporaryDirectory(prefix="dtks-tata-", dir=pdf_path.parent) as tmp:
        probe_html, probe_pdf = Path(tmp) / "uji.html", Path(tmp) / "uji.pdf"
        for _ in range(maks_putaran):
            probe = _terapkan(probe_text, probe_tables, state, pages, True)
            probe_html.write_text(probe, encoding="utf-8")
            print_once(probe_html, probe_pdf)
            prints += 1
            dest = halaman_tujuan(probe_pdf)
            pages = {k: v for k, v in dest.items() if k in slots}
            new_state, moved = dict(state), False
            for t in tables:
                if moved:  # what follows a moved table is looked at again in the next print
                    new_state[t.anchor] = Potongan()
                    continue
                rows = [dest.get(_id_baris(t.anchor, r)) for r in range(len(t.rows))]
                new_state[t.anchor], moved = perbarui_potongan(
                    state[t.anchor], len(t.rows), rows, dest.get(t.anchor)
                )
            if new_state == state:
                break
            state = new_state
        else:
            log.warning("Tata letak PDF belum stabil setelah %d cetakan", maks_putaran)
    # page numbers take a fixed-width slot: filling them in moves nothing; checked anyway
    for _ in range(2):
        html_path.write_text(_terapkan(text, tables, state, pages, False), encoding="utf-8")
        print_once(html_path, pdf_path)
        prints += 1
        found = {k: v for k, v in halaman_tujuan(pdf_path).items() if k in slots}
        if found == pages:
            break
        pages = found
    return prints
