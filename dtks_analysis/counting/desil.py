"""DTSEN tables: households by welfare decile (desil) and targeting errors (issue 13).

Input: the month's adjusted household table (``households.build_households`` + non-response),
whose ``desil`` (Int8 1..10 or ``<NA>``), ``nonaktif`` and ``sumber`` columns come from the DTSEN
person columns. A household's **desil row** (:func:`desil_label`) is ``"nonaktif"`` when the
family is nonaktif (whatever its desil), else its desil ``"1"``..``"10"``, else
``"belum_diperingkat"`` (not yet ranked; also every DTKS household of a transition month).

A program's **target** (``sasaran``) is the active households with a desil ``<= batas``
(``settings.sasaran_desil``); a recipient not ranked or nonaktif is outside the target.

* :func:`desil_kabupaten`: households, persons and recipients per desil row (kabupaten).
* :func:`rekap_desil`: the same per kecamatan, with disclosure control (:func:`protect`: the
  cells of every desil table are protected together, :mod:`desil_protect`).
* :func:`ketepatan_sasaran`: inclusion and exclusion errors per program, kabupaten and kecamatan.
* :func:`arus_desil`: households by desil row of the last DTSEN month x this month, entries
  (``masuk``) and exits (``keluar``) as their own row and column.

These tables exist only for months with DTSEN households (:func:`has_dtsen`): DTKS-only months
publish exactly what they did before. Desil is sensitive family-level data: it is never
published below these aggregates.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from dtks_analysis.config import Settings
from dtks_analysis.counting import desil_protect, disclosure, stats
from dtks_analysis.vocab import PROGRAMS, TIDAK_DIKETAHUI

log = logging.getLogger(__name__)

BELUM = "belum_diperingkat"
NONAKTIF = "nonaktif"
MASUK = "masuk"
KELUAR = "keluar"
#: the desil rows of every table, in order
LABELS: tuple[str, ...] = (*(str(d) for d in range(1, 11)), BELUM, NONAKTIF)
COUNTS: tuple[str, ...] = ("rumah_tangga", "jiwa", *(f"rt_{p}" for p in PROGRAMS))
KETEPATAN_COLUMNS: tuple[str, ...] = (
    "kode_kecamatan",
    "kecamatan",
    "program",
    "batas_desil",
    "rt_penerima",
    "rt_penerima_sasaran",
    "rt_penerima_luar_sasaran",
    "rt_sasaran",
    "rt_sasaran_tidak_menerima",
    "persen_salah_inklusi",
    "persen_salah_eksklusi",
)
SUMBER_DTSEN, SUMBER_DTKS, SUMBER_CAMPURAN = "DTSEN", "DTKS", "DTSEN dan DTKS"


def _observed(hh: pd.DataFrame) -> pd.DataFrame:
    """Households counted from this month's extracts (not carried forward)."""
    if "imputasi" not in hh.columns:
        return hh
    return hh[~hh["imputasi"].fillna(False).astype(bool).to_numpy()]


def _dtsen_flags(hh: pd.DataFrame) -> np.ndarray:
    if "sumber" not in hh.columns:
        return np.zeros(len(hh), dtype=bool)
    return hh["sumber"].astype("string").eq("dtsen").to_numpy(dtype=bool, na_value=False)


def has_dtsen(hh: pd.DataFrame) -> bool:
    """True when any household counted from this month's extracts comes from DTSEN files."""
    return bool(_dtsen_flags(_observed(hh)).any())


def sumber_bulan(hh: pd.DataFrame) -> str:
    """The month's source: ``"DTSEN"``, ``"DTKS"`` or ``"DTSEN dan DTKS"`` (transition)."""
    flags = _dtsen_flags(_observed(hh))
    if not flags.any():
        return SUMBER_DTKS
    return SUMBER_DTSEN if flags.all() else SUMBER_CAMPURAN


