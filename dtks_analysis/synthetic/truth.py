"""Ground truth of a month, computed from the rows as written (DOMAIN.md section 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .reference import Reference

MEASURES = ("rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh", "rt_bansos", "rt_imputasi")
UNKNOWN = "Tidak diketahui"
HH_COLUMNS = [
    "no_kk", "kode_kecamatan", "kecamatan", "kode_desa", "desa", "jiwa", "bpnt", "pbi_jkn", "pkh",
    "imputasi",
]  # fmt: skip


def _mode_first(keys: np.ndarray, values: pd.Series, pos: np.ndarray) -> pd.Series:
    """Most frequent value per key; ties -> the value seen first (lowest position)."""
    # keys and values as integer codes (a missing key has no group, as in a groupby)
    kc, ku = pd.factorize(keys)
    vc, vu = pd.factorize(values.fillna("").to_numpy(), use_na_sentinel=False)
    d = pd.DataFrame({"k": kc, "v": vc, "p": pos})[kc >= 0]
    g = d.groupby(["k", "v"], sort=False).agg(n=("p", "size"), first=("p", "min")).reset_index()
    g = g.sort_values(["k", "n", "first"], ascending=[True, False, True])
    g = g.drop_duplicates("k")
    return pd.Series(vu[g["v"].to_numpy()], index=ku[g["k"].to_numpy()], name="v")


def households(facts: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """One row per usable No KK among counted rows (rows already in file order)."""
    c = facts[facts["counted"]]
    pos = np.arange(len(c))
    keys = c["no_kk"].to_numpy()
    kec = _mode_first(keys, c["kode_kecamatan"], pos)
    # village: most frequent among the household's rows in its kecamatan
    in_kec = c["kode_kecamatan"].fillna("").to_numpy() == kec.reindex(keys).to_numpy()
    ds = _mode_first(keys[in_kec], c["kode_desa"][in_kec], pos[in_kec])
    g = c.groupby("no_kk", sort=True)
    hh = pd.DataFrame(
        {
            "jiwa": g.size(),
            "bpnt": g["bpnt"].any(),
            "pbi_jkn": g["pbi_jkn"].any(),
            "pkh": g["pkh"].any(),
        }
    )
    hh["kode_kecamatan"] = kec.reindex(hh.index).replace("", None)
    hh["kode_desa"] = ds.reindex(hh.index).replace("", None)
    kn = dict(zip(ref.kecamatan["kode"], ref.kecamatan["nama"], strict=True))
    dn = dict(zip(ref.desa["kode"], ref.desa["nama"], strict=True))
    hh["kecamatan"] = hh["kode_kecamatan"].map(kn)
    hh["desa"] = hh["kode_desa"].map(dn)
    hh["imputasi"] = False
    hh = hh.reset_index().rename(columns={"index": "no_kk"})
    return hh[HH_COLUMNS]


def carry_forward(
    hh: pd.DataFrame, prev: pd.DataFrame | None, responding: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adjusted households (observed + imputed) and the non-response table."""
    empty = pd.DataFrame(
        {
            "kode_desa": pd.Series(dtype=object),
            "desa": pd.Series(dtype=object),
            "rumah_tangga": pd.Series(dtype="int64"),
        }
    )
    if prev is None or prev.empty:
        return hh, empty
    obs = prev[~prev["imputasi"] & prev["kode_desa"].notna()]
    nonresp = sorted(set(obs["kode_desa"]) - responding)
    if not nonresp:
        return hh, empty
    cf = obs[obs["kode_desa"].isin(nonresp) & ~obs["no_kk"].isin(hh["no_kk"])].copy()
    cf["imputasi"] = True
    nr = (
        cf.groupby(["kode_desa", "desa"]).size().rename("rumah_tangga").reset_index()
        if len(cf)
        else empty
    )
    nr = (
        pd.DataFrame({"kode_desa": nonresp})
        .merge(obs[["kode_desa", "desa"]].drop_duplicates(), on="kode_desa")
        .merge(nr[["kode_desa", "rumah_tangga"]], on="kode_desa", how="left")
        .fillna({"rumah_tangga": 0})
        .astype({"rumah_tangga": "int64"})
    )
    adj = pd.concat([hh, cf[HH_COLUMNS]], ignore_index=True)
    return adj.sort_values("no_kk").reset_index(drop=True), nr


