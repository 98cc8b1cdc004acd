"""Every parameter reaches the numbers (issue 11 item 3).

A Samosir (12.17) sample is run with a non-default value of every key of
``params/default.yaml``; each value must show in the published outputs, checked against the
generator's truth:

- ``min_cell: 5``: no real village cell of 1-4 is published (the truth has cells of 3-4);
- ``umur_maks: 60``: no age above 60 is published; older persons count as "Tidak diketahui";
- ``skema_hubungan: dukcapil``: files that do not declare a scheme are read with Dukcapil codes
  (the relationship findings equal the truth's);
- ``kunci_rumah_tangga: id_dtks``: two families given one ID DTKS are one household;
- ``instansi``, ``alamat_instansi``, ``kontak_instansi``, ``bulan_tren: 2``, ``data_sementara``;
- ``kualitas_desa``: the village grades follow the given thresholds (issue 14).
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from dtks_analysis.cli import main
from dtks_analysis.publishing import tables as registry
from tests.truth.test_truth import _truth

MONTHS = ["2023-10", "2023-11", "2023-12"]
MONTH = MONTHS[-1]
INSTANSI = "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Samosir"
ALAMAT = "Jl. Ronggur Nihuta No. 7, Pangururan"
KONTAK = "Telepon (0626) 20001"
PARAMS = {
    "kabupaten_kode": "12.17",
    "instansi": INSTANSI,
    "alamat_instansi": ALAMAT,
    "kontak_instansi": KONTAK,
    "skema_hubungan": "dukcapil",
    "kunci_rumah_tangga": "id_dtks",
    "min_cell": 5,
    "umur_maks": 60,
    "bulan_tren": 2,
    "data_sementara": True,
    "kualitas_desa": {"A": 0.5, "B": 1.0, "C": 1.5},
}


def _declare_dtks_leave_dukcapil(month_dir) -> None:
    """Swap the sample's declarations: files in the DTKS coding are declared, the Dukcapil ones
    are not (so they are read with the ``skema_hubungan`` parameter)."""
    path = month_dir / "sumber.yaml"
    declared = set(yaml.safe_load(path.read_text(encoding="utf-8"))["files"])
    data = sorted(
        p.relative_to(month_dir).as_posix()
        for p in month_dir.rglob("*")
        if p.suffix in (".xlsx", ".csv")
    )
    files = {f: {"skema_hubungan": "dtks"} for f in data if f not in declared}
    assert files and declared, "the sample should hold files of both codings"
    path.write_text(yaml.safe_dump({"files": files}), encoding="utf-8")


def _join_two_families(root) -> tuple[str, int]:
    """Give the second of two defect-free SIKS-NG families of one village the first one's
    ID DTKS; return that village's kecamatan code and the number of rows changed."""
    rows = pd.read_parquet(root / "truth" / MONTH / "rows.parquet")
    siks = rows[rows["path"] == f"siks_ng_{MONTH}.xlsx"]
    clean = siks.groupby("fid").filter(lambda g: (g["defect"] == "").all() and g["t_counted"].all())
    fam = clean.groupby("fid").agg(desa=("t_kode_desa", "first"), n=("row", "size"))
    fam = fam[fam["desa"].notna()]
    desa = fam.groupby("desa").size()
    village = sorted(desa[desa >= 2].index)[0]
    first, second = sorted(fam[fam["desa"] == village].index)[:2]
    path = root / "raw" / MONTH / f"siks_ng_{MONTH}.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col = next(c.column for c in ws[1] if c.value == "ID DTKS")
    target = str(ws.cell(int(clean.loc[clean["fid"] == first, "row"].iloc[0]), col).value)
    changed = 0
    for r in clean.loc[clean["fid"] == second, "row"]:
        ws.cell(int(r), col).value = target
        changed += 1
    wb.save(path)
    return village[:8], changed


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("semua_parameter")
    assert main(
        ["sample", "--kabupaten", "12.17", "--out", str(root), "--months", "2023-10..2023-12"]
        + ["--scale", "0.05", "--seed", "17", "-q"]
    ) == 0  # fmt: skip
    for m in MONTHS:
        _declare_dtks_leave_dukcapil(root / "raw" / m)
    kec, changed = _join_two_families(root)
    assert changed > 0
    params = root / "semua.yaml"
    params.write_text(yaml.safe_dump(PARAMS, allow_unicode=True), encoding="utf-8")
    out = root / "outputs"
    code = main(
        ["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out)]
        + ["--params", str(params), "--month", MONTH, "-q"]
    )
    assert code == 0
    return root, out / MONTH, kec


def _csv(d, name: str) -> pd.DataFrame:
    return pd.read_csv(d / "tabel" / f"{name}.csv", dtype={"kode_kecamatan": str, "kode_desa": str})


def _pdf_text(d) -> str:
    pdf = PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf"))
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in pdf.pages))


