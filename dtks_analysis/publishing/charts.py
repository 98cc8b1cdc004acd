"""Charts of the monthly report: one calm blue/grey palette, Indonesian labels, A4 sizes.

Every chart function takes a published table (columns as in docs/architecture.md section 6),
returns a :class:`matplotlib.figure.Figure` that is **not** managed by pyplot (so a notebook cell
that ends with the figure shows it exactly once, and nothing leaks between cells), and draws:
a title, axis labels in Indonesian, direct value labels with Indonesian numbers, and the source
line under the chart. Colours run dark -> light so they stay apart in greyscale; where series
must be told apart by colour alone they also get a hatch or a marker.

Call :func:`setup` once at the top of a notebook: it sets the style, SVG output for inline
figures and deterministic SVG (fixed ``svg.hashsalt``, no date).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dtks_analysis.counting import stats
from dtks_analysis.formatting import bulan_singkat_id, fmt_change, fmt_int, fmt_pct
from dtks_analysis.publishing import tables
from dtks_analysis.publishing.chart_style import (
    ABU,
    ABU_MUDA,
    BIRU,
    BIRU_MUDA,
    BIRU_TUA,
    PALETTE,
    PROGRAM_STYLE,
    SVG_HASHSALT,
    TINTA,
    TINTA_LEMBUT,
    WIDTH,
    empty_message,
    headroom,
    int_axis,
    label_hbars,
    lepas_bingkai,
    new_figure,
    pct_axis,
    require,
    save,
    setup,
    style_rc,
    styled,
    to_svg,
)
from dtks_analysis.vocab import PROGRAM_LABELS, PROGRAMS, TIDAK_DIKETAHUI

__all__ = [
    "PALETTE",
    "PROGRAM_STYLE",
    "SVG_HASHSALT",
    "TINTA",
    "WIDTH",
    "style_rc",
    "PROGRAM_LABELS",
    "arus_program",
    "bar_kecamatan",
    "gambar_html",
    "kombinasi_upset",
    "piramida_umur",
    "program_kecamatan",
    "save",
    "setup",
    "to_svg",
    "tren",
    "ukuran_rumah_tangga",
]

# --------------------------------------------------------------------------- report figure


def gambar_html(fig: Figure, periode: str | None = None) -> str:
    """A chart as the report prints it: ``<figure class="dtks-gambar">`` with the chart's title
    as an HTML caption (numbered "Gambar n." by :mod:`~dtks_analysis.publishing.tata_letak`),
    the SVG, and the source line under it, like a table (:func:`blocks.tabel_html`).

    Title and source are taken off the SVG (:func:`chart_style.lepas_bingkai`), so they stay
    legible on a narrow screen. ``periode`` ("Desember 2023", "Juli–Desember 2023") ends the
    caption, unless the title already ends with it: every figure says the time it shows.
    """
    import html

    from dtks_analysis.formatting import teks_publik

    judul, sumber = lepas_bingkai(fig)
    if periode and not judul.endswith(periode):
        judul = f"{judul}, {periode}" if judul else periode
    svg = to_svg(fig)
    svg = svg[svg.find("<svg") :]
    caption = f'<figcaption class="judul-gambar">{html.escape(teks_publik(judul))}</figcaption>'
    source = f'<p class="sumber">{html.escape(teks_publik(sumber))}</p>' if sumber else ""
    return (
        f'<figure class="dtks-gambar">\n{caption}\n<div class="grafik">\n{svg.strip()}\n</div>\n'
        f"{source}\n</figure>\n"
    )


# --------------------------------------------------------------------------- charts


def bar_kecamatan(
    rekap: pd.DataFrame,
    col: str = "rumah_tangga",
    title: str | None = None,
    source: str = "",
    *,
    xlabel: str | None = None,
    pct: bool = False,
) -> Figure:
    """Horizontal bars of ``rekap[col]`` per kecamatan, largest on top, each bar labelled.

    ``rekap``: ``rekap_kecamatan`` (needs ``kecamatan`` and ``col``). A "Tidak diketahui" row is
    drawn last, in grey. ``pct=True`` reads ``col`` as fractions and labels them as percentages.
    """
    require(rekap, ["kecamatan", col], "bar_kecamatan")
    df = rekap[["kecamatan", col]].copy()
    df["_unknown"] = df["kecamatan"].fillna(TIDAK_DIKETAHUI).eq(TIDAK_DIKETAHUI)
    df["kecamatan"] = df["kecamatan"].fillna(TIDAK_DIKETAHUI)
    df[col] = pd.to_numeric(df[col], errors="coerce")
    df = df.sort_values(["_unknown", col, "kecamatan"], ascending=[True, False, True])
    label = tables.short_label(col)
    title = title or f"{tables.long_label(col)} menurut kecamatan"
    with styled():
        fig = new_figure(1.1 + 0.2 * max(len(df), 3), source, title)
        ax = fig.subplots()
        y = np.arange(len(df))[::-1]
        values = df[col].fillna(0).to_numpy(dtype=float)
        colors = [ABU if u else BIRU_TUA for u in df["_unknown"]]
        bars = ax.barh(y, values, color=colors, height=0.7)
        fmt = (lambda v: fmt_pct(v)) if pct else fmt_int
        label_hbars(ax, bars, [fmt(v) for v in df[col]])
        ax.set_yticks(y, df["kecamatan"].tolist())
        ax.tick_params(axis="y", length=0)
        ax.set_ylabel(tables.short_label("kecamatan"))
        ax.set_xlabel(xlabel or (f"{label} (%)" if pct else label))
        (pct_axis if pct else int_axis)(ax.xaxis)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        headroom(ax)
        ax.set_ylim(-0.6, len(df) - 0.4)
    return fig


def program_kecamatan(
    rekap: pd.DataFrame,
    source: str = "",
    title: str | None = None,
    *,
    cakupan: bool = False,
    sumber_data: str = "DTKS",
) -> Figure:
    """Program recipients per kecamatan: one panel per program (BPNT, PBI-JKN, PKH), the same
    kecamatan order in each (by registry households, largest on top), bars labelled.

    ``cakupan=True`` shows coverage (``rt_<program> / rumah_tangga``, of the households of
    ``sumber_data``, the month's source) instead of counts.
    Direct panel titles replace a legend.
    """
    cols = ["kecamatan", "rumah_tangga", *(f"rt_{p}" for p in PROGRAMS)]
    require(rekap, cols, "program_kecamatan")
    df = rekap[cols].copy()
    df["kecamatan"] = df["kecamatan"].fillna(TIDAK_DIKETAHUI)
    df["_unknown"] = df["kecamatan"].eq(TIDAK_DIKETAHUI)
    df = df.sort_values(["_unknown", "rumah_tangga", "kecamatan"], ascending=[True, False, True])
    if title is None:
        title = (
            "Cakupan program bantuan menurut kecamatan"
            if cakupan
            else "Rumah tangga penerima program bantuan menurut kecamatan"
        )
    with styled():
        fig = new_figure(1.3 + 0.2 * max(len(df), 3), source, title)
        axes = fig.subplots(1, 3, sharey=True)
        y = np.arange(len(df))[::-1]
        if cakupan:  # the coverage of stats (percent), without its kabupaten row
            counts = df[cols[1:]].apply(pd.to_numeric, errors="coerce")
            cak = stats.cakupan(counts.assign(kode_kecamatan="", kecamatan=df["kecamatan"]), "")
            cak = cak.iloc[:-1]
        for ax, prog in zip(axes, PROGRAMS, strict=True):
            raw = pd.to_numeric(df[f"rt_{prog}"], errors="coerce").to_numpy(dtype=float)
            if cakupan:
                values = cak[f"persen_{prog}"].to_numpy(dtype=float) / 100
                labels = [fmt_pct(v) for v in values]
            else:
                values = raw
                labels = [fmt_int(v) for v in values]
            style = PROGRAM_STYLE[prog]
            bars = ax.barh(
                y,
                np.nan_to_num(values),
                color=style["color"],
                hatch=style["hatch"],
                edgecolor=TINTA_LEMBUT if style["hatch"] else style["color"],
                linewidth=0.3,
                height=0.7,
            )
            label_hbars(ax, bars, labels, fontsize=6.5)
            ax.set_title(PROGRAM_LABELS[prog], fontsize=9)
            (pct_axis if cakupan else int_axis)(ax.xaxis)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3, min_n_ticks=2))
            ax.grid(axis="x")
            ax.set_axisbelow(True)
            ax.tick_params(axis="y", length=0)
            headroom(ax, factor=1.3)
        axes[0].set_yticks(y, df["kecamatan"].tolist())
        axes[0].set_ylim(-0.6, len(df) - 0.4)
        axes[0].set_ylabel(tables.short_label("kecamatan"))
        axes[1].set_xlabel(
            f"Cakupan (% rumah tangga {sumber_data})" if cakupan else "Rumah tangga penerima"
        )
    return fig


def _combo_label(row: pd.Series) -> str:
    names = [PROGRAM_LABELS[p] for p in PROGRAMS if int(row[p]) == 1]
    return " + ".join(names) if names else "Tidak menerima"


def kombinasi_upset(kombinasi: pd.DataFrame, source: str = "", title: str | None = None) -> Figure:
    """UpSet-style chart of the eight program combinations: bars (households, largest first,
    labelled with count and share) above a dot matrix showing which programs each bar holds.

    ``kombinasi``: ``bpnt, pbi_jkn, pkh`` (0/1) and ``rumah_tangga``; combinations missing from
    the table are drawn as zero, so there are always eight bars.
    """
    require(kombinasi, [*PROGRAMS, "rumah_tangga"], "kombinasi_upset")
    df = kombinasi[[*PROGRAMS, "rumah_tangga"]].copy()
    for p in PROGRAMS:
        df[p] = pd.to_numeric(df[p]).astype(int)
    full = pd.MultiIndex.from_product([[0, 1]] * 3, names=list(PROGRAMS)).to_frame(index=False)
    df = full.merge(df, on=list(PROGRAMS), how="left")
    df["rumah_tangga"] = pd.to_numeric(df["rumah_tangga"]).fillna(0)
    df["_n"] = df[list(PROGRAMS)].sum(axis=1)
    df = df.sort_values(["rumah_tangga", "_n"], ascending=[False, True], kind="stable")
    df = df.reset_index(drop=True)
    total = df["rumah_tangga"].sum()
    title = title or "Rumah tangga menurut kombinasi program bantuan yang diterima"
    with styled():
        fig = new_figure(3.9, source, title)
        ax_bar, ax_dot = fig.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [3.0, 1.25], "hspace": 0.02}
        )
        x = np.arange(len(df))
        colors = [ABU if n == 0 else BIRU_TUA for n in df["_n"]]
        bars = ax_bar.bar(x, df["rumah_tangga"], color=colors, width=0.62)
        labels = [
            ("Tanpa program\n" if n == 0 else "")
            + f"{fmt_int(v)}\n({fmt_pct(v / total) if total else '–'})"
            for v, n in zip(df["rumah_tangga"], df["_n"], strict=True)
        ]
        ax_bar.bar_label(bars, labels=labels, padding=2, fontsize=6.5, linespacing=1.1)
        ax_bar.set_ylabel(tables.short_label("rumah_tangga"))
        int_axis(ax_bar.yaxis)
        ax_bar.grid(axis="y")
        ax_bar.set_axisbelow(True)
        headroom(ax_bar, "y", 1.22)
        ax_bar.tick_params(axis="x", length=0, labelbottom=False)
        ax_bar.spines["bottom"].set_color(ABU)

        rows = list(PROGRAMS)[::-1]  # BPNT on top
        for i, rec in df.iterrows():
            member_y = [j for j, p in enumerate(rows) if rec[p] == 1]
            ax_dot.scatter(
                [i] * len(rows),
                range(len(rows)),
                s=26,
                color=[BIRU_TUA if rec[p] == 1 else ABU_MUDA for p in rows],
                zorder=3,
                linewidths=0,
            )
            if len(member_y) > 1:
                ax_dot.plot([i, i], [min(member_y), max(member_y)], color=BIRU_TUA, lw=1.4)
        ax_dot.set_yticks(range(len(rows)), [PROGRAM_LABELS[p] for p in rows])
        ax_dot.set_ylim(-0.6, len(rows) - 0.4)
        ax_dot.set_xlim(-0.6, len(df) - 0.4)
        ax_dot.tick_params(axis="both", length=0)
        ax_dot.set_xticks([])
        for s in ("left", "bottom"):
            ax_dot.spines[s].set_visible(False)
        for j in range(len(rows)):
            if j % 2 == 0:
                ax_dot.axhspan(j - 0.5, j + 0.5, color="#f3f5f7", zorder=0, lw=0)
        ax_dot.set_xlabel("Kombinasi program (titik gelap = diterima)")
    return fig


def arus_program(arus: pd.DataFrame, source: str = "", title: str | None = None) -> Figure:
    """Flows per program against last month: new recipients to the right, exits to the left,
    each labelled; the tick label carries the stock kept (bertahan) and this month's total.

    ``arus``: ``program`` (``bpnt|pbi_jkn|pkh``), ``bulan_lalu, baru, keluar, bertahan,
    bulan_ini``. In the first month the flows are empty and the chart says so.
    """
    cols = ["program", "bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini"]
    require(arus, cols, "arus_program")
    df = arus[cols].copy()
    df["_order"] = df["program"].map({p: i for i, p in enumerate(PROGRAMS)})
    df = df.sort_values("_order", na_position="last").reset_index(drop=True)
    for c in cols[1:]:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    title = title or "Penerima baru dan keluar dibanding bulan lalu, menurut program"
    with styled():
        if df[["baru", "keluar"]].isna().all().all():
            fig = new_figure(1.6, source, title)
            return empty_message(
                fig, "Belum ada perbandingan: data bulan lalu tidak tersedia (bulan pertama)."
            )
        fig = new_figure(1.2 + 0.55 * len(df), source, title)
        ax = fig.subplots()
        y = np.arange(len(df))[::-1]
        baru = df["baru"].fillna(0).to_numpy(dtype=float)
        keluar = df["keluar"].fillna(0).to_numpy(dtype=float)
        b1 = ax.barh(y, baru, color=BIRU_TUA, height=0.55, label="Baru")
        b2 = ax.barh(
            y,
            -keluar,
            color=ABU_MUDA,
            hatch="////",
            edgecolor=TINTA_LEMBUT,
            linewidth=0.3,
            height=0.55,
            label="Keluar",
        )
        ax.bar_label(b1, labels=[fmt_change(v) for v in df["baru"]], padding=3, fontsize=7)
        ax.bar_label(b2, labels=[fmt_change(-v) for v in df["keluar"]], padding=3, fontsize=7)
        lim = max(baru.max(initial=0), keluar.max(initial=0), 1) * 1.35
        ax.set_xlim(-lim, lim)
        ax.axvline(0, color=TINTA_LEMBUT, lw=0.8)
        ticks = []
        for _, r in df.iterrows():
            name = PROGRAM_LABELS.get(r["program"], str(r["program"]))
            ticks.append(
                f"{name}\nbertahan {fmt_int(r['bertahan'])}\nbulan ini {fmt_int(r['bulan_ini'])}"
            )
        ax.set_yticks(y, ticks)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(df) - 0.4)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_int(abs(v))))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, symmetric=True))
        ax.set_xlabel("Rumah tangga:  \u2190 keluar  |  baru \u2192")
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        for x, label, ha, color in (
            (0.01, "Keluar", "left", TINTA_LEMBUT),
            (0.99, "Baru", "right", BIRU_TUA),
        ):
            ax.text(
                x,
                1.0,
                label,
                transform=ax.transAxes,
                ha=ha,
                va="bottom",
                fontsize=7.5,
                color=color,
                fontweight="bold",
            )
    return fig


def tren(
    tren: pd.DataFrame,
    source: str = "",
    title: str | None = None,
    *,
    bulan_terakhir: int | None = None,
) -> Figure:
    """Households receiving each program, month by month (lines with distinct markers and dash
    styles, labelled at the last month, Indonesian month names on the axis).

    ``tren``: ``bulan`` (``YYYY-MM``), ``rt_bpnt, rt_pbi_jkn, rt_pkh`` (``rumah_tangga`` is
    optional and not drawn). ``bulan_terakhir`` keeps only the last N months.
    """
    cols = ["bulan", *(f"rt_{p}" for p in PROGRAMS)]
    require(tren, cols, "tren")
    df = tren.copy()
    df["bulan"] = df["bulan"].astype(str)
    df = df.sort_values("bulan").reset_index(drop=True)
    if bulan_terakhir:
        df = df.tail(bulan_terakhir).reset_index(drop=True)
    title = title or "Rumah tangga penerima program bantuan per bulan"
    with styled():
        fig = new_figure(3.0, source, title)
        ax = fig.subplots()
        x = np.arange(len(df))
        top = 0.0
        ends: list[tuple[float, str, str]] = []
        for prog in PROGRAMS:
            values = pd.to_numeric(df[f"rt_{prog}"], errors="coerce").to_numpy(dtype=float)
            st = PROGRAM_STYLE[prog]
            ax.plot(
                x,
                values,
                color=st["color"] if prog != "pkh" else BIRU,
                linestyle=st["linestyle"],
                marker=st["marker"],
                markersize=4,
                linewidth=1.5,
            )
            if len(values) and not np.isnan(values[-1]):
                ends.append((values[-1], f"{PROGRAM_LABELS[prog]} {fmt_int(values[-1])}", prog))
            top = max(top, np.nanmax(values) if np.isfinite(values).any() else 0)
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        # direct labels at the right end, nudged apart when lines end close together
        min_gap = ax.get_ylim()[1] * 0.075
        placed: list[float] = []
        for value, text, prog in sorted(ends):
            pos = value if not placed else max(value, placed[-1] + min_gap)
            placed.append(pos)
            ax.annotate(
                text,
                (x[-1], value),
                xytext=(x[-1] + 0.12, pos),
                textcoords="data",
                va="center",
                fontsize=7.5,
                color=PROGRAM_STYLE[prog]["color"] if prog != "pkh" else BIRU,
                fontweight="bold",
            )
        ax.set_xlim(-0.3, max(len(df) - 1, 1) + 0.9)
        ax.set_xticks(x, [bulan_singkat_id(b) for b in df["bulan"]])
        ax.set_xlabel(tables.short_label("bulan"))
        ax.set_ylabel("Rumah tangga penerima")
        int_axis(ax.yaxis)
        ax.grid(axis="y")
        ax.set_axisbelow(True)
    return fig


def _size_key(value: Any) -> float:
    m = re.match(r"\s*(\d+)", str(value))
    return float(m.group(1)) if m else float("inf")


def ukuran_rumah_tangga(dist: pd.DataFrame, source: str = "", title: str | None = None) -> Figure:
    """Household size distribution: one bar per size (``ukuran`` 1, 2, ... or "8+"), labelled
    with the count and share.

    ``dist``: ``ukuran, rumah_tangga``.
    """
    require(dist, ["ukuran", "rumah_tangga"], "ukuran_rumah_tangga")
    df = dist[["ukuran", "rumah_tangga"]].copy()
    df["_k"] = df["ukuran"].map(_size_key)
    df = df.sort_values("_k", kind="stable").reset_index(drop=True)
    values = pd.to_numeric(df["rumah_tangga"], errors="coerce").fillna(0).to_numpy(dtype=float)
    total = values.sum()
    title = title or "Rumah tangga menurut jumlah anggota rumah tangga"
    with styled():
        fig = new_figure(2.7, source, title)
        ax = fig.subplots()
        x = np.arange(len(df))
        bars = ax.bar(x, values, color=BIRU, width=0.7)
        ax.bar_label(
            bars,
            labels=[f"{fmt_int(v)}\n{fmt_pct(v / total) if total else '–'}" for v in values],
            padding=2,
            fontsize=6.5,
            linespacing=1.1,
        )
        ax.set_xticks(x, [str(u) for u in df["ukuran"]])
        ax.tick_params(axis="x", length=0)
        ax.set_xlabel("Jumlah anggota rumah tangga (jiwa)")
        ax.set_ylabel(tables.short_label("rumah_tangga"))
        int_axis(ax.yaxis)
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        headroom(ax, "y", 1.22)
    return fig


def piramida_umur(struktur: pd.DataFrame, source: str = "", title: str | None = None) -> Figure:
    """Population pyramid of household members: men (L) to the left, women (P) to the right,
    age groups from young (bottom) to old (top), each bar labelled.

    ``struktur``: ``kelompok_umur`` ("0-4", ..., "75+"), ``jenis_kelamin`` (``L``/``P``),
    ``jiwa``. Rows with another sex value (unknown) are not drawn; the chart notes how many.
    An age category that is not an age band ("Tidak diketahui") is drawn only when it has
    persons.
    """
    require(struktur, ["kelompok_umur", "jenis_kelamin", "jiwa"], "piramida_umur")
    df = struktur.copy()
    df["jiwa"] = pd.to_numeric(df["jiwa"], errors="coerce").fillna(0)
    unknown = df.loc[~df["jenis_kelamin"].isin(["L", "P"]), "jiwa"].sum()
    wide = (
        df[df["jenis_kelamin"].isin(["L", "P"])]
        .pivot_table(index="kelompok_umur", columns="jenis_kelamin", values="jiwa", aggfunc="sum")
        .reindex(columns=["L", "P"])
        .fillna(0)
    )
    groups = sorted(wide.index, key=_size_key)
    wide = wide.reindex(groups)
    # an empty category that is not an age band ("Tidak diketahui" with 0 persons) is not drawn
    empty = wide.sum(axis=1).eq(0) & ~pd.Series(
        [np.isfinite(_size_key(g)) for g in wide.index], index=wide.index
    )
    wide = wide[~empty]
    title = title or "Anggota rumah tangga menurut kelompok umur dan jenis kelamin"
    with styled():
        fig = new_figure(1.3 + 0.19 * max(len(wide), 4), source, title)
        ax = fig.subplots()
        y = np.arange(len(wide))
        men, women = wide["L"].to_numpy(dtype=float), wide["P"].to_numpy(dtype=float)
        b_l = ax.barh(y, -men, color=BIRU_TUA, height=0.8)
        b_p = ax.barh(
            y, women, color=BIRU_MUDA, height=0.8, hatch="////", edgecolor=BIRU, linewidth=0.3
        )
        # a zero bar has no side: one "0" label (on the women's side), not two on top of each other
        ax.bar_label(b_l, labels=[fmt_int(v) if v else "" for v in men], padding=2, fontsize=6.3)
        ax.bar_label(b_p, labels=[fmt_int(v) for v in women], padding=2, fontsize=6.3)
        lim = max(men.max(initial=0), women.max(initial=0), 1) * 1.25
        ax.set_xlim(-lim, lim)
        ax.axvline(0, color=TINTA_LEMBUT, lw=0.6)
        ax.set_yticks(y, [str(g) for g in wide.index])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(wide) - 0.4 + 0.9)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_int(abs(v))))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, symmetric=True))
        ax.set_xlabel(tables.short_label("jiwa"))
        ax.set_ylabel("Kelompok umur (tahun)")
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        top = len(wide) - 0.2
        ax.text(
            -lim * 0.97,
            top,
            "Laki-laki",
            ha="left",
            va="bottom",
            fontsize=8,
            fontweight="bold",
            color=BIRU_TUA,
        )
        ax.text(
            lim * 0.97,
            top,
            "Perempuan",
            ha="right",
            va="bottom",
            fontsize=8,
            fontweight="bold",
            color=BIRU,
        )
        if unknown:
            ax.text(
                1.0,
                -0.16,
                f"Jenis kelamin tidak diketahui: {fmt_int(unknown)} jiwa (tidak digambar)",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=6.5,
                color=TINTA_LEMBUT,
            )
    return fig
