"""Report charts (dtks_analysis.publishing.charts): titles, Indonesian labels, sources, determinism."""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from dtks_analysis.publishing import charts

SRC = "Sumber: DTKS Dinas Sosial Kabupaten Dairi, Desember 2023, diolah"


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def bar_count(ax) -> int:
    return sum(1 for p in ax.patches if isinstance(p, Rectangle))


@pytest.fixture
def rekap() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode_kecamatan": ["12.11.01", "12.11.02", "12.11.03", ""],
            "kecamatan": ["Sidikalang", "Sumbul", "Parbuluan", "Tidak diketahui"],
            "rumah_tangga": [1200, 35412, 800, 4],
            "jiwa": [4000, 100000, 2500, 9],
            "rt_bpnt": [500, 12345, 300, 1],
            "rt_pbi_jkn": [700, 20000, 400, 2],
            "rt_pkh": [100, 5000, 50, 0],
            "rt_bansos": [900, 25000, 500, 2],
            "rt_imputasi": [0, 0, 20, 0],
        }
    )


@pytest.fixture
def kombinasi() -> pd.DataFrame:
    rows = [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)]
    df = pd.DataFrame(rows, columns=["bpnt", "pbi_jkn", "pkh"])
    df["rumah_tangga"] = [9000, 300, 12000, 2500, 800, 60, 7000, 3500]
    return df


@pytest.fixture
def arus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "program": ["pkh", "bpnt", "pbi_jkn"],
            "bulan_lalu": [6300, 14000, 25000],
            "baru": [90, 1420, 610],
            "keluar": [150, 300, 800],
            "bertahan": [6150, 13700, 24200],
            "bulan_ini": [6240, 15120, 24810],
        }
    )


@pytest.fixture
def tren() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bulan": ["2023-12", "2023-10", "2023-11"],
            "rumah_tangga": [35412, 35000, 35200],
            "rt_bpnt": [14120, 13800, 14000],
            "rt_pbi_jkn": [24810, 24000, 25000],
            "rt_pkh": [6240, 6200, 6300],
        }
    )


@pytest.fixture
def struktur() -> pd.DataFrame:
    groups = ["10-14", "0-4", "5-9", "75+"]
    rows = [(g, s, 1000 + 10 * i) for i, g in enumerate(groups) for s in ("L", "P")]
    rows.append(("5-9", None, 7))
    return pd.DataFrame(rows, columns=["kelompok_umur", "jenis_kelamin", "jiwa"])


class TestStyle:
    def test_setup_sets_deterministic_svg_text(self) -> None:
        charts.setup()
        assert mpl.rcParams["svg.fonttype"] == "none"
        assert mpl.rcParams["svg.hashsalt"] == charts.SVG_HASHSALT

    def test_program_colours_differ_in_greyscale(self) -> None:
        def lum(c: str) -> float:
            r, g, b = to_rgb(c)
            return 0.299 * r + 0.587 * g + 0.114 * b

        lums = sorted(lum(s["color"]) for s in charts.PROGRAM_STYLE.values())
        assert all(b - a > 0.15 for a, b in zip(lums, lums[1:], strict=False))
        assert len({s["hatch"] for s in charts.PROGRAM_STYLE.values()}) == 3


class TestBarKecamatan:
    def test_sorted_titled_labelled(self, rekap: pd.DataFrame) -> None:
        fig = charts.bar_kecamatan(rekap, "rumah_tangga", "Rumah tangga DTKS", SRC)
        ax = fig.axes[0]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        # largest on top (highest y), unknown kecamatan last (bottom)
        order = [lbl for _, lbl in sorted(zip(ax.get_yticks(), ticks, strict=True), reverse=True)]
        assert order == ["Sumbul", "Sidikalang", "Parbuluan", "Tidak diketahui"]
        all_text = texts(fig)
        assert "Rumah tangga DTKS" in all_text and SRC in all_text
        assert "35.412" in all_text  # Indonesian thousands separator on the bar label
        assert ax.get_xlabel() == "Rumah tangga" and ax.get_ylabel() == "Kecamatan"

    def test_percent_mode(self, rekap: pd.DataFrame) -> None:
        rekap = rekap.assign(cakupan=rekap["rt_bpnt"] / rekap["rumah_tangga"])
        fig = charts.bar_kecamatan(rekap, "cakupan", "Cakupan BPNT", SRC, pct=True)
        assert "34,9%" in texts(fig)

    def test_missing_column_named(self, rekap: pd.DataFrame) -> None:
        with pytest.raises(KeyError, match="rt_lain"):
            charts.bar_kecamatan(rekap, "rt_lain", "x", SRC)


