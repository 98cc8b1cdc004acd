"""The report page "Kualitas data desa dari bulan ke bulan" (issue 14): villages improving and
worsening, the grade of the worst villages month by month (heat map), villages per grade per
month, and the map of this month's grades (docs/kualitas_desa.md).

Input is the history of ``counting.village_quality.village_history`` (counts of rows and
findings per village and month: no person data, no disclosure control needed). Notebook 02
calls :func:`section_html`; the Dinas workbook and the camat pages are in
:mod:`~dtks_analysis.publishing.kualitas_desa_files`.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch

from dtks_analysis.config import Settings
from dtks_analysis.counting import village_quality as vq
from dtks_analysis.formatting import bulan_id, fmt_dec, fmt_int, periode_id, source_line_periode
from dtks_analysis.publishing import blocks, tables
from dtks_analysis.publishing import boundaries as geo
from dtks_analysis.publishing.chart_style import TINTA, TINTA_LEMBUT, WIDTH, new_figure, styled
from dtks_analysis.publishing.charts import gambar_html

#: fill per grade: light (good) -> dark (bad), apart in greyscale; "tidak mengirim" white
GRADE_COLORS: dict[str, str] = {
    "A": "#e3ecf5",
    "B": "#9dbbd6",
    "C": "#4f7fab",
    "D": "#1f2933",
    vq.TIDAK_MENGIRIM: "#ffffff",
}
#: the letter printed in a heat-map cell, dark on light fills and white on dark ones
GRADE_INK: dict[str, str] = {"A": TINTA, "B": TINTA, "C": "white", "D": "white", "TM": TINTA}
#: villages in the heat map: the worst by their grades over the months (Dairi's 169 would not fit
#: an A4 page legibly; every village is in the workbook and in its camat's page)
HEATMAP_TOP = 30
#: rows of the improving / worsening tables
TOP_CHANGES = 15


def month_label(month: str) -> str:
    """``"Des 2023"``: the short month of a heat-map column."""
    full = bulan_id(month)
    name, year = full.rsplit(" ", 1)
    return f"{name[:3]} {year}"


def worst_villages(history: pd.DataFrame, top: int = HEATMAP_TOP) -> pd.DataFrame:
    """The ``top`` villages with the worst grades over the months (mean grade rank, then mean
    errors per 100 rows, then code), worst first: the rows of the heat map."""
    h = history.assign(_rank=vq.rank(history["nilai"]))
    g = h.groupby("kode_desa", sort=True).agg(
        _rank=("_rank", "mean"),
        _e=("kesalahan_per_100", "mean"),
        desa=("desa", "first"),
        kecamatan=("kecamatan", "first"),
    )
    g = g.reset_index().sort_values(["_rank", "_e", "kode_desa"], ascending=[False, False, True])
    return g.head(top)[["kode_desa", "desa", "kecamatan"]].reset_index(drop=True)


def heatmap(history: pd.DataFrame, source: str, top: int = HEATMAP_TOP) -> Figure:
    """Grade by village (rows: the :func:`worst_villages`) and month (columns), each cell coloured
    and lettered by its grade."""
    rows = worst_villages(history, top)
    months = sorted(history["bulan"].unique())
    wide = history.pivot(index="kode_desa", columns="bulan", values="nilai")
    grid = wide.reindex(index=rows["kode_desa"], columns=months)
    codes = vq.rank(grid.stack()).unstack().reindex(index=grid.index, columns=months)
    height = 1.1 + 0.2 * len(rows)
    title = f"Nilai kualitas data {len(rows)} desa/kelurahan dengan nilai terburuk per bulan"
    with styled():
        fig = new_figure(height, source, title)
        ax = fig.subplots()
        cmap = ListedColormap([GRADE_COLORS[g] for g in vq.GRADES])
        ax.imshow(
            codes.to_numpy(dtype=float),
            cmap=cmap,
            vmin=-0.5,
            vmax=len(vq.GRADES) - 0.5,
            aspect="auto",
        )
        for (i, j), g in np.ndenumerate(grid.to_numpy(dtype=object)):
            ax.text(j, i, g, ha="center", va="center", fontsize=6.5, color=GRADE_INK[g])
        ax.set_xticks(range(len(months)), [month_label(m) for m in months])
        ax.set_yticks(
            range(len(rows)),
            [f"{d} ({k})" for d, k in zip(rows["desa"], rows["kecamatan"], strict=True)],
        )
        ax.tick_params(length=0, labelsize=6.5)
        ax.xaxis.tick_top()
        ax.set_xticks(np.arange(-0.5, len(months)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
        ax.grid(which="minor", color="white", linewidth=1.2)
        ax.grid(which="major", visible=False)
        for side in ax.spines.values():
            side.set_visible(False)
        _grade_legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def _grade_legend(ax, **kw) -> None:
    handles = [
        Patch(facecolor=GRADE_COLORS[g], edgecolor=TINTA_LEMBUT, lw=0.4, label=vq.GRADE_LABELS[g])
        for g in vq.GRADES
    ]
    ax.legend(handles=handles, title="Nilai", fontsize=6.5, title_fontsize=7, frameon=False, **kw)


def grade_bars(history: pd.DataFrame, source: str) -> Figure:
    """Villages per grade per month: stacked horizontal bars, one per month, labelled."""
    counts = vq.grade_counts(history)
    months = list(counts.index)
    height = 1.0 + 0.32 * len(months)
    with styled():
        fig = new_figure(height, source, "Banyaknya desa/kelurahan menurut nilai kualitas data")
        ax = fig.subplots()
        left = np.zeros(len(months))
        y = np.arange(len(months))[::-1]
        for g in vq.GRADES:
            n = counts[g].to_numpy(dtype=float)
            ax.barh(
                y,
                n,
                left=left,
                color=GRADE_COLORS[g],
                edgecolor=TINTA_LEMBUT,
                lw=0.4,
                label=vq.GRADE_LABELS[g],
            )
            for yi, li, ni in zip(y, left, n, strict=True):
                if ni >= 6:
                    ax.text(
                        li + ni / 2,
                        yi,
                        fmt_int(ni),
                        ha="center",
                        va="center",
                        fontsize=6.5,
                        color=GRADE_INK[g],
                    )
            left += n
        ax.set_yticks(y, [month_label(m) for m in months])
        ax.set_xlabel("Desa/kelurahan")
        ax.set_xlim(0, left.max() if len(left) else 1)
        ax.legend(ncols=5, fontsize=6.5, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0))
    return fig


def grade_map(history: pd.DataFrame, month: str, settings: Settings, source: str) -> Figure | None:
    """This month's grade of every village on the village map (None without village
    boundaries for the kabupaten)."""
    desa = geo.batas("desa", settings.kabupaten_kode)
    if not desa:
        return None
    map_w = WIDTH - 2.0  # room for the legend's longest label
    desa = geo.for_width(desa, map_w)
    nilai = history.loc[history["bulan"] == month].set_index("kode_desa")["nilai"]
    height = 0.75 + min(map_w * geo.ratio(desa), 6.0) + 0.2
    with styled():
        fig = new_figure(height, source, f"Nilai kualitas data desa/kelurahan, {bulan_id(month)}")
        ax = fig.subplots()
        for w in desa:
            g = nilai.get(w.kode)
            face = GRADE_COLORS.get(g, "#eeeeee") if g is not None else "#eeeeee"
            edge = TINTA if g == vq.TIDAK_MENGIRIM else "white"
            patch = PathPatch(geo.to_path(w), facecolor=face, edgecolor=edge, linewidth=0.3)
            patch.set_gid(f"nilai-{w.kode}-{g or 'tidak-ada'}")
            ax.add_patch(patch)
        x0, x1, y0, y1 = geo.bounds(desa)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / np.cos(np.radians((y0 + y1) / 2)))
        ax.set_axis_off()
        borders = geo.borders(desa)
        if borders is not None:
            ax.add_patch(PathPatch(borders, fill=False, edgecolor=TINTA_LEMBUT, linewidth=0.8))
        _grade_legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def change_table(history: pd.DataFrame, month: str, better: bool) -> pd.DataFrame:
    """The report's ``desa_membaik`` (``better``) or ``desa_memburuk`` table: at most
    :data:`TOP_CHANGES` villages whose grade changed since last month, largest change first."""
    c = vq.improving(history, month) if better else vq.worsening(history, month)
    cols = list(tables.TABLES["desa_membaik"].fields)
    if c.empty:
        return pd.DataFrame(columns=cols)
    return c[cols].head(TOP_CHANGES).reset_index(drop=True)


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def summary_sentences(history: pd.DataFrame, month: str, settings: Settings) -> list[str]:
    """The page's opening sentences: villages per grade this month, changes since last month."""
    t = settings.kualitas_desa
    now = history[history["bulan"] == month]
    n = now["nilai"].value_counts()
    out = [
        "Setiap desa/kelurahan diberi nilai kualitas data setiap bulan menurut banyaknya temuan "
        "bertingkat kesalahan per 100 baris data yang dikirimnya: A paling banyak "
        f"{fmt_dec(t['A'], 2)}, B paling banyak {fmt_dec(t['B'], 2)}, C paling banyak "
        f"{fmt_dec(t['C'], 2)}, D di atasnya; desa/kelurahan yang tidak mengirim data ditandai "
        "TM (tidak mengirim). Angka ini menghitung baris dan temuan, bukan orang atau rumah "
        "tangga.",
        f"Pada {bulan_id(month)}: "
        + ", ".join(f"{fmt_int(n.get(g, 0))} desa/kelurahan bernilai {g}" for g in "ABCD")
        + f", dan {fmt_int(n.get(vq.TIDAK_MENGIRIM, 0))} tidak mengirim data.",
    ]
    c = vq.changes(history, month)
    if not c.empty:
        koreksi = int(now["baris_koreksi_lalu"].sum())
        baik = int(now["baris_diperbaiki"].sum())
        out.append(
            f"Dibanding bulan lalu, {fmt_int((c['perubahan'] < 0).sum())} desa/kelurahan membaik "
            f"dan {fmt_int((c['perubahan'] > 0).sum())} memburuk. Dari {fmt_int(koreksi)} baris "
            f"daftar koreksi bulan lalu, {fmt_int(baik)} sudah diperbaiki (orangnya muncul lagi "
            "tanpa temuan yang sama)."
        )
    return out


