"""The registry of published tables and their fields: the one place for labels (issue #10).

Every table ``pipeline.build_tables`` publishes (``published`` and ``extra``, each written as
``tabel/<key>.csv``) has a :class:`Table` entry in :data:`TABLES`, and every column of it a
:class:`Field` entry in :data:`FIELDS`. The report's HTML tables (``sections``), the charts'
axes, the workbook (``workbook``), the sentences (``narrative``) and the metadata annex
(``metadata``) take their words from here; ``tests/unit/test_tables.py`` checks that a fresh
month's tables and the registry agree.

Field texts: ``short`` is the header of the report's HTML/PDF tables and chart axes, ``long``
the workbook header (unique within a table: :func:`workbook.read_workbook_table` maps it back).
A field that is also a variable of ``params/metadata.yaml`` (``kolom:``) takes its definition
from there (the standard SDI texts live in one file); the annex takes the field's ``short``
label and ``unit`` when the YAML entry gives no ``nama``/``satuan``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dtks_analysis.counting.desil import KETEPATAN_COLUMNS
from dtks_analysis.formatting import bulan_id
from dtks_analysis.vocab import PROGRAM_LABELS, PROGRAMS

#: severity of a validation finding as shown to readers (codes: ``editing.rules.TINGKAT``); "sensor":
#: the information-loss rows of ``kualitas_data`` (``counting.disclosure.information_loss``)
TINGKAT_LABELS: dict[str, str] = {
    "error": "Kesalahan",
    "warning": "Peringatan",
    "note": "Catatan",
    "sensor": "Sel disembunyikan",
}
#: coded text columns shown with a readable label (the workbook maps them back when read)
#: the desil rows of the DTSEN tables (``counting.desil.LABELS``) as shown to readers
DESIL_LABELS: dict[str, str] = {"belum_diperingkat": "Belum diperingkat", "nonaktif": "Nonaktif"}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "program": PROGRAM_LABELS,
    "tingkat": TINGKAT_LABELS,
    "desil": DESIL_LABELS,
    "desil_lalu": {**DESIL_LABELS, "masuk": "Masuk (tidak ada pada kiriman sebelumnya)"},
}


@dataclass(frozen=True)
class Field:
    """A column of the published tables."""

    short: str  # HTML/PDF table header, chart axis
    long: str  # workbook header
    unit: str = ""  # "" for codes and names
    definition: str = ""  # "" -> the metadata.yaml variable with this ``kolom``


@dataclass(frozen=True)
class Table:
    """A published table: ``tabel/<key>.csv``, and a workbook sheet when in the workbook."""

    number: int  # "Tabel <number>" in the report and the workbook (sheets in this order)
    title: str
    sheet: str  # at most 31 characters (Excel)
    unit: str  # the unit line under the title
    fields: tuple[str, ...]  # the columns, in order
    sums: bool = False  # additive: the workbook adds a "Jumlah" row
    suppressed: bool = False  # empty cells are hidden for confidentiality, not unavailable
    labels: dict[str, str] = field(default_factory=dict)  # field -> label within this table
    csv: bool = True  # written as ``tabel/<key>.csv`` (False: report and workbook only)


_RT = "rumah tangga"
FIELDS: dict[str, Field] = {
    "kode_kecamatan": Field("Kode kecamatan", "Kode kecamatan", "", "Kode Kemendagri, 12.11.01."),
    "kecamatan": Field("Kecamatan", "Kecamatan", "", "Nama kecamatan (Kemendagri)."),
    "kode_desa": Field(
        "Kode desa", "Kode desa/kelurahan", "", "Kode Kemendagri desa/kelurahan, 12.11.01.2008."
    ),
    "desa": Field("Desa/kelurahan", "Desa/kelurahan", "", "Nama desa/kelurahan (Kemendagri)."),
    "rumah_tangga": Field("Rumah tangga", "Rumah tangga", _RT),
    "jiwa": Field("Jiwa", "Jiwa", "jiwa"),
    **{
        f"rt_{p}": Field(f"RT {label}", f"Rumah tangga penerima {label}", _RT)
        for p, label in PROGRAM_LABELS.items()
    },
    "rt_bansos": Field(
        "RT penerima bansos", "Rumah tangga penerima bantuan (BPNT, PBI-JKN atau PKH)", _RT
    ),
    "rt_imputasi": Field("RT imputasi", "Rumah tangga imputasi (dibawa dari bulan lalu)", _RT),
    **{
        p: Field(label, label, "", f"1 = rumah tangga menerima {label}, 0 = tidak menerima.")
        for p, label in PROGRAM_LABELS.items()
    },
    "program": Field("Program", "Program", "", "Program bantuan sosial: BPNT, PBI-JKN atau PKH."),
    "bulan_lalu": Field(
        "Bulan lalu", "Penerima bulan lalu", _RT, "Rumah tangga penerima pada bulan lalu."
    ),
    "baru": Field("Baru", "Penerima baru", _RT, "Penerima bulan ini yang bulan lalu tidak."),
    "keluar": Field(
        "Keluar",
        "Keluar",
        _RT,
        "Ada bulan lalu, tidak ada bulan ini (arus program: penerima bulan lalu yang bulan ini "
        "tidak menerima; arus desil: rumah tangga kiriman DTSEN sebelumnya yang tidak ada lagi).",
    ),
    "bertahan": Field("Bertahan", "Bertahan", _RT, "Penerima pada bulan lalu dan bulan ini."),
    "bulan_ini": Field("Bulan ini", "Penerima bulan ini", _RT, "Rumah tangga penerima bulan ini."),
    "bulan": Field("Bulan", "Bulan", "", "Bulan laporan (YYYY-MM)."),
    "kode_aturan": Field("Kode aturan", "Kode aturan", "", "Kode aturan pemeriksaan data."),
    "tingkat": Field(
        "Tingkat",
        "Tingkat",
        "",
        "Kesalahan, peringatan atau catatan; 'Sel disembunyikan': banyaknya sel dan nilai yang "
        "disembunyikan pada tabel desa/kelurahan (satuan pada uraiannya).",
    ),
    "uraian": Field("Uraian", "Uraian", "", "Uraian aturan pemeriksaan."),
    "jumlah_catatan": Field(
        "Jumlah catatan", "Jumlah catatan", "catatan", "Baris data yang terkena aturan."
    ),
    "ukuran": Field(
        "Anggota rumah tangga",
        "Jumlah anggota (jiwa)",
        "jiwa",
        "Banyaknya anggota (8+: 8 atau lebih).",
    ),
    "kelompok_umur": Field("Kelompok umur", "Kelompok umur", "tahun", "Umur lima tahunan."),
    "jenis_kelamin": Field("Jenis kelamin", "Jenis kelamin", "", "Laki-laki, Perempuan."),
    "persen": Field("Persentase", "Persentase (%)", "persen", "Persentase terhadap jumlah baris."),
    **{
        f"persen_{p}": Field(
            f"% {label}", f"Cakupan {label} (%)", "persen", f"rt_{p} / rumah_tangga × 100."
        )
        for p, label in PROGRAM_LABELS.items()
    },
    "persen_bansos": Field(
        "% penerima bansos",
        "Cakupan penerima bantuan (BPNT, PBI-JKN atau PKH) (%)",
        "persen",
        "rt_bansos / rumah_tangga × 100.",
    ),
    "laki_laki": Field("Laki-laki", "Laki-laki", "jiwa", "Anggota laki-laki."),
    "perempuan": Field("Perempuan", "Perempuan", "jiwa", "Anggota perempuan."),
    "jk_tidak_diketahui": Field(
        "Jenis kelamin tidak diketahui", "Jenis kelamin tidak diketahui", "jiwa", "Anggota lain."
    ),
    "jumlah": Field("Jumlah", "Jumlah", "jiwa", "Seluruh anggota."),
    "catatan": Field("Baris diterima", "Baris diterima", "baris", "Baris data yang diterima."),
    "catatan_error": Field(
        "Baris dengan kesalahan",
        "Baris dengan kesalahan",
        "baris",
        "Baris dengan sedikitnya satu temuan bertingkat kesalahan.",
    ),
    "persen_error": Field(
        "Persentase", "Baris dengan kesalahan (%)", "persen", "catatan_error / catatan × 100."
    ),
    "berkas": Field("Berkas", "Berkas", "berkas", "Berkas ekstrak yang diterima."),
    "lembar": Field("Lembar kerja", "Lembar kerja", "lembar", "Lembar kerja yang memuat data."),
    "baris": Field("Baris data", "Baris data", "baris", "Baris data yang diterima."),
    # DTSEN (issue 13): desil and targeting
    "desil": Field(
        "Desil",
        "Desil",
        "",
        "Desil kesejahteraan DTSEN (1 = 10% keluarga paling tidak sejahtera, 10 = paling "
        "sejahtera), belum diperingkat, atau nonaktif (keluarga berstatus nonaktif, apa pun "
        "desilnya).",
    ),
    "desil_lalu": Field(
        "Desil sebelumnya",
        "Desil pada kiriman DTSEN sebelumnya",
        "",
        "Desil rumah tangga pada bulan DTSEN sebelumnya; masuk = tidak ada pada bulan itu.",
    ),
    **{
        str(d): Field(f"Desil {d}", f"Desil {d} bulan ini", _RT, f"Rumah tangga berdesil {d}.")
        for d in range(1, 11)
    },
    "belum_diperingkat": Field(
        "Belum diperingkat",
        "Belum diperingkat bulan ini",
        _RT,
        "Rumah tangga aktif yang belum masuk pemeringkatan desil.",
    ),
    "nonaktif": Field(
        "Nonaktif", "Nonaktif bulan ini", _RT, "Rumah tangga dengan status keluarga nonaktif."
    ),
    "batas_desil": Field(
        "Batas desil",
        "Batas desil sasaran",
        "desil",
        "Sasaran program: rumah tangga aktif dengan desil paling tinggi nilai ini "
        "(parameter sasaran_desil).",
    ),
    "rt_penerima": Field("Penerima", "Rumah tangga penerima", _RT, "Rumah tangga penerima."),
    "rt_penerima_sasaran": Field(
        "Penerima sasaran",
        "Penerima dalam sasaran",
        _RT,
        "Penerima yang aktif dengan desil paling tinggi batas desil.",
    ),
    "rt_penerima_luar_sasaran": Field(
        "Penerima luar sasaran",
        "Penerima di luar sasaran",
        _RT,
        "Penerima dengan desil di atas batas, belum diperingkat, atau nonaktif.",
    ),
    "rt_sasaran": Field(
        "Sasaran", "Rumah tangga sasaran", _RT, "Rumah tangga aktif dengan desil ≤ batas desil."
    ),
    "rt_sasaran_tidak_menerima": Field(
        "Sasaran tidak menerima",
        "Sasaran yang tidak menerima",
        _RT,
        "Rumah tangga sasaran yang tidak menerima program.",
    ),
    "persen_salah_inklusi": Field(
        "% salah inklusi",
        "Kesalahan inklusi (%)",
        "persen",
        "rt_penerima_luar_sasaran / rt_penerima × 100: penerima yang di luar sasaran (kosong "
        "bila tidak ada penerima atau bila pembilangnya disembunyikan).",
    ),
    "persen_salah_eksklusi": Field(
        "% salah eksklusi",
        "Kesalahan eksklusi (%)",
        "persen",
        "rt_sasaran_tidak_menerima / rt_sasaran × 100: sasaran yang tidak menerima (kosong "
        "bila tidak ada sasaran atau bila pembilang atau penyebutnya disembunyikan).",
    ),
    "sumber": Field(
        "Sumber data", "Sumber data", "", "DTKS, DTSEN, atau DTSEN dan DTKS (masa peralihan)."
    ),
    # the village quality history (issue 14): tabel/kualitas_desa.csv and the report's page
    "mengirim": Field(
        "Mengirim",
        "Mengirim data",
        "",
        "1 = desa/kelurahan mengirim baris data bulan itu, 0 = tidak.",
    ),
    "kesalahan_per_100": Field(
        "Kesalahan per 100 baris",
        "Temuan kesalahan per 100 baris",
        "per 100 baris",
        "Temuan bertingkat kesalahan dibagi baris data yang diterima, dikali 100.",
    ),
    "peringatan_per_100": Field(
        "Peringatan per 100 baris",
        "Temuan peringatan per 100 baris",
        "per 100 baris",
        "Temuan bertingkat peringatan dibagi baris data yang diterima, dikali 100.",
    ),
    "baris_koreksi_lalu": Field(
        "Baris daftar koreksi bulan lalu",
        "Baris daftar koreksi bulan lalu",
        "baris",
        "Baris daftar koreksi (kesalahan dan peringatan) desa/kelurahan ini pada bulan sebelumnya.",
    ),
    "baris_diperbaiki": Field(
        "Diperbaiki",
        "Baris daftar koreksi yang diperbaiki",
        "baris",
        "Baris daftar koreksi bulan lalu yang orangnya muncul lagi bulan ini tanpa temuan "
        "aturan yang sama.",
    ),
    "nilai": Field(
        "Nilai",
        "Nilai kualitas",
        "",
        "Nilai kualitas data desa/kelurahan: A, B, C atau D menurut kesalahan per 100 baris "
        "(batasnya ditetapkan Dinas dalam parameter laporan); TM = tidak mengirim data.",
    ),
    "nilai_lalu": Field(
        "Nilai bulan lalu", "Nilai kualitas bulan lalu", "", "Nilai kualitas pada bulan sebelumnya."
    ),
    "kesalahan_per_100_lalu": Field(
        "Kesalahan per 100 baris bulan lalu",
        "Temuan kesalahan per 100 baris bulan lalu",
        "per 100 baris",
        "Kesalahan per 100 baris pada bulan sebelumnya.",
    ),
    # not a published table's column: the report's list of villages with findings
    "kesalahan": Field("Kesalahan", "Kesalahan", "baris", "Temuan bertingkat kesalahan."),
    "peringatan": Field("Peringatan", "Peringatan", "baris", "Temuan bertingkat peringatan."),
}

_REGION = ("kode_kecamatan", "kecamatan")
_VILLAGE = (*_REGION, "kode_desa", "desa")
_MEASURES = ("rumah_tangga", "jiwa", *(f"rt_{p}" for p in PROGRAMS), "rt_bansos", "rt_imputasi")
_COUNTS = ("rumah_tangga", "jiwa", *(f"rt_{p}" for p in PROGRAMS))
_PENERIMA = "Rumah Tangga DTKS, Jiwa dan Penerima Program Bantuan menurut"
TABLES: dict[str, Table] = {
    # in the order of the report (HTML/PDF) and of the workbook's sheets: "Tabel <number>"
    "rekap_kecamatan": Table(
        1,
        f"{_PENERIMA} Kecamatan",
        "Kecamatan",
        "Satuan: rumah tangga (kolom Jiwa: orang)",
        (*_REGION, *_MEASURES),
        sums=True,
    ),
    "cakupan_program": Table(
        2,
        "Cakupan Program Bantuan menurut Kecamatan",
        "Cakupan program",
        "Satuan: persen (kolom Rumah tangga: rumah tangga)",
        (*_REGION, "rumah_tangga", *(f"persen_{p}" for p in (*PROGRAMS, "bansos"))),
    ),
    "kombinasi_program": Table(
        3,
        "Rumah Tangga DTKS menurut Kombinasi Program Bantuan yang Diterima",
        "Kombinasi program",
        "Satuan: rumah tangga; Ya = menerima, Tidak = tidak menerima",
        (*PROGRAMS, "rumah_tangga"),
        sums=True,
    ),
    "arus_program": Table(
        4,
        "Arus Penerima Program Bantuan dibanding Bulan Sebelumnya",
        "Arus program",
        "Satuan: rumah tangga",
        ("program", "bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini"),
    ),
    "tren_bulanan": Table(
        5,
        "Rumah Tangga DTKS dan Penerima Program Bantuan per Bulan",
        "Tren bulanan",
        "Satuan: rumah tangga",
        ("bulan", "rumah_tangga", *(f"rt_{p}" for p in PROGRAMS), "rt_bansos"),
    ),
    "ukuran_rumah_tangga": Table(
        6,
        "Rumah Tangga DTKS menurut Jumlah Anggota Rumah Tangga",
        "Ukuran rumah tangga",
        "Satuan: rumah tangga (kolom Persentase: persen)",
        ("ukuran", "rumah_tangga", "persen"),
        sums=True,
    ),
    "jk_kepala": Table(
        7,
        "Rumah Tangga DTKS menurut Jenis Kelamin Kepala Rumah Tangga",
        "Jenis kelamin kepala",
        "Satuan: rumah tangga (kolom Persentase: persen)",
        ("jenis_kelamin", "rumah_tangga", "persen"),
        sums=True,
        labels={"jenis_kelamin": "Jenis kelamin kepala keluarga"},
    ),
    "struktur_umur": Table(
        8,
        "Anggota Rumah Tangga DTKS menurut Kelompok Umur dan Jenis Kelamin",
        "Struktur umur",
        "Satuan: orang (jiwa)",
        ("kelompok_umur", "laki_laki", "perempuan", "jk_tidak_diketahui", "jumlah"),
        sums=True,
    ),
    "berkas_masuk": Table(
        9,
        "Berkas, Lembar Kerja dan Baris Data yang Diterima",
        "Berkas masuk",
        "Satuan: berkas, lembar kerja, baris data",
        ("berkas", "lembar", "baris"),
    ),
    "tren_kualitas": Table(
        10,
        "Baris Data yang Diterima dan Baris dengan Kesalahan per Bulan",
        "Tren kualitas",
        "Satuan: baris data (kolom Persentase: persen)",
        ("bulan", "catatan", "catatan_error", "persen_error"),
    ),
    "kualitas_data": Table(
        11,
        "Temuan Pemeriksaan Data menurut Aturan (Kesalahan, Peringatan dan Catatan)",
        "Kualitas data",
        "Satuan: catatan (baris data)",
        ("kode_aturan", "tingkat", "uraian", "jumlah_catatan"),
    ),
    # the report's list of villages with the most findings: no CSV (``csv=False``)
    "desa_temuan": Table(
        12,
        "Sepuluh Desa/Kelurahan dengan Kesalahan Terbanyak",
        "Desa dengan temuan",
        "Satuan: baris data",
        ("kecamatan", "desa", "kesalahan", "peringatan"),
        csv=False,
    ),
    "nonrespon": Table(
        13,
        "Desa/Kelurahan yang Tidak Mengirim Data dan Rumah Tangga yang Dibawa dari Bulan Lalu",
        "Nonrespon",
        "Satuan: rumah tangga",
        (*_VILLAGE, "rumah_tangga"),
        sums=True,
        suppressed=True,
    ),
    # the page "Kualitas data desa dari bulan ke bulan" (issue 14), report only
    # (``tabel/kualitas_desa.csv`` and ``kualitas_desa_<month>.xlsx`` are written apart)
    "desa_membaik": Table(
        14,
        "Desa/Kelurahan yang Nilai Kualitas Datanya Membaik dibanding Bulan Lalu",
        "Desa membaik",
        "Satuan: kesalahan per 100 baris data",
        ("kecamatan", "desa", "nilai_lalu", "nilai", "kesalahan_per_100_lalu", "kesalahan_per_100"),
        csv=False,
    ),
    "desa_memburuk": Table(
        15,
        "Desa/Kelurahan yang Nilai Kualitas Datanya Memburuk dibanding Bulan Lalu",
        "Desa memburuk",
        "Satuan: kesalahan per 100 baris data",
        ("kecamatan", "desa", "nilai_lalu", "nilai", "kesalahan_per_100_lalu", "kesalahan_per_100"),
        csv=False,
    ),
    "rekap_desa": Table(
        16,
        f"{_PENERIMA} Desa/Kelurahan",
        "Desa",
        "Satuan: rumah tangga (kolom Jiwa: orang)",
        (*_VILLAGE, *_MEASURES),
        sums=True,
        suppressed=True,
    ),
    # DTSEN months only (counting/desil.py, issue 13): published = workbook sheets
    "desil_kabupaten": Table(
        16,
        "Rumah Tangga DTSEN, Jiwa dan Penerima Program Bantuan menurut Desil",
        "Desil",
        "Satuan: rumah tangga (kolom Jiwa: orang)",
        ("desil", *_COUNTS),
        sums=True,
        suppressed=True,  # complements of rekap_desil (counting.desil_protect)
    ),
    "rekap_desil": Table(
        17,
        "Rumah Tangga DTSEN, Jiwa dan Penerima Program Bantuan menurut Kecamatan dan Desil",
        "Desil kecamatan",
        "Satuan: rumah tangga (kolom Jiwa: orang)",
        (*_REGION, "desil", *_COUNTS),
        suppressed=True,
    ),
    "ketepatan_sasaran": Table(
        18,
        "Ketepatan Sasaran Program Bantuan menurut Desil: Kesalahan Inklusi dan Eksklusi",
        "Ketepatan sasaran",
        "Satuan: rumah tangga (kolom % dan batas desil: persen, desil)",
        KETEPATAN_COLUMNS,  # the columns counting.desil writes
        labels={"kode_kecamatan": "Kode wilayah", "kecamatan": "Kabupaten/kecamatan"},
        suppressed=True,  # kecamatan sums hidden as complements (counting.desil_protect)
    ),
    "arus_desil": Table(
        19,
        "Arus Rumah Tangga antar-Desil dibanding Kiriman DTSEN Sebelumnya",
        "Arus desil",
        "Satuan: rumah tangga",
        ("desil_lalu", *(str(d) for d in range(1, 11)), "belum_diperingkat", "nonaktif", "keluar"),
        sums=True,
    ),
    "sumber_data": Table(
        20,
        "Sumber Data per Bulan",
        "Sumber data",
        "Satuan: -",
        ("bulan", "sumber"),
    ),
}
#: tables published only for months with DTSEN households (``counting.desil.has_dtsen``)
DTSEN_TABLES: frozenset[str] = frozenset(
    {"desil_kabupaten", "rekap_desil", "ketepatan_sasaran", "arus_desil", "sumber_data"}
)


def short_label(col: str, table: str | None = None) -> str:
    """Header of ``col`` in the report's tables and charts (the name itself when unknown)."""
    t = TABLES.get(table or "")
    if t is not None and col in t.labels:
        return t.labels[col]
    f = FIELDS.get(col)
    return f.short if f else col


