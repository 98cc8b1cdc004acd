"""End to end for another kabupaten (issue 11): ``dtks sample --kabupaten 12.17`` then
``dtks report`` with ``kabupaten_kode: "12.17"`` gives a complete Samosir report.
The numbers equal the generator's truth (villages whose name is used in two kecamatan
included), every injected defect is reported at its place, and no output mentions Dairi.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from dtks_analysis import pipeline
from dtks_analysis.cli import main
from dtks_analysis.config import load_settings
from tests.truth.test_truth import _compare, _truth

MONTHS = ["2023-11", "2023-12"]
MONTH = MONTHS[-1]


@pytest.fixture(scope="module")
def samosir(tmp_path_factory):
    root = tmp_path_factory.mktemp("samosir")
    assert main(
        ["sample", "--kabupaten", "12.17", "--out", str(root), "--months", "2023-11..2023-12"]
        + ["--scale", "0.05", "--seed", "17", "-q"]
    ) == 0  # fmt: skip
    params = root / "samosir.yaml"
    params.write_text('kabupaten_kode: "12.17"\n', encoding="utf-8")
    out = root / "outputs"
    code = main(
        ["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out)]
        + ["--params", str(params), "--month", MONTH, "-q"]
    )
    assert code == 0
    return root, params, out / MONTH


def test_samosir_report_is_complete(samosir):
    _root, _params, d = samosir
    for name in (
        f"laporan_dtks_{MONTH}.html",
        f"laporan_dtks_{MONTH}.pdf",
        f"tabel_dtks_{MONTH}.xlsx",
        "manifest.json",
        "tabel/rekap_kecamatan.csv",
        "tabel/rekap_desa.csv",
        "tabel/kombinasi_program.csv",
        "tabel/arus_program.csv",
    ):
        assert (d / name).is_file(), name
    assert main(["check-outputs", str(d.parent)]) == 0
    html = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    assert "Samosir" in html


def test_samosir_numbers_equal_truth(samosir):
    root, params, _d = samosir
    settings = load_settings(MONTH, params_file=params, raw_dir=root / "raw")
    assert settings.kabupaten_kode == "12.17"
    data = pipeline.prepare_months(MONTH, settings)
    for m in MONTHS:
        t = pipeline.build_tables(m, settings, {k: v for k, v in data.items() if k <= m})
        keys = ["kode_kecamatan", "kecamatan"]
        _compare(t.published["rekap_kecamatan"], _truth(root, m, "rekap_kecamatan.csv"), keys, m)
        want = _truth(root, m, "rekap_desa.csv")
        _compare(t.rekap_desa_lengkap, want, ["kode_kecamatan", "kode_desa"], f"{m} rekap_desa")
        want = _truth(root, m, "kombinasi_program.csv")
        _compare(t.published["kombinasi_program"], want, ["bpnt", "pbi_jkn", "pkh"], m)
        _compare(t.published["arus_program"], _truth(root, m, "arus_program.csv"), ["program"], m)
        # every injected defect is reported at its place
        truth = _truth(root, m, "defects.csv").fillna({"sheet": ""})
        f = data[m].findings.rename(columns={"_file": "file", "_sheet": "sheet", "_row": "row"})
        f = f.assign(row=f["row"].astype(int), sheet=f["sheet"].fillna(""))
        key = ["file", "sheet", "row", "kode_aturan"]
        merged = truth[key].merge(f[key].drop_duplicates(), how="left", indicator=True)
        assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()


def _texts(d: Path) -> list[tuple[str, str]]:
    out = []
    for p in sorted(d.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(d).as_posix()
        if p.suffix == ".pdf":
            out.append((rel, "\n".join(pg.extract_text() for pg in PdfReader(str(p)).pages)))
        elif p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                out += [(f"{rel}:{n}", z.read(n).decode("utf-8", "replace")) for n in z.namelist()]
        elif p.suffix in (".png", ".jpg", ".parquet"):
            continue
        else:
            out.append((rel, p.read_bytes().decode("utf-8", "replace")))
    return out


def test_no_output_mentions_dairi(samosir):
    _root, _params, d = samosir
    texts = _texts(d)
    assert len(texts) > 10
    for rel, text in texts:
        assert "dairi" not in text.lower(), rel
    pdf = next(t for r, t in texts if r.endswith(".pdf"))
    assert "Kabupaten Samosir" in pdf and "Dinas Sosial Kabupaten Samosir" in pdf


def test_samosir_report_has_a_kecamatan_map_only(samosir):
    """No village boundaries are packaged for Samosir: the kecamatan map, and one sentence."""
    _root, _params, d = samosir
    html = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    for kode in ("12.17.01", "12.17.09"):
        assert f'id="kec-bansos-{kode}-' in html, kode
    assert 'id="desa-' not in html
    assert "Batas desa/kelurahan Kabupaten Samosir belum tersedia" in html
