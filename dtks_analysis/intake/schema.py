"""The canonical person-row schema of an extract and the header spellings that map to it.

``canonical_column("Nomor Kartu Keluarga") == "no_kk"``: the ingest module uses this to find the
header row of a sheet and to name its columns (docs/architecture.md section 1).
"""

from __future__ import annotations

import re
from functools import lru_cache

META = ("_file", "_sheet", "_row", "_nik_type", "_no_kk_type", "_skema_hubungan")
CANONICAL = (
    "id_dtks",
    "provinsi",
    "kabupaten",
    "kecamatan",
    "desa",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "no_kk",
    "nik",
    "nama",
    "tanggal_lahir",
    "tempat_lahir",
    "jenis_kelamin",
    "nama_ibu",
    "hubungan",
    "bpnt",
    "pbi_jkn",
    "pkh",
    "disabilitas",
    "kode_kecamatan",
    "kode_desa",
)
REQUIRED = ("nik", "no_kk", "nama", "hubungan", "desa", "bpnt", "pbi_jkn", "pkh")
ID_COLUMNS = ("nik", "no_kk")

# Header label shown to operators for each canonical column (used in messages).
LABELS = {
    "nik": "NIK",
    "no_kk": "NO KK",
    "nama": "NAMA",
    "hubungan": "HUBUNGAN KELUARGA",
    "desa": "DESA/KELURAHAN",
    "bpnt": "BPNT",
    "pbi_jkn": "PBI-JKN",
    "pkh": "PKH",
}

