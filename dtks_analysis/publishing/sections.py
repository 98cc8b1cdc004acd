"""HTML sections of the notebooks and the public report, built from computed tables.

Each function returns an HTML fragment (escaped text, Indonesian numbers) and computes nothing
that is not already in the tables, except simple shares and rankings for presentation.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from dtks_analysis.config import Settings
from dtks_analysis.counting import stats
from dtks_analysis.formatting import (
    awal_kalimat,
    bulan_id,
    fmt_int,
    periode_id,
    source_line_periode,
    tanggal_id,
)
from dtks_analysis.idtext import mask_ids
from dtks_analysis.publishing import blocks, desil_section, narrative, tables
from dtks_analysis.publishing.methodology import (  # noqa: F401
    METHOD_TEXT,
    disclosure_loss_text,
    methodology_html,
)
from dtks_analysis.publishing.tabel_bulanan import (  # noqa: F401  (the month's tables)
    annex_html,
    arus_html,
    karakteristik_html,
    kombinasi_html,
    program_table_html,
    rumah_tangga_html,
    tren_html,
    umur_long,
)
from dtks_analysis.publishing.tabel_html import table_html
from dtks_analysis.publishing.tables import TINGKAT_LABELS

ID_RULE_PREFIXES = ("nik_", "kk_")


def _esc(s: object) -> str:
    return html.escape(str(s))


def _p(text: str) -> str:
    return f"<p>{_esc(text)}</p>"


# -- notebook 01: intake and quality ---------------------------------------------------
def error_rows(findings: pd.DataFrame) -> int:
    """Records with at least one error-level finding."""
    if findings.empty:
        return 0
    return int(findings.loc[findings["tingkat"] == "error", "record"].nunique())


def intake_sentence(md) -> str:
    """One paragraph on what was received and counted this month."""
    s = md.summary
    return (
        f"**{bulan_id(md.month)}**: {fmt_int(s.get('berkas', 0))} berkas, "
        f"{fmt_int(s['baris'])} baris diterima; {fmt_int(s['baris_dihitung'])} baris dihitung dalam "
        f"{fmt_int(s['rumah_tangga'])} rumah tangga; {fmt_int(s['baris_ganda'])} baris ganda digabung; "
        f"{fmt_int(s['baris_tidak_dapat_diolah'])} baris tidak dapat diolah (No KK tidak terbaca); "
        f"{fmt_int(error_rows(md.findings))} baris memiliki kesalahan yang harus diperbaiki."
    )


FILES_COLUMNS = list(tables.TABLES["berkas_masuk"].fields)


def files_html(md, instansi: str) -> str:
    """Files, sheets and rows received (kabupaten level). No row count per file: a village's
    own file holds that village's persons; the list per file is confidential
    (``data/corrections/<month>/berkas_masuk_<month>.xlsx``)."""
    return table_html(
        stats.received_summary(md.files),
        caption=f"Berkas yang diterima, {bulan_id(md.month)}",
        month=md.month,
        int_cols=FILES_COLUMNS,
        note="Daftar per berkas disimpan rahasia di folder koreksi (berkas_masuk_<bulan>.xlsx).",
        instansi=instansi,
    )


def ingest_warnings_html(warnings: list[str] | None, limit: int = 50) -> str:
    """The intake warnings (``summary['peringatan_ingest']``): unrecognised columns that resemble
    a known field, duplicate columns, regions taken from a sheet tab, merged cells... ID-like
    numbers are masked (:func:`idtext.mask_ids`)."""
    warnings = list(warnings or [])
    if not warnings:
        return _p("Tidak ada peringatan saat membaca berkas bulan ini.")
    items = "".join(f"<li>{_esc(mask_ids(w))}</li>" for w in warnings[:limit])
    more = len(warnings) - limit
    tail = _p(f"... dan {fmt_int(more)} peringatan lainnya.") if more > 0 else ""
    head = _p(
        f"Saat membaca berkas tercatat {fmt_int(len(warnings))} peringatan (kolom yang tidak "
        f"dikenali tetapi mirip kolom baku, kolom dobel, wilayah dari nama sheet, dan lain-lain):"
    )
    return f"{head}<ul class='peringatan-ingest'>{items}</ul>{tail}"


def ingest_warnings_count_html(warnings: list[str] | None) -> str:
    """The public report says only how many intake warnings there were: their texts name files,
    sheets and columns (internal detail, listed in the reviewer edition, notebook 01)."""
    n = len(warnings or [])
    if n == 0:
        return _p("Tidak ada peringatan saat membaca berkas bulan ini.")
    return _p(
        f"Saat membaca berkas tercatat {fmt_int(n)} peringatan (kolom yang tidak dikenali tetapi "
        f"mirip kolom baku, kolom dobel, wilayah yang diambil dari nama lembar kerja, dan "
        f"lain-lain); rinciannya ada di edisi penelaah (notebook 01)."
    )


def rule_counts(findings: pd.DataFrame, wilayah: str) -> pd.DataFrame:
    """Findings per rule, descriptions naming the kabupaten/kota ``wilayah``."""
    from dtks_analysis.editing import rules

    return stats.kualitas_data(findings, rules.rules_table(wilayah))


def rules_html(md, instansi: str, wilayah: str) -> str:
    k = rule_counts(md.findings, wilayah)
    k = k[k["jumlah_catatan"] > 0].copy()
    k["tingkat"] = k["tingkat"].map(TINGKAT_LABELS).fillna(k["tingkat"])
    return table_html(
        k,
        caption=f"Temuan validasi menurut aturan, {bulan_id(md.month)}",
        month=md.month,
        int_cols=["jumlah_catatan"],
        instansi=instansi,
    )


def village_counts(villages: pd.DataFrame) -> pd.DataFrame:
    """Villages with errors or warnings (from ``validate.summary_by_village``), most errors first."""
    v = villages[(villages["errors"] + villages["warnings"]) > 0].copy()
    v["_kec"] = v["kode_kecamatan"].fillna("")
    v["_desa"] = v["kode_desa"].fillna("")
    v = v.sort_values(["errors", "warnings", "_kec", "_desa"], ascending=[False, False, True, True])
    v = v.rename(columns={"errors": "kesalahan", "warnings": "peringatan"})
    return v[["kecamatan", "desa", "kesalahan", "peringatan"]].reset_index(drop=True)


def desa_temuan(villages: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The report's (and the workbook's) table ``desa_temuan``: the ``top`` villages with the
    most errors."""
    return village_counts(villages).head(top).reset_index(drop=True)


