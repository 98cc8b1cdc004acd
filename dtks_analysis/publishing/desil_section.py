"""The report section "Ketepatan sasaran menurut desil" and the month's source (issue 13).

Shown only for months with DTSEN households (the tables of :mod:`dtks_analysis.counting.desil`
are in ``ReportTables.published``); for a DTKS month every function returns nothing, so notebook
02 needs one call (:func:`section_html`). Also: the source of the month for the title
(:func:`sumber_bulan`, :func:`judul_laporan`), the highlights' sentences (:func:`highlights`)
and the note on a change of source from DTKS to DTSEN (:func:`catatan_peralihan`).

Only the published aggregates are shown (kabupaten per desil, errors per kecamatan): desil is
sensitive family-level data.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dtks_analysis.config import Settings
from dtks_analysis.formatting import bulan_id, fmt_int, fmt_pct, source_line
from dtks_analysis.publishing import blocks, tables
from dtks_analysis.publishing.chart_style import (
    ABU_MUDA,
    PROGRAM_STYLE,
    TINTA_LEMBUT,
    headroom,
    int_axis,
    new_figure,
    styled,
    to_svg,
)
from dtks_analysis.vocab import NAMA_SUMBER, PROGRAM_LABELS, PROGRAMS

DTKS, DTSEN = "DTKS", "DTSEN"
DESIL_PENDEK: dict[str, str] = {"belum_diperingkat": "Belum", "nonaktif": "Nonaktif"}


def is_dtsen(t) -> bool:
    """The month has DTSEN households (its DTSEN tables were built)."""
    return "desil_kabupaten" in t.published


def sumber_bulan(t) -> str:
    """``"DTSEN"``, ``"DTKS"`` or ``"DTSEN dan DTKS"`` (a transition month) for ``t.month``."""
    src = t.extra.get("sumber_data")
    if not is_dtsen(t) or src is None or src.empty:
        return DTKS
    row = src[src["bulan"] == t.month]
    return str(row["sumber"].iloc[0]) if len(row) else DTSEN


def judul_laporan(t) -> str:
    """The title page's heading, naming the month's source."""
    return f"Laporan Bulanan {NAMA_SUMBER.get(sumber_bulan(t), NAMA_SUMBER[DTKS])}"


def sumber_periode(t, months) -> str:
    """The sources of ``months`` (a trend's months) in the source line and title of a table
    or chart of several months: one source by its name, else "DTKS dan DTSEN"."""
    src = t.extra.get("sumber_data")
    if not is_dtsen(t) or src is None or src.empty:
        return DTKS
    got = set(src.loc[src["bulan"].isin(list(months)), "sumber"])
    return got.pop() if len(got) == 1 else f"{DTKS} dan {DTSEN}"


def sumber_line(t, instansi: str) -> str:
    """The source line under this month's tables and charts (names the month's source)."""
    return source_line(t.month, instansi, sumber_bulan(t))


def catatan_peralihan(t, bulan: int | None = None) -> str | None:
    """A note when the months of the trend (the last ``bulan`` months; all when None) changed
    source (DTKS before, DTSEN after)."""
    src = t.extra.get("sumber_data")
    if not is_dtsen(t) or src is None:
        return None
    src = src[src["bulan"] <= t.month].tail(bulan or len(src))
    dtks = src[src["sumber"] == DTKS]["bulan"].tolist()
    if not dtks:
        return None
    first = src[(src["sumber"] != DTKS) & (src["bulan"] > max(dtks))]["bulan"].min()
    if pd.isna(first):
        return None
    return (
        f"Sumber data berganti dari DTKS ke DTSEN mulai {bulan_id(first)}. Jumlah rumah tangga "
        "dan penerima program pada tren bulanan dihitung dengan aturan yang sama (satu rumah "
        "tangga = satu No KK) sehingga tetap bersambung; perubahan di bulan peralihan dapat "
        "mencerminkan perbedaan cakupan kedua sumber."
    )


def _errors(t) -> pd.DataFrame:
    """The kabupaten rows of ``ketepatan_sasaran`` indexed by program."""
    k = t.published["ketepatan_sasaran"]
    return k.iloc[: len(PROGRAMS)].set_index("program")


def highlights(t) -> list[str]:
    """The Ringkasan's sentences on desil and targeting (none for a DTKS month)."""
    if not is_dtsen(t):
        return []
    dk = t.published["desil_kabupaten"].set_index("desil")["rumah_tangga"]
    total = int(dk.sum())
    e = _errors(t)
    share = int(dk[[str(d) for d in range(1, 5)]].sum()) / total if total else np.nan
    out = [
        f"Sumber data bulan ini: {sumber_bulan(t)}. Dari {fmt_int(total)} rumah tangga, "
        f"{fmt_pct(share)} berada pada desil 1-4, {fmt_int(dk['belum_diperingkat'])} belum "
        f"diperingkat dan {fmt_int(dk['nonaktif'])} nonaktif.",
        "Kesalahan inklusi (penerima di luar sasaran): "
        + ", ".join(
            f"{PROGRAM_LABELS[p]} {fmt_pct(e.at[p, 'persen_salah_inklusi'] / 100)}"
            for p in PROGRAMS
        )
        + "; kesalahan eksklusi (sasaran yang tidak menerima): "
        + ", ".join(
            f"{PROGRAM_LABELS[p]} {fmt_pct(e.at[p, 'persen_salah_eksklusi'] / 100)}"
            for p in PROGRAMS
        )
        + ".",
    ]
    note = catatan_peralihan(t, 2)  # in the highlights only in the month of the switch
    if note:
        out.append(note.split(". ")[0] + ".")
    return out


