"""HTML of the report's month tables (households, programs, combinations, flows, trend,
characteristics) and of the village annex. Every caption and source line names the month's
source (``sumber_data``: "DTKS", "DTSEN" or "DTSEN dan DTKS"; default DTKS)."""

from __future__ import annotations

import html

import pandas as pd

from dtks_analysis.config import Settings
from dtks_analysis.counting import stats
from dtks_analysis.formatting import bulan_id, source_line_periode
from dtks_analysis.publishing import tables
from dtks_analysis.publishing.tabel_html import table_html
from dtks_analysis.vocab import PROGRAM_LABELS, PROGRAMS, TIDAK_DIKETAHUI


def _p(text: str) -> str:
    return f"<p>{html.escape(str(text))}</p>"


def rumah_tangga_html(
    rekap: pd.DataFrame, month: str, instansi: str, sumber_data: str = "DTKS"
) -> str:
    """Households, persons and recipients of any program per kecamatan, with the kabupaten
    total (the programs one by one: :func:`program_table_html`)."""
    return table_html(
        rekap[["kecamatan", "rumah_tangga", "jiwa", "rt_bansos", "rt_imputasi"]],
        caption=tables.caption("rekap_kecamatan", month, sumber_data=sumber_data),
        month=month,
        int_cols=["rumah_tangga", "jiwa", "rt_bansos", "rt_imputasi"],
        total=True,
        note="RT imputasi: rumah tangga desa yang tidak melapor, dibawa dari bulan lalu.",
        instansi=instansi,
        sumber_data=sumber_data,
    )


def program_table_html(
    rekap: pd.DataFrame, month: str, instansi: str, sumber_data: str = "DTKS"
) -> str:
    """Table 2: recipients per program and their coverage (``stats.cakupan``) per kecamatan."""
    cak = stats.cakupan(rekap, "")  # the kabupaten row's code is not shown
    pct = {f"persen_{p}": cak[f"persen_{p}"] / 100 for p in PROGRAMS}
    cols = [c for p in PROGRAMS for c in (f"rt_{p}", f"persen_{p}")]
    out = pd.DataFrame({"kecamatan": rekap["kecamatan"].to_numpy()})
    for p in PROGRAMS:
        out[f"rt_{p}"] = rekap[f"rt_{p}"].to_numpy()
        out[f"persen_{p}"] = pct[f"persen_{p}"].iloc[:-1].to_numpy()
    totals = rekap[[f"rt_{p}" for p in PROGRAMS]].sum()
    total: dict = {"kecamatan": "Jumlah"}
    for p in PROGRAMS:
        total[f"rt_{p}"] = totals[f"rt_{p}"]
        total[f"persen_{p}"] = pct[f"persen_{p}"].iloc[-1]
    return table_html(
        out[["kecamatan", *cols]],
        caption=tables.caption("cakupan_program", month, sumber_data=sumber_data),
        month=month,
        int_cols=[f"rt_{p}" for p in PROGRAMS],
        pct_cols=[f"persen_{p}" for p in PROGRAMS],
        total=total,
        note=f"Cakupan: persentase terhadap seluruh rumah tangga {sumber_data} di kecamatan tersebut.",
        instansi=instansi,
        sumber_data=sumber_data,
    )


def kombinasi_html(komb: pd.DataFrame, month: str, instansi: str, sumber_data: str = "DTKS") -> str:
    df = komb.copy()
    yes = {1: "Ya", 0: "Tidak"}
    for key in PROGRAMS:
        df[key] = df[key].map(yes)
    total = df["rumah_tangga"].sum()
    df["persen"] = df["rumah_tangga"] / total if total else None
    df = df[[*PROGRAMS, "rumah_tangga", "persen"]]
    return table_html(
        df,
        caption=tables.caption("kombinasi_program", month, sumber_data=sumber_data),
        month=month,
        int_cols=["rumah_tangga"],
        pct_cols=["persen"],
        instansi=instansi,
        sumber_data=sumber_data,
    )


