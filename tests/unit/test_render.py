"""Notebook -> print HTML -> A4 PDF (dtks_analysis.publishing.render), with the installed Chromium."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from pypdf import PdfReader

from dtks_analysis.publishing import blocks, render

TITLE = "Laporan Bulanan DTKS Kabupaten Dairi — Desember 2023"
CODE_MARKER = "kode_rahasia_penanda"
STDERR_MARKER = "peringatan_stderr_penanda"
VENV_BIN = Path(sys.executable).parent

SETUP = f"""\
import sys
import pandas as pd
from dtks_analysis.publishing import blocks, charts
charts.setup()
{CODE_MARKER} = 1
SRC = "Sumber: DTKS Dinas Sosial Kabupaten Dairi, Desember 2023, diolah"
df = pd.DataFrame({{"kecamatan": ["Sidikalang", "Sumbul", "Parbuluan"],
                   "rumah_tangga": [35412, 1200, 800], "cakupan": [0.1234, 0.5, 0.25]}})
"""
TITLE_CELL = """\
blocks.judul_html("Laporan Bulanan Data Terpadu Kesejahteraan Sosial (DTKS)", "Desember 2023",
                  tanggal_rilis="5 Januari 2024", sementara=True,
                  instansi="Dinas Sosial Kabupaten Dairi", wilayah="Kabupaten Dairi")
"""
TABLE_CELL = f"""\
print("{STDERR_MARKER}", file=sys.stderr)
blocks.tabel_html(df, "Tabel 1. Rumah tangga menurut kecamatan", sumber=SRC,
                  satuan="Satuan: rumah tangga", int_cols=["rumah_tangga"],
                  pct_cols=["cakupan"], labels={{"kecamatan": "Kecamatan"}}, total=True)
