"""Small helpers the notebooks use to start and to show things (no business logic)."""

from __future__ import annotations

from IPython.display import HTML, Markdown, display

from dtks_analysis.config import Settings, load_settings
from dtks_analysis.formatting import teks_publik


def start(
    month: str | None = None,
    params_file: str | None = None,
    data_dir: str | None = None,
    raw_dir: str | None = None,
    charts: bool = True,
) -> tuple[str, Settings]:
    """Resolve the month (None = latest present) and settings; set up SVG charts if wanted."""
    from dtks_analysis import pipeline

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


def show_gambar(fig, periode: str | None = None) -> None:
    """Display a chart as a numbered report figure (``charts.gambar_html``: HTML caption, SVG,
    source line; "Gambar n." is added when the report is rendered) and close it."""
    import matplotlib.pyplot as plt

    from dtks_analysis.publishing.charts import gambar_html

    display(HTML(gambar_html(fig, periode)))
    plt.close(fig)
