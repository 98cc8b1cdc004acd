"""Issue 12: the optimiser hides less than the method it replaced, on six sample months.

Both methods run on the same prepared months (the backtest sample: villages of a few dozen
households, so many small cells); the old one is the frozen copy in
``tests/reference/heuristik_lama.py``. The loss is counted here from the true table and the
mask, not by the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dtks_analysis import pipeline
from dtks_analysis.counting import disclosure, protection
from tests.reference import heuristik_lama

MONTHS = ["2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12"]


def _loss(vm: protection.VillageMonth, primary_mask, min_cell: int) -> dict[str, int]:
    full, mask = vm.lengkap, vm.mask
    cols = list(mask.columns)
    h = mask.to_numpy(dtype=bool)
    v = full[cols].to_numpy(dtype=np.int64)
    active = (full["kode_kecamatan"].fillna("") != "").to_numpy()
    prim = primary_mask(full, cols, min_cell).to_numpy() & active[:, None]
    prim |= prim[:, [cols.index("rumah_tangga")]]
    hh = np.array([c != "jiwa" for c in cols])
    real = (full["kode_desa"].fillna("") != "").to_numpy()
    return {
        "sel": int(h.sum()),
        "rt": int((v * (h & hh)).sum()),
        "rt_sekunder": int((v * (h & ~prim & hh)).sum()),
        "baris_penuh": int((h.all(axis=1) & real & ~prim.all(axis=1)).sum()),
    }


@pytest.fixture(scope="module")
def losses(backtest_months) -> pd.DataFrame:
    months, settings, data = backtest_months  # prepared once per session (tests/conftest.py)
    assert months == MONTHS
    adjusted = pipeline.adjusted_households(data)
    rows = []
    for name, module in (("baru", disclosure), ("lama", heuristik_lama)):
        protection.disclosure = module
        try:
            memo: dict = {}
            for m in MONTHS:
                protection.published_villages(
                    adjusted, m, settings.min_cell, settings.kabupaten_kode, memo
                )
        finally:
            protection.disclosure = disclosure
        for m in MONTHS:
            rows.append({"metode": name, "bulan": m, **_loss(memo[m], module.primary_mask, 3)})
    return pd.DataFrame(rows).set_index(["bulan", "metode"])


def test_optimiser_hides_no_more_households_than_the_old_method(losses):
    new = losses.xs("baru", level="metode")
    old = losses.xs("lama", level="metode")
    assert (new["rt"] <= old["rt"]).all(), losses
    assert (new["rt_sekunder"] <= old["rt_sekunder"]).all(), losses
    assert new["rt_sekunder"].sum() < old["rt_sekunder"].sum(), losses
    assert (new["baris_penuh"] == 0).all(), losses
