"""One report table as HTML: the registry's labels and the month's source line."""

from __future__ import annotations

import pandas as pd

from dtks_analysis.formatting import source_line
from dtks_analysis.publishing import blocks, tables


def table_html(
    df: pd.DataFrame,
    *,
    caption: str,
    month: str,
    int_cols: list[str] | tuple[str, ...] = (),
    pct_cols: list[str] | tuple[str, ...] = (),
    labels: dict[str, str] | None = None,
    note: str | None = None,
    total: bool | dict | None = None,
    table: str | None = None,
    instansi: str,
    sumber: str | None = None,
    bersambung: bool | None = None,
    kelas: str = "",
    sumber_data: str = "DTKS",
) -> str:
    """A report table with the registry's short column labels (``table``: the published table
    it shows, for that table's own labels) and the month's source line naming ``sumber_data``
    (``sumber`` instead, for a table of several months: :func:`formatting.source_line_periode`).
    ``bersambung`` and ``kelas``: see :func:`blocks.tabel_html`."""
    return str(
        blocks.tabel_html(
            df,
            caption,
            sumber=sumber or source_line(month, instansi, sumber_data),
            catatan=note,
            int_cols=int_cols,
            pct_cols=pct_cols,
            labels={**tables.short_labels(table), **(labels or {})},
            total=total,
            bersambung=bersambung,
            kelas=kelas,
        )
    )
