"""The report's "Metode" section: how the numbers are made, disclosure control, definitions."""

from __future__ import annotations

import html

import pandas as pd

from dtks_analysis.config import Settings
from dtks_analysis.formatting import fmt_int
from dtks_analysis.vocab import TIDAK_DIKETAHUI


def _esc(s: object) -> str:
    return html.escape(str(s))


def _p(text: str) -> str:
    return f"<p>{_esc(text)}</p>"


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
    "Kualitas data desa/kelurahan dari bulan ke bulan: setiap bulan dihitung baris data yang "
    "diterima, temuan kesalahan dan peringatan per 100 baris, apakah desa/kelurahan mengirim data, "
    "dan berapa baris daftar koreksi bulan lalu yang sudah diperbaiki (orang yang sama, dikenali "
    "dari NIK atau dari nama, tanggal lahir dan No KK, muncul lagi tanpa temuan aturan yang sama). "
    "Nilai A sampai D ditentukan oleh kesalahan per 100 baris; TM berarti tidak mengirim. Tabel "
    "ini menghitung baris data dan temuan, bukan orang atau rumah tangga, sehingga tidak "
    "memerlukan penyembunyian sel.",
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


def desil_protection_text(kualitas: pd.DataFrame, min_cell: int) -> str:
    """How the DTSEN desil tables are protected, with the month's loss from the
    ``sensor_desil_*`` rows of ``kualitas_data`` (:func:`dtks_analysis.counting.desil.
    information_loss`); "" when the month has none (a DTKS month)."""
    k = kualitas[kualitas["kode_aturan"].astype(str).str.startswith("sensor_desil_")]
    if k.empty:
        return ""
    codes = k["kode_aturan"].astype(str).str.removeprefix("sensor_desil_")
    n = dict(zip(codes, k["jumlah_catatan"].astype(int), strict=True))
    return (
        f"Tabel desil menurut kecamatan, tabel desil kabupaten dan tabel ketepatan sasaran "
        f"dilindungi bersama: sel kecamatan bernilai 1 sampai {min_cell} disembunyikan, dan sel "
        f"pelindung (sel kecamatan lain, jumlah sasaran atau penerima sasaran suatu kecamatan, "
        f"atau sel desil kabupaten) ikut disembunyikan sampai tidak satu pun nilai tersembunyi "
        f"dapat dihitung ulang dari semua tabel yang diterbitkan sekaligus (diperiksa dengan "
        f"pemrograman linear). Jumlah rumah tangga per desil kabupaten, total kecamatan dan "
        f"baris kabupaten tabel ketepatan sasaran selalu diterbitkan; persentase kesalahan "
        f"kecamatan kosong bila salah satu bagiannya disembunyikan. Bulan ini disembunyikan "
        f"{fmt_int(n.get('sel_primer', 0))} sel primer dan {fmt_int(n.get('sel_sekunder', 0))} "
        f"sel pelindung tabel desil menurut kecamatan (berisi {fmt_int(n.get('rt', 0))} rumah "
        f"tangga, dihitung sekali per kolom), {fmt_int(n.get('kabupaten', 0))} sel tabel desil "
        f"kabupaten dan {fmt_int(n.get('ketepatan', 0))} sel jumlah tabel ketepatan sasaran."
    )


#: the first item of :data:`METHOD_TEXT` in a month with DTSEN files (``desil_section``)
SUMBER_TEXT = {
    "DTSEN": "Sumber data: ekstrak DTSEN (berkas keluarga dengan desil kesejahteraan dan berkas "
    "anggota keluarga), keadaan akhir bulan laporan.",
    "DTSEN dan DTKS": "Sumber data: ekstrak DTSEN (berkas keluarga dengan desil kesejahteraan dan "
    "berkas anggota keluarga) dan, untuk wilayah yang belum beralih, ekstrak DTKS dari aplikasi "
    "SIKS-NG dan kiriman kantor desa/kelurahan; keadaan akhir bulan laporan.",
}


def methodology_html(settings: Settings, t=None) -> str:
    """The methodology section; with the month's tables ``t``, also its information loss, and
    the month's source (DTSEN months: its source and the DTSEN definitions)."""
    from dtks_analysis.publishing import desil_section, metadata

    src = desil_section.sumber_bulan(t) if t is not None else "DTKS"
    text = [SUMBER_TEXT.get(src, METHOD_TEXT[0]), *METHOD_TEXT[1:]]
    items = "".join(f"<li>{_esc(s)}</li>" for s in text)
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
        desil = desil_protection_text(t.published["kualitas_data"], settings.min_cell)
        disclosure += f" {desil}" if desil else ""
    dtsen = t is not None and desil_section.is_dtsen(t)
    defs = metadata.definitions_table(src, dtsen)
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
