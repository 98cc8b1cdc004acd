"""Name lists: Pakpak, Toba, Karo and Simalungun marga, common given names, a mixed pool (ASCII)."""

from __future__ import annotations

from dataclasses import dataclass

MARGA = (
    # Pakpak
    "Berutu", "Padang", "Solin", "Capah", "Ujung", "Angkat", "Bintang", "Manik", "Sinamo",
    "Kudadiri", "Tumangger", "Boangmanalu", "Cibro", "Banurea", "Lingga", "Maha", "Sambo",
    "Matanari", "Kabeakan", "Pinem",
    # Toba
    "Sinaga", "Simanjuntak", "Situmorang", "Nainggolan", "Siregar", "Tampubolon", "Sihombing",
    "Sitohang", "Pardede", "Hutagalung", "Sitompul", "Simbolon", "Sihotang", "Silalahi",
    "Manurung", "Panjaitan", "Pasaribu", "Lumbantobing", "Sianturi", "Gultom", "Hutapea",
    "Simatupang", "Sagala", "Malau", "Limbong", "Sitanggang", "Samosir", "Sidabutar",
    # Karo / Simalungun
    "Ginting", "Sembiring", "Tarigan", "Sitepu", "Purba", "Saragih", "Damanik", "Girsang",
)  # fmt: skip

MALE = (
    "Sahat", "Tigor", "Parlindungan", "Marihot", "Binsar", "Togar", "Hotman", "Poltak", "Daniel",
    "Samuel", "Yosua", "Rudi", "Budi", "Agus", "Andi", "Hendra", "Jonni", "Ramli", "Ferdinan",
    "Rinto", "Lambok", "Maruli", "Jansen", "Robert", "Jhon", "Benny", "Edward", "Herman",
    "Gindo", "Mangatas", "Sabar", "Tumpal", "Pardamean", "Lamhot", "Bonar", "Josua", "Rikardo",
    "Antonius", "Yohanes", "Petrus", "Markus", "Lukas", "Paulus", "Marulam", "Holden", "Darwin",
    "Juliper", "Salomo", "Kornelius", "Fernando", "Dedi", "Rahmat", "Ahmad", "Muhammad",
    "Syahrul", "Iwan", "Joko", "Slamet", "Hasan", "Ismail", "Fajar", "Rizky", "Dimas",
)  # fmt: skip

FEMALE = (
    "Rosmawati", "Tiurma", "Lasma", "Rotua", "Nurhayati", "Sri", "Dewi", "Lina", "Maria", "Rut",
    "Ester", "Debora", "Hotnida", "Lamtiur", "Romauli", "Nurmala", "Tiamsa", "Rosdiana",
    "Melati", "Sarma", "Roslina", "Tiominar", "Nurintan", "Sondang", "Lasmaria", "Rasmi",
    "Dameria", "Masta", "Risma", "Herlina", "Yanti", "Juliana", "Friska", "Natalia", "Grace",
    "Elisabet", "Magdalena", "Marta", "Rahel", "Sarah", "Hana", "Lusiana", "Erni", "Tetty",
    "Siti", "Aminah", "Fatimah", "Rahmawati", "Wulan", "Putri", "Ayu", "Indah", "Nur",
)  # fmt: skip

GENERAL_SURNAME = (
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Kurniawan", "Lestari", "Susanti", "Rahayu",
    "Pratama", "Setiawan", "Nasution", "Lubis", "Harahap", "Hasibuan", "Daulay", "Rangkuti",
)  # fmt: skip

TEMPAT_LAHIR = (
    "Sidikalang", "Sidikalang", "Sidikalang", "Sumbul", "Tigalingga", "Parongil", "Tanah Pinem",
    "Silalahi", "Parbuluan", "Sitinjo", "Dairi", "Medan", "Pematangsiantar", "Tarutung",
    "Balige", "Kabanjahe", "Salak", "Doloksanggul",
)  # fmt: skip

TEMPAT_LAHIR_LUAR = (
    "Medan", "Pematangsiantar", "Jakarta", "Pekanbaru", "Banda Aceh", "Padang", "Bandung",
    "Tebing Tinggi", "Binjai", "Batam", "Subulussalam", "Kutacane",
)  # fmt: skip

STREETS = (
    "Jl. Sisingamangaraja", "Jl. Pahlawan", "Jl. Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro",
    "Jl. Runding", "Jl. Pakpak", "Jl. Air Bersih", "Jl. Kartini", "Jl. Pelita",
)  # fmt: skip