def villages_html(md, instansi: str, top: int = 20) -> str:
    v = village_counts(md.villages).head(top)
    return table_html(
        v,
        caption=f"{awal_kalimat(top, 'desa/kelurahan')} dengan temuan terbanyak, "
        f"{bulan_id(md.month)}",
        month=md.month,
        int_cols=["kesalahan", "peringatan"],
        instansi=instansi,
    )


def examples_html(md, instansi: str) -> str:
    """One masked example per rule: file, row, and the ID masked (never a name)."""
    f = md.findings
    if f.empty:
        return _p("Tidak ada temuan.")
    first = f.sort_values(["kode_aturan", "_file", "_sheet", "_row"]).drop_duplicates("kode_aturan")
    rows = []
    for _, r in first.iterrows():
        value = "(tidak ditampilkan)"
        if str(r["kode_aturan"]).startswith(ID_RULE_PREFIXES):
            value = r.get("contoh") or "(kosong)"
        rows.append(
            {
                "Kode aturan": r["kode_aturan"],
                "Berkas": r["_file"],
                "Lembar": r["_sheet"],
                "Baris": str(r["_row"]),  # a row number, not a quantity: no thousands dot
                "Nilai (disamarkan)": value,
            }
        )
    return table_html(
        pd.DataFrame(rows),
        caption="Contoh temuan per aturan (ID disamarkan)",
        month=md.month,
        instansi=instansi,
    )


