"""Error maps of the desil section (publishing/peta_desil.py) on hand-made boundaries, and the
month's source in source lines, captions and definitions (issue 13)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from dtks_analysis.formatting import source_line, source_line_periode
from dtks_analysis.publishing import metadata, peta_desil, tables
from dtks_analysis.publishing.chart_style import to_svg
from dtks_analysis.publishing.workbook import write_workbook
from tests.unit.test_maps import patches, peta  # noqa: F401  (fixture)

NAN = np.nan


def ketepatan() -> pd.DataFrame:
    """Kabupaten 99.01 and its two kecamatan: 99.01.02 has no PKH recipient (inclusion error
    undefined) and a hidden BPNT inclusion error; an unknown-kecamatan row (no code)."""
    rows = []
    for kode, nama in (("99.01", "Kabupaten Uji"), ("99.01.01", "Barat"), ("99.01.02", "Timur")):
        for p, inkl, ekskl, pen, sas in (
            ("bpnt", 20.04, 10.0, 50, 60),
            ("pbi_jkn", 35.0, 5.0, 80, 70),
            ("pkh", 12.5, 40.0, 16, 30),
        ):
            rows.append([kode, nama, p, 4, pen, sas, inkl, ekskl])
    rows.append(["", "Tidak diketahui", "bpnt", 4, 3, 0, 100.0, NAN])
    df = pd.DataFrame(
        rows,
        columns=[
            "kode_kecamatan",
            "kecamatan",
            "program",
            "batas_desil",
            "rt_penerima",
            "rt_sasaran",
            "persen_salah_inklusi",
            "persen_salah_eksklusi",
        ],
    )
    timur = df["kode_kecamatan"] == "99.01.02"
    df.loc[timur & (df["program"] == "pkh"), ["rt_penerima", "persen_salah_inklusi"]] = [0, NAN]
    df.loc[timur & (df["program"] == "bpnt"), "persen_salah_inklusi"] = NAN  # hidden
    return df


def test_values_status_hidden_and_undefined() -> None:
    k = ketepatan()
    bpnt = peta_desil.nilai_ketepatan(k, "bpnt", "inklusi").set_index("kode")
    assert list(bpnt.index) == ["99.01.01", "99.01.02"]  # no kabupaten, no unknown row
    assert bpnt.at["99.01.01", "nilai"] == 20.0  # as printed: 20,0%
    assert bpnt.at["99.01.01", "status"] == "nilai"
    assert bpnt.at["99.01.02", "status"] == "disembunyikan"
    assert np.isnan(bpnt.at["99.01.02", "nilai"])
    pkh = peta_desil.nilai_ketepatan(k, "pkh", "inklusi").set_index("kode")
    assert pkh.at["99.01.02", "status"] == "tidak ada data"
    eks = peta_desil.nilai_ketepatan(k, "pkh", "eksklusi").set_index("kode")
    assert list(eks["nilai"]) == [40.0, 40.0]


def test_maps_draw_every_kecamatan_with_one_legend(peta) -> None:  # noqa: F811
    s = SimpleNamespace(kabupaten_kode="99.01")
    b = peta_desil.bagian_peta_desil({"ketepatan_sasaran": ketepatan()}, s, "Sumber: x", peta)
    assert len(b.gambar) == 2 and b.teks.startswith("<p>Peta berikut")
    inkl, ekskl = b.gambar
    drawn = patches(inkl, "ket-inklusi-bpnt")
    assert set(drawn) == {
        "ket-inklusi-bpnt-99.01.01-nilai",
        "ket-inklusi-bpnt-99.01.02-disembunyikan",
    }
    assert "ket-inklusi-pkh-99.01.02-tidak-ada-data" in patches(inkl, "ket-inklusi-pkh")
    svg = to_svg(inkl)
    assert "disembunyikan" in svg and "tidak ada data" in svg  # legend entries
    assert sum(ax.get_legend() is not None for ax in inkl.axes) == 1  # one legend for 3 maps
    assert "disembunyikan" not in to_svg(ekskl)  # no hidden cell on this map: no entry


def test_no_map_without_boundaries(tmp_path) -> None:
    s = SimpleNamespace(kabupaten_kode="99.01")
    b = peta_desil.bagian_peta_desil({"ketepatan_sasaran": ketepatan()}, s, "", tmp_path)
    assert b.teks == "" and b.gambar == []
    assert peta_desil.bagian_peta_desil({}, s, "").gambar == []  # a DTKS month


def test_source_word_in_lines_captions_and_definitions() -> None:
    assert source_line("2025-03", "Dinas X", "DTSEN") == "Sumber: DTSEN Dinas X, Maret 2025, diolah"
    assert source_line_periode(["2025-02", "2025-03"], "Dinas X", "DTKS dan DTSEN").startswith(
        "Sumber: DTKS dan DTSEN Dinas X, Februari–Maret 2025"
    )
    cap = tables.caption("rekap_kecamatan", "2025-03", sumber_data="DTSEN")
    assert cap.startswith("Tabel 1. Rumah Tangga DTSEN, Jiwa") and "DTKS" not in cap
    assert tables.caption("rekap_kecamatan", "2023-12").startswith("Tabel 1. Rumah Tangga DTKS")
    assert tables.title("tren_bulanan", "DTKS dan DTSEN") == (
        "Rumah Tangga (DTKS dan DTSEN) dan Penerima Program Bantuan per Bulan"
    )
    plain = metadata.definitions_table()
    assert "Desil kesejahteraan nasional" not in set(plain["nama"])
    d = metadata.definitions_table("DTSEN", dtsen=True).set_index("nama")
    for name in ("Desil kesejahteraan nasional", "Status keluarga (aktif/nonaktif)"):
        assert name in d.index
    assert "Kesalahan eksklusi" in d.index and d.at["Kesalahan eksklusi", "jenis"] == "Indikator"
    assert not d["definisi"].str.contains("DTKS").any()


def test_workbook_names_the_source(tmp_path) -> None:
    rk = pd.DataFrame({"kode_kecamatan": ["99.01.01"], "kecamatan": ["Barat"], "rumah_tangga": [5]})
    meta = {"instansi": "Dinas X", "kabupaten": "Kabupaten Uji", "sumber_data": "DTSEN"}
    path = write_workbook({"rekap_kecamatan": rk}, tmp_path / "t.xlsx", "2025-03", meta)
    wb = load_workbook(str(path), read_only=True)
    texts = [
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    ]
    wb.close()
    assert "DTKS" not in " ".join(texts)
    assert "Sumber: DTSEN Dinas X, Maret 2025, diolah" in texts
    assert any(
        t.startswith("Tabel Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)") for t in texts
    )
