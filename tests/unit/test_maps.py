"""Report maps (publishing/maps.py, publishing/boundaries.py) on small hand-made boundaries, and
the packaged boundaries against the region reference."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import PathPatch

from dtks_analysis import regions
from dtks_analysis.config import load_settings
from dtks_analysis.counting import stats
from dtks_analysis.formatting import fmt_pct
from dtks_analysis.idtext import find_ids, normalise
from dtks_analysis.publishing import boundaries as geo
from dtks_analysis.publishing import maps
from dtks_analysis.publishing.chart_style import to_svg

SRC = "Sumber: DTKS Dinas Sosial Kabupaten Uji, Desember 2023, diolah"


# --------------------------------------------------------------------------- helpers


def edge(x: float, y0: float, w: float) -> list[list[float]]:
    """A wiggly vertical edge from bottom to top (its ends straight above each other)."""
    return [[x + (0.002 if j % 2 and j < 11 else 0), y0 + w * j / 11] for j in range(12)]


def square(x0: float, y0: float, w: float = 0.1) -> list[list[float]]:
    """A closed ring whose left and right edges are the same wiggly edges as its neighbours'."""
    left, right = edge(x0, y0, w), edge(x0 + w, y0, w)
    ring = [left[0], *right, *left[::-1][:-1]]
    return [*ring, ring[0]]


def feature(kode: str, nama: str, rings: list, multi: bool = True, label: bool = True) -> dict:
    props = {"kode": kode, "nama": nama}
    if label:
        xs = [p[0] for r in rings for p in r]
        ys = [p[1] for r in rings for p in r]
        props |= {"lng": sum(xs) / len(xs), "lat": sum(ys) / len(ys)}
    geom = (
        {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}
        if multi
        else {"type": "Polygon", "coordinates": rings}
    )
    return {"type": "Feature", "properties": props, "geometry": geom}


def write(path: Path, features: list[dict]) -> Path:
    data = json.dumps({"type": "FeatureCollection", "features": features})
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data.encode()))
    else:
        path.write_text(data, encoding="utf-8")
    return path


VILLAGES = {  # kode -> (name, x0): five villages in a row, in two kecamatan
    "99.01.01.2001": ("Satu", 0.0),
    "99.01.01.2002": ("Dua", 0.1),
    "99.01.01.2003": ("Tiga", 0.2),
    "99.01.02.2001": ("Empat", 0.3),
    "99.01.02.2002": ("Lima", 0.4),
}


@pytest.fixture
def peta(tmp_path) -> Path:
    """A folder with village boundaries of kabupaten 99.01 and kecamatan boundaries of
    province 99 (plus one kecamatan of another kabupaten, 99.02)."""
    write(
        tmp_path / "batas_desa_99.01.geojson.gz",
        [feature(k, n, [square(x, 3.0)]) for k, (n, x) in VILLAGES.items()],
    )
    kec = [
        feature("99.01.01", "Kecamatan Barat Jauh", [square(0.0, 3.0, 0.3)], multi=False),
        feature("99.01.02", "Timur", [square(0.3, 3.0, 0.2)]),
        feature("99.02.01", "Lain", [square(1.0, 3.0)]),
    ]
    write(tmp_path / "batas_kecamatan_99.geojson.gz", kec)
    return tmp_path


def rekap_desa() -> pd.DataFrame:
    """Published village table: Dua fully hidden, Tiga's PKH hidden, Lima has no row, and the
    kecamatan's 'Tidak diketahui' row (no code, hidden)."""
    nan = np.nan
    return pd.DataFrame(
        {
            "kode_kecamatan": ["99.01.01"] * 4 + ["99.01.02"],
            "kecamatan": ["Barat"] * 4 + ["Timur"],
            "kode_desa": ["99.01.01.2001", "99.01.01.2002", "99.01.01.2003", None, "99.01.02.2001"],
            "desa": ["Satu", "Dua", "Tiga", "Tidak diketahui", "Empat"],
            "rumah_tangga": [200, nan, 120, nan, 310],
            "jiwa": [800, nan, 400, nan, 1200],
            "rt_bpnt": [100, nan, 60, nan, 150],
            "rt_pbi_jkn": [120, nan, 70, nan, 200],
            "rt_pkh": [40, nan, nan, nan, 90],
            "rt_bansos": [150, nan, 90, nan, 250],
            "rt_imputasi": [0, nan, 0, nan, 0],
        }
    )