def section_html(history: pd.DataFrame, month: str, settings: Settings, t=None) -> str:
    """The whole page (under notebook 02's heading "Kualitas data desa dari bulan ke bulan"):
    sentences, the improving and worsening tables, the heat map, the grade bars and the map.
    With the month's tables ``t``, the source lines name the registry of the months shown."""
    from dtks_analysis.publishing.desil_section import sumber_bulan as _src_bulan
    from dtks_analysis.publishing.desil_section import sumber_periode

    months = sorted(history["bulan"].unique())
    src, src_bulan = ("DTKS", "DTKS") if t is None else (sumber_periode(t, months), _src_bulan(t))
    sumber = source_line_periode(months, settings.instansi, src)
    sumber_bulan = source_line_periode([month], settings.instansi, src_bulan)
    parts = [_p(s) for s in summary_sentences(history, month, settings)]
    for name, better in (("desa_membaik", True), ("desa_memburuk", False)):
        df = change_table(history, month, better)
        note = None if len(df) else "Tidak ada desa/kelurahan (atau belum ada bulan pembanding)."
        parts.append(
            str(
                blocks.tabel_html(
                    df,
                    tables.caption(name, month),
                    sumber=sumber_bulan,
                    catatan=note,
                    dec_cols=["kesalahan_per_100_lalu", "kesalahan_per_100"],
                    dec_digits=2,  # as the grade thresholds (0,75)
                    labels={
                        **tables.short_labels(name),
                        "kesalahan_per_100": "Kesalahan per 100 baris bulan ini",
                    },
                )
            )
        )
    periode = periode_id(months)
    parts.append(
        _p(
            f"Gambar berikut menunjukkan nilai {HEATMAP_TOP} desa/kelurahan dengan nilai terburuk "
            f"selama periode ini ({fmt_int(history['kode_desa'].nunique())} desa/kelurahan tidak "
            "terbaca pada satu halaman A4; nilai "
            "setiap desa/kelurahan ada di buku kerja kualitas data desa dan ringkasan per kecamatan "
            "untuk camat), lalu banyaknya desa/kelurahan menurut nilai setiap bulan."
        )
    )
    parts.append(gambar_html(heatmap(history, sumber), periode))
    parts.append(gambar_html(grade_bars(history, sumber), periode))
    peta = grade_map(history, month, settings, sumber_bulan)
    if peta is not None:
        parts.append(gambar_html(peta, bulan_id(month)))
    return "\n".join(parts) + "\n"
