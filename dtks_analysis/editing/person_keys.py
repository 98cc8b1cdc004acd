"""Person keys: who is the same person from one month to the next (issue 14).

A worklist row counts as corrected when the same person appears the next month without the same
finding. NIK alone cannot say "the same person": most NIK defects change the NIK itself (Excel's
lost last digit, a wrong date or serial), so a person is also recognised by name and date of
birth. Two keys, both 64-bit hashes (no NIK or name is stored twice in clear):

* ``kunci_nik``: the edited NIK when it is 16 digits, else missing;
* ``kunci_identitas``: the normalised name and the date of birth, missing when either is.

Two rows are the same person when either key is equal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dtks_analysis.editing.findings import col

KEY_COLUMNS: tuple[str, ...] = ("kunci_nik", "kunci_identitas")


def _hashed(values: pd.Series, valid: np.ndarray) -> pd.Series:
    """64-bit hash of ``values`` (text) as nullable Int64, missing where not ``valid``."""
    h = pd.util.hash_pandas_object(values.astype(str), index=False).to_numpy().view(np.int64)
    return pd.Series(pd.array(h, dtype="Int64", copy=True), index=values.index).mask(~valid)


def person_keys(df: pd.DataFrame) -> pd.DataFrame:
    """``kunci_nik`` and ``kunci_identitas`` (nullable Int64) of edited person rows (columns
    ``nik``, ``nama``, ``tanggal_lahir`` of ``clean.clean_records``; absent columns give missing
    keys), same index as ``df``.

    >>> df = pd.DataFrame({"nik": ["1211010101800001", "12"], "nama": ["A B", None],
    ...                    "tanggal_lahir": ["1980-01-01", "1990-02-02"]})
    >>> person_keys(df).notna().to_numpy().tolist()
    [[True, True], [False, False]]
    """
    nik = col(df, "nik").astype("string")
    nik_ok = nik.str.fullmatch(r"\d{16}").fillna(False).to_numpy(dtype=bool)
    nama = col(df, "nama").astype("string").str.strip()
    lahir = pd.to_datetime(col(df, "tanggal_lahir"), errors="coerce").dt.strftime("%Y-%m-%d")
    ident_ok = (nama.fillna("") != "").to_numpy(dtype=bool) & lahir.notna().to_numpy(dtype=bool)
    ident = nama.fillna("") + "|" + lahir.fillna("").astype("string")
    return pd.DataFrame(
        {
            "kunci_nik": _hashed(nik.fillna(""), nik_ok),
            "kunci_identitas": _hashed(ident, ident_ok),
        },
        index=df.index,
    )


def with_person_keys(findings: pd.DataFrame, cleaned: pd.DataFrame) -> pd.DataFrame:
    """``findings`` with the person keys of the row each finding is about (``record`` is the
    index of ``cleaned``); rows not in ``cleaned`` (DTSEN family rows) get missing keys."""
    keys = person_keys(cleaned)
    out = findings.copy()
    rec = out["record"] if "record" in out.columns else pd.Series([], dtype=object)
    for name in KEY_COLUMNS:
        # ``.array``, not ``.to_numpy()``: Int64 with missing values would go through float
        out[name] = keys[name].reindex(rec.to_numpy()).array
    return out
