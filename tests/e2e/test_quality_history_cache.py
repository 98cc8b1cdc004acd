"""Issue 16: the village quality history keeps each month's person keys beside its interim
data under the month's interim key; a stored set is used only under that key and gives the
history computed from the persons."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from dtks_analysis import pipeline, quality_history
from dtks_analysis.config import Settings


def test_stored_person_keys_give_the_same_history(small_sample, tmp_path, monkeypatch):
    shutil.copytree(small_sample / "raw", tmp_path / "raw")
    settings = Settings(data_dir=tmp_path)
    months = pipeline.available_months(settings)
    pipeline.prepare_months(months[-1], settings)
    stored = [pipeline.interim_dir(settings, m) / quality_history.KEYS_FILE for m in months]
    assert not any(p.exists() for p in stored)
    first = quality_history.build_history(months[-1], settings)  # computed, then stored
    assert all(p.is_file() for p in stored)

    calls = []
    real = quality_history.person_keys
    monkeypatch.setattr(quality_history, "person_keys", lambda df: calls.append(1) or real(df))
    again = quality_history.build_history(months[-1], settings)
    assert calls == []  # every month read from its stored keys
    pd.testing.assert_frame_equal(again, first)

    # a month rebuilt since (another interim key): its stored keys are not used
    d = pipeline.interim_dir(settings, months[0])
    cache = d / "cache.json"
    cache.write_text(json.dumps({"key": "0" * 64}))
    third = quality_history.build_history(months[-1], settings)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(third, first)
    # and the keys were stored again under the new key
    calls.clear()
    quality_history.build_history(months[-1], settings)
    assert calls == []
