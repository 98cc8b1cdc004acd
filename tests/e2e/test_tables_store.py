"""Issue 10: the report's tables are computed once and stored (confidential, under
``data/interim/<month>/tabel/``); notebook 02 reads them; the caches never serve stale data and
rewrite what is derived from them (worklists) when it is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dtks_analysis import fingerprint, pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.publishing import export

MONTH = "2023-12"


@pytest.fixture
def data(small_sample, tmp_path) -> Path:
    """A private copy of the sample's raw months (tests here write interim and corrections)."""
    shutil.copytree(small_sample / "raw", tmp_path / "raw")
    return tmp_path


def _settings(root: Path, month: str = MONTH, **overrides):
    return load_settings(month, data_dir=root, raw_dir=root / "raw", **overrides)


def _count(monkeypatch, module, name: str) -> list:
    calls: list = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _frames(t: pipeline.ReportTables) -> dict[str, pd.DataFrame]:
    return {
        **{f"published/{k}": v for k, v in t.published.items()},
        **{f"extra/{k}": v for k, v in t.extra.items()},
        "rekap_desa_lengkap": t.rekap_desa_lengkap,
        "findings": t.findings,
        "villages": t.villages,
    }


# -- derived outputs of the interim cache ------------------------------------------------
def test_missing_worklists_are_rewritten(data, monkeypatch):
    month = "2023-10"
    settings = _settings(data, month)
    pipeline.prepare_month(month, settings)
    corr = settings.corrections_root / month
    listing = sorted(p.relative_to(corr).as_posix() for p in corr.rglob("*") if p.is_file())
    assert listing, "the sample has findings: worklists expected"

    shutil.rmtree(corr)
    reads = _count(monkeypatch, pipeline.ingest, "read_month")
    pipeline.prepare_month(month, settings)
    assert len(reads) == 1, "a missing corrections folder is a cache miss"
    assert sorted(p.relative_to(corr).as_posix() for p in corr.rglob("*") if p.is_file()) == listing

    pipeline.prepare_month(month, settings)
    assert len(reads) == 1, "everything present and unchanged: cache hit"


