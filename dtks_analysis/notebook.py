"""Small helpers the notebooks use to start and to show things (no business logic)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from IPython.display import HTML, Markdown, display

from dtks_analysis.config import PROJ_ROOT, Settings, load_settings
from dtks_analysis.formatting import teks_publik

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler


def start(
    month: str | None = None,
    params_file: str | None = None,
    data_dir: str | None = None,
    raw_dir: str | None = None,
    charts: bool = True,
) -> tuple[str, Settings]:
    """Resolve the month (None = latest present) and settings; set up SVG charts if wanted.

    A relative ``params_file`` is found beside the notebook or in the project (the reviewer
    edition names it relative to the project, ``params/2023-12-revisi.yaml``); relative
    folders are the project's, as everywhere (``config.load_settings``).
    """
    from dtks_analysis import pipeline

    if params_file and not Path(params_file).is_absolute() and not Path(params_file).exists():
        params_file = str(PROJ_ROOT / params_file)

    base = load_settings(None, params_file=params_file, data_dir=data_dir, raw_dir=raw_dir)
    month = pipeline.resolve_month(month, base)
    settings = load_settings(month, params_file=params_file, data_dir=data_dir, raw_dir=raw_dir)
    if charts:
        from dtks_analysis.publishing import charts as chart_module

        chart_module.setup()
    return month, settings


def show_html(fragment: str) -> None:
    """Display an HTML fragment; NIK / No KK-like runs from input text (file names, sheet
    names, headers, warnings) are masked first (``formatting.teks_publik``)."""
    display(HTML(teks_publik(fragment)))


def show_md(text: str) -> None:
    """Display Markdown, with NIK / No KK-like runs masked as in :func:`show_html`."""
    display(Markdown(teks_publik(text)))


def show_fig(fig) -> None:
    """Display a matplotlib figure once (as SVG in the notebook) and close it."""
    import matplotlib.pyplot as plt

    display(fig)
    plt.close(fig)


def tabel(df: pd.DataFrame, name: str, caption: str | None = None) -> Styler:
    """``df`` styled for reading in Indonesian number formats: thousands ``.``, decimals ``,``
    (one place), hidden or missing cells ``–``, ID-like runs in text masked. ``name`` fixes
    the HTML ids, so an executed notebook is the same on every run.

    The DataFrame itself stays the analyst's to sort and filter (``df.sort_values(...)``).
    """
    shown = df.copy()
    for col in shown.select_dtypes(include=["object", "string"]).columns:
        shown[col] = shown[col].map(teks_publik)
    styler = shown.style.format(thousands=".", decimal=",", precision=1, na_rep="–")
    numbers = shown.select_dtypes("number").columns
    styler = styler.hide(axis="index").set_uuid(name)
    styler = styler.set_properties(subset=list(numbers), **{"text-align": "right"})
    return styler.set_caption(caption) if caption else styler


def show_df(df: pd.DataFrame, name: str, caption: str | None = None) -> None:
    """Display :func:`tabel` of ``df`` (the DataFrame behind a section, for analysts)."""
    display(tabel(df, name, caption))


def show_gambar(fig, periode: str | None = None) -> None:
    """Display a chart as a numbered report figure (``charts.gambar_html``: HTML caption, SVG,
    source line; "Gambar n." is added when the report is rendered) and close it."""
    import matplotlib.pyplot as plt

    from dtks_analysis.publishing.charts import gambar_html

    display(HTML(gambar_html(fig, periode)))
    plt.close(fig)
