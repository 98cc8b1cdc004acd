"""Truth of the DTSEN tables (issue #13), from the households as the written rows make them.

Computed here, apart from the pipeline, with the default parameters: ``desil_acuan: nasional``
and ``sasaran_desil: {bpnt: 4, pbi_jkn: 5, pkh: 4}``. A household's desil is the first valid
value of its counted member rows in file order (a desil outside 1..10 counts as not ranked); a
nonaktif family is ``nonaktif`` whatever its desil; a recipient that is not ranked or nonaktif is
outside the target.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .dtsen_month import DtsenMonth
from .dtsen_welfare import RANKINGS
from .reference import Reference
from .truth import UNKNOWN

DESIL_ACUAN = "desil_nasional"
SASARAN_DESIL = {"bpnt": 4, "pbi_jkn": 5, "pkh": 4}
LABELS = [str(d) for d in range(1, 11)] + ["belum_diperingkat", "nonaktif"]
DESIL_MEASURES = ["rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"]


def household_desil(facts: pd.DataFrame, hh: pd.DataFrame) -> pd.DataFrame:
    """``hh`` with desil_nasional/provinsi/kabupaten_kota (Int8) and nonaktif (bool) added."""
    c = facts[facts["counted"]]
    out = hh.copy()
    for r in RANKINGS:
        first = c[["no_kk", r]].dropna().drop_duplicates("no_kk").set_index("no_kk")[r]
        out[r] = out["no_kk"].map(first).astype("Int8")
    non = c.drop_duplicates("no_kk").set_index("no_kk")["nonaktif"]
    out["nonaktif"] = out["no_kk"].map(non).fillna(False).astype(bool)
    return out


def label(adj: pd.DataFrame, acuan: str = DESIL_ACUAN) -> pd.Series:
    """Row label of each household: "1".."10", "belum_diperingkat" or "nonaktif"."""
    d = adj[acuan].astype("Int8")
    lab = d.astype("string").fillna("belum_diperingkat")
    return lab.where(~adj["nonaktif"].to_numpy(bool), "nonaktif").astype(object)


def _measures(a: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    g = a.groupby(by, sort=False)
    return pd.DataFrame(
        {
            "rumah_tangga": g.size(),
            "jiwa": g["jiwa"].sum(),
            "rt_bpnt": g["bpnt"].sum(),
            "rt_pbi_jkn": g["pbi_jkn"].sum(),
            "rt_pkh": g["pkh"].sum(),
        }
    )


def desil_kabupaten(adj: pd.DataFrame, acuan: str = DESIL_ACUAN) -> pd.DataFrame:
    """Households, persons and recipients per desil label (12 rows, zeros included)."""
    a = adj.assign(desil=label(adj, acuan))
    m = _measures(a, ["desil"]).reindex(LABELS, fill_value=0)
    return m.rename_axis("desil").reset_index().astype({k: "int64" for k in DESIL_MEASURES})


def _areas(adj: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Kecamatan of the kabupaten in order, plus the unknown one when a household has it."""
    kec = ref.kecamatan[["kode", "nama"]].set_axis(["kode_kecamatan", "kecamatan"], axis=1)
    if adj["kode_kecamatan"].isna().any():
        kec = pd.concat(
            [kec, pd.DataFrame([{"kode_kecamatan": "", "kecamatan": UNKNOWN}])],
            ignore_index=True,
        )
    return kec


def rekap_desil(adj: pd.DataFrame, ref: Reference, acuan: str = DESIL_ACUAN) -> pd.DataFrame:
    """desil_kabupaten by kecamatan (long: kecamatan x 12 labels), unsuppressed."""
    a = adj.assign(desil=label(adj, acuan), kk=adj["kode_kecamatan"].fillna(""))
    m = _measures(a, ["kk", "desil"])
    kec = _areas(adj, ref)
    grid = pd.MultiIndex.from_product([kec["kode_kecamatan"], LABELS], names=["kk", "desil"])
    m = m.reindex(grid, fill_value=0).reset_index()
    out = m.merge(kec, left_on="kk", right_on="kode_kecamatan", how="left")
    out = out[["kode_kecamatan", "kecamatan", "desil", *DESIL_MEASURES]]
    return out.astype({k: "int64" for k in DESIL_MEASURES}).reset_index(drop=True)