def chart_desil_program(dk: pd.DataFrame, batas: dict[str, int], source: str, title: str) -> Figure:
    """Recipients per desil row, one panel per program; the target rows (desil 1..batas) in the
    program's colour, the others grey; a hidden cell (``<NA>``) has no bar and the label "–"."""
    labels = dk["desil"].tolist()
    x = np.arange(len(labels))
    with styled():
        fig = new_figure(3.4, source, title)
        axes = fig.subplots(1, 3, sharey=True)
        for ax, prog in zip(axes, PROGRAMS, strict=True):
            raw = pd.to_numeric(dk[f"rt_{prog}"], errors="coerce")  # <NA>: hidden cell
            values = raw.fillna(0).to_numpy(float)
            inside = np.array([lab.isdigit() and int(lab) <= batas[prog] for lab in labels])
            style = PROGRAM_STYLE[prog]
            bars = ax.bar(
                x,
                values,
                color=np.where(inside, style["color"], ABU_MUDA).tolist(),
                edgecolor=TINTA_LEMBUT,
                linewidth=0.3,
                width=0.75,
            )
            shown = ["–" if pd.isna(r) else fmt_int(r) for r in raw]
            ax.bar_label(bars, labels=shown, fontsize=5.5, rotation=90)
            ax.set_title(f"{PROGRAM_LABELS[prog]} (sasaran desil 1-{batas[prog]})", fontsize=8.5)
            ax.set_xticks(x, [DESIL_PENDEK.get(lab, lab) for lab in labels], rotation=90)
            ax.tick_params(axis="x", labelsize=6.5, length=0)
            int_axis(ax.yaxis)
            ax.grid(axis="y")
            ax.set_axisbelow(True)
            headroom(ax, axis="y", factor=1.25)
        axes[0].set_ylabel("Rumah tangga penerima")
        axes[1].set_xlabel(tables.short_label("desil"))
    return fig


def errors_table(ketepatan: pd.DataFrame) -> pd.DataFrame:
    """Wide table: a row per kecamatan (then the kabupaten), inclusion and exclusion error of
    each program as fractions."""
    k = ketepatan.copy()
    order = list(dict.fromkeys(k["kode_kecamatan"]))
    wide = pd.DataFrame({"kode_kecamatan": order[1:] + order[:1]})
    names = k.drop_duplicates("kode_kecamatan").set_index("kode_kecamatan")["kecamatan"]
    wide["kecamatan"] = wide["kode_kecamatan"].map(names)
    for p in PROGRAMS:
        rows = k[k["program"] == p].set_index("kode_kecamatan")
        for kind in ("inklusi", "eksklusi"):
            col = f"persen_salah_{kind}"
            wide[f"{kind}_{p}"] = (rows[col].reindex(wide["kode_kecamatan"]) / 100).to_numpy()
    return wide.drop(columns="kode_kecamatan")


