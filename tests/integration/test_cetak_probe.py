"""The probe prints of :func:`tata_letak.cetak` leave the drawings out of inline SVGs: with a
real Chromium, the pages of every anchor are the same with and without them, and only the final
print draws them. Integration test: it needs the browser (``make test``, not ``make test-fast``)."""

from __future__ import annotations

from pathlib import Path

from dtks_analysis.publishing import render, tata_letak

_PATHS = "".join(f'<path d="M{i % 97} {i % 89} L{i % 53} {i % 71} Z"/>' for i in range(1000))


def _html() -> str:
    """Pages of text between SVGs sized three ways (attributes, viewBox with a CSS width, none)
    that draw many paths, and a continued table; each anchor is linked, so it is a named
    destination of the PDF."""
    svgs = [
        f'<svg width="400pt" height="300pt" viewBox="0 0 100 100">{_PATHS}</svg>',
        f'<svg viewBox="0 0 100 60" style="width:100%">{_PATHS}</svg>',
        f"<svg>{_PATHS}<text x='5' y='20'>teks</text></svg>",
    ]
    parts, links = [], []
    for k in range(9):
        parts.append(f'<h2 id="h{k}">Bagian {k}</h2>' + "<p>teks paragraf.</p>" * (k + 3))
        parts.append(svgs[k % 3])
        links.append(f'<a href="#h{k}">{k}</a>')
    rows = "".join(f"<tr><td>desa {r}</td><td>{r}</td></tr>" for r in range(80))
    table = (
        '<figure class="dtks-tabel bersambung" id="bersambung-1" data-lanjutan="T (lanjutan)">'
        '<table><thead><tr><th class="judul-tabel" colspan="2">T</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></figure>"
    )
    toc = "".join(
        f'<li><a href="#h{k}">{k}</a><span class="hal" data-hal="h{k}"></span></li>'
        for k in range(9)
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><main>"
        f"<nav>{''.join(links)}<ol>{toc}</ol></nav>{''.join(parts)}{table}<p>akhir</p></main>"
        "</body></html>"
    )


def test_probe_prints_lay_out_the_same_pages_without_drawing(tmp_path: Path) -> None:
    browser = render.find_browser()
    full = tmp_path / "full.html"
    full.write_text(_html(), encoding="utf-8")
    light = tmp_path / "light.html"
    light.write_text(tata_letak.tanpa_isi_svg(_html()), encoding="utf-8")
    assert "<path" not in light.read_text(encoding="utf-8")
    pages = {}
    for name in ("full", "light"):
        profile = tmp_path / f"profile-{name}"
        profile.mkdir()
        pdf = tmp_path / f"{name}.pdf"
        cmd = render._browser_command(browser, tmp_path / f"{name}.html", pdf, profile)
        render._run_browser(cmd, 120)
        pages[name] = tata_letak.halaman_tujuan(pdf)
    assert len(pages["full"]) == 9
    assert max(pages["full"].values()) >= 4  # the drawings span pages
    assert pages["light"] == pages["full"]


def test_only_the_final_print_draws(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    html.write_text(_html(), encoding="utf-8")
    printed: list[bool] = []
    browser = render.find_browser()
    profile = tmp_path / "profile"
    profile.mkdir()

    def print_once(source: Path, target: Path) -> None:
        printed.append("<path" in source.read_text(encoding="utf-8"))
        render._run_browser(render._browser_command(browser, source, target, profile), 120)

    n = tata_letak.cetak(html, tmp_path / "r.pdf", print_once)
    assert n == len(printed) >= 2
    assert printed[-1] and not any(printed[:-1])
    settled = html.read_text(encoding="utf-8")
    assert settled.count("<path") == _html().count("<path")  # the published HTML draws
    assert "T (lanjutan)" in settled  # the table was continued on a new page


def test_the_scan_reads_the_same_pdf_text_without_the_paths(tmp_path: Path) -> None:
    """The personal-data scan drops the path-drawing lines of a PDF page before extracting its
    text: the text of every page is the same as pypdf's extraction of the whole page."""
    from pypdf import PdfReader

    from dtks_analysis.publishing import privacy

    html = tmp_path / "r.html"
    html.write_text(_html().replace("akhir", "ROSMAULI BR SINAGA 1211014107850003"), "utf-8")
    profile = tmp_path / "profile"
    profile.mkdir()
    pdf = tmp_path / "r.pdf"
    render._run_browser(render._browser_command(render.find_browser(), html, pdf, profile), 120)
    plain = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    lean = [t for where, t in privacy.extract_chunks(pdf) if where.startswith("halaman")]
    assert lean == plain
    pages = PdfReader(str(pdf)).pages
    assert sum(len(privacy._PDF_PATH.sub(b"", p.get_contents().get_data())) for p in pages) < sum(
        len(p.get_contents().get_data()) for p in pages
    )  # path lines were there, and were dropped
    leaks = privacy.check_outputs(tmp_path, None, "12.11")
    assert [x.kind for x in leaks if x.path == pdf] == ["id16"]