# Spellings seen in DTKS/SIKS-NG extracts and village spreadsheets, per canonical column.
# Keys of HEADER_MAP are these spellings passed through _header_key.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "id_dtks": ("ID DTKS", "IDDTKS", "ID_DTKS", "ID BDT", "IDBDT", "ID KELUARGA DTKS"),
    "provinsi": ("PROVINSI", "PROV", "NAMA PROVINSI", "NMPROP", "PROPINSI"),
    "kabupaten": (
        "KABUPATEN/KOTA",
        "KABUPATEN",
        "KAB/KOTA",
        "KAB",
        "KAB.",
        "KOTA/KABUPATEN",
        "NAMA KABUPATEN",
        "NMKAB",
    ),
    "kecamatan": ("KECAMATAN", "KEC", "KEC.", "NAMA KECAMATAN", "NMKEC"),
    "desa": (
        "DESA",
        "DESA/KELURAHAN",
        "KELURAHAN",
        "KELURAHAN/DESA",
        "DESA/KEL",
        "KEL/DESA",
        "DESA KELURAHAN",
        "NAMA DESA",
        "NAMA DESA/KELURAHAN",
        "NMDESA",
    ),
    "alamat": ("ALAMAT", "ALAMAT LENGKAP", "ALAMAT RUMAH", "ALAMAT TEMPAT TINGGAL"),
    "dusun": ("DUSUN", "LINGKUNGAN", "DUSUN/LINGKUNGAN", "NAMA DUSUN"),
    "rt": ("RT",),
    "rw": ("RW",),
    "no_kk": (
        "NO KK",
        "NO. KK",
        "NOMOR KK",
        "NOKK",
        "NO_KK",
        "NOMOR KARTU KELUARGA",
        "NO KARTU KELUARGA",
        "KK",
        "NKK",
        "NOMOR KK (16 DIGIT)",
    ),
    "nik": (
        "NIK",
        "N I K",
        "N.I.K",
        "NOMOR NIK",
        "NO NIK",
        "NO. NIK",
        "NIK ART",
        "NOMOR INDUK KEPENDUDUKAN",
        "NOMOR NIK (16 DIGIT)",
    ),
    "nama": (
        "NAMA",
        "NAMA LENGKAP",
        "NAMA ART",
        "NAMA ANGGOTA KELUARGA",
        "NAMA ANGGOTA RUMAH TANGGA",
        "NAMA PENDUDUK",
        "NAMA PENERIMA",
    ),
    "tanggal_lahir": (
        "TGLLAHIR",
        "TANGGAL LAHIR",
        "TGL LAHIR",
        "TGL. LAHIR",
        "TANGGAL_LAHIR",
        "TGL_LAHIR",
    ),
    "tempat_lahir": ("TEMPAT LAHIR", "TMPT LAHIR", "TMP LAHIR", "TEMPATLAHIR", "TPT LAHIR"),
    "jenis_kelamin": (
        "JNSKEL",
        "JENIS KELAMIN",
        "JK",
        "JNS KELAMIN",
        "JNS KEL",
        "L/P",
        "KELAMIN",
        "SEX",
    ),
    "nama_ibu": ("NAMA IBU KANDUNG", "NAMA IBU", "IBU KANDUNG", "NAMAIBU", "NM IBU KANDUNG"),
    "hubungan": (
        "HUBKEL",
        "HUBUNGAN KELUARGA",
        "HUB. KELUARGA",
        "HUB KELUARGA",
        "HUB KEL",
        "HUB. KEL",
        "HUBUNGAN",
        "STATUS HUBUNGAN",
        "STATUS HUBUNGAN DALAM KELUARGA",
        "STATUS HUBUNGAN KELUARGA",
        "HUBUNGAN DENGAN KEPALA KELUARGA",
        "HUBUNGAN DGN KEPALA KELUARGA",
        "SHDK",
        "STATUS KELUARGA",
    ),
    "bpnt": (
        "ADABPNT",
        "ADA BPNT",
        "BPNT",
        "SEMBAKO",
        "BPNT/SEMBAKO",
        "SEMBAKO/BPNT",
        "PROGRAM SEMBAKO",
        "BANSOS SEMBAKO",
        "KPM BPNT",
        "PENERIMA BPNT",
        "PENERIMA SEMBAKO",
        "STATUS BPNT",
    ),
    "pbi_jkn": (
        "ADAPBI",
        "ADA PBI",
        "PBI",
        "PBI JKN",
        "PBI-JKN",
        "PBI_JKN",
        "KIS",
        "PBI KIS",
        "KIS/PBI",
        "PBI/KIS",
        "JKN PBI",
        "KPM PBI",
        "PENERIMA PBI",
        "PENERIMA PBI JKN",
        "STATUS PBI",
    ),
    "pkh": ("ADAPKH", "ADA PKH", "PKH", "KPM PKH", "PENERIMA PKH", "STATUS PKH"),
    "disabilitas": (
        "DISABILITAS",
        "PENYANDANG DISABILITAS",
        "STATUS DISABILITAS",
        "JENIS DISABILITAS",
        "CACAT",
        "PENYANDANG CACAT",
    ),
    "kode_kecamatan": ("KODE KECAMATAN", "KODE KEC", "KD KEC", "KDKEC", "KODEKEC", "KODE_KEC"),
    "kode_desa": (
        "KODE DESA",
        "KODE DESA/KELURAHAN",
        "KODE KELURAHAN",
        "KD DESA",
        "KDDESA",
        "KODEDESA",
        "KODE_DESA",
        "KODE WILAYAH",
    ),
}

_NOMOR_TOKENS = frozenset({"no", "nomor", "nmr", "nomer"})


def _header_key(name: object) -> str:
    """Normalised header spelling: lower case, ``NO.``/``NOMOR`` -> ``no``, separators -> ``_``.

    >>> _header_key(" Nomor  K.K ") , _header_key("NO. KK"), _header_key("BPNT/Sembako")
    ('no_k_k', 'no_kk', 'bpnt_sembako')
    """
    if name is None:
        return ""
    tokens = re.findall(r"[0-9a-z]+", str(name).lower())
    return "_".join("no" if t in _NOMOR_TOKENS else t for t in tokens)


HEADER_MAP: dict[str, str] = {
    _header_key(spelling): canonical
    for canonical, spellings in _SPELLINGS.items()
    for spelling in spellings
}
"""Normalised header spelling (:func:`_header_key`) -> canonical column."""

