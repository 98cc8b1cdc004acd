"""Households: one row per household key from the counted person table (DOMAIN.md section 7).

Input is ``validate.validate(...).persons``: the counted person rows (cleaned, contract
section 2). Run after validation (pipeline: validate -> households).

Rules chosen here (documented in the module contract):

* **Key** (``kunci``): the ``kunci`` column of ``persons`` (validation's family key), else the
  key of :func:`dtks_analysis.families.household_key` (usable No KK, or the household ID when
  ``kunci_rumah_tangga: id_dtks``). The key and region rules are defined once in
  :mod:`dtks_analysis.families`, below editing, because validation's family checks group and
  locate families by the same rules.
* **File order** is the person table sorted by ``_file, _sheet, _row`` (stable).
* **Kecamatan** of a household: the most frequent *known* ``kode_kecamatan`` among its members;
  ties go to the value met first in file order. ``None`` only when no member has a known
  kecamatan. Decided first, over all member rows.
* **Village**: the most frequent known ``kode_desa`` among the members whose kecamatan equals the
  household's kecamatan (members with unknown kecamatan when the household's is unknown); ties
  to the first in file order. ``None`` when none of those rows has a known village
  (:func:`dtks_analysis.families.region_positions`).
* Names (``kecamatan``, ``desa``) come from the first row in file order carrying the chosen code.
* **Head**: the first member in file order with ``hubungan == 1``; ``jk_kepala`` is its sex
  (``None`` if no head or unknown), ``umur_kepala`` its age (``<NA>`` if unknown).
* **Age**: whole years completed at the reference date. Birth dates after the reference date or
  ages above ``umur_maks`` (implausible, flagged ``umur_tidak_wajar`` by validation) are unknown
  and are counted neither as children nor as elderly.
* ``n_anak``: age < 18; ``n_lansia``: age >= 60.
* ``n_disabilitas``: number of members whose ``disabilitas`` text is truthy (any non-empty value
  other than a "no" word, see :data:`DISABILITAS_TIDAK`); ``<NA>`` for households none of whose
  rows come from a file carrying disability data (a file carries it when any of its rows has a
  non-empty value), or when the column is absent.
* ``bpnt, pbi_jkn, pkh``: True when any member row is True (``<NA>`` = unrecognised = not
  receiving).
* ``n_desa``: number of distinct known villages among the members.
* DTSEN (issue 13): ``desil`` (Int8 1..10, ``<NA>`` = not ranked): the first member in file
  order with a valid value (text ``1``..``10``) in ``desil_<desil_acuan>``; ``nonaktif``: the
  first non-empty ``status_keluarga`` in file order is ``nonaktif``; ``sumber``: ``"dtsen"``
  when any member row has ``sumber == "dtsen"``, else ``"dtks"``. Absent columns (DTKS-only
  data) count as empty: desil ``<NA>``, nonaktif False, sumber ``"dtks"``.

Output rows are sorted by ``kunci``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dtks_analysis.arrays import by_uniques, date_parts, file_order
from dtks_analysis.families import household_key, region_positions
from dtks_analysis.vocab import PROGRAMS

REGION_COLS: tuple[str, ...] = ("kode_kecamatan", "kecamatan", "kode_desa", "desa")
HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "kunci",
    *REGION_COLS,
    "jiwa",
    "jk_kepala",
    "umur_kepala",
    "n_anak",
    "n_lansia",
    "n_disabilitas",
    *PROGRAMS,
    "imputasi",
    "n_desa",
    "desil",
    "nonaktif",
    "sumber",
)
UMUR_ANAK = 18
UMUR_LANSIA = 60

#: ``disabilitas`` values meaning "no disability" (upper case, trimmed); anything else non-empty
#: counts as a person with a recorded disability.
DISABILITAS_TIDAK: frozenset[str] = frozenset(
    {
        "",
        "0",
        "2",
        "N",
        "T",
        "-",
        "TIDAK",
        "NO",
        "FALSE",
        "TIDAK ADA",
        "BUKAN",
        "NONE",
        "NORMAL",
        "TIDAK DISABILITAS",
        "NON DISABILITAS",
    }
)


def umur_tahun(
    tanggal_lahir: pd.Series, reference_date: date | pd.Timestamp, umur_maks: int
) -> pd.Series:
    """Age in whole years at ``reference_date`` (Int64); ``<NA>`` when unknown or implausible."""
    ref = pd.Timestamp(reference_date)
    tl = pd.to_datetime(tanggal_lahir)
    y, m, d, known = date_parts(tl)
    before_birthday = (m > ref.month) | ((m == ref.month) & (d > ref.day))
    age = ref.year - y - before_birthday
    ok = known & (age >= 0) & (age <= umur_maks)
    values = pd.arrays.IntegerArray(np.where(ok, age, 0).astype(np.int64), ~ok)
    return pd.Series(values, index=tl.index, name=tl.name)


def _take(col: pd.Series, positions: np.ndarray) -> pd.Series:
    """``col`` at ``positions`` with a fresh RangeIndex (object columns through numpy: building
    a Series from an object extension array infers its dtype again, slowly)."""
    if col.dtype == object:
        return pd.Series(col.to_numpy()[positions], dtype=object, name=col.name)
    return pd.Series(col.array.take(positions), name=col.name)


def _truthy_disabilitas(values: pd.Series) -> np.ndarray:
    """Per row: the disability text is a "yes" (non-empty, not a "no" word)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="string").str.strip().str.upper()
    yes = (text.notna() & ~text.isin(DISABILITAS_TIDAK)).to_numpy(dtype=bool, na_value=False)
    return np.append(yes, False)[codes]  # code -1 (missing) -> the appended False