def _html(d) -> str:
    return (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")


def test_min_cell(run) -> None:
    root, d, _kec = run
    pub = _csv(d, "rekap_desa")
    real = pub[pub["kode_desa"].notna()]
    cols = [c for c in real.columns if c.startswith(("rumah_tangga", "jiwa", "rt_"))]
    values = real[cols].to_numpy(dtype=float)
    assert not ((values >= 1) & (values <= 4)).any()
    truth = _truth(root, MONTH, "rekap_desa.csv")
    t = truth.loc[truth["kode_desa"].notna(), cols].to_numpy(dtype=float)
    assert ((t >= 3) & (t <= 4)).any(), "no cell of 3-4 in the truth: min_cell 5 was not tested"


def test_umur_maks(run) -> None:
    root, d, _kec = run
    umur = _csv(d, "struktur_umur")
    label = umur.columns[0]
    groups = umur[label].astype(str)
    lower = pd.to_numeric(groups.str.extract(r"^(\d+)")[0], errors="coerce")
    count_cols = [c for c in umur.columns if c != label and pd.api.types.is_numeric_dtype(umur[c])]
    above = umur.loc[lower > 60, count_cols].to_numpy(dtype=float)
    assert len(above) and (above == 0).all(), umur
    unknown = umur.loc[groups.str.contains("Tidak diketahui"), count_cols].to_numpy(dtype=float)
    panel = pd.read_parquet(root / "truth" / MONTH / "panel.parquet")
    age = (pd.Timestamp(f"{MONTH}-31") - pd.to_datetime(panel["dob"])).dt.days / 365.25
    assert (age > 61).sum() > 0
    assert unknown.sum() >= (age > 61).sum() * 0.9  # the old are "Tidak diketahui", not dropped


def test_skema_hubungan(run) -> None:
    root, d, _kec = run
    k = _csv(d, "kualitas_data").set_index("kode_aturan")["jumlah_catatan"]
    defects = _truth(root, MONTH, "defects.csv")["kode_aturan"].value_counts()
    for rule in ("hubungan_tidak_dikenal", "kk_tanpa_kepala"):
        assert int(k[rule]) == int(defects.get(rule, 0)), rule


def test_kunci_rumah_tangga(run) -> None:
    root, d, kec = run
    pub = _csv(d, "rekap_kecamatan").set_index("kode_kecamatan")
    truth = _truth(root, MONTH, "rekap_kecamatan.csv").set_index("kode_kecamatan")
    diff = (pub["rumah_tangga"] - truth.loc[pub.index, "rumah_tangga"]).to_dict()
    assert diff.pop(kec) == -1  # the two families are one household
    assert set(diff.values()) == {0}
    assert (pub["jiwa"] == truth.loc[pub.index, "jiwa"]).all()


def test_instansi_and_contact(run) -> None:
    _root, d, _kec = run
    html, pdf = _html(d), _pdf_text(d)
    source = f"Sumber: DTKS {INSTANSI}"
    assert source in html and source in pdf
    assert ALAMAT in html and KONTAK in html
    with zipfile.ZipFile(d / f"tabel_dtks_{MONTH}.xlsx") as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/"))
        assert source in sheets
        assert INSTANSI in z.read("docProps/core.xml").decode()


def test_bulan_tren(run) -> None:
    _root, d, _kec = run
    html = _html(d)
    title = registry.TABLES["tren_bulanan"].title if "tren_bulanan" in registry.TABLES else ""
    figures = re.findall(r'<figure class="dtks-gambar".*?</figure>', html, flags=re.S)
    trend = [f for f in figures if "per bulan" in f or (title and title in f)]
    assert trend, "no trend chart"
    text = " ".join(re.findall(r">([^<>]+)<", trend[0]))
    assert re.search(r"Nov", text) and re.search(r"Des", text)
    assert not re.search(r"Okt", text)  # two months only
    assert len(_csv(d, "tren_bulanan")) == 3  # the table keeps every month


def test_data_sementara(run) -> None:
    _root, d, _kec = run
    assert "sementara" in _pdf_text(d).lower()
    wb = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx")
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, str) and "sementara" in v.lower() for v in cells)


def test_nothing_mentions_dairi(run) -> None:
    _root, d, _kec = run
    assert "dairi" not in _html(d).lower() and "dairi" not in _pdf_text(d).lower()


def test_kualitas_desa(run) -> None:
    """The village grades of ``tabel/kualitas_desa.csv`` follow the thresholds given."""
    _root, d, _kec = run
    h = _csv(d, "kualitas_desa")
    t = PARAMS["kualitas_desa"]
    e = h["kesalahan_per_100"]
    want = pd.Series("D", index=h.index)
    want[e <= t["C"]] = "C"
    want[e <= t["B"]] = "B"
    want[e <= t["A"]] = "A"
    want[h["baris"] == 0] = "TM"
    assert (h["nilai"] == want).all()
    # some village is graded otherwise than the defaults (0,75 / 1,25 / 2,0) would grade it
    default = pd.Series("D", index=h.index)
    default[e <= 2.0] = "C"
    default[e <= 1.25] = "B"
    default[e <= 0.75] = "A"
    default[h["baris"] == 0] = "TM"
    assert (default != h["nilai"]).any()
