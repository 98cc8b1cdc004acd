"""Catalogue of validation rules: stable code, severity, plain-Indonesian description and action.

The codes are part of the contract (``docs/architecture.md`` section 4): the synthetic
generator's truth and the correction worklists use them. Add rules at the end; never rename
(``nik_luar_dairi`` became ``nik_luar_kabupaten`` once, when any kabupaten could be run).
A description may name the kabupaten/kota as ``{wilayah}``: read it through :func:`uraian`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

TINGKAT: tuple[str, ...] = ("error", "warning", "note")
"""Severities, most serious first."""


@dataclass(frozen=True)
class Rule:
    """One validation rule."""

    kode: str
    tingkat: str  # error | warning | note
    uraian: str  # what is wrong, in plain Indonesian
    tindakan: str  # what the village operator must do
    kolom: str  # main field checked


_KETIK_ULANG = "Ketik ulang {x} dari {doc} sebagai teks (awali dengan tanda ')"


def _id_rules(prefix: str, label: str, doc: str, kolom: str) -> list[Rule]:
    """The structural checks shared by NIK and No KK."""
    ketik = _KETIK_ULANG.format(x=label, doc=doc)
    periksa = f"Periksa {label} pada {doc} dan perbaiki"
    tanggal = (
        "tanggal lahir (DDMMYY, tanggal +40 untuk perempuan)"
        if prefix == "nik"
        else "tanggal pencatatan (DDMMYY)"
    )
    return [
        Rule(f"{prefix}_kosong", "error", f"{label} kosong", f"Isi {label} dari {doc}", kolom),
        Rule(
            f"{prefix}_excel",
            "error",
            f"{label} rusak oleh Excel (tersimpan sebagai angka / notasi ilmiah; digit terakhir hilang)",
            ketik,
            kolom,
        ),
        Rule(
            f"{prefix}_panjang",
            "error",
            f"{label} tidak 16 digit",
            f"{periksa}: {label} harus tepat 16 digit",
            kolom,
        ),
        Rule(
            f"{prefix}_bukan_angka",
            "error",
            f"{label} mengandung huruf atau karakter selain angka",
            f"{periksa}: {label} hanya berisi angka",
            kolom,
        ),
        Rule(
            f"{prefix}_provinsi",
            "error",
            f"Kode provinsi pada {label} (2 digit pertama) tidak ada",
            periksa,
            kolom,
        ),
        Rule(
            f"{prefix}_kabupaten",
            "error",
            f"Kode kabupaten/kota pada {label} (digit 3-4) tidak ada di provinsi tersebut",
            periksa,
            kolom,
        ),
        Rule(
            f"{prefix}_tanggal",
            "error",
            f"Bagian {tanggal} pada {label} bukan tanggal yang benar",
            periksa,
            kolom,
        ),
        Rule(
            f"{prefix}_nomor_urut",
            "error",
            f"Nomor urut {label} (4 digit terakhir) 0000",
            periksa,
            kolom,
        ),
        Rule(
            f"{prefix}_tanda_baca",
            "note",
            f"{label} berisi spasi, titik, tanda hubung atau apostrof (sudah dibersihkan otomatis)",
            f"Tidak wajib; sebaiknya simpan {label} hanya berisi 16 angka sebagai teks",
            kolom,
        ),
    ]


_NIK = _id_rules("nik", "NIK", "KTP/KK", "nik")
_KK = _id_rules("kk", "No KK", "Kartu Keluarga", "no_kk")

_ALL: list[Rule] = [
    *_NIK,
    Rule(
        "nik_luar_kabupaten",
        "note",
        "NIK pertama kali terdaftar di luar {wilayah} (pendatang; bukan kesalahan)",
        "Tidak perlu tindakan; pastikan penduduk memang tinggal di desa ini",
        "nik",
    ),
    Rule(
        "nik_beda_jk",
        "warning",
        "Jenis kelamin menurut NIK berbeda dengan jenis kelamin yang tercatat",
        "Cocokkan NIK dan jenis kelamin dengan KTP/KK, perbaiki yang salah",
        "jenis_kelamin",
    ),
    Rule(
        "nik_beda_tgl_lahir",
        "warning",
        "Tanggal lahir menurut NIK berbeda dengan tanggal lahir yang tercatat",
        "Cocokkan NIK dan tanggal lahir dengan KTP/KK, perbaiki yang salah",
        "tanggal_lahir",
    ),
    Rule(
        "nik_ganda_kk",
        "error",
        "NIK yang sama tercatat pada dua atau lebih No KK yang berbeda",
        "Periksa KK terbaru orang ini; hapus dari KK lama atau perbaiki NIK yang salah ketik",
        "nik",
    ),
    *_KK,
    Rule(
        "baris_ganda",
        "note",
        "Baris sama persis dengan baris sebelumnya (dihitung satu kali)",
        "Hapus baris ganda",
        "(seluruh baris)",
    ),
    Rule(
        "kk_tanpa_kepala",
        "warning",
        "Keluarga tanpa anggota berstatus kepala keluarga",
        "Periksa hubungan keluarga pada KK; tandai kepala keluarga (kode 1)",
        "hubungan",
    ),
    Rule(
        "kk_kepala_ganda",
        "warning",
        "Keluarga dengan lebih dari satu kepala keluarga",
        "Periksa hubungan keluarga pada KK; hanya satu anggota berkode 1 (kepala keluarga)",
        "hubungan",
    ),
    Rule(
        "kk_beda_desa",
        "warning",
        "Anggota satu keluarga (No KK sama) tercatat di desa yang berbeda",
        "Periksa alamat keluarga pada KK; samakan desa atau perbaiki No KK",
        "desa",
    ),
    Rule(
        "desa_tidak_dikenal",
        "error",
        "Nama desa/kelurahan kosong atau tidak ada dalam daftar resmi {wilayah}",
        "Tulis nama desa/kelurahan sesuai daftar resmi Kemendagri",
        "desa",
    ),
    Rule(
        "kecamatan_tidak_dikenal",
        "warning",
        "Nama kecamatan tidak ada dalam daftar resmi {wilayah}",
        "Tulis nama kecamatan sesuai daftar resmi Kemendagri",
        "kecamatan",
    ),
    Rule(
        "wilayah_ejaan_lain",
        "note",
        "Nama wilayah ditulis dengan ejaan lain (BPS / lama); sudah dicocokkan otomatis",
        "Tidak wajib; sebaiknya gunakan ejaan resmi Kemendagri",
        "desa",
    ),
    Rule(
        "program_tidak_dikenal",
        "warning",
        "Isian kepesertaan program tidak dikenal (dihitung sebagai tidak menerima)",
        "Isi dengan Ya/Tidak (atau 1/0)",
        "bpnt",
    ),
    Rule(
        "hubungan_tidak_dikenal",
        "warning",
        "Hubungan keluarga kosong atau kode/isiannya tidak dikenal",
        "Isi hubungan keluarga sesuai KK (1 kepala keluarga, 2 istri/suami, 3 anak, ...)",
        "hubungan",
    ),
    Rule("nama_kosong", "error", "Nama kosong", "Isi nama sesuai KTP/KK", "nama"),
    Rule(
        "nama_tidak_wajar",
        "warning",
        "Nama berisi angka atau kurang dari 2 huruf",
        "Periksa dan perbaiki nama sesuai KTP/KK",
        "nama",
    ),
    Rule(
        "tgl_lahir_tidak_valid",
        "warning",
        "Tanggal lahir terisi tetapi tidak dapat dibaca sebagai tanggal",
        "Isi tanggal lahir sesuai KTP/KK dengan format HH-BB-TTTT",
        "tanggal_lahir",
    ),
    Rule(
        "umur_tidak_wajar",
        "warning",
        "Umur tidak wajar (negatif atau di atas batas umur maksimum)",
        "Periksa tanggal lahir pada KTP/KK dan perbaiki",
        "tanggal_lahir",
    ),
    # DTSEN extracts (issue 13, docs/dtsen.md)
    Rule(
        "keluarga_tanpa_anggota",
        "warning",
        "Keluarga di berkas keluarga DTSEN tanpa satu pun anggota di berkas anggota keluarga "
        "(tidak dihitung)",
        "Periksa id_keluarga keluarga ini; lengkapi anggotanya di berkas anggota keluarga atau "
        "minta ekstrak DTSEN yang lengkap",
        "id_keluarga",
    ),
    Rule(
        "anggota_tanpa_keluarga",
        "error",
        "Anggota keluarga dengan id_keluarga yang tidak ada di berkas keluarga DTSEN (dihitung "
        "menurut No KK-nya; desa, desil dan status keluarga tidak diketahui)",
        "Perbaiki id_keluarga anggota ini sesuai berkas keluarga, atau minta ekstrak DTSEN "
        "yang lengkap",
        "id_keluarga",
    ),
    Rule(
        "desil_tidak_valid",
        "warning",
        "Desil bukan angka 1 sampai 10 (keluarga dianggap belum masuk pemeringkatan)",
        "Periksa desil keluarga ini di DTSEN; isi 1 sampai 10, atau kosongkan bila belum "
        "diperingkat",
        "desil_nasional",
    ),
]

RULES: dict[str, Rule] = {r.kode: r for r in _ALL}
"""Every rule by code, in the stable catalogue order."""

assert len(RULES) == len(_ALL), "duplicate rule code"

RULE_ORDER: dict[str, int] = {k: i for i, k in enumerate(RULES)}
"""Position of each code in the catalogue (for stable sorting)."""


def uraian(kode: str, wilayah: str) -> str:
    """The description of rule ``kode`` for the kabupaten/kota ``wilayah`` ("Kabupaten Samosir").

    >>> uraian("kecamatan_tidak_dikenal", "Kota Medan")
    'Nama kecamatan tidak ada dalam daftar resmi Kota Medan'
    """
    return RULES[kode].uraian.replace("{wilayah}", wilayah)


def rules_table(wilayah: str) -> pd.DataFrame:
    """The catalogue as a table: ``kode_aturan, tingkat, uraian, tindakan, kolom``;
    descriptions for the kabupaten/kota ``wilayah``.

    >>> t = rules_table("Kabupaten Dairi")
    >>> t.loc[t.kode_aturan == "nik_excel", "tingkat"].item()
    'error'
    """
    return pd.DataFrame(
        [(r.kode, r.tingkat, uraian(r.kode, wilayah), r.tindakan, r.kolom) for r in RULES.values()],
        columns=["kode_aturan", "tingkat", "uraian", "tindakan", "kolom"],
    )