def _first_filled(g: np.ndarray, n_hh: int, filled: np.ndarray) -> np.ndarray:
    """Per household: position (in file order) of its first row where ``filled``, else -1."""
    rows = np.flatnonzero(filled)
    pos = np.full(n_hh, -1, dtype=np.int64)
    pos[g[rows][::-1]] = rows[::-1]  # last write wins -> first row
    return pos


def _desil_value(values: pd.Series) -> np.ndarray:
    """Desil text -> float 1..10, NaN when not a desil."""
    text = values.astype("string").str.strip()
    num = pd.to_numeric(text.where(text.str.fullmatch(r"(10|[1-9])", na=False)))
    return num.to_numpy(dtype="float64", na_value=np.nan)


def _dtsen_columns(p: dict[str, pd.Series], g: np.ndarray, n_hh: int, col: str) -> dict:
    """``desil``, ``nonaktif``, ``sumber`` per household (module docstring; absent = empty)."""
    n = len(g)
    desil = pd.array([pd.NA] * n_hh, dtype="Int8")
    if col in p:
        # the DTSEN columns hold a handful of distinct values: each is read once
        num = by_uniques(p[col], _desil_value, np.nan).astype(np.float64)
        pos = _first_filled(g, n_hh, ~np.isnan(num))
        vals = num[np.maximum(pos, 0)]
        desil = pd.array(np.where(pos >= 0, vals, np.nan), dtype="Float64").astype("Int8")
    nonaktif = np.zeros(n_hh, dtype=bool)
    if "status_keluarga" in p:
        status = by_uniques(
            p["status_keluarga"], lambda u: u.astype("string").str.strip().str.lower(), ""
        )
        pos = _first_filled(g, n_hh, status != "")
        first = status[np.maximum(pos, 0)]
        nonaktif = (pos >= 0) & (first == "nonaktif")
    dtsen = np.zeros(n, dtype=bool)
    if "sumber" in p:
        is_dtsen = by_uniques(
            p["sumber"], lambda u: u.astype("string").str.strip().str.lower() == "dtsen", False
        )
        dtsen = is_dtsen.astype(bool)
    any_dtsen = np.bincount(g, weights=dtsen, minlength=n_hh) > 0
    sumber = np.where(any_dtsen, "dtsen", "dtks").astype(object)
    return {"desil": desil, "nonaktif": nonaktif, "sumber": sumber}