def arus_html(
    arus: pd.DataFrame,
    month: str,
    previous_month: str | None,
    instansi: str,
    sumber_data: str = "DTKS",
) -> str:
    df = arus.copy()
    df["program"] = df["program"].map(PROGRAM_LABELS)
    note = None
    if previous_month is None:
        note = "Bulan lalu tidak tersedia: arus tidak dapat dihitung untuk bulan ini."
    return table_html(
        df,
        caption=tables.caption("arus_program", month, sumber_data=sumber_data),
        month=month,
        int_cols=["bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini"],
        note=note,
        instansi=instansi,
        sumber_data=sumber_data,
    )


def karakteristik_html(extra: dict, month: str, instansi: str, sumber_data: str = "DTKS") -> str:
    """Household size, head's sex (shares: stats gives percent 0-100) and age structure."""
    parts = []
    for name in ("ukuran_rumah_tangga", "jk_kepala"):
        df = extra[name].copy()
        df["persen"] = df["persen"] / 100
        parts.append(
            table_html(
                df,
                caption=tables.caption(name, month, sumber_data=sumber_data),
                month=month,
                int_cols=["rumah_tangga"],
                pct_cols=["persen"],
                table=name,
                total={df.columns[0]: "Jumlah", "rumah_tangga": int(df["rumah_tangga"].sum())},
                instansi=instansi,
                sumber_data=sumber_data,
            )
        )
    if "struktur_umur" in extra:
        umur = extra["struktur_umur"]
        parts.append(
            table_html(
                umur,
                caption=tables.caption("struktur_umur", month, sumber_data=sumber_data),
                month=month,
                int_cols=list(umur.columns[1:]),
                table="struktur_umur",
                total=True,
                instansi=instansi,
                sumber_data=sumber_data,
            )
        )
    return "".join(parts)


def tren_html(
    tren: pd.DataFrame,
    month: str,
    instansi: str,
    sumber_data: str = "DTKS",
    note: str | None = None,
) -> str:
    """Households and recipients per month (the months of the trend chart), months in words;
    ``sumber_data``: the sources of those months, ``note``: e.g. the change of source."""
    df = tren.copy()
    df["bulan"] = df["bulan"].map(bulan_id)
    return table_html(  # the source names the months shown, as the trend chart's does
        df,
        caption=tables.caption("tren_bulanan", month, sumber_data=sumber_data),
        month=month,
        int_cols=list(df.columns[1:]),
        table="tren_bulanan",
        note=note,
        instansi=instansi,
        sumber=source_line_periode(tren["bulan"], instansi, sumber_data),
    )


def annex_html(
    rekap_desa: pd.DataFrame,
    month: str,
    settings: Settings,
    dtsen: bool = False,
    sumber_data: str = "DTKS",
) -> str:
    """The annex: the village table per kecamatan (``sumber_data``: the month's source)."""
    parts = []
    cols = ["desa", "rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh", "rt_imputasi"]
    note = (
        f"–: disembunyikan (nilai 1–{settings.min_cell}, atau untuk mencegah penghitungan ulang "
        f"dari total kecamatan)."
    )
    for (_kode, kec), df in rekap_desa.groupby(
        ["kode_kecamatan", "kecamatan"], sort=True, dropna=False
    ):
        label = kec if isinstance(kec, str) and kec else TIDAK_DIKETAHUI
        parts.append(
            table_html(
                df[cols].reset_index(drop=True),
                caption=tables.caption(
                    "rekap_desa", month, f"Kecamatan {label}", dtsen=dtsen, sumber_data=sumber_data
                ),
                month=month,
                int_cols=cols[1:],
                note=note,
                total=False,
                instansi=settings.instansi,
                sumber_data=sumber_data,
                # continued over pages with "(lanjutan)" and the kecamatan in the caption
                bersambung=True,
                kelas="lampiran",
            )
        )
    parts.append(
        _p(f"Kontak: {settings.instansi}, {settings.alamat_instansi}. {settings.kontak_instansi}.")
    )
    return "".join(parts)


def umur_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Age structure in long form (``kelompok_umur, jenis_kelamin, jiwa``) for the pyramid chart."""
    long = wide.melt(
        id_vars="kelompok_umur",
        value_vars=["laki_laki", "perempuan"],
        var_name="jenis_kelamin",
        value_name="jiwa",
    )
    long["jenis_kelamin"] = long["jenis_kelamin"].map({"laki_laki": "L", "perempuan": "P"})
    return long