def long_label(col: str, table: str | None = None) -> str:
    """Header of ``col`` in the workbook (the name itself when unknown)."""
    t = TABLES.get(table or "")
    if t is not None and col in t.labels:
        return t.labels[col]
    f = FIELDS.get(col)
    return f.long if f else col


def short_labels(table: str | None = None) -> dict[str, str]:
    """``{field: short label}`` of every field, with ``table``'s own labels."""
    return {c: short_label(c, table) for c in FIELDS} | dict(TABLES[table].labels if table else {})


def definition(col: str) -> str:
    """The field's definition: its own, else the metadata.yaml variable's ``definisi``."""
    own = FIELDS[col].definition
    if own:
        return own
    from dtks_analysis.publishing.metadata import variable

    return str((variable(col) or {}).get("definisi") or "")


def title(table: str, sumber_data: str = "DTKS") -> str:
    """Title of a table (from the name when it is not registered); ``sumber_data`` names the
    month's source where the registered title says "DTKS" ("DTSEN" in a DTSEN month)."""
    t = TABLES.get(table)
    if t is None:
        return table.replace("_", " ").capitalize()
    if sumber_data == "DTKS":
        return t.title
    # two sources in brackets: "Rumah Tangga (DTKS dan DTSEN) dan Penerima ..."
    return t.title.replace("DTKS", f"({sumber_data})" if " " in sumber_data else sumber_data)