# -- notebook 02: the public report -------------------------------------------------------
def title_block_html(
    month: str, settings: Settings, release: date | None = None, judul: str | None = None
) -> str:
    """The title page (``judul``: the heading naming the month's source,
    ``desil_section.judul_laporan``; default DTKS)."""
    return str(
        blocks.judul_html(
            judul or "Laporan Bulanan Data Terpadu Kesejahteraan Sosial (DTKS)",
            bulan_id(month),
            tanggal_rilis=tanggal_id(release or date.today()),
            instansi=settings.instansi,
            wilayah=settings.kabupaten_nama,
            sementara=settings.data_sementara,
            alamat=settings.alamat_instansi,
            kontak=settings.kontak_instansi,
        )
    )


def highlights_html(t, settings: Settings) -> str:
    """The Ringkasan box."""
    return str(blocks.ringkasan_html(highlights(t, settings)))


def highlights(t, settings: Settings) -> list[str]:
    """The Ringkasan sentences for a ReportTables of ``settings``' kabupaten."""
    n_err = error_rows(t.findings)
    return narrative.ringkasan(
        t.month,
        t.published["rekap_kecamatan"],
        t.published["tren_bulanan"],
        t.extra["nonrespon"],
        t.summary,
        n_err,
        t.previous_month,
        settings.kabupaten_nama,
        desil_section.sumber_bulan(t),
    ) + desil_section.highlights(t)


def quality_section_html(t, settings: Settings) -> str:
    """The "Kualitas data" section; its tables name the month's source."""
    month = t.month
    src = desil_section.sumber_bulan(t)
    k = t.published["kualitas_data"]
    k = k[(k["jumlah_catatan"] > 0) & (k["tingkat"] != "sensor")].copy()  # loss: methodology
    k["tingkat"] = k["tingkat"].map(TINGKAT_LABELS).fillna(k["tingkat"])
    s = t.summary
    parts = [
        _p(
            f"Bulan ini diterima {fmt_int(s['baris'])} baris dari {fmt_int(s.get('berkas', 0))} berkas. "
            f"{awal_kalimat(s['baris_ganda'], 'baris')} yang persis sama digabung dan "
            f"{fmt_int(s['baris_tidak_dapat_diolah'])} baris tidak dapat diolah karena No KK kosong, "
            f"tidak 16 digit atau rusak."
        ),
        table_html(
            t.extra["berkas_masuk"],
            caption=tables.caption("berkas_masuk", month),
            month=month,
            int_cols=FILES_COLUMNS,
            note="Jumlah baris per berkas tidak diterbitkan: berkas kiriman satu desa memuat "
            "jiwa desa itu.",
            instansi=settings.instansi,
            sumber_data=src,
        ),
        _trend_quality_html(
            t.extra["tren_kualitas"],
            month,
            settings.instansi,
            desil_section.sumber_periode(t, t.extra["tren_kualitas"]["bulan"]),
        ),
        ingest_warnings_count_html(s.get("peringatan_ingest")),
        table_html(
            rule_rows(k[k["tingkat"] != TINGKAT_LABELS["note"]]),
            caption=tables.caption("kualitas_data", month),
            month=month,
            int_cols=["jumlah_catatan"],
            labels=RULE_LABELS,
            note="Kesalahan harus diperbaiki operator desa/kelurahan; peringatan perlu diperiksa.",
            instansi=settings.instansi,
            sumber_data=src,
        ),
        notes_html(k[k["tingkat"] == TINGKAT_LABELS["note"]]),
    ]
    if not t.villages.empty:
        v = desa_temuan(t.villages)
        parts.append(
            table_html(
                v,
                caption=tables.caption("desa_temuan", month),
                month=month,
                int_cols=["kesalahan", "peringatan"],
                instansi=settings.instansi,
                sumber_data=src,
            )
        )
    nr = t.extra["nonrespon"]
    parts.append(  # an empty table keeps its number, with the reason
        table_html(
            nr[["kecamatan", "desa", "rumah_tangga"]],
            caption=tables.caption("nonrespon", month),
            month=month,
            int_cols=["rumah_tangga"],
            note=f"–: disembunyikan, seperti pada tabel desa/kelurahan (nilai 1–"
            f"{settings.min_cell} atau sel pelindungnya)."
            if len(nr)
            else "Tidak ada desa/kelurahan yang tidak melapor bulan ini.",
            instansi=settings.instansi,
            sumber_data=src,
        )
    )
    parts.append(
        _p(
            "Dinas Sosial meminta operator desa/kelurahan memperbaiki setiap baris pada daftar "
            "koreksi yang dikirimkan (NIK dan No KK diketik ulang sebagai teks dari dokumen asli, "
            "kepala keluarga ditandai tepat satu per KK, nama desa sesuai daftar resmi), lalu "
            "mengirim ulang data sebelum tanggal 20 bulan berikutnya."
        )
    )
    return "".join(parts)