def sumber_data(hh_by_month: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """``bulan, sumber``: the source of every month (for the note on a change of source)."""
    months = sorted(hh_by_month)
    return pd.DataFrame(
        {"bulan": months, "sumber": [sumber_bulan(hh_by_month[m]) for m in months]}, dtype=object
    )


def desil_label(hh: pd.DataFrame) -> np.ndarray:
    """Per household its desil row: ``"nonaktif"`` first, then ``"1"``..``"10"``, else
    ``"belum_diperingkat"`` (absent columns: not ranked, active)."""
    out = np.full(len(hh), BELUM, dtype=object)
    if "desil" in hh.columns:
        d = pd.to_numeric(hh["desil"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        ok = np.isfinite(d) & (d >= 1) & (d <= 10)
        out[ok] = np.asarray([str(int(v)) for v in range(11)], dtype=object)[d[ok].astype(int)]
    out[_nonaktif(hh)] = NONAKTIF
    return out


def _nonaktif(hh: pd.DataFrame) -> np.ndarray:
    if "nonaktif" not in hh.columns:
        return np.zeros(len(hh), dtype=bool)
    return hh["nonaktif"].fillna(False).astype(bool).to_numpy()


def _target(hh: pd.DataFrame, batas: int) -> np.ndarray:
    """Active households ranked in desil 1..``batas``."""
    if "desil" not in hh.columns:
        return np.zeros(len(hh), dtype=bool)
    d = pd.to_numeric(hh["desil"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return np.isfinite(d) & (d >= 1) & (d <= batas) & ~_nonaktif(hh)


def _measures(hh: pd.DataFrame) -> pd.DataFrame:
    """Per household: 1 (household), persons and 0/1 per program (int64)."""
    return pd.DataFrame(
        {
            "rumah_tangga": np.ones(len(hh), dtype=np.int64),
            "jiwa": hh["jiwa"].to_numpy(dtype=np.int64),
            **{
                f"rt_{p}": hh[p].fillna(False).astype(bool).to_numpy().astype(np.int64)
                for p in PROGRAMS
            },
        }
    )


def _kecamatan(hh: pd.DataFrame, kode: str) -> tuple[pd.DataFrame, np.ndarray]:
    """(kecamatan rows in code order + "Tidak diketahui" when it holds households, each
    household's ``kode_kecamatan`` with "" for unknown)."""
    kec = stats.kecamatan_reference(kode)
    codes = hh["kode_kecamatan"].astype(object).where(hh["kode_kecamatan"].notna(), "")
    codes = codes.to_numpy(dtype=object)
    stray = set(codes) - set(kec["kode_kecamatan"]) - {""}
    if stray:
        raise ValueError(f"kode_kecamatan di luar daftar wilayah kabupaten: {sorted(stray)}")
    if (codes == "").any():
        unknown = pd.DataFrame({"kode_kecamatan": [""], "kecamatan": [TIDAK_DIKETAHUI]})
        kec = pd.concat([kec, unknown], ignore_index=True)
    return kec, codes


def desil_kabupaten(hh: pd.DataFrame) -> pd.DataFrame:
    """``desil`` (the 12 rows of :data:`LABELS`), ``rumah_tangga, jiwa, rt_bpnt, rt_pbi_jkn,
    rt_pkh`` (int64) for the whole kabupaten."""
    sums = _measures(hh).groupby(desil_label(hh), sort=False).sum()
    vals = sums.reindex(list(LABELS)).fillna(0).astype("int64").reset_index(drop=True)
    return pd.concat([pd.DataFrame({"desil": list(LABELS)}, dtype=object), vals], axis=1)


def rekap_desil_lengkap(hh: pd.DataFrame, kode: str) -> pd.DataFrame:
    """As :func:`desil_kabupaten` per kecamatan (``kode_kecamatan, kecamatan, desil, ...``):
    every kecamatan of the reference list with its 12 rows, zeros included (unsuppressed)."""
    kec, codes = _kecamatan(hh, kode)
    m = _measures(hh)
    sums = m.groupby([codes, desil_label(hh)], sort=False).sum()
    n = len(LABELS)
    out = pd.DataFrame(
        {
            "kode_kecamatan": np.repeat(kec["kode_kecamatan"].to_numpy(dtype=object), n),
            "kecamatan": np.repeat(kec["kecamatan"].to_numpy(dtype=object), n),
            "desil": np.tile(np.asarray(LABELS, dtype=object), len(kec)),
        }
    )
    idx = pd.MultiIndex.from_arrays([out["kode_kecamatan"], out["desil"]])
    vals = sums.reindex(idx).fillna(0).astype("int64").reset_index(drop=True)
    return pd.concat([out, vals], axis=1)


def protect(
    full: pd.DataFrame, min_cell: int, sasaran: Mapping[str, int]
) -> tuple[pd.DataFrame, desil_protect.Mask]:
    """(``rekap_desil`` as published: cells hidden as ``<NA>``, the mask of every desil table).

    The cells are chosen by :func:`desil_protect.protect` against an attacker who knows every
    published table of the month at once (``rekap_desil``, ``desil_kabupaten``,
    ``ketepatan_sasaran``, the kecamatan totals); a primary cell that no suppression protects
    is logged.
    """
    mask = desil_protect.protect(full, list(COUNTS), min_cell, sasaran)
    if mask.tidak:
        log.warning("rekap_desil: sel tersembunyi yang tetap dapat dihitung: %s", mask.tidak)
    out = full.reset_index(drop=True).copy()
    for j, col in enumerate(COUNTS):
        out[col] = out[col].astype("Int64").mask(mask.rekap[:, j])
    return out, mask


def rekap_desil(hh: pd.DataFrame, kode: str, min_cell: int, sasaran: Mapping[str, int]):
    """(published ``rekap_desil``, unsuppressed table)."""
    full = rekap_desil_lengkap(hh, kode)
    return protect(full, min_cell, sasaran)[0], full


def hide_kabupaten(dk: pd.DataFrame, mask: desil_protect.Mask) -> pd.DataFrame:
    """``desil_kabupaten`` with the cells of ``mask.kabupaten`` (``(desil, column)``) hidden."""
    out = dk.copy()
    for col in COUNTS:
        hidden = [d for d, c in mask.kabupaten if c == col]
        out[col] = out[col].astype("Int64").mask(out["desil"].isin(hidden).to_numpy())
    return out


def hide_ketepatan(ket: pd.DataFrame, mask: desil_protect.Mask) -> pd.DataFrame:
    """``ketepatan_sasaran`` with the kecamatan sums of ``mask`` hidden, and every cell that
    would give them back: a hidden ``rt_penerima_sasaran`` hides ``rt_penerima_luar_sasaran``,
    ``rt_sasaran_tidak_menerima`` and both percentages; a hidden ``rt_sasaran`` hides
    ``rt_sasaran_tidak_menerima`` and ``persen_salah_eksklusi``."""
    keys = list(zip(ket["kode_kecamatan"], ket["program"], strict=True))
    ps = np.array([k in mask.penerima for k in keys], dtype=bool)
    batas = ket["batas_desil"].to_numpy(dtype=np.int64)
    s = np.array([(k, int(b)) in mask.sasaran for (k, _), b in zip(keys, batas, strict=True)])
    s = s.astype(bool)
    hide = {
        "rt_penerima_sasaran": ps,
        "rt_penerima_luar_sasaran": ps,
        "rt_sasaran": s,
        "rt_sasaran_tidak_menerima": ps | s,
        "persen_salah_inklusi": ps,
        "persen_salah_eksklusi": ps | s,
    }
    out = ket.copy()
    for col, h in hide.items():
        out[col] = (out[col] if col.startswith("persen") else out[col].astype("Int64")).mask(h)
    return out


def ketepatan_sasaran(
    hh: pd.DataFrame, kode: str, kabupaten_nama: str, sasaran: Mapping[str, int]
) -> pd.DataFrame:
    """Inclusion and exclusion errors per program: the kabupaten row (``kode_kecamatan`` = the
    kabupaten's code) then every kecamatan (code order; "Tidak diketahui" when it holds
    households), each with the programs in :data:`PROGRAMS` order.

    ``persen_salah_inklusi`` = ``rt_penerima_luar_sasaran / rt_penerima x 100``;
    ``persen_salah_eksklusi`` = ``rt_sasaran_tidak_menerima / rt_sasaran x 100`` (NaN when the
    denominator is 0).
    """
    kec, codes = _kecamatan(hh, kode)
    regions = pd.concat(
        [pd.DataFrame({"kode_kecamatan": [kode], "kecamatan": [kabupaten_nama]}), kec],
        ignore_index=True,
    )
    parts = []
    for prog in PROGRAMS:
        batas = int(sasaran[prog])
        penerima = hh[prog].fillna(False).astype(bool).to_numpy()
        target = _target(hh, batas)
        ind = pd.DataFrame(
            {
                "rt_penerima": penerima,
                "rt_penerima_sasaran": penerima & target,
                "rt_penerima_luar_sasaran": penerima & ~target,
                "rt_sasaran": target,
                "rt_sasaran_tidak_menerima": target & ~penerima,
            }
        ).astype(np.int64)
        by_kec = ind.groupby(codes, sort=False).sum()
        sums = pd.concat([ind.sum().to_frame(kode).T, by_kec])
        vals = sums.reindex(regions["kode_kecamatan"]).fillna(0).astype("int64")
        part = regions.assign(program=prog, batas_desil=np.int64(batas), _urut=range(len(regions)))
        parts.append(pd.concat([part, vals.reset_index(drop=True)], axis=1))
    out = pd.concat(parts, ignore_index=True).sort_values("_urut", kind="stable")
    out = out.drop(columns="_urut").reset_index(drop=True)
    out["persen_salah_inklusi"] = _persen(out["rt_penerima_luar_sasaran"], out["rt_penerima"])
    out["persen_salah_eksklusi"] = _persen(out["rt_sasaran_tidak_menerima"], out["rt_sasaran"])
    return out[list(KETEPATAN_COLUMNS)]


def _persen(num: pd.Series, den: pd.Series) -> pd.Series:
    n, d = num.to_numpy(dtype="float64"), den.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(d > 0, 100.0 * n / d, np.nan), index=num.index, dtype="float64")


def arus_desil(prev_hh: pd.DataFrame, cur_hh: pd.DataFrame) -> pd.DataFrame:
    """Households by desil row last DTSEN month (``desil_lalu``; ``masuk``: not there then) x
    this month (columns :data:`LABELS`; ``keluar``: not there now), matched by ``kunci``."""
    n = len(LABELS)
    pos = {label: i for i, label in enumerate(LABELS)}
    prev = pd.Series(desil_label(prev_hh), index=prev_hh["kunci"].to_numpy()).map(pos)
    cur = pd.Series(desil_label(cur_hh), index=cur_hh["kunci"].to_numpy()).map(pos)
    row = prev.reindex(cur.index).fillna(n).to_numpy(dtype=np.int64)  # n: masuk
    col = cur.to_numpy(dtype=np.int64)
    gone = prev[~prev.index.isin(cur.index)].to_numpy(dtype=np.int64)
    grid = np.zeros((n + 1, n + 1), dtype=np.int64)
    np.add.at(grid, (row, col), 1)
    np.add.at(grid, (gone, np.full(len(gone), n)), 1)
    out = pd.DataFrame(grid, columns=[*LABELS, KELUAR])
    out.insert(0, "desil_lalu", np.asarray([*LABELS, MASUK], dtype=object))
    return out


def desil_tables(
    adjusted: Mapping[str, tuple[pd.DataFrame, pd.DataFrame]], month: str, settings: Settings
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """(the month's published DTSEN tables, the unsuppressed ``rekap_desil``: never published)
    from the adjusted households of every month up to it; ``arus_desil`` only when an earlier
    month has DTSEN households (the latest such month). The tables are protected together
    (:func:`protect`); key :data:`SENSOR` holds the rows of their information loss for
    ``kualitas_data`` (not a table)."""
    hh = adjusted[month][0]
    kode, sasaran = settings.kabupaten_kode, settings.sasaran_desil
    lengkap = rekap_desil_lengkap(hh, kode)
    terbit, mask = protect(lengkap, settings.min_cell, sasaran)
    ket = ketepatan_sasaran(hh, kode, settings.kabupaten_nama, sasaran)
    out = {
        "desil_kabupaten": hide_kabupaten(desil_kabupaten(hh), mask),
        "rekap_desil": terbit,
        "ketepatan_sasaran": hide_ketepatan(ket, mask),
    }
    earlier = [m for m in sorted(adjusted) if m < month and has_dtsen(adjusted[m][0])]
    if earlier:
        out["arus_desil"] = arus_desil(adjusted[earlier[-1]][0], hh)
    out[SENSOR] = information_loss(lengkap, out, settings.min_cell)
    return out, lengkap


#: key of :func:`desil_tables`' information-loss rows (appended to ``kualitas_data``)
SENSOR = "sensor_desil"
KEHILANGAN = (
    "sensor_desil_sel_primer",
    "sensor_desil_sel_sekunder",
    "sensor_desil_rt",
    "sensor_desil_kabupaten",
    "sensor_desil_ketepatan",
)


def information_loss(
    full: pd.DataFrame, tables: Mapping[str, pd.DataFrame], min_cell: int
) -> pd.DataFrame:
    """What the protection of the desil tables hid, as ``kualitas_data`` rows (``tingkat``
    "sensor", unit in each ``uraian``): ``rekap_desil`` cells hidden (primary: 1..min_cell or
    the rest of the row of a small ``rumah_tangga``; secondary), households in its hidden
    household cells (a household counts once per column), ``desil_kabupaten`` cells and
    ``ketepatan_sasaran`` count cells hidden."""
    cols = list(COUNTS)
    pub = tables["rekap_desil"]
    mask = pd.DataFrame(pub[cols].isna().to_numpy(), columns=cols)
    work = full.reset_index(drop=True)
    prim, sec = disclosure.hidden_kinds(work, mask, min_cell)
    hh_cols = np.array([c != "jiwa" for c in cols])
    v = work[cols].to_numpy(dtype=np.int64)
    counts = [c for c in KETEPATAN_COLUMNS[4:] if c.startswith("rt_")]
    kecil = f"1–{min_cell}"
    rows = [
        (
            int(prim.sum()),
            f"Sel tabel desil menurut kecamatan yang disembunyikan karena bernilai {kecil} atau "
            f"barisnya hanya berisi {kecil} rumah tangga (primer); satuan: sel",
        ),
        (
            int(sec.sum()),
            "Sel tabel desil menurut kecamatan yang ikut disembunyikan sebagai pelindung "
            "(sekunder); satuan: sel",
        ),
        (
            int((v * ((prim | sec) & hh_cols)).sum()),
            "Jumlah nilai sel tabel desil menurut kecamatan yang disembunyikan pada kolom rumah "
            "tangga dan penerima program (satu rumah tangga dihitung pada tiap kolom); satuan: "
            "rumah tangga",
        ),
        (
            int(tables["desil_kabupaten"][cols].isna().to_numpy().sum()),
            "Sel tabel desil kabupaten yang disembunyikan sebagai pelindung; satuan: sel",
        ),
        (
            int(tables["ketepatan_sasaran"][counts].isna().to_numpy().sum()),
            "Sel jumlah rumah tangga tabel ketepatan sasaran yang disembunyikan sebagai "
            "pelindung; satuan: sel",
        ),
    ]
    return pd.DataFrame(
        {
            "kode_aturan": list(KEHILANGAN),
            "tingkat": "sensor",
            "uraian": [u for _, u in rows],
            "jumlah_catatan": np.array([n for n, _ in rows], dtype="int64"),
        }
    )