def test_program_kecamatan_has_a_panel_per_program(rekap: pd.DataFrame) -> None:
    fig = charts.program_kecamatan(rekap, SRC)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["BPNT", "PBI-JKN", "PKH"]
    assert "12.345" in texts(fig) and SRC in texts(fig)
    fig = charts.program_kecamatan(rekap, SRC, cakupan=True)
    assert "34,9%" in texts(fig)  # 12345 / 35412


def test_kombinasi_upset_bars_and_matrix(kombinasi: pd.DataFrame) -> None:
    fig = charts.kombinasi_upset(kombinasi.iloc[::-1], SRC)
    ax_bar, ax_dot = fig.axes
    assert bar_count(ax_bar) == 8
    heights = [p.get_height() for p in ax_bar.patches]
    assert heights == sorted(heights, reverse=True)
    assert [t.get_text() for t in ax_dot.get_yticklabels()] == ["PKH", "PBI-JKN", "BPNT"]
    joined = "\n".join(texts(fig))
    assert "12.000\n(34,1%)" in joined and "Tanpa program" in joined and SRC in joined


def test_kombinasi_upset_fills_missing_combinations(kombinasi: pd.DataFrame) -> None:
    fig = charts.kombinasi_upset(kombinasi.iloc[:5], SRC)
    assert bar_count(fig.axes[0]) == 8


def test_arus_program(arus: pd.DataFrame) -> None:
    fig = charts.arus_program(arus, SRC)
    all_text = "\n".join(texts(fig))
    for expected in ("+1.420", "−800", "bertahan 13.700", "bulan ini 24.810", SRC):
        assert expected in all_text
    ticks = [t.get_text().split("\n")[0] for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["BPNT", "PBI-JKN", "PKH"]


def test_arus_program_first_month_says_so(arus: pd.DataFrame) -> None:
    empty = arus.assign(bulan_lalu=None, baru=None, keluar=None, bertahan=None)
    fig = charts.arus_program(empty, SRC)
    assert any("bulan pertama" in t for t in texts(fig))


def test_tren_months_in_indonesian(tren: pd.DataFrame) -> None:
    fig = charts.tren(tren, SRC)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Okt 2023", "Nov 2023", "Des 2023"]
    assert len(ax.get_lines()) == 3
    assert {line.get_marker() for line in ax.get_lines()} == {"o", "s", "^"}
    all_text = texts(fig)
    assert "BPNT 14.120" in all_text and "PBI-JKN 24.810" in all_text
    assert charts.tren(tren, SRC, bulan_terakhir=2).axes[0].get_xticklabels()[0].get_text() == (
        "Nov 2023"
    )


def test_ukuran_rumah_tangga_sorted(tmp_path) -> None:
    dist = pd.DataFrame({"ukuran": ["8+", "2", "1", "10"], "rumah_tangga": [5, 2000, 1000, 1]})
    fig = charts.ukuran_rumah_tangga(dist, SRC)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "8+", "10"]
    assert "2.000\n66,5%" in texts(fig)


def test_piramida_umur(struktur: pd.DataFrame) -> None:
    fig = charts.piramida_umur(struktur, SRC)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0-4", "5-9", "10-14", "75+"]
    men = [p.get_width() for p in ax.patches[:4]]
    assert all(w < 0 for w in men)  # men drawn to the left
    all_text = "\n".join(texts(fig))
    assert "Laki-laki" in all_text and "Perempuan" in all_text and "tidak diketahui: 7" in all_text


def test_svg_is_deterministic_and_keeps_text(rekap: pd.DataFrame, tmp_path) -> None:
    a = charts.to_svg(charts.bar_kecamatan(rekap, "jiwa", "Jiwa", SRC))
    b = charts.to_svg(charts.bar_kecamatan(rekap, "jiwa", "Jiwa", SRC))
    assert a == b
    assert "<dc:date>" not in a and "Sidikalang" in a  # text as text, not glyph paths
    path = charts.save(charts.bar_kecamatan(rekap, "jiwa", "Jiwa", SRC), tmp_path / "c.svg")
    assert path.read_text(encoding="utf-8") == a


def test_figures_are_not_pyplot_managed(rekap: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts.bar_kecamatan(rekap, "jiwa", "Jiwa", SRC)
    assert plt.get_fignums() == before  # shown once in a notebook, never leaked