def build_households(
    persons: pd.DataFrame,
    reference_date: date | pd.Timestamp,
    *,
    umur_maks: int,
    kunci_rumah_tangga: str,
    desil_acuan: str = "nasional",
) -> pd.DataFrame:
    """One row per household key (``kunci``) with region, size, head, composition and programs.

    ``kunci_rumah_tangga`` chooses the key when ``persons`` has no ``kunci`` column;
    ``desil_acuan`` the DTSEN ranking of ``desil`` (column ``desil_<desil_acuan>``).
    """
    if len(persons) == 0:
        return _empty()
    desil_col = f"desil_{desil_acuan}"
    if "kunci" not in persons.columns:
        persons = persons.assign(
            kunci=household_key(persons, kunci_rumah_tangga).to_numpy(dtype=object)
        )
    order = file_order(persons)
    needed = [
        "kunci",
        *REGION_COLS,
        "hubungan",
        "jenis_kelamin",
        "tanggal_lahir",
        *PROGRAMS,
        *(c for c in ("disabilitas", "_file") if c in persons.columns),
        *(c for c in (desil_col, "status_keluarga", "sumber") if c in persons.columns),
    ]
    # the needed columns in file order, without building an intermediate DataFrame
    p = {c: _take(persons[c], order) for c in needed}
    n = len(order)

    g, keys = pd.factorize(p["kunci"], sort=False)
    if (g < 0).any():
        raise ValueError("persons has rows without a household key (kunci)")
    n_hh = len(keys)
    jiwa = np.bincount(g, minlength=n_hh)

    # region: kecamatan first, then the village among rows of that kecamatan
    kec_code, _ = pd.factorize(p["kode_kecamatan"], sort=False)
    desa_code, _ = pd.factorize(p["kode_desa"], sort=False)
    kec_pos, desa_pos = region_positions(g, n_hh, kec_code, desa_code)

    def take(col: str, positions: np.ndarray) -> np.ndarray:
        vals = p[col].to_numpy(dtype=object)[np.maximum(positions, 0)]
        vals[positions < 0] = None
        return vals

    # head: first member in file order with hubungan == 1
    is_head = (p["hubungan"] == 1).fillna(False).to_numpy(dtype=bool)
    head_rows = np.flatnonzero(is_head)
    head_pos = np.full(n_hh, -1, dtype=np.int64)
    head_pos[g[head_rows][::-1]] = head_rows[::-1]  # last write wins -> first head
    jk = take("jenis_kelamin", head_pos)
    jk[~((jk == "L") | (jk == "P"))] = None

    age = umur_tahun(p["tanggal_lahir"], reference_date, umur_maks)
    age_arr = age.to_numpy(dtype="float64", na_value=np.nan)
    umur_kepala = age.array[np.maximum(head_pos, 0)].copy()
    umur_kepala[head_pos < 0] = pd.NA
    n_anak = np.bincount(g, weights=(age_arr < UMUR_ANAK), minlength=n_hh).astype(np.int64)
    n_lansia = np.bincount(g, weights=(age_arr >= UMUR_LANSIA), minlength=n_hh).astype(np.int64)

    if "disabilitas" in p:
        truthy = _truthy_disabilitas(p["disabilitas"])
        filled = p["disabilitas"].notna().to_numpy()
        if "_file" in p:
            file_codes, _ = pd.factorize(p["_file"], use_na_sentinel=False)
            file_has = np.bincount(file_codes, weights=filled) > 0
            row_has = file_has[file_codes]
        else:
            row_has = np.full(n, filled.any())
        n_dis = np.bincount(g, weights=truthy, minlength=n_hh).astype(np.int64)
        has = np.bincount(g, weights=row_has, minlength=n_hh) > 0
        n_disabilitas = pd.array(n_dis, dtype="Int64")
        n_disabilitas[~has] = pd.NA
    else:
        n_disabilitas = pd.array([pd.NA] * n_hh, dtype="Int64")

    progs = {}
    for prog in PROGRAMS:
        flag = p[prog].fillna(False).to_numpy(dtype=bool)
        progs[prog] = np.bincount(g, weights=flag, minlength=n_hh) > 0

    width = int(desa_code.max()) + 2
    known_desa = desa_code >= 0
    pairs = pd.unique(g[known_desa].astype(np.int64) * width + desa_code[known_desa])
    n_desa = np.bincount(pairs // width, minlength=n_hh).astype(np.int64)

    out = pd.DataFrame(
        {
            "kunci": np.asarray(keys, dtype=object),
            "kode_kecamatan": take("kode_kecamatan", kec_pos),
            "kecamatan": take("kecamatan", kec_pos),
            "kode_desa": take("kode_desa", desa_pos),
            "desa": take("desa", desa_pos),
            "jiwa": jiwa.astype(np.int64),
            "jk_kepala": jk,
            "umur_kepala": umur_kepala,
            "n_anak": n_anak,
            "n_lansia": n_lansia,
            "n_disabilitas": n_disabilitas,
            **progs,
            "imputasi": np.zeros(n_hh, dtype=bool),
            "n_desa": n_desa,
            **_dtsen_columns(p, g, n_hh, desil_col),
        },
        copy=False,  # fresh arrays: no copy, and no consolidation into 2-D blocks (then taken)
    )
    out = out.iloc[np.argsort(out["kunci"].to_numpy(dtype=str), kind="stable")]
    return out.reset_index(drop=True)


def _empty() -> pd.DataFrame:
    """The household table with no rows and the final dtypes."""
    dtypes = {
        "kunci": object,
        "kode_kecamatan": object,
        "kecamatan": object,
        "kode_desa": object,
        "desa": object,
        "jiwa": "int64",
        "jk_kepala": object,
        "umur_kepala": "Int64",
        "n_anak": "int64",
        "n_lansia": "int64",
        "n_disabilitas": "Int64",
        "bpnt": bool,
        "pbi_jkn": bool,
        "pkh": bool,
        "imputasi": bool,
        "n_desa": "int64",
        "desil": "Int8",
        "nonaktif": bool,
        "sumber": object,
    }
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
