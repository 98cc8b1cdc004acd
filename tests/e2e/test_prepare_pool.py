"""Months prepared side by side (issue 16): the worker pool gives the same interim files, the
same month data, one console line per month in month order and the same first error as
preparing the months one after another."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dtks_analysis import locks, pipeline, prepare_pool
from dtks_analysis.config import Settings
from dtks_analysis.intake.ingest import IngestError


def _copy(sample: Path, dst: Path) -> Settings:
    shutil.copytree(sample / "raw", dst / "raw")
    return Settings(data_dir=dst)


def _interim(settings: Settings) -> dict[str, bytes]:
    """Every interim file of every month (Parquet, summary, cache key), by relative path."""
    root = settings.interim_root
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.parent.name != pipeline.TABLES_DIR
    }


def _run(settings: Settings, workers: str, monkeypatch, capsys) -> tuple[dict, list[str]]:
    monkeypatch.setenv(prepare_pool.WORKERS_ENV, workers)
    months = pipeline.available_months(settings)
    data = pipeline.prepare_months(months[-1], settings, progress=True)
    return data, capsys.readouterr().err.splitlines()


def test_parallel_prepare_same_as_serial(small_sample, tmp_path, monkeypatch, capsys):
    serial = _copy(small_sample, tmp_path / "serial")
    parallel = _copy(small_sample, tmp_path / "parallel")
    s_data, s_err = _run(serial, "1", monkeypatch, capsys)
    p_data, p_err = _run(parallel, "2", monkeypatch, capsys)
    months = pipeline.available_months(serial)
    assert len(months) >= 2 and list(p_data) == list(s_data) == months
    assert _interim(parallel) == _interim(serial)  # byte for byte
    for m in months:
        a, b = s_data[m], p_data[m]
        assert (a.summary, a.key) == (b.summary, b.key)
        for name in ("persons", "households", "findings", "files", "villages"):
            pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=f"{m} {name}")
    # one line per month, in month order, as serially
    reading = [ln for ln in p_err if ln.startswith("Membaca ekstrak")]
    assert reading == [ln for ln in s_err if ln.startswith("Membaca ekstrak")]
    assert [ln.split()[2].rstrip(":") for ln in reading] == months
    # a second run finds every month current: no pool, one cache line per month
    again, err = _run(parallel, "2", monkeypatch, capsys)
    assert [ln.split()[1].rstrip(":") for ln in err if ln.startswith("Ekstrak ")] == months
    assert again[months[-1]].key == p_data[months[-1]].key


def test_parallel_prepare_error_names_file_and_month(small_sample, tmp_path, monkeypatch):
    messages = []
    for workers in ("1", "2"):
        settings = _copy(small_sample, tmp_path / workers)
        months = pipeline.available_months(settings)
        bad = months[1]
        src = next(p for p in sorted((settings.raw_root / bad).rglob("*.xlsx")))
        shutil.copyfile(src, src.with_name(f"salah_bulan_{months[0]}.xlsx"))  # another month
        monkeypatch.setenv(prepare_pool.WORKERS_ENV, workers)
        with pytest.raises(IngestError) as err:
            pipeline.prepare_months(months[-1], settings)
        assert f"salah_bulan_{months[0]}.xlsx" in str(err.value)
        messages.append(str(err.value))
        assert not any(settings.data_dir.glob("*.lock"))  # the lock went with the run
    assert messages[0] == messages[1]


def test_workers_hold_the_callers_data_lock(tmp_path, monkeypatch):
    for settings in (
        Settings(data_dir=tmp_path),
        Settings(data_dir=tmp_path, kabupaten_folder="12.11"),
    ):
        with pipeline.data_lock(settings):
            assert locks._HELD.get(os.path.abspath(prepare_pool.lock_path(settings)))
    monkeypatch.setenv(prepare_pool.WORKERS_ENV, "4")
    assert prepare_pool.pool_size(3) == 3 and prepare_pool.pool_size(1) == 1
    monkeypatch.delenv(prepare_pool.WORKERS_ENV)
    assert 1 <= prepare_pool.pool_size(6) <= max(os.cpu_count() or 1, 1)