"""
CHART_CELL = 'charts.bar_kecamatan(df, "rumah_tangga", "Grafik rumah tangga", SRC)'


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny report notebook, executed once with the project's kernel environment."""
    nb = new_notebook(
        cells=[
            new_code_cell(SETUP),
            new_code_cell(TITLE_CELL),
            new_markdown_cell("# Laporan Uji DTKS\n\nTeks pengantar laporan."),
            new_markdown_cell("## Rumah tangga menurut kecamatan"),
            new_code_cell(TABLE_CELL),
            new_markdown_cell("## Grafik"),
            new_code_cell(CHART_CELL),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    NotebookClient(nb, timeout=180, kernel_name="python3").execute()
    path = tmp_path_factory.mktemp("nb") / "laporan_uji.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def public_html(executed: Path) -> Path:
    return render.notebook_to_html(
        executed, executed.with_name("publik.html"), with_code=False, title=TITLE
    )


@pytest.fixture(scope="module")
def public_pdf(public_html: Path) -> Path:
    return render.html_to_pdf(public_html, public_html.with_name("publik.pdf"))


def pdf_text(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def fake_browser(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-chromium"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


class TestFindBrowser:
    def test_env_variable_wins(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        exe = fake_browser(tmp_path, "exit 0")
        monkeypatch.setenv(render.BROWSER_ENV, exe)
        assert render.find_browser() == exe

    def test_env_variable_must_exist(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(render.BROWSER_ENV, "/tidak/ada/chromium")
        with pytest.raises(render.BrowserNotFound, match="DTKS_BROWSER"):
            render.find_browser()

    def test_none_on_path_says_what_to_install(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv(render.BROWSER_ENV, raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
        with pytest.raises(render.BrowserNotFound, match="apt-get install chromium"):
            render.find_browser()

    def test_searches_candidates_in_order(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name in ("google-chrome", "chromium-browser"):
            (tmp_path / name).write_text("#!/bin/sh\n")
            (tmp_path / name).chmod(0o755)
        monkeypatch.delenv(render.BROWSER_ENV, raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
        assert render.find_browser() == str(tmp_path / "chromium-browser")


def test_executed_chart_is_one_svg(executed: Path) -> None:
    nb = nbformat.read(str(executed), as_version=4)
    outputs = nb.cells[-1].outputs
    assert len(outputs) == 1  # shown once, not twice
    assert "image/svg+xml" in outputs[0].data and "image/png" not in outputs[0].data
    assert "<dc:date>" not in outputs[0].data["image/svg+xml"]


class TestHtml:
    def test_public_edition(self, public_html: Path) -> None:
        html = public_html.read_text(encoding="utf-8")
        assert f"<title>{TITLE}</title>" in html
        assert CODE_MARKER not in html and "charts.setup" not in html
        assert STDERR_MARKER not in html
        assert "In&nbsp;[" not in html and "jp-InputPrompt" not in html.split("</style>")[-1]
        assert "<svg" in html and "Grafik rumah tangga" in html  # inline SVG, text kept
        assert "35.412" in html and "12,3%" in html
        assert 'lang="id"' in html
        assert "@page :first" in html  # title page without running head

    def test_nothing_loaded_from_the_network(self, public_html: Path) -> None:
        html = public_html.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\bsrc=", html)
        assert not re.search(r"""<link[^>]*href=["']?https?:""", html)
        assert not re.search(r"""@import\s+url\(["']?https?:""", html)
        assert "mathjax" not in html.lower() and "require.js" not in html

    def test_reviewer_edition_keeps_code(self, executed: Path, tmp_path: Path) -> None:
        out = render.notebook_to_html(executed, tmp_path / "r.html", with_code=True, title=TITLE)
        html = out.read_text(encoding="utf-8")
        assert CODE_MARKER in html and STDERR_MARKER in html
        assert render.EDISI_PENELAAH in html
        assert "@page :first" not in html  # no title page: running head from page 1

    def test_deterministic(self, executed: Path, public_html: Path, tmp_path: Path) -> None:
        again = render.notebook_to_html(executed, tmp_path / "p.html", with_code=False, title=TITLE)
        assert again.read_bytes() == public_html.read_bytes()

    def test_css_string_cannot_escape_style(self) -> None:
        assert render._css_string('a"b</style>') == '"a\\"b\\3C /style\\3E "'


class TestPdf:
    def test_a4_numbered_no_code(self, public_pdf: Path) -> None:
        reader = PdfReader(str(public_pdf))
        n = len(reader.pages)
        assert n >= 2  # title page, then the report
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - 595) <= 1
            assert abs(float(page.mediabox.height) - 842) <= 1
        texts = pdf_text(public_pdf)
        assert "Halaman 1 dari" in texts[0]
        assert f"Halaman {n} dari {n}" in texts[-1]
        everything = " ".join(texts)
        assert "Laporan Bulanan Data Terpadu Kesejahteraan Sosial (DTKS)" in texts[0]
        assert TITLE in everything  # running head from page 2
        assert "Grafik rumah tangga" in everything and "35.412" in everything
        assert CODE_MARKER not in everything and "charts.setup" not in everything
        assert "Data sementara" in texts[0]

    def test_title_page_has_no_running_head(self, public_pdf: Path) -> None:
        texts = pdf_text(public_pdf)
        assert TITLE not in texts[0] and TITLE in texts[1]

    def test_stamp_fallback_numbers_every_page(self, tmp_path: Path) -> None:
        html = tmp_path / "polos.html"
        html.write_text(
            "<!doctype html><html><head><title>Polos</title><style>@page{size:A4;margin:18mm}"
            "</style></head><body><p>satu</p><p style='break-before:page'>dua</p></body></html>",
            encoding="utf-8",
        )
        pdf = render.html_to_pdf(html, tmp_path / "polos.pdf", page_numbers=False)
        assert not render.has_page_numbers(pdf)
        render.add_page_numbers(pdf, running_title="Judul berjalan")
        assert render.has_page_numbers(pdf)
        texts = pdf_text(pdf)
        assert "Halaman 1 dari 2" in texts[0] and "Halaman 2 dari 2" in texts[1]
        assert "Judul berjalan" in texts[1] and "Judul berjalan" not in texts[0]
        assert "satu" in texts[0]  # original content kept under the stamp

    def test_browser_failure_reports_stderr(self, public_html: Path, tmp_path: Path) -> None:
        exe = fake_browser(tmp_path, "echo 'GPU process exploded' >&2; exit 3")
        with pytest.raises(render.PdfRenderError, match="GPU process exploded"):
            render.html_to_pdf(public_html, tmp_path / "x.pdf", browser=exe)
        assert not (tmp_path / "x.pdf").exists()
        assert not list(tmp_path.glob("dtks-chromium-*"))  # scratch profile removed

    def test_browser_timeout(self, public_html: Path, tmp_path: Path) -> None:
        exe = fake_browser(tmp_path, "sleep 30")
        with pytest.raises(render.PdfRenderError, match="1 detik"):
            render.html_to_pdf(public_html, tmp_path / "x.pdf", browser=exe, timeout=1)

    def test_missing_html(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            render.html_to_pdf(tmp_path / "tidak_ada.html", tmp_path / "x.pdf")


def test_nbconvert_exporter_entry_point(executed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(
        [
            str(VENV_BIN / "jupyter"),
            "nbconvert",
            "--to",
            "dtks_pdf",
            str(executed),
            "--output-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "laporan_uji.pdf"
    texts = pdf_text(pdf)
    assert "Halaman 1 dari" in texts[0]
    assert CODE_MARKER not in " ".join(texts)


class TestHtmlBlocks:
    def test_tabel_html(self) -> None:
        df = pd.DataFrame({"desa": ["A&B", None], "rt": [1234, None], "p": [0.5, 0.125]})
        html = blocks.tabel_html(
            df,
            "Tabel 9. Uji",
            sumber="Sumber: uji",
            int_cols=["rt"],
            pct_cols=["p"],
            total=True,
            catatan="– : disembunyikan",
        )
        assert "A&amp;B" in html and "1.234" in html and "12,5%" in html
        # a column with a hidden cell gets no (misleading) partial sum
        assert '<tr class="total"><td class="teks">Jumlah</td><td class="angka">–</td>' in html
        full = blocks.tabel_html(df.fillna({"rt": 6}), "T", sumber="S", int_cols=["rt"], total=True)
        assert '<td class="angka">1.240</td><td class="teks"></td></tr>' in full
        assert "<thead>" in html and "Sumber: uji" in html and "– : disembunyikan" in html
        assert html._repr_html_() == str(html)

    def test_tabel_html_unknown_column(self) -> None:
        with pytest.raises(KeyError, match="jiwa"):
            blocks.tabel_html(pd.DataFrame({"a": [1]}), "T", sumber="S", int_cols=["jiwa"])

    def test_judul_and_key_figures(self) -> None:
        judul = blocks.judul_html(
            "Laporan",
            "Desember 2023",
            tanggal_rilis="5 Januari 2024",
            instansi="Dinsos",
            wilayah="Kab",
        )
        assert 'class="dtks-judul"' in judul and "Data sementara" not in judul
        tiles = blocks.angka_kunci_html([("Rumah tangga", 35412, "+120"), ("Cakupan", "34,9%")])
        assert tiles.count('class="item"') == 2 and "35.412" in tiles and "+120" in tiles
        box = blocks.ringkasan_html(["Kalimat <satu>."], judul="Ringkasan")
        assert "Kalimat &lt;satu&gt;." in box and 'class="dtks-ringkasan"' in box