def sheet_name(table: str) -> str:
    """Worksheet title of a table (at most 31 characters, as Excel requires)."""
    t = TABLES.get(table)
    return (t.sheet if t else table.replace("_", " ").capitalize())[:31]


def unit_line(table: str) -> str:
    t = TABLES.get(table)
    return t.unit if t else "Satuan: lihat judul kolom"


#: the annex table: last in the report, after the DTSEN tables in a DTSEN month
ANNEX = "rekap_desa"
#: the village quality page's tables (after the quality section, before the DTSEN section)
KUALITAS_DESA_TABLES: tuple[str, ...] = ("desa_membaik", "desa_memburuk")


def number(table: str, position: int = 0, dtsen: bool = False) -> int:
    """ "Tabel <n>" of a table: its registry number, else its position in the workbook. In a
    month with DTSEN tables (``dtsen``) the annex follows them."""
    t = TABLES.get(table)
    if t is None:
        return position
    if table == ANNEX and dtsen:
        return max(TABLES[n].number for n in DTSEN_TABLES) + 1
    return t.number


def caption(
    table: str,
    month: str | None = None,
    where: str | None = None,
    dtsen: bool = False,
    sumber_data: str = "DTKS",
) -> str:
    """The caption of a registered table, the same in the report (HTML/PDF) and the workbook:
    ``"Tabel <n>. <title>[, <where>][, <Bulan YYYY>]"`` (``where``: e.g. "Kecamatan Sumbul");
    ``dtsen``: the month publishes the DTSEN tables (see :func:`number`); ``sumber_data``:
    the month's source, see :func:`title`."""
    parts = [f"Tabel {number(table, dtsen=dtsen)}. {title(table, sumber_data)}"]
    if where:
        parts.append(where)
    if month:
        parts.append(bulan_id(month))
    return ", ".join(parts)


def csv_tables() -> frozenset[str]:
    """Tables written as ``tabel/<key>.csv``."""
    return frozenset(k for k, t in TABLES.items() if t.csv)


def in_report_order(names: list[str] | tuple[str, ...]) -> list[str]:
    """``names`` sorted by table number (unregistered names last, in the order given)."""
    big = len(TABLES) + 1
    dtsen = bool(DTSEN_TABLES & set(names))
    return sorted(names, key=lambda n: number(n, dtsen=dtsen) if n in TABLES else big)


def additive_tables() -> frozenset[str]:
    return frozenset(k for k, t in TABLES.items() if t.sums)


def suppressed_tables() -> frozenset[str]:
    return frozenset(k for k, t in TABLES.items() if t.suppressed)