def _measures(g: pd.core.groupby.DataFrameGroupBy) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rumah_tangga": g.size(),
            "jiwa": g["jiwa"].sum(),
            "rt_bpnt": g["bpnt"].sum(),
            "rt_pbi_jkn": g["pbi_jkn"].sum(),
            "rt_pkh": g["pkh"].sum(),
            "rt_bansos": g["bansos"].sum(),
            "rt_imputasi": g["imputasi"].sum(),
        }
    )


def rekap(adj: pd.DataFrame, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """rekap_kecamatan and rekap_desa (all official units, zero rows included)."""
    a = adj.assign(
        bansos=adj["bpnt"] | adj["pbi_jkn"] | adj["pkh"],
        kk=adj["kode_kecamatan"].fillna(""),
        kd=adj["kode_desa"].fillna(""),
    )
    mk = _measures(a.groupby("kk"))
    kec = ref.kecamatan[["kode", "nama"]].rename(
        columns={"kode": "kode_kecamatan", "nama": "kecamatan"}
    )
    rk = kec.merge(mk, left_on="kode_kecamatan", right_index=True, how="left")
    if "" in mk.index:
        rk = pd.concat(
            [
                rk,
                pd.DataFrame(
                    [{"kode_kecamatan": "", "kecamatan": UNKNOWN, **mk.loc[""].to_dict()}]
                ),
            ]
        )
    rk = rk.fillna({m: 0 for m in MEASURES}).astype({m: "int64" for m in MEASURES})
    md = _measures(a.groupby(["kk", "kd"]))
    des = ref.desa[["kode_kec", "kecamatan", "kode", "nama"]].set_axis(
        ["kode_kecamatan", "kecamatan", "kode_desa", "desa"], axis=1
    )
    rd = des.merge(md, left_on=["kode_kecamatan", "kode_desa"], right_index=True, how="left")
    unk = md[md.index.get_level_values(1) == ""]
    extra = []
    kn = dict(zip(ref.kecamatan["kode"], ref.kecamatan["nama"], strict=True))
    for (kk, _), row in unk.iterrows():
        extra.append(
            {
                "kode_kecamatan": kk,
                "kecamatan": kn.get(kk, UNKNOWN),
                "kode_desa": "",
                "desa": UNKNOWN,
                **row.to_dict(),
            }
        )
    if extra:
        rd = pd.concat([rd, pd.DataFrame(extra)], ignore_index=True)
    rd = rd.fillna({m: 0 for m in MEASURES}).astype({m: "int64" for m in MEASURES})
    rd = rd.sort_values(
        ["kode_kecamatan", "kode_desa"], key=lambda s: s.replace("", "~")
    ).reset_index(drop=True)
    return rk.reset_index(drop=True), rd


def kombinasi(adj: pd.DataFrame) -> pd.DataFrame:
    """Households per combination of the three programs (8 rows)."""
    idx = pd.MultiIndex.from_product([[0, 1]] * 3, names=["bpnt", "pbi_jkn", "pkh"])
    c = adj.groupby(
        [adj["bpnt"].astype(int), adj["pbi_jkn"].astype(int), adj["pkh"].astype(int)]
    ).size()
    c = c.reindex(idx, fill_value=0).rename("rumah_tangga").reset_index()
    return c.astype("int64")


def arus(adj: pd.DataFrame, prev_adj: pd.DataFrame | None) -> pd.DataFrame:
    """Program flows between last month's and this month's adjusted households."""
    rows = []
    for p in ("bpnt", "pbi_jkn", "pkh"):
        now = set(adj.loc[adj[p], "no_kk"])
        if prev_adj is None:
            rows.append(
                {
                    "program": p,
                    "bulan_lalu": None,
                    "baru": None,
                    "keluar": None,
                    "bertahan": None,
                    "bulan_ini": len(now),
                }
            )
            continue
        before = set(prev_adj.loc[prev_adj[p], "no_kk"])
        rows.append(
            {
                "program": p,
                "bulan_lalu": len(before),
                "baru": len(now - before),
                "keluar": len(before - now),
                "bertahan": len(now & before),
                "bulan_ini": len(now),
            }
        )
    return pd.DataFrame(rows).astype(
        {c: "Int64" for c in ("bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini")}
    )
