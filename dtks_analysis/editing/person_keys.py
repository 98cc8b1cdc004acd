"""Person keys: who is the same person from one month to the next (issue 14).

A worklist row counts as corrected when the same person appears the next month without the same
finding. NIK alone cannot say "the same person": most NIK defects change the NIK itself (Excel's
lost last digit, a wrong date or serial), and a defect may hit the name, the birth date or the
No KK instead. So a person has four keys, each a 64-bit hash (no ID or name is stored twice in
clear), missing when a part is missing:

* ``kunci_nik``: the edited NIK (16 digits);
* ``kunci_nama_lahir``: normalised name and date of birth;
* ``kunci_kk_lahir``: No KK (16 digits) and date of birth;
* ``kunci_nama_kk``: normalised name and No KK.

Two rows are the same person when any key is equal: a row damaged in one field one month and in
another field the next still shares a key that avoids both fields. A field that a finding (error
or warning) names is not trusted as identity: its keys are dropped for that row
(:func:`distrust`). A damaged NIK is not anyone's identity, and two people's NIKs damaged the same
way (Excel's zeroed last digit, 30 February) would otherwise look like one person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dtks_analysis.editing.findings import col

#: key -> the fields it is made of
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "kunci_nik": ("nik",),
    "kunci_nama_lahir": ("nama", "lahir"),
    "kunci_kk_lahir": ("no_kk", "lahir"),
    "kunci_nama_kk": ("nama", "no_kk"),
}
KEY_COLUMNS: tuple[str, ...] = tuple(KEY_FIELDS)
#: column a finding names -> the key fields it makes untrustworthy (a NIK that merely disagrees
#: with the recorded sex or birth date stays: distrusting it too leaves too few keys)
DISTRUSTED: dict[str, tuple[str, ...]] = {
    "nik": ("nik",),
    "no_kk": ("no_kk",),
    "nama": ("nama",),
    "tanggal_lahir": ("lahir",),
}
SERIOUS: tuple[str, ...] = ("error", "warning")


def distrust(keys: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """``keys`` (indexed by record) with the keys of fields named by an error or warning finding
    of the same record (``findings``: ``record, kolom, tingkat``) set missing."""
    out = keys.copy()
    if not {"record", "kolom", "tingkat"} <= set(findings.columns):
        return out
    f = findings[findings["tingkat"].isin(SERIOUS)]
    for kolom, fields in DISTRUSTED.items():
        records = pd.Index(f.loc[f["kolom"] == kolom, "record"].unique())
        hit = out.index.isin(records)
        if not hit.any():
            continue
        for key, parts in KEY_FIELDS.items():
            if set(parts) & set(fields):
                out.loc[hit, key] = pd.NA
    return out


def _hashed(values: pd.Series, valid: np.ndarray) -> pd.Series:
    """64-bit hash of ``values`` (text) as nullable Int64, missing where not ``valid``."""
    h = pd.util.hash_pandas_object(values.astype(str), index=False).to_numpy().view(np.int64)
    return pd.Series(pd.array(h, dtype="Int64", copy=True), index=values.index).mask(~valid)


def person_keys(df: pd.DataFrame) -> pd.DataFrame:
    """The four keys (:data:`KEY_COLUMNS`, nullable Int64) of edited person rows (columns ``nik``,
    ``no_kk``, ``nama``, ``tanggal_lahir`` of ``clean.clean_records``; absent columns give
    missing keys), same index as ``df``.

    >>> df = pd.DataFrame({"nik": ["1211010101800001", "12"], "nama": ["A B", None],
    ...                    "no_kk": ["1211010101100001", None],
    ...                    "tanggal_lahir": ["1980-01-01", "1990-02-02"]})
    >>> person_keys(df).notna().sum().tolist()
    [1, 1, 1, 1]
    """
    parts: dict[str, tuple[pd.Series, np.ndarray]] = {}
    for name in ("nik", "no_kk"):
        v = col(df, name).astype("string")
        parts[name] = (v.fillna(""), v.str.fullmatch(r"\d{16}").fillna(False).to_numpy(bool))
    nama = col(df, "nama").astype("string").str.strip().fillna("")
    parts["nama"] = (nama, (nama != "").to_numpy(dtype=bool))
    lahir = pd.to_datetime(col(df, "tanggal_lahir"), errors="coerce").dt.strftime("%Y-%m-%d")
    parts["lahir"] = (lahir.fillna("").astype("string"), lahir.notna().to_numpy(dtype=bool))
    out = {}
    for key, fields in KEY_FIELDS.items():
        text = parts[fields[0]][0]
        valid = parts[fields[0]][1].copy()
        for f in fields[1:]:
            text = text + "|" + parts[f][0]
            valid &= parts[f][1]
        out[key] = _hashed(text, valid)
    return pd.DataFrame(out, index=df.index)


def with_person_keys(findings: pd.DataFrame, cleaned: pd.DataFrame) -> pd.DataFrame:
    """``findings`` with the person keys of the row each finding is about (``record`` is the
    index of ``cleaned``), the fields the row's findings name left out (:func:`distrust`); rows
    not in ``cleaned`` (DTSEN family rows) get missing keys."""
    keys = distrust(person_keys(cleaned), findings)
    out = findings.copy()
    rec = out["record"] if "record" in out.columns else pd.Series([], dtype=object)
    for name in KEY_COLUMNS:
        # ``.array``, not ``.to_numpy()``: Int64 with missing values would go through float
        out[name] = keys[name].reindex(rec.to_numpy()).array
    return out