def test_cache_key_changes_when_any_package_file_changes(tmp_path, monkeypatch):
    pkg = tmp_path / "dtks_analysis"
    shutil.copytree(
        Path(pipeline.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(fingerprint, "__file__", str(pkg / "fingerprint.py"))
    settings = load_settings(MONTH)
    inputs = {"a.csv": "0" * 64}
    seen = {pipeline._cache_key(settings, MONTH, inputs)}
    for change in (
        lambda: (pkg / "counting" / "flows.py").write_text(
            (pkg / "counting" / "flows.py").read_text() + "\n# changed\n"
        ),
        lambda: (pkg / "publishing" / "narrative.py").write_text(
            (pkg / "publishing" / "narrative.py").read_text() + "\n"
        ),
        lambda: (pkg / "data" / "wilayah_dairi.csv").write_bytes(
            (pkg / "data" / "wilayah_dairi.csv").read_bytes() + b"\n"
        ),
        lambda: (pkg / "editing" / "new_module.py").write_text("X = 1\n"),
    ):
        change()
        key = pipeline._cache_key(settings, MONTH, inputs)
        assert key not in seen
        seen.add(key)


# -- stored tables ------------------------------------------------------------------------
def test_tables_built_once_stored_and_reused(data, monkeypatch):
    settings = _settings(data)
    months = pipeline.prepare_months(MONTH, settings)
    builds = _count(monkeypatch, pipeline, "build_tables")

    built = pipeline.report_tables(MONTH, settings, months)
    assert len(builds) == 1
    folder = pipeline.tables_dir(settings, MONTH)
    assert folder == data / "interim" / MONTH / "tabel" and (folder / "tables.json").is_file()

    # notebook 02 and a second run read the stored set: the same frames, dtypes included
    for loaded in (
        pipeline.load_tables(MONTH, settings),
        pipeline.report_tables(MONTH, settings, pipeline.prepare_months(MONTH, settings)),
    ):
        assert len(builds) == 1
        assert (loaded.month, loaded.previous_month) == (built.month, built.previous_month)
        assert loaded.summary == built.summary
        a, b = _frames(built), _frames(loaded)
        assert list(a) == list(b)
        for name in a:
            pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_stale_tables_are_never_shown(data, monkeypatch):
    settings = _settings(data)
    pipeline.load_tables(MONTH, settings)  # opened without a run: built and stored
    builds = _count(monkeypatch, pipeline, "build_tables")
    pipeline.load_tables(MONTH, settings)
    assert len(builds) == 0

    # a parameter changes
    pipeline.load_tables(MONTH, _settings(data, min_cell=5))
    assert len(builds) == 1
    # an input file of an earlier month changes (flows and trends depend on it)
    earlier = sorted(p for p in (data / "raw" / "2023-11").rglob("*") if p.is_file())
    earlier[0].unlink()
    t = pipeline.load_tables(MONTH, settings)
    assert len(builds) == 2
    assert t.summary["inputs"] == pipeline.input_files(settings, MONTH)
    # the code changes
    # the patched fingerprint exists in this process only: prepare here, not in a worker pool
    monkeypatch.setenv("DTKS_PREPARE_WORKERS", "1")
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "another version")
    pipeline.load_tables(MONTH, settings)
    assert len(builds) == 3
    pipeline.load_tables(MONTH, settings)
    assert len(builds) == 3


def test_tables_key_covers_every_month():
    keys = {"2023-11": "a", "2023-12": "b"}
    k = pipeline.tables_key(MONTH, keys)
    assert k != pipeline.tables_key(MONTH, {**keys, "2023-11": "c"})
    assert k != pipeline.tables_key(MONTH, {"2023-12": "b"})
    assert pipeline.tables_key(MONTH, {**keys, "2023-11": ""}) is None


def test_report_computes_tables_once_notebook_reads_them(data, monkeypatch, tmp_path):
    from dtks_analysis import report

    settings = _settings(data, out_dir=tmp_path / "outputs")
    builds = _count(monkeypatch, pipeline, "build_tables")
    stored: list = []
    save = pipeline.save_tables

    def saving(*args, **kwargs):
        folder = save(*args, **kwargs)
        st = (folder / "tables.json").stat()
        stored.append((folder, st.st_ino, st.st_mtime_ns))
        return folder

    monkeypatch.setattr(pipeline, "save_tables", saving)
    from dtks_analysis.publishing import privacy

    scans = _count(monkeypatch, privacy, "check_outputs")  # issue 12: one scan per run
    final = report.run_report(MONTH, settings, progress=False)
    assert len(builds) == 1 and len(stored) == 1 and len(scans) == 1
    folder, ino, mtime = stored[0]
    st = (folder / "tables.json").stat()
    assert (st.st_ino, st.st_mtime_ns) == (ino, mtime), "notebook 02 rebuilt the tables"

    # confidential: never under the published outputs
    out = settings.out_dir.resolve()
    assert not folder.resolve().is_relative_to(out)
    names = {p.name for p in out.rglob("*")}
    assert not any(n.startswith(("rekap_desa_lengkap", "findings")) for n in names)

    # what notebook 02 shows is what the run published
    shown = pipeline.load_tables(MONTH, settings)
    assert len(builds) == 1
    export.write_csvs({**shown.published, **shown.extra}, tmp_path / "shown")
    # kualitas_desa.csv (issue 14) is not among the stored tables: the village history the
    # notebook builds from the same interim months gives the same bytes
    from dtks_analysis import quality_history

    history = quality_history.build_history(MONTH, settings)
    export.write_csvs({"kualitas_desa": history}, tmp_path / "shown")
    published = sorted(p.name for p in (final / "tabel").glob("*.csv"))
    assert published == sorted(p.name for p in (tmp_path / "shown").glob("*.csv"))
    for name in published:
        assert (final / "tabel" / name).read_bytes() == (tmp_path / "shown" / name).read_bytes()
