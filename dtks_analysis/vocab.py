"""Words every stage shares: program codes and their labels, the "unknown" label.

One definition each (issue #10): counting builds its tables with these codes, publishing shows
them with these labels. ``dtks_analysis.synthetic`` keeps its own copies on purpose (its truth
must not come from the code it checks).
"""

from __future__ import annotations

#: the three social-assistance programs, in the order of every table and chart
PROGRAMS: tuple[str, ...] = ("bpnt", "pbi_jkn", "pkh")
#: how a program code is shown (tables, charts, sentences)
PROGRAM_LABELS: dict[str, str] = {"bpnt": "BPNT", "pbi_jkn": "PBI-JKN", "pkh": "PKH"}
#: a region, sex or age group that could not be determined (a row of the published tables)
TIDAK_DIKETAHUI = "Tidak diketahui"

#: the data source of a month in words (title page, workbook contents; issue 13)
NAMA_SUMBER: dict[str, str] = {
    "DTKS": "Data Terpadu Kesejahteraan Sosial (DTKS)",
    "DTSEN": "Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)",
    "DTSEN dan DTKS": "Data Tunggal Sosial dan Ekonomi Nasional (DTSEN) dan DTKS",
}