def ketepatan_sasaran(
    adj: pd.DataFrame,
    ref: Reference,
    acuan: str = DESIL_ACUAN,
    sasaran: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Inclusion / exclusion of each program: kabupaten first, then each kecamatan."""
    sasaran = sasaran or SASARAN_DESIL
    d = adj[acuan].astype("Float64").fillna(99).to_numpy(float)
    aktif = ~adj["nonaktif"].to_numpy(bool)
    kk = adj["kode_kecamatan"].fillna("").to_numpy()
    areas = [(ref.kode, ref.nama, np.ones(len(adj), bool))]
    areas += [(k, n, kk == k) for k, n in _areas(adj, ref).itertuples(index=False)]
    rows = []
    for kode, nama, where in areas:
        for p, batas in sasaran.items():
            rec = adj[p].to_numpy(bool) & where
            tgt = aktif & (d <= batas) & where
            n_rec, n_tgt = int(rec.sum()), int(tgt.sum())
            luar, tidak = int((rec & ~tgt).sum()), int((tgt & ~rec).sum())
            rows.append(
                {
                    "kode_kecamatan": kode,
                    "kecamatan": nama,
                    "program": p,
                    "batas_desil": batas,
                    "rt_penerima": n_rec,
                    "rt_penerima_sasaran": int((rec & tgt).sum()),
                    "rt_penerima_luar_sasaran": luar,
                    "rt_sasaran": n_tgt,
                    "rt_sasaran_tidak_menerima": tidak,
                    "persen_salah_inklusi": luar / n_rec * 100 if n_rec else np.nan,
                    "persen_salah_eksklusi": tidak / n_tgt * 100 if n_tgt else np.nan,
                }
            )
    return pd.DataFrame(rows)


def arus_desil(adj: pd.DataFrame, prev: pd.DataFrame, acuan: str = DESIL_ACUAN) -> pd.DataFrame:
    """Households by last month's label (rows, + ``masuk``) x this month's (columns, + ``keluar``)."""
    now = pd.Series(label(adj, acuan).to_numpy(), index=adj["no_kk"].to_numpy())
    before = pd.Series(label(prev, acuan).to_numpy(), index=prev["no_kk"].to_numpy())
    both = pd.DataFrame({"lalu": before}).join(pd.DataFrame({"ini": now}), how="outer")
    both = both.fillna({"lalu": "masuk", "ini": "keluar"})
    t = pd.crosstab(both["lalu"], both["ini"])
    t = t.reindex(index=[*LABELS, "masuk"], columns=[*LABELS, "keluar"], fill_value=0)
    t = t.rename_axis(index="desil_lalu", columns=None).reset_index()
    return t.astype({c: "int64" for c in t.columns if c != "desil_lalu"})


def _write(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n")


def write_dtsen_truth(
    tdir: Path, adj: pd.DataFrame, prev: pd.DataFrame | None, ref: Reference
) -> None:
    """The four DTSEN truth tables of a month (arus_desil only after a DTSEN month)."""
    _write(desil_kabupaten(adj), tdir / "desil_kabupaten.csv")
    _write(rekap_desil(adj, ref), tdir / "rekap_desil.csv")
    _write(ketepatan_sasaran(adj, ref), tdir / "ketepatan_sasaran.csv")
    if prev is not None:
        _write(arus_desil(adj, prev), tdir / "arus_desil.csv")


def desil_dtypes(adj: pd.DataFrame) -> pd.DataFrame:
    """Desil columns Int8 and nonaktif bool after carried-forward (DTKS) households joined."""
    adj = adj.copy()
    for r in RANKINGS:
        adj[r] = adj[r].astype("Int8") if r in adj else pd.array([pd.NA] * len(adj), "Int8")
    non = adj["nonaktif"] if "nonaktif" in adj else pd.Series(False, index=adj.index)
    adj["nonaktif"] = non.astype("boolean").fillna(False).astype(bool)
    return adj


def dtsen_stats(adj: pd.DataFrame, dm: DtsenMonth, sumber: str = "dtsen") -> dict:
    """Extra summary.json keys of a DTSEN (or mixed) month."""
    lab = label(adj)
    style = dm.style
    return {
        "sumber": sumber,
        "rt_belum_diperingkat": int((lab == "belum_diperingkat").sum()),
        "rt_nonaktif": int((lab == "nonaktif").sum()),
        "keluarga_tanpa_anggota": int((dm.keluarga["fid"] < 0).sum()),
        "gaya_berkas": {
            "format": [style.fmt_keluarga, style.fmt_anggota],
            "pemisah": [style.delimiter_keluarga, style.delimiter_anggota],
            "judul_kolom": [style.header_keluarga, style.header_anggota],
        },
    }
