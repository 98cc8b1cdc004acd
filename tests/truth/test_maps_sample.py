"""The report's maps on a synthetic Dairi sample: drawn from the published (suppressed) tables,
one class per kecamatan as the table prints it, one hatched shape per hidden village cell, no
personal data in the SVG, the same bytes on every run."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import PathPatch

from dtks_analysis import pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.counting import stats
from dtks_analysis.formatting import fmt_pct
from dtks_analysis.idtext import find_ids, normalise
from dtks_analysis.publishing import maps, privacy
from dtks_analysis.publishing.chart_style import to_svg

MONTH = "2023-12"
SRC = "Sumber: DTKS Dinas Sosial Kabupaten Dairi, Desember 2023, diolah"
KEYS = {"bansos": "rt_bansos", "bpnt": "rt_bpnt", "pbi_jkn": "rt_pbi_jkn", "pkh": "rt_pkh"}


@pytest.fixture(scope="module")
def peta(small_sample):
    settings = load_settings(MONTH, raw_dir=small_sample / "raw")
    data = pipeline.prepare_months(MONTH, settings)
    t = pipeline.build_tables(MONTH, settings, data)
    bagian = maps.bagian_peta(t.published, settings, SRC)
    svgs = [to_svg(f) for f in bagian.gambar]
    return settings, data, t, bagian, svgs


def shapes(fig, prefix: str) -> dict[str, PathPatch]:
    """Region shapes (SVG id ``<prefix>-<kode>-<status>``) and hatchings (``...-arsir``)."""
    return {
        p.get_gid(): p for p in fig.findobj(PathPatch) if str(p.get_gid()).startswith(prefix + "-")
    }


def legend(fig, prefix: str) -> list[tuple[float, float, str]]:
    """(low, high, colour) of each value class in the legend of the map drawing ``prefix``."""
    ax = next(
        a for a in fig.axes if any(str(p.get_gid()).startswith(prefix + "-") for p in a.patches)
    )
    out = []
    leg = ax.get_legend()
    for text, handle in zip(leg.get_texts(), leg.legend_handles, strict=True):
        label = text.get_text()
        if not label[0].isdigit():
            continue
        num = lambda s: float(s.replace(".", "").replace(",", "."))  # noqa: E731
        if label.endswith("atau lebih"):
            lo, hi = num(label.split()[0]), float("inf")
        else:
            lo, hi = map(num, label.split("–"))
        out.append((lo, hi, to_hex(handle.get_facecolor())))
    return out


def test_three_maps_for_dairi(peta):
    _settings, _data, _t, bagian, svgs = peta
    assert len(bagian.gambar) == 3
    assert "Cakupan program bantuan menurut kecamatan" in svgs[0]
    assert "Cakupan program bantuan menurut desa/kelurahan" in svgs[1]
    assert "Rumah tangga DTKS menurut desa/kelurahan" in svgs[2]
    for name in ("Sidikalang", "Tanah Pinem", "Silahisabungan"):  # kecamatan labels (as text)
        assert name in svgs[0]


def test_each_kecamatan_has_the_class_of_its_published_value(peta):
    _settings, _data, t, bagian, _svgs = peta
    rk = t.published["rekap_kecamatan"]
    rk = rk[rk["kode_kecamatan"].fillna("").astype(str) != ""]
    cak = stats.cakupan(rk, "").iloc[:-1]
    fig = bagian.gambar[0]
    for key in KEYS:
        classes = legend(fig, f"kec-{key}")
        drawn = shapes(fig, f"kec-{key}")
        assert len(drawn) == 15  # no kecamatan is hidden
        for kode, persen in zip(rk["kode_kecamatan"], cak[f"persen_{key}"], strict=True):
            shown = fmt_pct(persen / 100)  # as the report's program table prints it
            value = float(shown.rstrip("%").replace(".", "").replace(",", "."))
            (color,) = [c for lo, hi, c in classes if lo <= value <= hi]
            assert to_hex(drawn[f"kec-{key}-{kode}-nilai"].get_facecolor()) == color, (key, kode)


def test_hatched_villages_are_the_hidden_cells(peta):
    _settings, _data, t, bagian, svgs = peta
    rd = t.published["rekap_desa"]
    rd = rd[rd["kode_desa"].fillna("").astype(str) != ""]
    panels = [(1, f"desa-{k}", col) for k, col in KEYS.items()] + [(2, "desa-rt", "rumah_tangga")]
    for i, prefix, col in panels:
        hidden = rd["rumah_tangga"].isna() | rd[col].isna()
        drawn = shapes(bagian.gambar[i], prefix)
        hatched = {g.split("-")[-2] for g in drawn if g.endswith("-arsir")}
        shown_hidden = {g.split("-")[-2] for g in drawn if g.endswith("-disembunyikan")}
        assert hatched == shown_hidden == set(rd.loc[hidden, "kode_desa"]), prefix
        assert len(hatched) == int(hidden.sum()), prefix
        for status in ("disembunyikan", "arsir"):  # in the SVG too
            found = re.findall(rf'id="{prefix}-[0-9.]+-{status}"', svgs[i])
            assert len(found) == hidden.sum(), (prefix, status)
    assert rd["rumah_tangga"].isna().any(), "the sample should hide some village"


def test_no_personal_data_in_the_map_svgs(peta):
    settings, data, _t, _bagian, svgs = peta
    persons = data[MONTH].persons
    terms = privacy.personal_terms(persons, settings.kabupaten_kode)
    for svg in svgs:
        assert find_ids(normalise(svg)) == []
        assert privacy.find_leaks(svg, Path("peta.svg"), terms) == []


def test_map_svg_identical_across_runs(peta, tmp_path):
    """The same bytes when drawn again, and in a fresh interpreter with another hash seed."""
    settings, _data, t, _bagian, svgs = peta
    again = [to_svg(f) for f in maps.bagian_peta(t.published, settings, SRC).gambar]
    assert again == svgs
    for name in ("rekap_kecamatan", "rekap_desa"):
        t.published[name].to_parquet(tmp_path / f"{name}.parquet")
    code = (
        "import hashlib, pandas as pd\n"
        "from dtks_analysis.config import load_settings\n"
        "from dtks_analysis.publishing import maps\n"
        "from dtks_analysis.publishing.chart_style import to_svg\n"
        f"p = {{n: pd.read_parquet({str(tmp_path)!r} + f'/{{n}}.parquet')\n"
        "     for n in ('rekap_kecamatan', 'rekap_desa')}\n"
        f"for f in maps.bagian_peta(p, load_settings({MONTH!r}), {SRC!r}).gambar:\n"
        "    print(hashlib.sha256(to_svg(f).encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [hashlib.sha256(s.encode()).hexdigest() for s in svgs]