#: Tabel 9's headers: the rule is named by its description, never by its code
RULE_LABELS = {"uraian": "Temuan", "jumlah_catatan": "Baris data"}


def rule_label(kode: str, uraian: str = "") -> str:
    """A rule in plain Indonesian: ``uraian`` (the description as ``kualitas_data`` words it for
    the run's kabupaten), else the catalogue's (``editing.rules``); codes (``nik_excel``) are for
    the reviewer edition and the CSV only."""
    from dtks_analysis.editing import rules

    if uraian:
        return uraian
    rule = rules.RULES.get(kode)
    return rule.uraian if rule is not None else "Aturan lain"


def rule_rows(k: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``kualitas_data`` (with readable ``tingkat``) as the public report shows them:
    description, severity and count, errors first (catalogue order within a severity)."""
    order = {label: i for i, label in enumerate(TINGKAT_LABELS.values())}
    out = pd.DataFrame(
        {
            "uraian": [
                rule_label(c, u) for c, u in zip(k["kode_aturan"], k["uraian"], strict=True)
            ],
            "tingkat": k["tingkat"].to_numpy(),
            "jumlah_catatan": k["jumlah_catatan"].to_numpy(),
            "_urut": k["tingkat"].map(order).to_numpy(),
        }
    )
    return out.sort_values("_urut", kind="stable").drop(columns="_urut").reset_index(drop=True)


def notes_html(k: pd.DataFrame) -> str:
    """Findings of note level (fixed automatically or not an error at all, such as a NIK first
    registered in another kabupaten): information, listed apart from what must be corrected."""
    if k.empty:
        return ""
    items = "".join(
        f"<li>{_esc(r.uraian)}: {fmt_int(r.jumlah_catatan)} baris</li>"
        for r in rule_rows(k).itertuples()
    )
    return (
        _p(
            "Catatan (bukan kesalahan dan tidak perlu diperbaiki; dicatat sebagai informasi "
            "atau sudah dibetulkan otomatis saat pengolahan):"
        )
        + f"<ul class='catatan-aturan'>{items}</ul>"
    )


def _trend_quality_html(
    tren: pd.DataFrame, month: str, instansi: str, sumber_data: str = "DTKS"
) -> str:
    df = tren.copy()
    months = df["bulan"].tolist()
    df["persen_error"] = df["persen_error"] / 100
    df["bulan"] = df["bulan"].map(bulan_id)
    return table_html(
        df[["bulan", "catatan", "catatan_error", "persen_error"]],
        caption=tables.caption("tren_kualitas", where=periode_id(months)),
        month=month,
        int_cols=["catatan", "catatan_error"],
        pct_cols=["persen_error"],
        instansi=instansi,
        sumber_data=sumber_data,
        sumber=source_line_periode(months, instansi, sumber_data),
    )


__all__ = [
    "annex_html",
    "arus_html",
    "error_rows",
    "desa_temuan",
    "examples_html",
    "files_html",
    "highlights",
    "highlights_html",
    "rumah_tangga_html",
    "table_html",
    "intake_sentence",
    "karakteristik_html",
    "kombinasi_html",
    "methodology_html",
    "disclosure_loss_text",
    "program_table_html",
    "quality_section_html",
    "rules_html",
    "title_block_html",
    "tren_html",
    "village_counts",
    "villages_html",
]
