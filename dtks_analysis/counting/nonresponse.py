"""Non-response adjustment: carry forward the households of villages that sent nothing this month.

A village (known ``kode_desa``) is a **non-respondent** when it had at least one non-imputed
household last month and no counted person row this month. Its last-month non-imputed households
are carried forward with ``imputasi=True``, except keys already present this month (a family
that moved keeps its current row). Households imputed last month are not carried again.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

NONRESPON_COLUMNS: tuple[str, ...] = (
    "kode_kecamatan",
    "kecamatan",
    "kode_desa",
    "desa",
    "rumah_tangga",
)


def _empty_nonrespon() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode_kecamatan": pd.Series(dtype=object),
            "kecamatan": pd.Series(dtype=object),
            "kode_desa": pd.Series(dtype=object),
            "desa": pd.Series(dtype=object),
            "rumah_tangga": pd.Series(dtype="int64"),
        }
    )


def adjust(
    current_hh: pd.DataFrame,
    previous_hh: pd.DataFrame | None,
    current_persons_villages: Iterable[str] | pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (households + carried-forward households, non-respondent villages table).

    ``current_persons_villages``: the ``kode_desa`` values of this month's counted person rows
    (a set or a Series; missing values ignored). The adjusted table is sorted by ``kunci``; the
    non-respondent table by ``kode_desa`` with ``rumah_tangga`` = households carried forward.
    """
    current = current_hh.copy()
    if previous_hh is None or len(previous_hh) == 0:
        return current.reset_index(drop=True), _empty_nonrespon()

    if isinstance(current_persons_villages, pd.Series):
        present = set(current_persons_villages.dropna().unique())
    else:
        present = {v for v in current_persons_villages if isinstance(v, str)}
    prev = previous_hh[~previous_hh["imputasi"].astype(bool) & previous_hh["kode_desa"].notna()]
    villages = prev.drop_duplicates("kode_desa")[
        ["kode_kecamatan", "kecamatan", "kode_desa", "desa"]
    ]
    villages = villages[~villages["kode_desa"].isin(present)].sort_values("kode_desa")
    if villages.empty:
        return current.reset_index(drop=True), _empty_nonrespon()

    carried = prev[
        prev["kode_desa"].isin(set(villages["kode_desa"]))
        & ~prev["kunci"].isin(set(current["kunci"]))
    ].copy()
    carried["imputasi"] = True
    counts = carried.groupby("kode_desa", sort=True).size()
    table = villages.assign(
        rumah_tangga=villages["kode_desa"].map(counts).fillna(0).astype("int64")
    ).reset_index(drop=True)

    columns = list(current.columns) if len(current.columns) else list(prev.columns)
    parts = [df for df in (current, carried[columns]) if len(df)]
    adjusted = pd.concat(parts, ignore_index=True) if parts else current
    if len(current.columns):
        adjusted = adjusted.astype(current.dtypes.to_dict())
    adjusted = adjusted.sort_values("kunci", kind="stable").reset_index(drop=True)
    return adjusted, table