def errors_table_html(t, instansi: str) -> str:
    wide = errors_table(t.published["ketepatan_sasaran"])
    labels = {
        f"{kind}_{p}": f"{PROGRAM_LABELS[p]}: {tables.short_label(f'persen_salah_{kind}')}"
        for p in PROGRAMS
        for kind in ("inklusi", "eksklusi")
    }
    labels["kecamatan"] = tables.short_label("kecamatan")
    return str(
        blocks.tabel_html(
            wide,
            f"Kesalahan inklusi dan eksklusi program bantuan menurut kecamatan, "
            f"{bulan_id(t.month)}",
            sumber=sumber_line(t, instansi),
            catatan=[
                "Kesalahan inklusi: penerima di luar sasaran / penerima × 100. Kesalahan "
                "eksklusi: sasaran yang tidak menerima / sasaran × 100. Penerima yang belum "
                "diperingkat atau nonaktif dihitung di luar sasaran. Baris terakhir: kabupaten.",
                "– : tidak ada penerima atau tidak ada sasaran, atau disembunyikan untuk "
                "melindungi kerahasiaan rumah tangga (sel kecamatan bernilai kecil dan sel "
                "pelindungnya).",
            ],
            pct_cols=[c for c in wide.columns if c != "kecamatan"],
            labels=labels,
        )
    )


@dataclass
class BagianDesil:
    """The section's parts, for the notebook to show the chart (and the maps,
    :mod:`~dtks_analysis.publishing.peta_desil`) as numbered figures between them."""

    pengantar: str  # heading and text
    grafik: Figure  # recipients per desil row, one panel per program
    tabel: str  # the errors by kecamatan
    catatan: str  # the note on a change of source ("" when none)


def bagian(t, settings: Settings) -> BagianDesil | None:
    """The section for a DTSEN month (None for a DTKS month)."""
    if not is_dtsen(t):
        return None
    ket = t.published["ketepatan_sasaran"]
    batas = {p: int(ket.loc[ket["program"] == p, "batas_desil"].iloc[0]) for p in PROGRAMS}
    fig = chart_desil_program(
        t.published["desil_kabupaten"],
        batas,
        sumber_line(t, settings.instansi),
        f"Rumah tangga penerima menurut desil, {bulan_id(t.month)}",
    )
    sasaran = ", ".join(f"{PROGRAM_LABELS[p]} desil 1-{batas[p]}" for p in PROGRAMS)
    pengantar = "<h2>Ketepatan sasaran menurut desil</h2>\n<p>" + html.escape(
        f"DTSEN memeringkat setiap keluarga ke dalam desil kesejahteraan 1-10 (peringkat "
        f"{settings.desil_acuan.replace('_', '/')}). Sasaran program adalah rumah tangga aktif "
        f"pada desil tertentu: {sasaran}. Rumah tangga yang belum diperingkat atau nonaktif "
        "berada di luar sasaran. Desil hanya diterbitkan sebagai jumlah agregat."
    )
    note = catatan_peralihan(t, settings.bulan_tren)
    return BagianDesil(
        pengantar + "</p>\n",
        fig,
        errors_table_html(t, settings.instansi),
        f'<p class="catatan">{html.escape(note)}</p>\n' if note else "",
    )


def section_html(t, settings: Settings) -> str:
    """The whole section in one fragment ("" for a DTKS month), the chart as an unnumbered
    SVG (the report shows :func:`bagian`'s parts, with numbered figures)."""
    b = bagian(t, settings)
    if b is None:
        return ""
    svg = to_svg(b.grafik)
    svg = svg[svg.find("<svg") :]
    figure = f'<figure class="dtks-grafik">{svg}</figure>\n'
    return b.pengantar + figure + b.tabel + "\n" + b.catatan
