"""Name lists: Pakpak, Toba, Karo and Simalungun marga and common given names (ASCII only)."""

from __future__ import annotations

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