def rekap_kecamatan(codes: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rt = rng.integers(500, 4000, len(codes))
    df = pd.DataFrame({"kode_kecamatan": codes, "kecamatan": [f"K{i}" for i in range(len(codes))]})
    df["rumah_tangga"] = rt
    df["jiwa"] = rt * 4
    for col, share in (("rt_bpnt", 0.5), ("rt_pbi_jkn", 0.6), ("rt_pkh", 0.2), ("rt_bansos", 0.75)):
        df[col] = (rt * (share + rng.uniform(-0.1, 0.1, len(codes)))).astype(int)
    df["rt_imputasi"] = 0
    unknown = {"kode_kecamatan": "", "kecamatan": "Tidak diketahui", "rumah_tangga": 3, "jiwa": 5}
    return pd.concat([df, pd.DataFrame([unknown])], ignore_index=True).fillna(0)


def patches(fig, prefix: str) -> dict[str, PathPatch]:
    """Region shapes drawn with SVG id ``<prefix>-<kode>-<status>``, by id."""
    return {
        p.get_gid(): p
        for p in fig.findobj(PathPatch)
        if str(p.get_gid()).startswith(prefix + "-") and not p.get_gid().endswith("-arsir")
    }


def hatched(fig, prefix: str) -> set[str]:
    """Codes of the regions hatched (lines clipped by their shape) on the map ``prefix``."""
    lines = [p for p in fig.findobj(PathPatch) if str(p.get_gid()).startswith(prefix + "-")]
    lines = [p for p in lines if p.get_gid().endswith("-arsir")]
    assert all(p.get_clip_path() is not None and not p.get_fill() for p in lines)
    return {p.get_gid().split("-")[-2] for p in lines}


def legend_of(fig, prefix: str) -> list[tuple[str, str, str]]:
    """(label, face colour, handle type) of each legend entry of the map drawing ``prefix``."""
    ax = next(
        ax for ax in fig.axes if any(str(p.get_gid()).startswith(prefix + "-") for p in ax.patches)
    )
    leg = ax.get_legend()
    return [
        (t.get_text(), to_hex(h.get_facecolor()), type(h).__name__)
        for t, h in zip(leg.get_texts(), leg.legend_handles, strict=True)
    ]


def parse_class(label: str) -> tuple[float, float]:
    """'40,0–44,9' -> (40.0, 44.9); '400 atau lebih' -> (400, inf); counts keep their dots."""
    num = lambda s: float(s.replace(".", "").replace(",", "."))  # noqa: E731
    if label.endswith("atau lebih"):
        return num(label.split()[0]), float("inf")
    lo, hi = label.split("–")
    return num(lo), num(hi)


def printed(persen: float) -> float:
    """A percentage as the report prints it, read back as a number."""
    return float(fmt_pct(persen / 100).rstrip("%").replace(".", "").replace(",", "."))


# --------------------------------------------------------------------------- boundaries


def test_read_geojson_gz_and_plain_multi_and_single(tmp_path):
    feats = [
        feature("1.01", "A", [square(0, 0)], multi=False, label=False),
        feature("1.02", "B", [square(1, 0), square(3, 0)]),
    ]
    for name in ("x.geojson", "x.geojson.gz"):
        regs = geo.read_geojson(write(tmp_path / name, feats))
        assert [w.kode for w in regs] == ["1.01", "1.02"]
        a, b = regs
        assert len(a.rings) == 1 and len(b.rings) == 2
        assert not (a.rings[0][0] == a.rings[0][-1]).all()  # closing point dropped
        assert a.lng == pytest.approx(a.rings[0][:, 0].mean())  # no label point: the mean
        assert 0 < b.lat < 0.1


def test_batas_filters_the_kabupaten_and_says_none_without_a_file(peta):
    kec = geo.batas("kecamatan", "99.01", peta)
    assert [w.kode for w in kec] == ["99.01.01", "99.01.02"]
    assert [w.kode for w in geo.batas("desa", "99.01", peta)] == sorted(VILLAGES)
    assert geo.batas("desa", "99.02", peta) is None
    assert geo.batas("kecamatan", "98.01", peta) is None


def test_simplify_keeps_shared_borders_shared(peta):
    desa = geo.batas("desa", "99.01", peta)
    simple = geo.simplify(desa, 0.005)
    assert sum(len(r) for w in simple for r in w.rings) < sum(len(r) for w in desa for r in w.rings)
    for left, right in zip(simple, simple[1:], strict=False):  # neighbours along x
        edge = left.rings[0][:, 0].max()
        a = {tuple(p) for p in left.rings[0] if abs(p[0] - edge) < 0.003}
        b = {tuple(p) for p in right.rings[0] if abs(p[0] - edge) < 0.003}
        assert a == b and len(a) >= 2


def test_borders_trace_kecamatan_limits_and_outline_only(peta):
    desa = geo.batas("desa", "99.01", peta)
    path = geo.borders(desa)
    xs = path.vertices[:, 0]
    # the border of the two kecamatan (x = 0.3) and the outline (x = 0, 0.5) are drawn ...
    for x in (0.0, 0.3, 0.5):
        assert np.isclose(xs, x, atol=0.003).any(), x
    # ... the borders between villages of one kecamatan (x = 0.1, 0.2, 0.4) are not
    segments = [
        (path.vertices[i - 1], path.vertices[i])
        for i, c in enumerate(path.codes)
        if c == path.LINETO
    ]
    for x in (0.1, 0.2, 0.4):
        on_inner = [a for a, b in segments if abs(a[0] - x) < 0.003 and abs(b[0] - x) < 0.003]
        assert on_inner == [], x


def test_every_dairi_region_has_a_boundary_and_vice_versa():
    desa = {w.kode for w in geo.batas("desa", "12.11")}
    kec = {w.kode for w in geo.batas("kecamatan", "12.11")}
    assert desa == set(regions.desa_table("12.11")["kode"])
    assert kec == set(regions.kecamatan_table("12.11")["kode"])
    assert len(desa) == 169 and len(kec) == 15


def test_boundaries_are_packaged_and_nothing_reads_shared():
    files = {p.name for p in geo.PETA_DIR.glob("*.geojson.gz")}
    assert {
        "batas_desa_12.11.geojson.gz",
        "batas_kecamatan_12.geojson.gz",
        "batas_kabupaten_indonesia.geojson.gz",
    } <= files
    root = Path(maps.__file__).resolve().parents[1]
    assert '"data/peta/*.geojson.gz"' in (root.parent / "pyproject.toml").read_text()
    for module in root.rglob("*.py"):
        assert "/work/shared" not in module.read_text(encoding="utf-8"), module
    readme = (root / "data" / "README.md").read_text(encoding="utf-8")
    assert "cahyadsn/wilayah_boundaries" in readme and "MIT" in readme


# --------------------------------------------------------------------------- values and classes


def test_nilai_desa_hidden_cells_are_hidden_never_zero():
    rt = maps.nilai_desa(rekap_desa(), "rumah_tangga").set_index("kode")
    assert "Tidak diketahui" not in rt.index and len(rt) == 4  # rows without code are no place
    assert rt.loc["99.01.01.2002", "status"] == maps.DISEMBUNYIKAN
    assert np.isnan(rt.loc["99.01.01.2002", "nilai"])
    pkh = maps.nilai_desa(rekap_desa(), "rt_pkh").set_index("kode")
    assert pkh.loc["99.01.01.2003", "status"] == maps.DISEMBUNYIKAN  # numerator hidden
    assert pkh.loc["99.01.01.2001", "nilai"] == 20.0
    zero = rekap_desa().assign(rumah_tangga=[0, 1, 1, 1, 1])
    assert maps.nilai_desa(zero, "rt_bpnt").set_index("kode").loc["99.01.01.2001", "status"] == (
        maps.TIDAK_ADA
    )


def test_nilai_kecamatan_is_the_report_coverage_as_printed():
    rk = rekap_kecamatan(["99.01.01", "99.01.02", "99.01.03"])
    cak = stats.cakupan(rk, "").iloc[:3]  # without 'Tidak diketahui' and the kabupaten
    for p in ("bpnt", "pbi_jkn", "pkh", "bansos"):
        got = maps.nilai_kecamatan(rk, f"rt_{p}")
        assert list(got["kode"]) == ["99.01.01", "99.01.02", "99.01.03"]  # no 'Tidak diketahui'
        assert got["nilai"].tolist() == [printed(v) for v in cak[f"persen_{p}"]]


@pytest.mark.parametrize(
    "values,persen,labels",
    [
        ([float("nan")], True, ("0,0–0,9",)),
        ([55.0], True, ("55,0–55,9",)),
        ([80.0, 100.0], True, ("80,0–84,9", "85,0–89,9", "90,0–94,9", "95,0–100,0")),
        ([100.0, 100.0], True, ("99,0–100,0",)),
        ([7, 7, 7], False, ("7–7",)),
        (
            [1234, 5678],
            False,
            ("1.000–1.999", "2.000–2.999", "3.000–3.999", "4.000–4.999", "5.000–5.999"),
        ),
    ],
)
def test_kelas_labels(values, persen, labels):
    k = maps.kelas(values, persen=persen)
    assert k.labels == labels
    assert len(k.colors) == len(labels) == len(k.breaks) - 1
    v = np.array(values, dtype=float)
    idx = maps.classify(v, k.breaks)
    for value, i in zip(v, idx, strict=True):
        if np.isfinite(value):
            lo, hi = parse_class(k.labels[i])
            assert lo <= value <= hi


def test_palette_gets_darker_class_by_class():
    from matplotlib.colors import to_rgb

    lum = [
        0.299 * r + 0.587 * g + 0.114 * b
        for r, g, b in map(to_rgb, maps.kelas(range(0, 100, 3), persen=True).colors)
    ]
    assert all(b < a - 0.1 for a, b in zip(lum, lum[1:], strict=False))  # apart in greyscale
    assert sum(to_rgb(maps.ABU_KOSONG)) / 3 > lum[0]  # "tidak ada data" lighter than any class


# --------------------------------------------------------------------------- figures


def test_village_maps_hatch_hidden_cells_and_grey_missing_rows(peta):
    desa = geo.batas("desa", "99.01", peta)
    fig = maps.peta_cakupan_desa(rekap_desa(), desa, SRC)
    svg = to_svg(fig)
    for key, col in (("bansos", "rt_bansos"), ("pkh", "rt_pkh"), ("bpnt", "rt_bpnt")):
        drawn = patches(fig, f"desa-{key}")
        assert len(drawn) == len(VILLAGES)
        rd = rekap_desa().dropna(subset=["kode_desa"])
        hidden = rd[rd["rumah_tangga"].isna() | rd[col].isna()]
        assert hatched(fig, f"desa-{key}") == set(hidden["kode_desa"])
        assert len(re.findall(rf'id="desa-{key}-[0-9.]+-disembunyikan"', svg)) == len(hidden)
        assert len(re.findall(rf'id="desa-{key}-[0-9.]+-arsir"', svg)) == len(hidden)
        grey = drawn[f"desa-{key}-99.01.02.2002-tidak-ada-data"]  # Lima has no row
        assert to_hex(grey.get_facecolor()) == maps.ABU_KOSONG
        entries = {label: color for label, color, _ in legend_of(fig, f"desa-{key}")}
        assert (
            entries["disembunyikan"] == "#ffffff" and entries["tidak ada data"] == maps.ABU_KOSONG
        )
    assert "Sumber: DTKS" in svg


def test_village_map_value_classes_match_the_table(peta):
    desa = geo.batas("desa", "99.01", peta)
    fig = maps.peta_rumah_tangga_desa(rekap_desa(), desa, geo.batas("kecamatan", "99.01", peta))
    legend = legend_of(fig, "desa-rt")
    for row in rekap_desa().dropna(subset=["kode_desa", "rumah_tangga"]).itertuples():
        patch = patches(fig, "desa-rt")[f"desa-rt-{row.kode_desa}-nilai"]
        color = next(c for lab, c, h in legend if lab[0].isdigit()
                     and parse_class(lab)[0] <= row.rumah_tangga <= parse_class(lab)[1])  # fmt: skip
        assert to_hex(patch.get_facecolor()) == color
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "Kecamatan\nBarat Jauh" in texts and "Timur" in texts  # kecamatan names, wrapped


def test_kecamatan_map_classes_labels_and_legend(peta):
    kec = geo.batas("kecamatan", "99.01", peta)
    rk = rekap_kecamatan(["99.01.01", "99.01.02"])
    fig = maps.peta_cakupan_kecamatan(rk, kec, SRC)
    cak = stats.cakupan(rk, "").iloc[:2].set_index(rk["kode_kecamatan"].iloc[:2])
    for key in ("bansos", "bpnt", "pbi_jkn", "pkh"):
        legend = legend_of(fig, f"kec-{key}")
        assert [label for label, *_ in legend if not label[0].isdigit()] == []  # no hidden/grey
        for kode in ("99.01.01", "99.01.02"):
            value = printed(cak.loc[kode, f"persen_{key}"])
            color = next(
                c for lab, c, _ in legend if parse_class(lab)[0] <= value <= parse_class(lab)[1]
            )
            patch = patches(fig, f"kec-{key}")[f"kec-{key}-{kode}-nilai"]
            assert to_hex(patch.get_facecolor()) == color
    texts = {t.get_text() for t in fig.texts} | {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "Timur" in texts and "Lain" not in texts  # only this kabupaten's kecamatan
    assert fig.get_size_inches()[1] < 10  # fits an A4 page (257 mm of text height)


def test_svg_is_deterministic_and_has_no_id_numbers(peta):
    desa = geo.batas("desa", "99.01", peta)
    a = to_svg(maps.peta_cakupan_desa(rekap_desa(), desa, SRC))
    b = to_svg(maps.peta_cakupan_desa(rekap_desa(), desa, SRC))
    assert a == b
    assert find_ids(normalise(a)) == []


# --------------------------------------------------------------------------- the report section


def test_section_samosir_like_kecamatan_map_without_village_boundaries():
    settings = load_settings(kabupaten_kode="12.17")
    kec = regions.kecamatan_table("12.17")["kode"].tolist()
    published = {"rekap_kecamatan": rekap_kecamatan(kec), "rekap_desa": rekap_desa()}
    bagian = maps.bagian_peta(published, settings, SRC)
    assert len(bagian.gambar) == 1
    assert "Batas desa/kelurahan Kabupaten Samosir belum tersedia" in bagian.teks
    drawn = patches(bagian.gambar[0], "kec-bansos")
    assert {g.split("-")[2] for g in drawn} == set(kec)  # all nine kecamatan of Samosir


def test_section_without_kecamatan_boundaries_is_one_sentence(peta):
    settings = SimpleNamespace(
        kabupaten_kode="11.01", kabupaten_nama="Kabupaten Aceh Selatan", provinsi_nama="Aceh"
    )
    bagian = maps.bagian_peta({}, settings, SRC, folder=peta)
    assert bagian.gambar == []
    assert bagian.teks.count("<p>") == 1 and "Provinsi Aceh" in bagian.teks


def test_section_counts_regions_without_boundary(peta):
    settings = SimpleNamespace(
        kabupaten_kode="99.01", kabupaten_nama="Kabupaten Uji", provinsi_nama="Uji"
    )
    rk = rekap_kecamatan(["99.01.01", "99.01.02", "99.01.03"])  # 99.01.03 has no boundary
    bagian = maps.bagian_peta(
        {"rekap_kecamatan": rk, "rekap_desa": rekap_desa()}, settings, SRC, peta
    )
    assert len(bagian.gambar) == 3
    assert "Sebanyak 1 wilayah pada tabel tidak memiliki batas wilayah" in bagian.teks


BARUS = (
    "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n"
    "\t('12.01.01','Barus',2.02201784764365,98.41001473296731,'[[[2.0392406410427952,"
    "98.4042753819034],[2.0274516423794466,98.42422783974308],[2.036429302770159,98.4259680602778],"
    "[2.034276853693882,98.43683649490839],[2.0177983923819625,98.4297146539082],"
    "[2.0112649364277218,98.44335730459596],[2.008704678078459,98.38867288544537],"
    "[2.0390598413386556,98.3908224180202],[2.0473203607460846,98.40168673555445],"
    "[2.0392406410427952,98.4042753819034]]]'),\n"
    "\t('12.99.01','Ma''ruf',1.5,98.5,'[[[[1.0,98.0],[1.0,98.1],[1.1,98.1],[1.0,98.0]]],"
    "[[[1.5,98.5],[1.5,98.6],[1.6,98.6],[1.5,98.5]]]]');\n"
)


def test_converter_reproduces_the_packaged_boundaries(tmp_path):
    """docs/maps.md: scripts/peta_dari_sql.py turns the source's SQL into the packaged format
    (here the first row of db/kec/wilayah_boundaries_kec_12.sql, and a multi-ring row)."""
    import runpy

    script = Path(maps.__file__).resolve().parents[2] / "scripts" / "peta_dari_sql.py"
    convert = runpy.run_path(str(script))["main"]
    sql = tmp_path / "wilayah_boundaries_kec_12.sql"
    sql.write_text(BARUS, encoding="utf-8")
    out = tmp_path / "batas_kecamatan_12.geojson.gz"
    assert convert([str(sql), str(out)]) == 0
    first = out.read_bytes()
    assert convert([str(sql), str(out)]) == 0 and out.read_bytes() == first  # deterministic
    barus, other = geo.read_geojson(out)
    (packaged,) = [w for w in geo.batas("kecamatan", "12.01") if w.kode == "12.01.01"]
    assert (barus.nama, barus.lat, barus.lng) == (packaged.nama, packaged.lat, packaged.lng)
    np.testing.assert_array_equal(barus.rings[0], packaged.rings[0])
    assert other.nama == "Ma'ruf" and len(other.rings) == 2
    assert other.rings[0][0].tolist() == [98.0, 1.0]  # [lng, lat]


def test_dairi_kecamatan_labels_do_not_overlap():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Annotation

    kec = geo.batas("kecamatan", "12.11")
    fig = maps.peta_cakupan_kecamatan(rekap_kecamatan([w.kode for w in kec]), kec, SRC)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    boxes = {
        a.get_text(): a.get_bbox_patch().get_window_extent(renderer)
        for a in fig.findobj(Annotation)
        if a.get_text()
    }
    assert len(boxes) == 15
    names = sorted(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not boxes[a].overlaps(boxes[b]), (a, b)
    big = fig.axes[0].get_window_extent(renderer)
    assert all(big.contains(bx.x0, bx.y0) and big.contains(bx.x1, bx.y1) for bx in boxes.values())