# village names that exist nowhere in Dairi (for the desa_tidak_dikenal defect)
UNKNOWN_DESA = (
    "Sumber Makmur", "Huta Baru Lama", "Lae Simbelin Tengah", "Kuta Jungak", "Sri Tanjung",
    "Pasar Lama", "Dusun Baru Jaya", "Bonandolok Utara", "Sitiris-tiris", "Lumban Julu Baru",
)  # fmt: skip

# a mixed Indonesian pool for kabupaten outside the Batak regions (given name + family name)
MALE_MIXED = (
    "Agus", "Budi", "Andi", "Ahmad", "Muhammad", "Rahmat", "Hendra", "Dedi", "Joko", "Slamet",
    "Hasan", "Ismail", "Fajar", "Rizky", "Dimas", "Iwan", "Wahyu", "Eko", "Bambang", "Yusuf",
    "Arif", "Teguh", "Hadi", "Made", "Nyoman", "Ketut", "Wayan", "Yohanes", "Petrus", "Daniel",
    "Andreas", "Rudi", "Syahrul", "Firman", "Irfan", "Sutrisno", "Sugeng", "Asep", "Ujang",
    "Dadang", "Rizal", "Zulkifli", "Imam", "Ilham", "Bayu", "Yosef", "Markus", "Fransiskus",
)  # fmt: skip
FEMALE_MIXED = (
    "Siti", "Sri", "Dewi", "Nur", "Aminah", "Fatimah", "Rahmawati", "Wulan", "Putri", "Ayu",
    "Indah", "Lestari", "Yanti", "Ratna", "Endang", "Suryani", "Wahyuni", "Kartini", "Ani",
    "Nining", "Ernawati", "Fitri", "Rina", "Maria", "Yuliana", "Ketut", "Komang", "Kadek",
    "Elisabet", "Magdalena", "Herlina", "Juliana", "Nurhayati", "Halimah", "Rosmiati", "Neneng",
)  # fmt: skip
SURNAME_MIXED = (
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Kurniawan", "Lestari", "Susanti", "Rahayu",
    "Pratama", "Setiawan", "Nasution", "Lubis", "Harahap", "Firmansyah", "Gunawan", "Wibowo",
    "Purnomo", "Suharto", "Hakim", "Ramadhan", "Syahputra", "Maulana", "Permana", "Utomo",
    "Kusuma", "Nugroho", "Halim", "Salim", "Tanjung", "Daeng", "Pattimura", "Sulistyo",
)  # fmt: skip
TEMPAT_LAHIR_LUAR_MIXED = (
    "Medan", "Jakarta", "Surabaya", "Bandung", "Semarang", "Makassar", "Palembang", "Padang",
    "Pekanbaru", "Yogyakarta", "Denpasar", "Banjarmasin",
)  # fmt: skip
STREETS_MIXED = (
    "Jl. Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Pahlawan", "Jl. Kartini",
    "Jl. Pelita", "Jl. Gatot Subroto", "Jl. Merdeka", "Jl. Imam Bonjol", "Jl. Pattimura",
)  # fmt: skip

# kabupaten/kota of the Batak regions of Sumatera Utara: marga names and "<nama> br <marga>"
BATAK = frozenset({"12.02", "12.06", "12.08", "12.11", "12.12", "12.15", "12.16", "12.17", "12.72"})


@dataclass(frozen=True)
class Pool:
    """The name lists one kabupaten draws from (same lengths for Dairi as the constants above)."""

    marga: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    general_surname: tuple[str, ...]
    tempat_lahir: tuple[str, ...]  # the first three: places of birth for newborns
    tempat_lahir_luar: tuple[str, ...]
    streets: tuple[str, ...]
    batak: bool  # marga names, women "<nama> br <marga>"; else given name + family name


def pool_for(kabupaten: str, kab_name: str, kecamatan: tuple[str, ...]) -> Pool:
    """The name pool of ``kabupaten`` (``kab_name`` e.g. "Samosir", its kecamatan names)."""
    if kabupaten == "12.11":
        return Pool(
            MARGA, MALE, FEMALE, GENERAL_SURNAME, TEMPAT_LAHIR, TEMPAT_LAHIR_LUAR, STREETS, True
        )
    local = (kab_name,) * 3 + tuple(kecamatan[:10])
    if kabupaten in BATAK:
        luar = tuple(x for x in TEMPAT_LAHIR_LUAR + ("Sidikalang",) if x != kab_name)
        return Pool(MARGA, MALE, FEMALE, GENERAL_SURNAME, local + ("Medan",), luar, STREETS, True)
    luar = tuple(x for x in TEMPAT_LAHIR_LUAR_MIXED if x != kab_name)
    return Pool(
        SURNAME_MIXED, MALE_MIXED, FEMALE_MIXED, SURNAME_MIXED, local, luar, STREETS_MIXED, False
    )
