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
    source_line,
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
from dtks_analysis.publishing.tables import TINGKAT_LABELS
from dtks_analysis.vocab import PROGRAM_LABELS, PROGRAMS, TIDAK_DIKETAHUI

ID_RULE_PREFIXES = ("nik_", "kk_")


def _esc(s: object) -> str:
    return html.escape(str(s))


def _p(text: str) -> str:
    return f"<p>{_esc(text)}</p>"


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
) -> str:
    """A report table with the registry's short column labels (``table``: the published table
    it shows, for that table's own labels) and the month's source line (``sumber`` instead, for
    a table of several months: :func:`formatting.source_line_periode`). ``bersambung`` and
    ``kelas``: see :func:`blocks.tabel_html`."""
    return str(
        blocks.tabel_html(
            df,
            caption,
            sumber=sumber or source_line(month, instansi),
            catatan=note,
            int_cols=int_cols,
            pct_cols=pct_cols,
            labels={**tables.short_labels(table), **(labels or {})},
            total=total,
            bersambung=bersambung,
            kelas=kelas,
        )
    )


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
    ) + desil_section.highlights(t)


def rumah_tangga_html(rekap: pd.DataFrame, month: str, instansi: str) -> str:
    """Households, persons and recipients of any program per kecamatan, with the kabupaten
    total (the programs one by one: :func:`program_table_html`)."""
    return table_html(
        rekap[["kecamatan", "rumah_tangga", "jiwa", "rt_bansos", "rt_imputasi"]],
        caption=tables.caption("rekap_kecamatan", month),
        month=month,
        int_cols=["rumah_tangga", "jiwa", "rt_bansos", "rt_imputasi"],
        total=True,
        note="RT imputasi: rumah tangga desa yang tidak melapor, dibawa dari bulan lalu.",
        instansi=instansi,
    )


def program_table_html(rekap: pd.DataFrame, month: str, instansi: str) -> str:
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
        caption=tables.caption("cakupan_program", month),
        month=month,
        int_cols=[f"rt_{p}" for p in PROGRAMS],
        pct_cols=[f"persen_{p}" for p in PROGRAMS],
        total=total,
        note="Cakupan: persentase terhadap seluruh rumah tangga DTKS di kecamatan tersebut.",
        instansi=instansi,
    )


def kombinasi_html(komb: pd.DataFrame, month: str, instansi: str) -> str:
    df = komb.copy()
    yes = {1: "Ya", 0: "Tidak"}
    for key in PROGRAMS:
        df[key] = df[key].map(yes)
    total = df["rumah_tangga"].sum()
    df["persen"] = df["rumah_tangga"] / total if total else None
    df = df[[*PROGRAMS, "rumah_tangga", "persen"]]
    return table_html(
        df,
        caption=tables.caption("kombinasi_program", month),
        month=month,
        int_cols=["rumah_tangga"],
        pct_cols=["persen"],
        instansi=instansi,
    )


def arus_html(arus: pd.DataFrame, month: str, previous_month: str | None, instansi: str) -> str:
    df = arus.copy()
    df["program"] = df["program"].map(PROGRAM_LABELS)
    note = None
    if previous_month is None:
        note = "Bulan lalu tidak tersedia: arus tidak dapat dihitung untuk bulan ini."
    return table_html(
        df,
        caption=tables.caption("arus_program", month),
        month=month,
        int_cols=["bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini"],
        note=note,
        instansi=instansi,
    )


def karakteristik_html(extra: dict, month: str, instansi: str) -> str:
    """Household size, head's sex (shares: stats gives percent 0-100) and age structure."""
    parts = []
    for name in ("ukuran_rumah_tangga", "jk_kepala"):
        df = extra[name].copy()
        df["persen"] = df["persen"] / 100
        parts.append(
            table_html(
                df,
                caption=tables.caption(name, month),
                month=month,
                int_cols=["rumah_tangga"],
                pct_cols=["persen"],
                table=name,
                total={df.columns[0]: "Jumlah", "rumah_tangga": int(df["rumah_tangga"].sum())},
                instansi=instansi,
            )
        )
    if "struktur_umur" in extra:
        umur = extra["struktur_umur"]
        parts.append(
            table_html(
                umur,
                caption=tables.caption("struktur_umur", month),
                month=month,
                int_cols=list(umur.columns[1:]),
                table="struktur_umur",
                total=True,
                instansi=instansi,
            )
        )
    return "".join(parts)


def tren_html(tren: pd.DataFrame, month: str, instansi: str) -> str:
    """Households and recipients per month (the months of the trend chart), months in words."""
    df = tren.copy()
    df["bulan"] = df["bulan"].map(bulan_id)
    return table_html(
        df,
        caption=tables.caption("tren_bulanan", month),
        month=month,
        int_cols=list(df.columns[1:]),
        table="tren_bulanan",
        instansi=instansi,
    )


def quality_section_html(t, settings: Settings) -> str:
    month = t.month
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
        ),
        _trend_quality_html(t.extra["tren_kualitas"], month, settings.instansi),
        ingest_warnings_count_html(s.get("peringatan_ingest")),
        table_html(
            rule_rows(k[k["tingkat"] != TINGKAT_LABELS["note"]]),
            caption=tables.caption("kualitas_data", month),
            month=month,
            int_cols=["jumlah_catatan"],
            labels=RULE_LABELS,
            note="Kesalahan harus diperbaiki operator desa/kelurahan; peringatan perlu diperiksa.",
            instansi=settings.instansi,
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


def _trend_quality_html(tren: pd.DataFrame, month: str, instansi: str) -> str:
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
        sumber=source_line_periode(months, instansi),
    )


def annex_html(
    rekap_desa: pd.DataFrame, month: str, settings: Settings, dtsen: bool = False
) -> str:
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
                caption=tables.caption("rekap_desa", month, f"Kecamatan {label}", dtsen=dtsen),
                month=month,
                int_cols=cols[1:],
                note=note,
                total=False,
                instansi=settings.instansi,
                # continued over pages with "(lanjutan)" and the kecamatan in the caption
                bersambung=True,
                kelas="lampiran",
            )
        )
    parts.append(
        _p(f"Kontak: {settings.instansi}, {settings.alamat_instansi}. {settings.kontak_instansi}.")
    )
    return "".join(parts)


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
