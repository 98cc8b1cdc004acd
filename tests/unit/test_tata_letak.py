"""Page flow and language of the report: Daftar Isi, "Gambar n", continued tables with
"(lanjutan)", PDF outline (dtks_analysis.publishing.tata_letak), numbers in words at the start
of a sentence and period labels (formatting), the Ringkasan sentences (narrative), the report
figure block (charts.gambar_html)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.text import Text

from dtks_analysis.formatting import awal_kalimat, periode_id, source_line_periode, terbilang
from dtks_analysis.publishing import blocks, charts, narrative, pdf_outline, tata_letak
from dtks_analysis.publishing.tata_letak import MIN_BARIS, Potongan, perbarui_potongan

SRC = "Sumber: DTKS Dinas Sosial Kabupaten Dairi, Desember 2023, diolah"


# --------------------------------------------------------------------------- words, periods


class TestTerbilang:
    @pytest.mark.parametrize(
        ("n", "words"),
        [
            (0, "nol"),
            (1, "satu"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (99, "sembilan puluh sembilan"),
            (100, "seratus"),
            (101, "seratus satu"),
            (250, "dua ratus lima puluh"),
            (1000, "seribu"),
            (1001, "seribu satu"),
            (2023, "dua ribu dua puluh tiga"),
            (11_000, "sebelas ribu"),
            (100_000, "seratus ribu"),
            (1_000_000, "satu juta"),
            (3_048, "tiga ribu empat puluh delapan"),
            (2_000_000_000, "dua miliar"),
        ],
    )
    def test_words(self, n: int, words: str) -> None:
        assert terbilang(n) == words

    def test_negative(self) -> None:
        assert terbilang(-21) == "minus dua puluh satu"


class TestAwalKalimat:
    def test_small_numbers_in_words_capitalised(self) -> None:
        assert awal_kalimat(0, "desa") == "Nol desa"
        assert awal_kalimat(3, "desa/kelurahan") == "Tiga desa/kelurahan"
        assert awal_kalimat(20, "desa/kelurahan") == "Dua puluh desa/kelurahan"
        assert awal_kalimat(99, "baris") == "Sembilan puluh sembilan baris"

    def test_large_numbers_after_sebanyak(self) -> None:
        assert awal_kalimat(100, "baris") == "Sebanyak 100 baris"
        assert awal_kalimat(12345, "baris") == "Sebanyak 12.345 baris"

    @pytest.mark.parametrize("n", [0, 1, 7, 15, 42, 99, 100, 166, 3048, 138884])
    def test_never_starts_with_a_digit(self, n: int) -> None:
        assert not awal_kalimat(n, "baris")[0].isdigit()


class TestPeriode:
    def test_same_year(self) -> None:
        assert periode_id(["2023-07", "2023-08", "2023-12"]) == "Juli–Desember 2023"

    def test_unsorted_and_duplicates(self) -> None:
        assert periode_id(pd.Series(["2023-12", "2023-07", "2023-12"])) == "Juli–Desember 2023"

    def test_over_a_year_end(self) -> None:
        assert periode_id(["2023-11", "2023-12", "2024-01"]) == "November 2023–Januari 2024"

    def test_one_month_and_none(self) -> None:
        assert periode_id(["2023-12"]) == "Desember 2023"
        assert periode_id([]) == "–"

    def test_source_line(self) -> None:
        assert source_line_periode(["2023-07", "2023-12"], "Dinas Sosial Kabupaten Dairi") == (
            "Sumber: DTKS Dinas Sosial Kabupaten Dairi, Juli–Desember 2023, diolah"
        )


# --------------------------------------------------------------------------- Ringkasan


def _rekap(**over: int) -> pd.DataFrame:
    row = {
        "kode_kecamatan": "12.11.01",
        "kecamatan": "Sidikalang",
        "rumah_tangga": 37087,
        "jiwa": 138855,
        "rt_bpnt": 19183,
        "rt_pbi_jkn": 21555,
        "rt_pkh": 8517,
        "rt_bansos": 28252,
        "rt_imputasi": 104,
    }
    row.update(over)
    return pd.DataFrame([row])


def _tren(with_bansos: bool = True) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "bulan": ["2023-11", "2023-12"],
            "rumah_tangga": [37073, 37087],
            "rt_bpnt": [19084, 19183],
            "rt_pbi_jkn": [21603, 21555],
            "rt_pkh": [8517, 8517],
            "rt_bansos": [28079, 28252],
        }
    )
    return df if with_bansos else df.drop(columns="rt_bansos")


def _ringkasan(tren: pd.DataFrame, nonrespon: pd.DataFrame | None = None, prev="2023-11"):
    if nonrespon is None:
        nonrespon = pd.DataFrame(columns=["kode_desa", "desa", "rumah_tangga"])
    summary = {"baris": 138884, "baris_tidak_dapat_diolah": 249}
    return narrative.ringkasan(
        "2023-12", _rekap(), tren, nonrespon, summary, 1715, prev, "Kabupaten Dairi"
    )


class TestRingkasan:
    def test_share_and_change_in_one_parenthesis(self) -> None:
        text = " ".join(_ringkasan(_tren()))
        assert "BPNT 19.183 rumah tangga (51,7%, naik 99 dari bulan lalu)" in text
        assert "PBI-JKN 21.555 rumah tangga (58,1%, turun 48 dari bulan lalu)" in text
        assert "PKH 8.517 rumah tangga (23,0%, sama dengan bulan lalu)" in text
        assert ") (" not in text

    def test_no_program_has_its_change(self) -> None:
        # 37.087 − 28.252 = 8.835 now; 37.073 − 28.079 = 8.994 last month
        line = next(s for s in _ringkasan(_tren()) if "tidak menerima" in s)
        assert line == (
            "Sebanyak 8.835 rumah tangga (23,8%, turun 159 dari bulan lalu) tidak menerima "
            "satu pun dari ketiga program."
        )

    def test_first_month_and_old_trend_tables_have_no_change(self) -> None:
        for lines in (_ringkasan(_tren(), prev=None), _ringkasan(_tren(with_bansos=False))):
            line = next(s for s in lines if "tidak menerima" in s)
            assert "(23,8%)" in line and "bulan lalu" not in line
        first = _ringkasan(_tren(), prev=None)
        assert "BPNT 19.183 rumah tangga (51,7%);" in first[1]

    def test_no_sentence_starts_with_a_numeral(self) -> None:
        nonrespon = pd.DataFrame(
            {
                "kode_desa": ["12.11.01.2001", "12.11.01.2002", "12.11.01.2003"],
                "desa": ["Kuta Gambir", "Sidiangkat", "Kalang"],
                "rumah_tangga": [40, 38, 26],
            }
        )
        lines = _ringkasan(_tren(), nonrespon)
        assert any(s.startswith("Tiga desa/kelurahan tidak mengirim data") for s in lines)
        for line in lines:
            for sentence in re.split(r"(?<=[.!?;])\s+", line):
                assert not sentence[:1].isdigit(), sentence


# --------------------------------------------------------------------------- figures


@pytest.fixture
def rekap() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kecamatan": ["Sidikalang", "Sumbul", "Parbuluan"],
            "rumah_tangga": [1200, 35412, 800],
        }
    )


class TestGambarHtml:
    def test_title_and_source_move_to_html(self, rekap: pd.DataFrame) -> None:
        fig = charts.bar_kecamatan(rekap, "rumah_tangga", "Rumah tangga DTKS", SRC)
        assert "Rumah tangga DTKS" in [t.get_text() for t in fig.findobj(Text)]
        out = charts.gambar_html(fig, "Desember 2023")
        caption = re.search(r'<figcaption class="judul-gambar">(.*?)</figcaption>', out)
        assert caption and caption.group(1) == "Rumah tangga DTKS, Desember 2023"
        assert f'<p class="sumber">{SRC}</p>' in out
        svg = out[out.index("<svg") : out.index("</svg>")]
        assert "Rumah tangga DTKS" not in svg and "Sumber:" not in svg
        assert "Sidikalang" in svg  # the chart itself keeps its text
        assert not out.lstrip().startswith("<?xml")

    def test_period_not_repeated(self, rekap: pd.DataFrame) -> None:
        fig = charts.bar_kecamatan(rekap, "rumah_tangga", "Rumah tangga, Desember 2023", SRC)
        assert "Desember 2023, Desember 2023" not in charts.gambar_html(fig, "Desember 2023")

    def test_figure_gets_shorter(self, rekap: pd.DataFrame) -> None:
        fig = charts.bar_kecamatan(rekap, "rumah_tangga", "Judul", SRC)
        before = fig.get_size_inches()[1]
        charts.gambar_html(fig)
        assert fig.get_size_inches()[1] < before

    def test_pyramid_drops_an_empty_unknown_age_row(self) -> None:
        groups = ["0-4", "5-9", "75+", "Tidak diketahui"]
        rows = [(g, s, 0 if g == "Tidak diketahui" else 100) for g in groups for s in "LP"]
        fig = charts.piramida_umur(
            pd.DataFrame(rows, columns=["kelompok_umur", "jenis_kelamin", "jiwa"])
        )
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert ticks == ["0-4", "5-9", "75+"]

    def test_pyramid_keeps_a_non_empty_unknown_age_row(self) -> None:
        rows = [("0-4", "L", 5), ("0-4", "P", 5), ("Tidak diketahui", "L", 2)]
        fig = charts.piramida_umur(
            pd.DataFrame(rows, columns=["kelompok_umur", "jenis_kelamin", "jiwa"])
        )
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert ticks == ["0-4", "Tidak diketahui"]


# --------------------------------------------------------------------------- rendering


def _doc(main: str) -> str:
    return f"<html><body><main>{main}</main></body></html>"


def _figure(title: str) -> str:
    return (
        f'<figure class="dtks-gambar">\n<figcaption class="judul-gambar">{title}</figcaption>\n'
        '<div class="grafik"><svg></svg></div>\n<p class="sumber">S</p>\n</figure>'
    )


def _annex_table(kec: str, n: int) -> str:
    df = pd.DataFrame({"desa": [f"Desa {i}" for i in range(n)], "rumah_tangga": range(n)})
    return str(
        blocks.tabel_html(
            df,
            f"Lampiran. Kecamatan {kec}: rumah tangga menurut desa/kelurahan, Desember 2023",
            sumber=SRC,
            int_cols=["rumah_tangga"],
            bersambung=True,
            kelas="lampiran",
        )
    )


@pytest.fixture
def rendered() -> str:
    small = pd.DataFrame({"kecamatan": ["A", "B"], "rumah_tangga": [1, 2]})
    main = (
        '<section class="dtks-judul"><h1>Laporan Bulanan</h1></section>\n'
        '<h2 id="Ringkasan">Ringkasan<a class="anchor-link" href="#Ringkasan">¶</a></h2>\n'
        + str(
            blocks.tabel_html(small, "Tabel 1. Rumah tangga", sumber=SRC, int_cols=["rumah_tangga"])
        )
        + _figure("Rumah tangga menurut kecamatan, Desember 2023")
        + "<h3>Tumpang tindih</h3>"
        + _figure("Tren, Juli–Desember 2023")
        + '<h2 id="Lampiran">Lampiran</h2>'
        + _annex_table("Sidikalang", 5)
        + _annex_table("Sumbul", 4)
    )
    return tata_letak.susun(_doc(main))


class TestSusun:
    def test_figures_numbered_in_order(self, rendered: str) -> None:
        assert re.findall(r"Gambar (\d+)\.", rendered.split("</nav>")[-1]) == ["1", "2"]
        assert 'id="gambar-1"' in rendered and 'id="gambar-2"' in rendered

    def test_daftar_isi_after_title_page(self, rendered: str) -> None:
        toc = rendered[rendered.index('<nav class="dtks-daftar-isi"') :]
        toc = toc[: toc.index("</nav>")]
        assert rendered.index("</section>") < rendered.index('<nav class="dtks-daftar-isi"')
        assert rendered.index('<nav class="dtks-daftar-isi"') < rendered.index('id="Ringkasan"')
        texts = [
            tata_letak.teks_judul(t) for t in re.findall(r'<span class="teks">(.*?)</span>', toc)
        ]
        assert texts == [
            "Ringkasan",
            "Tumpang tindih",
            "Lampiran",
            "Kecamatan Sidikalang",
            "Kecamatan Sumbul",
            "Tabel 1. Rumah tangga",
            "Gambar 1. Rumah tangga menurut kecamatan, Desember 2023",
            "Gambar 2. Tren, Juli–Desember 2023",
        ]
        targets = re.findall(r'data-hal="([^"]+)"', toc)
        assert targets == [
            "Ringkasan",
            "tumpang-tindih",
            "Lampiran",
            "lampiran-1",
            "lampiran-2",
            "tabel-1",
            "gambar-1",
            "gambar-2",
        ]
        for target in targets:  # every entry links to an anchor of the document
            assert f'id="{target}"' in rendered
        assert "¶" not in toc

    def test_navigation_and_scrolling_tables(self, rendered: str) -> None:
        nav = re.search(r'<nav class="dtks-navigasi".*?</nav>', rendered, re.S)
        assert nav and 'href="#daftar-isi"' in nav.group(0) and 'href="#Lampiran"' in nav.group(0)
        assert rendered.count("<table") == rendered.count('<div class="dtks-gulir"><table')

    def test_deterministic_and_idempotent_ids(self, rendered: str) -> None:
        ids = re.findall(r'\sid="([^"]+)"', rendered)
        assert len(ids) == len(set(ids))

    def test_without_main_untouched_but_figures_numbered(self) -> None:
        out = tata_letak.susun(_figure("X"))
        assert "Gambar 1. X" in tata_letak.teks_judul(out) and "dtks-daftar-isi" not in out


class TestTabelBersambung:
    def test_caption_is_the_first_header_row(self) -> None:
        html = _annex_table("Sidikalang", 3)
        assert 'class="dtks-tabel kecil bersambung lampiran"' in html
        assert '<thead><tr class="baris-judul"><th class="judul-tabel" colspan="2"' in html
        assert "<figcaption" not in html
        assert 'data-lanjutan="Lampiran. Kecamatan Sidikalang: rumah tangga menurut ' in html
        assert "Desember 2023 (lanjutan)" in html

    def test_long_tables_continue_short_ones_stay_whole(self) -> None:
        def df(n: int) -> pd.DataFrame:
            return pd.DataFrame({"a": range(n)})

        assert "bersambung" not in blocks.tabel_html(df(blocks.BARIS_UTUH), "T", sumber="S")
        assert "bersambung" in blocks.tabel_html(df(blocks.BARIS_UTUH + 1), "T", sumber="S")

    def test_split_with_lanjutan(self, rendered: str) -> None:
        tables = tata_letak._tabel_bersambung(rendered)
        assert [t.anchor for t in tables] == ["lampiran-1", "lampiran-2"]
        state = {"lampiran-1": Potongan(False, (3,)), "lampiran-2": Potongan(True, ())}
        out = tata_letak._terapkan(rendered, tables, state, {"Ringkasan": 3}, diagnosa=False)
        first = out[out.index('id="lampiran-1"') : out.index('id="lampiran-2"')]
        assert first.count("<table") == 2 and first.count('class="dtks-gulir dtks-lanjutan"') == 1
        assert (
            "Lampiran. Kecamatan Sidikalang: rumah tangga menurut desa/kelurahan, "
            "Desember 2023 (lanjutan)</th>"
        ) in first
        parts = first.split("dtks-lanjutan")
        assert parts[0].count("<td") // 2 == 3 and parts[1].count("<td") // 2 == 2
        assert first.count('<p class="sumber">') == 1  # the source once, after the last part
        assert 'class="dtks-tabel kecil bersambung lampiran mulai-baru"' in out
        assert '<span class="hal" data-hal="Ringkasan">3</span>' in out
        assert "dtks-diagnosa" not in out and 'id="lampiran-1-b0"' not in out
        probe = tata_letak._terapkan(rendered, tables, state, {}, diagnosa=True)
        assert 'id="lampiran-1-b4"' in probe and 'href="#lampiran-1-b4"' in probe

    def test_unsplit_is_unchanged(self, rendered: str) -> None:
        tables = tata_letak._tabel_bersambung(rendered)
        assert tata_letak._terapkan(rendered, tables, {}, {}, diagnosa=False) == rendered


class TestPerbaruiPotongan:
    def test_fits_on_one_page(self) -> None:
        assert perbarui_potongan(Potongan(), 5, [3] * 5, 3) == (Potongan(), False)

    def test_cut_where_the_page_breaks(self) -> None:
        pages = [3] * 6 + [4] * 5
        assert perbarui_potongan(Potongan(), 11, pages, 3) == (Potongan(False, (6,)), False)

    def test_stable_once_cut(self) -> None:
        pages = [3] * 6 + [4] * 5
        assert perbarui_potongan(Potongan(False, (6,)), 11, pages, 3) == (
            Potongan(False, (6,)),
            False,
        )

    def test_too_few_rows_before_the_break_moves_the_table(self) -> None:
        pages = [3] * (MIN_BARIS - 1) + [4] * 8
        assert perbarui_potongan(Potongan(), len(pages), pages, 3) == (Potongan(True, ()), True)

    def test_caption_alone_at_the_foot_moves_the_table(self) -> None:
        assert perbarui_potongan(Potongan(), 4, [4] * 4, 3) == (Potongan(True, ()), True)

    def test_too_few_rows_after_the_break_go_with_more(self) -> None:
        pages = [3] * 9 + [4]
        new, moved = perbarui_potongan(Potongan(), 10, pages, 3)
        assert new == Potongan(False, (10 - MIN_BARIS,)) and moved

    def test_small_table_with_a_widow_moves_whole(self) -> None:
        pages = [3] * 4 + [4]
        assert perbarui_potongan(Potongan(), 5, pages, 3) == (Potongan(True, ()), True)

    def test_a_part_that_breaks_again_drops_later_cuts(self) -> None:
        # cut at 10 from an earlier print; now row 8 already falls on the next page
        pages = [3] * 8 + [4] * 12
        new, moved = perbarui_potongan(Potongan(False, (10,)), 20, pages, 3)
        assert new == Potongan(False, (8,)) and moved

    def test_unknown_rows_leave_it(self) -> None:
        assert perbarui_potongan(Potongan(), 3, [3, None, 3], 3) == (Potongan(), False)


# --------------------------------------------------------------------------- outline


def test_outline_gets_the_heading_text(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(595, 842)
    top = writer.add_outline_item(
        title="Laporan Bulanan Data TerpaduKesejahteraan Sosial (DTKS)", page_number=0
    )
    writer.add_outline_item(title="Ringkasan", page_number=1, parent=top)
    writer.add_outline_item(title="Tidak ada di HTML", page_number=1, parent=top)
    path = tmp_path / "o.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    headings = pdf_outline.judul_html(
        "<h1>Laporan Bulanan Data Terpadu\nKesejahteraan Sosial (DTKS)</h1>"
        '<h2 id="r">Ringkasan<a class="anchor-link" href="#r">¶</a></h2>'
    )
    assert headings == ["Laporan Bulanan Data Terpadu Kesejahteraan Sosial (DTKS)", "Ringkasan"]
    assert pdf_outline.perbaiki_outline(path, headings) == 1
    outline = PdfReader(str(path)).outline
    assert outline[0].title == "Laporan Bulanan Data Terpadu Kesejahteraan Sosial (DTKS)"
    assert [o.title for o in outline[1]] == ["Ringkasan", "Tidak ada di HTML"]
    assert pdf_outline.perbaiki_outline(path, headings) == 0  # nothing left to fix
