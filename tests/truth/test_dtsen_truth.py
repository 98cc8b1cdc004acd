"""The pipeline against the truth of the synthetic DTSEN months (issue #13): every injected
defect reported at its place (the three DTSEN rules included), no error on clean records, and
every cell of the four desil tables and of the existing tables equal to the truth in every month;
also for another ``desil_acuan`` and for a series that switches from DTKS to DTSEN.

Expected pipeline API (built in parallel by the intake and tables parts of issue 13):
- ``pipeline.prepare_months(month, settings)`` -> ``{month: MonthData}`` reads DTSEN files
  (``keluarga_dtsen_*`` + ``anggota_keluarga_dtsen_*``) as well as DTKS files; ``MonthData.findings``
  carries ``kode_aturan``, ``_file``, ``_sheet``, ``_row``, ``tingkat`` as today.
- ``pipeline.build_tables(month, settings, data)`` -> ``ReportTables`` with
  ``.published["desil_kabupaten"]``, ``.published["rekap_desil"]`` (disclosure control),
  ``.published["ketepatan_sasaran"]``, ``.published["arus_desil"]`` (only after a DTSEN month),
  and ``.rekap_desil_lengkap`` (the same by kecamatan before suppression, never published,
  like ``rekap_desa_lengkap``), plus the existing tables.
- Settings keys ``desil_acuan`` and ``sasaran_desil`` (params YAML).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dtks_analysis import pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.editing import rules
from tests import desil_attack, samples
from tests.truth.test_truth import KEY, KEY_KOLOM, _found, _truth

MONTHS = ["2025-03", "2025-04", "2025-05"]  # a quarter start (re-ranking) inside
LABELS = [str(d) for d in range(1, 11)] + ["belum_diperingkat", "nonaktif"]
SASARAN = {"bpnt": 4, "pbi_jkn": 5, "pkh": 4}
COUNTS = ["rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"]
NEW_RULES = {"keluarga_tanpa_anggota", "anggota_tanpa_keluarga", "desil_tidak_valid"}


@pytest.fixture(scope="module")
def dtsen(tmp_path_factory):
    root = tmp_path_factory.mktemp("dtsen_truth")
    samples.sample(root, MONTHS, scale=0.05, seed=31, defect_rate=0.02, sumber="dtsen")
    settings = load_settings(MONTHS[-1], raw_dir=root / "raw")
    return root, settings, pipeline.prepare_months(MONTHS[-1], settings)


def _same(
    got: pd.DataFrame, want: pd.DataFrame, keys: list[str], what: str, hidden: bool = False
) -> None:
    """Every truth column equal in ``got`` on the same rows (floats to 1e-9, NaN = NaN);
    ``hidden``: an empty numeric cell of ``got`` is a suppressed cell, never compared."""
    got, want = got.copy(), want.copy()
    for k in keys:
        got[k] = got[k].fillna("").astype(str)
        want[k] = want[k].fillna("").astype(str)
    cols = [c for c in want.columns if c not in keys]
    assert set(cols) <= set(got.columns), f"{what}: missing {set(cols) - set(got.columns)}"
    g = got.set_index(keys)[cols].sort_index()
    w = want.set_index(keys)[cols].sort_index()
    assert list(g.index) == list(w.index), f"{what}: rows differ"
    for c in cols:
        if pd.api.types.is_numeric_dtype(w[c]):
            a = pd.to_numeric(g[c], errors="coerce").to_numpy(float)
            b = w[c].to_numpy(float)
            ok = np.isclose(a, b, rtol=0, atol=1e-9) | (np.isnan(a) & (np.isnan(b) | hidden))
        else:
            ok = (g[c].fillna("").astype(str) == w[c].fillna("").astype(str)).to_numpy()
        assert ok.all(), f"{what}.{c} differs:\n{pd.concat([g[c][~ok], w[c][~ok]], axis=1)}"


def test_every_injected_defect_is_reported_at_its_place(dtsen):
    root, _settings, data = dtsen
    for m in MONTHS:
        truth = _truth(root, m, "defects.csv")
        truth["sheet"] = truth["sheet"].fillna("")
        assert set(truth["kode_aturan"]) >= NEW_RULES
        found = _found(data, m)
        merged = truth[KEY_KOLOM].merge(
            found[KEY_KOLOM].drop_duplicates(), how="left", indicator=True
        )
        missed = merged[merged["_merge"] == "left_only"]
        assert missed.empty, f"{m}: {len(missed)} defects not reported:\n{missed.head(20)}"


def test_no_error_on_clean_records(dtsen):
    root, _settings, data = dtsen
    error_rules = set(
        rules.rules_table("Kabupaten Dairi").query("tingkat == 'error'")["kode_aturan"]
    )
    assert "anggota_tanpa_keluarga" in error_rules
    for m in MONTHS:
        truth = _truth(root, m, "defects.csv")
        truth["sheet"] = truth["sheet"].fillna("")
        found = _found(data, m)
        errors = found[found["tingkat"] == "error"]
        merged = errors[KEY].merge(truth[KEY], how="left", indicator=True)
        false = merged[merged["_merge"] == "left_only"]
        assert false.empty, f"{m}: {len(false)} error findings on clean records:\n{false.head(20)}"


def _check_month(
    root: Path, settings, data, m: str, dtsen_month: bool, audit: bool = False, caplog=None
) -> None:
    """Every published cell of the month equal to the truth (suppressed cells excepted);
    ``audit``: the attacker of ``tests/desil_attack.py`` pins no hidden desil cell, and the
    protection logs no unprotected cell (``caplog``)."""
    if caplog is not None:
        caplog.clear()
    t = pipeline.build_tables(m, settings, {k: v for k, v in data.items() if k <= m})
    if caplog is not None:
        assert "tetap dapat dihitung" not in caplog.text, (m, caplog.text)
    keyed = (
        ("rekap_kecamatan", t.published["rekap_kecamatan"], ["kode_kecamatan", "kecamatan"]),
        ("rekap_desa", t.rekap_desa_lengkap, ["kode_kecamatan", "kode_desa"]),
        ("kombinasi_program", t.published["kombinasi_program"], ["bpnt", "pbi_jkn", "pkh"]),
        ("arus_program", t.published["arus_program"], ["program"]),
    )
    for name, got, keys in keyed:
        want = _truth(root, m, f"{name}.csv")
        _same(got[list(want.columns)], want, keys, f"{m} {name}")
    if not dtsen_month:
        assert "desil_kabupaten" not in t.published or t.published["desil_kabupaten"].empty
        return
    dk, ket = t.published["desil_kabupaten"], t.published["ketepatan_sasaran"]
    _same(dk, _truth(root, m, "desil_kabupaten.csv"), ["desil"], f"{m} desil_kabupaten", True)
    _same(
        ket,
        _truth(root, m, "ketepatan_sasaran.csv"),
        ["kode_kecamatan", "program"],
        f"{m} ketepatan_sasaran",
        True,
    )
    # always published: households per desil (arus_desil's column sums), the kabupaten rows
    assert dk["rumah_tangga"].notna().all(), m
    kab = ket[ket["kode_kecamatan"] == settings.kabupaten_kode]
    assert (
        len(kab) == 3 and kab[[c for c in ket.columns if c.startswith("rt_")]].notna().all().all()
    )
    rd = _truth(root, m, "rekap_desil.csv")
    _same(t.rekap_desil_lengkap, rd, ["kode_kecamatan", "desil"], f"{m} rekap_desil")
    # published: each cell either suppressed (empty) or the truth
    pub = t.published["rekap_desil"].copy()
    pub["kode_kecamatan"] = pub["kode_kecamatan"].fillna("").astype(str)
    w = rd.assign(kode_kecamatan=rd["kode_kecamatan"].fillna("")).set_index(
        ["kode_kecamatan", "desil"]
    )
    p = pub.set_index(["kode_kecamatan", "desil"])
    for c in ("rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"):
        v = pd.to_numeric(p[c], errors="coerce")
        shown = v.notna()
        assert (v[shown] == w.loc[v[shown].index, c]).all(), f"{m} rekap_desil terbit {c}"
    if audit:
        kec = t.published["rekap_kecamatan"]
        kec = kec.assign(kode_kecamatan=kec["kode_kecamatan"].fillna("")).set_index(
            "kode_kecamatan"
        )
        found = desil_attack.attack(
            t.rekap_desil_lengkap, t.published["rekap_desil"], dk, ket, kec, settings.min_cell
        )
        assert len(found) >= int(t.published["rekap_desil"][COUNTS].isna().sum().sum())
        bad = desil_attack.disclosed(found)
        assert bad.empty, f"{m}: hidden desil cells pinned by the published tables:\n{bad}"
    path = root / "truth" / m / "arus_desil.csv"
    if path.exists():
        want = _truth(root, m, "arus_desil.csv").astype({"desil_lalu": str})
        _same(t.published["arus_desil"], want, ["desil_lalu"], f"{m} arus_desil")
    else:
        assert "arus_desil" not in t.published or t.published["arus_desil"].empty


def test_published_numbers_equal_truth(dtsen, caplog):
    root, settings, data = dtsen
    for m in MONTHS:
        _check_month(root, settings, data, m, True, audit=True, caplog=caplog)


def test_other_desil_acuan(dtsen, tmp_path):
    """desil_acuan: provinsi, recomputed from the truth households (their desil columns)."""
    root, _settings, _data = dtsen
    params = tmp_path / "acuan.yaml"
    params.write_text("desil_acuan: provinsi\nsasaran_desil: {bpnt: 5, pbi_jkn: 5, pkh: 3}\n")
    m = MONTHS[-1]
    settings = load_settings(m, params_file=params, raw_dir=root / "raw")
    data = pipeline.prepare_months(m, settings)
    t = pipeline.build_tables(m, settings, data)
    hh = pd.read_parquet(root / "truth" / m / "households.parquet")
    lab = hh["desil_provinsi"].astype("string").fillna("belum_diperingkat")
    lab = lab.where(~hh["nonaktif"], "nonaktif")
    g = hh.assign(desil=lab).groupby("desil")
    want = pd.DataFrame(
        {
            "rumah_tangga": g.size(),
            "jiwa": g["jiwa"].sum(),
            "rt_bpnt": g["bpnt"].sum(),
            "rt_pbi_jkn": g["pbi_jkn"].sum(),
            "rt_pkh": g["pkh"].sum(),
        }
    ).reindex(LABELS, fill_value=0)
    _same(
        t.published["desil_kabupaten"],
        want.rename_axis("desil").reset_index(),
        ["desil"],
        "desil_kabupaten (provinsi)",
        True,
    )
    ks = t.published["ketepatan_sasaran"]
    kab = ks[ks["kode_kecamatan"] == settings.kabupaten_kode].set_index("program")
    d = hh["desil_provinsi"].astype("Float64").fillna(99)
    for p, b in {"bpnt": 5, "pbi_jkn": 5, "pkh": 3}.items():
        tgt = ~hh["nonaktif"] & (d <= b)
        rec = hh[p]
        assert kab.loc[p, "batas_desil"] == b
        assert kab.loc[p, "rt_penerima_luar_sasaran"] == int((rec & ~tgt).sum())
        assert kab.loc[p, "rt_sasaran_tidak_menerima"] == int((tgt & ~rec).sum())


def test_series_switching_from_dtks(tmp_path):
    months = ["2025-01", "2025-02", "2025-03"]
    root = tmp_path / "beralih"
    samples.sample(root, months, scale=0.05, seed=41, defect_rate=0.02, beralih="2025-02")
    settings = load_settings(months[-1], raw_dir=root / "raw")
    data = pipeline.prepare_months(months[-1], settings)
    for m in months:
        _check_month(root, settings, data, m, m >= "2025-02")
        truth = _truth(root, m, "defects.csv")
        truth["sheet"] = truth["sheet"].fillna("")
        found = _found(data, m)
        merged = truth[KEY_KOLOM].merge(
            found[KEY_KOLOM].drop_duplicates(), how="left", indicator=True
        )
        assert (merged["_merge"] == "both").all(), m


def test_month_with_both_sources(tmp_path, caplog):
    """A transition month: some kecamatan in DTKS files, the others in DTSEN files."""
    months = ["2025-03", "2025-04"]
    root = tmp_path / "campuran"
    samples.sample(root, months, scale=0.05, seed=43, defect_rate=0.02, sumber="campuran")
    settings = load_settings(months[-1], raw_dir=root / "raw")
    data = pipeline.prepare_months(months[-1], settings)
    for m in months:
        _check_month(root, settings, data, m, True, audit=True, caplog=caplog)
        truth = _truth(root, m, "defects.csv")
        truth["sheet"] = truth["sheet"].fillna("")
        found = _found(data, m)
        merged = truth[KEY_KOLOM].merge(
            found[KEY_KOLOM].drop_duplicates(), how="left", indicator=True
        )
        assert (merged["_merge"] == "both").all(), m


def test_arus_desil_across_a_gap(tmp_path):
    """A month missing between two DTSEN deliveries: arus_desil compares with the latest one."""
    months = ["2025-01", "2025-03"]
    root = tmp_path / "celah"
    samples.sample(root, months, scale=0.05, seed=47, defect_rate=0.02, sumber="dtsen")
    assert (root / "truth" / "2025-03" / "arus_desil.csv").exists()
    settings = load_settings(months[-1], raw_dir=root / "raw")
    data = pipeline.prepare_months(months[-1], settings)
    for m in months:
        _check_month(root, settings, data, m, True)
