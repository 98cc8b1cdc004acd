"""The charts' look: palette, matplotlib style, A4 figure frame, deterministic SVG output,
and the small drawing helpers every chart of :mod:`dtks_analysis.publishing.charts` shares.

Colours run dark -> light so they stay apart in greyscale; where series must be told apart by
colour alone they also get a hatch or a marker (:data:`PROGRAM_STYLE`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dtks_analysis.formatting import fmt_int, fmt_pct

# Palette: dark -> light, readable in greyscale (luminance steps of ~20%).
BIRU_TUA = "#1f4e79"
BIRU = "#4f7fab"
BIRU_MUDA = "#9dbbd6"
ABU = "#8a949e"
ABU_MUDA = "#d5dbe1"
TINTA = "#1f2933"
TINTA_LEMBUT = "#52606d"
PALETTE = [BIRU_TUA, BIRU, BIRU_MUDA, ABU, ABU_MUDA]

PROGRAM_STYLE: dict[str, dict[str, Any]] = {
    "bpnt": {"color": BIRU_TUA, "hatch": "", "marker": "o", "linestyle": "-"},
    "pbi_jkn": {"color": BIRU, "hatch": "////", "marker": "s", "linestyle": "--"},
    "pkh": {"color": BIRU_MUDA, "hatch": "....", "marker": "^", "linestyle": ":"},
}

WIDTH = 6.8  # inches: the A4 text width (210 mm - 2 x 18 mm margins)
SVG_HASHSALT = "dtks-report"
_FONT_CANDIDATES = ("Liberation Sans", "Arial", "Helvetica", "DejaVu Sans")


def _font_family() -> list[str]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    first = next((f for f in _FONT_CANDIDATES if f in installed), "DejaVu Sans")
    return [first] if first == "DejaVu Sans" else [first, "DejaVu Sans"]


def style_rc() -> dict[str, Any]:
    """The report's matplotlib rcParams (fonts in points for A4, calm axes, SVG text as text)."""
    return {
        "font.family": _font_family(),
        "font.size": 8,
        "axes.titlesize": 8.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 8,
        "axes.labelcolor": TINTA,
        "axes.edgecolor": ABU,
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "axes.facecolor": "white",
        "grid.color": ABU_MUDA,
        "grid.linewidth": 0.5,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "xtick.color": TINTA_LEMBUT,
        "ytick.color": TINTA_LEMBUT,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "legend.fontsize": 7.5,
        "legend.frameon": False,
        "figure.titlesize": 10,
        "figure.titleweight": "bold",
        "figure.facecolor": "white",
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "hatch.color": TINTA_LEMBUT,
        "hatch.linewidth": 0.5,
        "text.color": TINTA,
        "svg.fonttype": "none",  # text stays text: sharp, searchable in the PDF
        "svg.hashsalt": SVG_HASHSALT,  # stable element ids -> identical SVG on every run
        "pdf.fonttype": 42,
    }


@contextlib.contextmanager
def styled() -> Iterator[None]:
    with mpl.rc_context(style_rc()):
        yield


def setup(inline_svg: bool = True) -> None:
    """Apply the report style globally (seaborn theme + :func:`style_rc`); in IPython also make
    inline figures SVG without a date, so executed notebooks and HTML are deterministic."""
    import seaborn as sns

    sns.set_theme(context="paper", style="ticks", palette=PALETTE, rc=style_rc())
    mpl.rcParams.update(style_rc())
    if inline_svg:
        with contextlib.suppress(ImportError):
            from IPython import get_ipython

            if get_ipython() is not None:
                from matplotlib_inline.backend_inline import set_matplotlib_formats

                set_matplotlib_formats("svg", metadata={"Date": None})


def to_svg(fig: Figure) -> str:
    """The figure as deterministic SVG text (same figure -> same bytes)."""
    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def save(fig: Figure, path: str | Path) -> Path:
    """Save ``fig`` as SVG, PNG or PDF (by suffix) without timestamps; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".svg":
        path.write_text(to_svg(fig), encoding="utf-8")
    else:
        meta = {"CreationDate": None} if path.suffix.lower() == ".pdf" else {}
        fig.savefig(path, metadata=meta)
    return path


# --------------------------------------------------------------------------- helpers


def new_figure(height: float, source: str, title: str, **grid: Any) -> Figure:
    """A constrained-layout figure at A4 text width with title on top and source line below.

    The title and source artists are kept on the figure (:func:`lepas_bingkai` takes them off
    when the report prints them as HTML around the chart, "Gambar n. ...").
    """
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    source_h = 0.26 / height if source else 0.0
    fig.get_layout_engine().set(rect=(0, source_h, 1, 1 - source_h), h_pad=0.06, w_pad=0.04)
    bingkai: dict[str, Any] = {"judul": title, "sumber": source, "artists": []}
    if title:
        bingkai["artists"].append(
            fig.suptitle(title, x=0.005, ha="left", fontsize=10, fontweight="bold", color=TINTA)
        )
    if source:
        bingkai["artists"].append(
            fig.text(
                0.005, 0.04 / height, source, ha="left", va="bottom", fontsize=7, color=TINTA_LEMBUT
            )
        )
    bingkai["tinggi"] = (0.26 if source else 0.0) + (0.3 if title else 0.0)
    fig._dtks_bingkai = bingkai  # type: ignore[attr-defined]
    return fig


def lepas_bingkai(fig: Figure) -> tuple[str, str]:
    """Take the title and source line off a chart of :func:`new_figure` (the report prints them
    in HTML, where they stay legible at any screen width); return ``(title, source)``.

    The figure gets shorter by the space they took; a figure not made by :func:`new_figure`
    is left as it is and gives ``("", "")``.
    """
    bingkai = getattr(fig, "_dtks_bingkai", None)
    if not bingkai or not bingkai["artists"]:
        return (bingkai or {}).get("judul", ""), (bingkai or {}).get("sumber", "")
    for artist in bingkai["artists"]:
        artist.remove()
    bingkai["artists"] = []
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, max(height - bingkai["tinggi"], 1.0))
    fig.get_layout_engine().set(rect=(0, 0, 1, 1))
    return bingkai["judul"], bingkai["sumber"]


def int_axis(axis: Any) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_int(v)))
    axis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))


def pct_axis(axis: Any) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_pct(v, 0)))


def require(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(
            f"{what}: kolom tidak ada (missing columns) {missing}; ada: {list(df.columns)}"
        )


def empty_message(fig: Figure, text: str) -> Figure:
    ax = fig.subplots()
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, color=TINTA_LEMBUT)
    return fig


def label_hbars(ax: Axes, bars: Any, labels: Sequence[str], fontsize: float = 7) -> None:
    ax.bar_label(bars, labels=list(labels), padding=2, fontsize=fontsize, color=TINTA)


def headroom(ax: Axes, axis: str = "x", factor: float = 1.14) -> None:
    """Leave room for value labels past the longest bar."""
    lo, hi = ax.get_xlim() if axis == "x" else ax.get_ylim()
    if axis == "x":
        ax.set_xlim(lo, hi * factor if hi > 0 else 1)
    else:
        ax.set_ylim(lo, hi * factor if hi > 0 else 1)