_COMPACT_MAP: dict[str, str] = {k.replace("_", ""): v for k, v in HEADER_MAP.items()}


def _lookup(key: str) -> str | None:
    return HEADER_MAP.get(key) or _COMPACT_MAP.get(key.replace("_", "")) if key else None


@lru_cache(maxsize=4096)
def _canonical_cached(header: str) -> str | None:
    found = _lookup(_header_key(header))
    if found is None and re.search(r"[(\[]", header):
        # explanations in brackets: "NIK (16 DIGIT)", "PKH (1=YA, 2=TIDAK)", "JK [L/P]"
        found = _lookup(_header_key(re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", header)))
    return found


def canonical_column(header: object) -> str | None:
    """Canonical column for a raw header text, or None if unknown.

    >>> canonical_column("Nomor Kartu Keluarga"), canonical_column("AdaPKH"), canonical_column("X")
    ('no_kk', 'pkh', None)
    """
    if header is None:
        return None
    text = header if isinstance(header, str) else str(header)
    if len(text) > 80:  # no header spelling is this long
        return None
    return _canonical_cached(text) or _by_words_cached(text)


@lru_cache(maxsize=4096)
def _by_words_cached(header: str) -> str | None:
    text = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", header)
    return column_by_words(text)


# --- matching by normalised words (issue 11) -------------------------------------------------
# A header that is not one of the spellings above is split into words (camelCase and glued
# abbreviations such as ``NamaKec``, ``NmKec``, ``Hubkel`` are split on the words below; all
# punctuation is dropped), each word is replaced by its concept, and the first rule of
# :data:`TOKEN_RULES` whose concepts are all present names the column. Rules are tried in order,
# so an ambiguity is resolved by the order of this list (docs/header_matching.md).
WORD_CONCEPTS: dict[str, str] = {
    "kec": "KEC",
    "kecamatan": "KEC",
    "kel": "DESA",
    "kelurahan": "DESA",
    "desa": "DESA",
    "ds": "DESA",
    "kab": "KAB",
    "kabupaten": "KAB",
    "kota": "KAB",
    "prov": "PROV",
    "provinsi": "PROV",
    "propinsi": "PROV",
    "hub": "HUB",
    "hubungan": "HUB",
    "hubkel": "HUB",
    "shdk": "HUB",
    "ktp": "NIK",
    "nik": "NIK",
    "pbi": "PBI",
    "jkn": "PBI",
    "kis": "PBI",
    "apbn": "PBI",
    "bpnt": "BPNT",
    "sembako": "BPNT",
    "pkh": "PKH",
    "kk": "KK",
    "kartu": "KARTU",
    "keluarga": "KELUARGA",
    "krt": "KRT",
    "kepala": "KEPALA",
    "kode": "KODE",
    "kd": "KODE",
    "tempat": "TEMPAT",
    "tmpt": "TEMPAT",
    "tmp": "TEMPAT",
    "tpt": "TEMPAT",
    "tgl": "TGL",
    "tanggal": "TGL",
    "lahir": "LAHIR",
    "lhr": "LAHIR",
    "rt": "RT",
    "rw": "RW",
    "nama": "NAMA",
    "nm": "NAMA",
    "ibu": "IBU",
    "alamat": "ALAMAT",
    "dusun": "DUSUN",
    "lingkungan": "DUSUN",
    "dtks": "DTKS",
    "bdt": "DTKS",
    "id": "ID",
    "disabilitas": "DISABILITAS",
    "cacat": "DISABILITAS",
    "kelamin": "KELAMIN",
    "no": "NO",
}
"""Header word -> concept (``KEL``, ``KELURAHAN`` and ``DESA`` are all the village)."""

# (concepts that must all be present, concepts that must be absent, column). First match wins.
# ``~ttl`` and ``~rtrw`` are combined columns that ingest splits (Tempat/Tgl Lahir, RT/RW).
TOKEN_RULES: tuple[tuple[frozenset[str], frozenset[str], str], ...] = tuple(
    (frozenset(need.split()), frozenset(avoid.split()), col)
    for need, avoid, col in (
        ("KODE KEC", "DESA", "kode_kecamatan"),
        ("KODE DESA", "", "kode_desa"),
        ("HUB", "", "hubungan"),
        ("PBI", "", "pbi_jkn"),
        ("BPNT", "", "bpnt"),
        ("PKH", "", "pkh"),
        ("TEMPAT TGL", "", "~ttl"),
        ("TEMPAT LAHIR", "", "tempat_lahir"),
        ("TGL LAHIR", "", "tanggal_lahir"),
        ("RT RW", "", "~rtrw"),
        ("NIK", "KK", "nik"),
        ("KK", "NIK KRT KEPALA", "no_kk"),
        ("KARTU KELUARGA", "NIK", "no_kk"),
        ("IBU", "", "nama_ibu"),
        ("DTKS ID", "", "id_dtks"),
        ("DESA", "KEC KAB KODE", "desa"),
        ("KEC", "DESA KAB KODE", "kecamatan"),
        ("KAB", "KEC DESA KODE", "kabupaten"),
        ("PROV", "KAB KEC DESA KODE", "provinsi"),
        ("DUSUN", "", "dusun"),
        ("ALAMAT", "", "alamat"),
        ("DISABILITAS", "", "disabilitas"),
        ("KELAMIN", "", "jenis_kelamin"),
    )
)

_SPLIT_WORDS = sorted((w for w in WORD_CONCEPTS if len(w) >= 2), key=len, reverse=True)
_GLUE = re.compile("|".join(_SPLIT_WORDS))


def header_words(name: object) -> list[str]:
    """Lower-case words of a header: camelCase, punctuation and glued known words split.

    >>> header_words("NamaKec"), header_words("NM_KEC"), header_words("Hub. Dgn KRT")
    (['nama', 'kec'], ['nm', 'kec'], ['hub', 'dgn', 'krt'])
    """
    if name is None:
        return []
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    out: list[str] = []
    for tok in re.findall(r"[0-9a-z]+", text.lower()):
        if tok in WORD_CONCEPTS or not tok.isalpha():
            out.append(tok)
            continue
        parts = _split_glued(tok)
        out.extend(parts if parts else [tok])
    return out


def _split_glued(tok: str) -> list[str] | None:
    """``namakec`` -> ``['nama', 'kec']`` when the token is made only of known words."""
    if not tok:
        return []
    for w in _SPLIT_WORDS:
        if tok.startswith(w):
            rest = _split_glued(tok[len(w) :])
            if rest is not None:
                return [w, *rest]
    return None


def header_concepts(name: object) -> frozenset[str]:
    return frozenset(WORD_CONCEPTS[w] for w in header_words(name) if w in WORD_CONCEPTS)


def column_by_words(name: object) -> str | None:
    """Column named by the concepts of a header's words (:data:`TOKEN_RULES`), or None.

    >>> [column_by_words(h) for h in ("NamaKec", "Nama Kelurahan", "Hub. Dgn KRT", "PBI JK")]
    ['kecamatan', 'desa', 'hubungan', 'pbi_jkn']
    """
    concepts = header_concepts(name)
    if not concepts:
        return None
    for need, avoid, col in TOKEN_RULES:
        if need <= concepts and not (avoid & concepts):
            return col
    return None


def resembling_field(name: object) -> str | None:
    """A known field an unrecognised header resembles (shares a word concept), for a warning."""
    concepts = header_concepts(name) - {"NAMA", "NO", "ID", "KODE"}
    best: tuple[int, str] | None = None
    for need, _avoid, col in TOKEN_RULES:
        hits = len(need & concepts)
        if hits and not col.startswith("~") and (best is None or hits > best[0]):
            best = (hits, col)
    return None if best is None else best[1]
