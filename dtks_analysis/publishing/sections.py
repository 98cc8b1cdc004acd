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
from dtks_analysis.formatting import bulan_id, fmt_int, source_line, tanggal_id
from dtks_analysis.idtext import mask_ids
from dtks_analysis.publishing import blocks, narrative, tables
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
) -> str:
    """A report table with the registry's short column labels (``table``: the published table
    it shows, for that table's own labels) and the month's source line."""
    return str(
        blocks.tabel_html(
            df,
            caption,
            sumber=source_line(month, instansi),
            catatan=note,
            int_cols=int_cols,
            pct_cols=pct_cols,
            labels={**tables.short_labels(table), **(labels or {})},
            total=total,
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
        f"{fmt_int(len(warnings))} peringatan saat membaca berkas (kolom yang tidak dikenali "
        f"tetapi mirip kolom baku, kolom dobel, wilayah dari nama sheet, dan lain-lain):"
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


def rule_counts(findings: pd.DataFrame) -> pd.DataFrame:
    from dtks_analysis.editing import rules

    return stats.kualitas_data(findings, rules.rules_table())


def rules_html(md, instansi: str) -> str:
    k = rule_counts(md.findings)
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


def villages_html(md, instansi: str, top: int = 20) -> str:
    v = village_counts(md.villages).head(top)
    return table_html(
        v,
        caption=f"{top} desa/kelurahan dengan temuan terbanyak, {bulan_id(md.month)}",
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
def title_block_html(month: str, settings: Settings, release: date | None = None) -> str:
    """The title page."""
    return str(
        blocks.judul_html(
            "Laporan Bulanan Data Terpadu Kesejahteraan Sosial (DTKS)",
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
    )


def rumah_tangga_html(rekap: pd.DataFrame, month: str, instansi: str) -> str:
    """Table 1: households and persons per kecamatan, with the kabupaten total."""
    return table_html(
        rekap[["kecamatan", "rumah_tangga", "jiwa", "rt_imputasi"]],
        caption=f"Tabel 1. Rumah tangga dan jiwa DTKS menurut kecamatan, {bulan_id(month)}",
        month=month,
        int_cols=["rumah_tangga", "jiwa", "rt_imputasi"],
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
        caption=f"Tabel 2. Rumah tangga penerima program dan cakupannya menurut kecamatan, {bulan_id(month)}",
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
        caption=f"Tabel 3. Rumah tangga menurut kombinasi program, {bulan_id(month)}",
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
        caption=f"Tabel 4. Arus rumah tangga penerima program, {bulan_id(month)}",
        month=month,
        int_cols=["bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini"],
        note=note,
        instansi=instansi,
    )


def karakteristik_html(extra: dict, month: str, instansi: str) -> str:
    """Tables 5-6: household size and head's sex (shares: stats gives percent 0-100)."""
    parts = []
    for name, caption in (
        ("ukuran_rumah_tangga", "Tabel 5. Rumah tangga menurut banyaknya anggota"),
        ("jk_kepala", "Tabel 6. Rumah tangga menurut jenis kelamin kepala keluarga"),
    ):
        df = extra[name].copy()
        df["persen"] = df["persen"] / 100
        parts.append(
            table_html(
                df,
                caption=f"{caption}, {bulan_id(month)}",
                month=month,
                int_cols=["rumah_tangga"],
                pct_cols=["persen"],
                table=name,
                total={df.columns[0]: "Jumlah", "rumah_tangga": int(df["rumah_tangga"].sum())},
                instansi=instansi,
            )
        )
    return "".join(parts)


def quality_section_html(t, settings: Settings) -> str:
    month = t.month
    k = t.published["kualitas_data"]
    k = k[(k["jumlah_catatan"] > 0) & (k["tingkat"] != "sensor")].copy()  # loss: methodology
    k["tingkat"] = k["tingkat"].map(TINGKAT_LABELS).fillna(k["tingkat"])
    s = t.summary
    parts = [
        _p(
            f"Bulan ini diterima {fmt_int(s['baris'])} baris dari {fmt_int(s.get('berkas', 0))} berkas. "
            f"{fmt_int(s['baris_ganda'])} baris yang persis sama digabung dan "
            f"{fmt_int(s['baris_tidak_dapat_diolah'])} baris tidak dapat diolah karena No KK kosong, "
            f"tidak 16 digit atau rusak."
        ),
        table_html(
            t.extra["berkas_masuk"],
            caption=f"Tabel 7. Berkas, lembar kerja dan baris data yang diterima, {bulan_id(month)}",
            month=month,
            int_cols=FILES_COLUMNS,
            note="Jumlah baris per berkas tidak diterbitkan: berkas kiriman satu desa memuat "
            "jiwa desa itu.",
            instansi=settings.instansi,
        ),
        _trend_quality_html(t.extra["tren_kualitas"], month, settings.instansi),
        ingest_warnings_count_html(s.get("peringatan_ingest")),
        table_html(
            k[["kode_aturan", "tingkat", "uraian", "jumlah_catatan"]],
            caption=f"Tabel 9. Temuan validasi menurut aturan, {bulan_id(month)}",
            month=month,
            int_cols=["jumlah_catatan"],
            instansi=settings.instansi,
        ),
    ]
    if not t.villages.empty:
        v = village_counts(t.villages).head(10)
        parts.append(
            table_html(
                v,
                caption="Tabel 10. Sepuluh desa/kelurahan dengan kesalahan terbanyak",
                month=month,
                int_cols=["kesalahan", "peringatan"],
                instansi=settings.instansi,
            )
        )
    nr = t.extra["nonrespon"]
    if len(nr):
        parts.append(
            table_html(
                nr[["kecamatan", "desa", "rumah_tangga"]],
                caption="Tabel 11. Desa/kelurahan yang tidak mengirim data (rumah tangga dibawa dari bulan lalu)",
                month=month,
                int_cols=["rumah_tangga"],
                note=f"–: disembunyikan, seperti pada tabel desa/kelurahan (nilai 1–"
                f"{settings.min_cell} atau sel pelindungnya).",
                instansi=settings.instansi,
            )
        )
    else:
        parts.append(_p("Tidak ada desa/kelurahan yang tidak melapor bulan ini."))
    parts.append(
        _p(
            "Dinas Sosial meminta operator desa/kelurahan memperbaiki setiap baris pada daftar "
            "koreksi yang dikirimkan (NIK dan No KK diketik ulang sebagai teks dari dokumen asli, "
            "kepala keluarga ditandai tepat satu per KK, nama desa sesuai daftar resmi), lalu "
            "mengirim ulang data sebelum tanggal 20 bulan berikutnya."
        )
    )
    return "".join(parts)


def _trend_quality_html(tren: pd.DataFrame, month: str, instansi: str) -> str:
    df = tren.copy()
    df["bulan"] = df["bulan"].map(bulan_id)
    df["persen_error"] = df["persen_error"] / 100
    return table_html(
        df[["bulan", "catatan", "catatan_error", "persen_error"]],
        caption="Tabel 8. Baris dengan kesalahan menurut bulan",
        month=month,
        int_cols=["catatan", "catatan_error"],
        pct_cols=["persen_error"],
        instansi=instansi,
    )


METHOD_TEXT = [
    "Sumber data: ekstrak DTKS dari aplikasi SIKS-NG dan kiriman kantor desa/kelurahan "
    "(kompilasi produk administrasi), keadaan akhir bulan laporan.",
    "Rumah tangga adalah satu Kartu Keluarga (No KK) dalam ekstrak bulan laporan. Baris dengan "
    "No KK yang tidak dapat diolah (kosong, tidak 16 digit, mengandung huruf, atau dalam notasi "
    "ilmiah) tidak dihitung dan dilaporkan jumlahnya. No KK yang 16 digit tetapi cacat (tanggal "
    "mustahil, nomor urut 0000, wilayah tidak dikenal, rusak oleh Excel) tetap mengelompokkan "
    "keluarganya dan ditandai untuk diperbaiki.",
    "Jiwa adalah baris anggota rumah tangga yang dihitung. Baris yang persis sama setelah "
    "penyuntingan digabung menjadi satu. NIK yang sama di dua No KK berbeda dilaporkan sebagai "
    "kesalahan dan kedua barisnya tetap dihitung.",
    "Sebuah rumah tangga menerima BPNT, PBI-JKN atau PKH bila sedikitnya satu anggotanya tercatat "
    "menerima. Nilai tanda program yang tidak dikenal dihitung tidak menerima dan dilaporkan.",
    "Kecamatan dan desa rumah tangga adalah yang paling sering di antara anggotanya (bila seri: "
    f"baris pertama). Rumah tangga yang kecamatannya tidak dikenali dihitung pada '{TIDAK_DIKETAHUI}'.",
    "Penyesuaian nonrespons: desa/kelurahan yang bulan lalu memiliki data tetapi bulan ini tidak "
    "mengirim apa pun dianggap tidak merespons; rumah tangganya dibawa dari data bersih bulan lalu, "
    "ditandai imputasi, dan termasuk dalam angka yang disesuaikan.",
    "Arus penerima dihitung per program dengan membandingkan No KK penerima bulan lalu dan bulan "
    "ini: bertahan, baru dan keluar; stok bulan ini = stok bulan lalu + baru − keluar. Rumah tangga "
    "yang berganti No KK tercatat keluar lalu baru.",
]


def disclosure_loss_text(kualitas: pd.DataFrame) -> str:
    """The month's information loss in one sentence, from the "sensor" rows of
    ``kualitas_data`` (:func:`dtks_analysis.counting.disclosure.information_loss`)."""
    k = kualitas[kualitas["tingkat"] == "sensor"].set_index("kode_aturan")["jumlah_catatan"]
    if k.empty:
        return ""
    n = {
        c: fmt_int(int(k.get(f"sensor_{c}", 0)))
        for c in (
            "sel_primer",
            "sel_sekunder",
            "rt_primer",
            "rt_sekunder",
            "jiwa",
            "desa_rt_sekunder",
        )
    }
    if int(k.get("sensor_sel_primer", 0)) + int(k.get("sensor_sel_sekunder", 0)) == 0:
        return "Bulan ini tidak ada sel tabel desa/kelurahan yang disembunyikan."
    return (
        f"Bulan ini disembunyikan {n['sel_primer']} sel primer (berisi {n['rt_primer']} rumah "
        f"tangga, dihitung sekali per kolom) dan {n['sel_sekunder']} sel pelindung (berisi "
        f"{n['rt_sekunder']} rumah tangga), serta {n['jiwa']} jiwa pada kolom jiwa; "
        f"desa/kelurahan bukan desa kecil yang jumlah rumah tangganya ikut disembunyikan: "
        f"{n['desa_rt_sekunder']}."
    )


def methodology_html(settings: Settings, t=None) -> str:
    """The methodology section; with the month's tables ``t``, also its information loss."""
    from dtks_analysis.publishing import metadata

    items = "".join(f"<li>{_esc(s)}</li>" for s in METHOD_TEXT)
    disclosure = (
        f"Pengendalian pengungkapan: pada tabel menurut desa/kelurahan, sel bernilai 1 sampai "
        f"{settings.min_cell} disembunyikan (–), dan sel lain ikut disembunyikan bila perlu agar "
        f"tidak satu pun nilai tersembunyi yang bukan 0 dapat dihitung ulang dari total kecamatan, "
        f"hubungan antarkolom (mis. penerima satu program tidak melebihi penerima bantuan, "
        f"rumah tangga tidak melebihi jiwa), daftar desa yang tidak melapor dan tabel bulan lalu "
        f"(diperiksa dengan pemrograman linear). Sel pelindung dipilih dengan optimasi sehingga "
        f"jumlah nilai yang disembunyikan sekecil mungkin; satu baris desa/kelurahan tidak "
        f"disembunyikan seluruhnya bila beberapa sel saja sudah melindungi. Baris "
        f"'{TIDAK_DIKETAHUI}' dalam satu kecamatan (rumah tangga yang desanya tidak dikenali) "
        f"bukan sebuah tempat: tidak disembunyikan karena kecil, tetapi dapat menjadi sel "
        f"pelindung. Jumlah baris per berkas tidak diterbitkan. Angka kabupaten "
        f"dan kecamatan diterbitkan lengkap. Data mikro dan data pribadi (NIK, No KK, nama, alamat, "
        f"tanggal lahir) tidak pernah diterbitkan (UU 27/2022 tentang Pelindungan Data Pribadi, "
        f"UU Administrasi Kependudukan)."
    )
    if t is not None:
        disclosure += " " + disclosure_loss_text(t.published["kualitas_data"])
    defs = metadata.definitions_table()
    rows = "".join(
        f"<tr><td>{_esc(r.jenis)}</td><td>{_esc(r.nama)}</td><td>{_esc(r.definisi)}</td>"
        f"<td>{_esc(r.metode_perhitungan or '–')}</td><td>{_esc(r.satuan)}</td></tr>"
        for r in defs.itertuples()
    )
    return (
        f'<ol class="metode">{items}</ol>{_p(disclosure)}'
        '<figure class="tabel"><table class="dtks definisi"><caption>Definisi variabel dan '
        "indikator</caption><thead><tr><th>Jenis</th><th>Nama</th><th>Definisi</th>"
        "<th>Metode perhitungan</th><th>Satuan</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></figure>"
    )


def annex_html(rekap_desa: pd.DataFrame, month: str, settings: Settings) -> str:
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
                caption=f"Lampiran. Kecamatan {label}: rumah tangga menurut desa/kelurahan, {bulan_id(month)}",
                month=month,
                int_cols=cols[1:],
                note=note,
                total=False,
                instansi=settings.instansi,
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
