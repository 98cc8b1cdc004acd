"""How a month's rows are split into files and how each file spells and codes its values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .reference import Reference

SIKS_HEADERS: tuple[tuple[str, str], ...] = (
    ("id_dtks", "ID DTKS"), ("provinsi", "PROVINSI"), ("kabupaten", "KABUPATEN/KOTA"),
    ("kecamatan", "KECAMATAN"), ("desa", "DESA/KELURAHAN"), ("alamat", "ALAMAT"),
    ("dusun", "DUSUN"), ("rt", "RT"), ("rw", "RW"), ("no_kk", "NOMOR KK"), ("nik", "NOMOR NIK"),
    ("nama", "NAMA"), ("tanggal_lahir", "TANGGAL LAHIR"), ("tempat_lahir", "TEMPAT LAHIR"),
    ("jenis_kelamin", "JENIS KELAMIN"), ("nama_ibu", "NAMA IBU KANDUNG"),
    ("hubungan", "HUBUNGAN KELUARGA"), ("bpnt", "BPNT"), ("pbi_jkn", "PBI JKN"), ("pkh", "PKH"),
)  # fmt: skip

# header spellings of the mailed workbooks, one drawn per file and field
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "no": ("NO", "No.", "No"),
    "nik": ("NIK", "N I K", "No. NIK", "NOMOR NIK", "Nik"),
    "no_kk": ("NoKK", "No. KK", "NO KK", "Nomor Kartu Keluarga", "No KK"),
    "nama": ("Nama", "Nama Lengkap", "NAMA"),
    "jenis_kelamin": ("JnsKel", "Jenis Kelamin", "JENIS KELAMIN"),
    "tanggal_lahir": ("TglLahir", "Tanggal Lahir", "Tgl. Lahir"),
    "hubungan": ("Hubkel", "Hubungan Keluarga", "HUB. KELUARGA"),
    "pkh": ("AdaPKH", "PKH"),
    "bpnt": ("AdaBPNT", "BPNT"),
    "pbi_jkn": ("AdaPBI", "PBI", "PBI JKN", "PBI-JKN"),
    "desa": ("Desa", "Desa/Kelurahan", "DESA"),
    "kecamatan": ("Kecamatan", "KECAMATAN", "Kec"),
    "alamat": ("Alamat", "ALAMAT"),
    "keterangan": ("KETERANGAN", "Keterangan", "Ket"),
}

# program flag codings: (receiving, not receiving)
FLAG_CODINGS: dict[str, tuple[str, str]] = {
    "01": ("1", "0"),
    "12": ("1", "2"),
    "ya_tidak": ("Ya", "Tidak"),
    "YA_TIDAK": ("YA", "TIDAK"),
    "y_n": ("Y", "N"),
    "ya_blank": ("Ya", ""),
    "1_blank": ("1", ""),
}
JK_CODINGS: dict[str, tuple[str, str]] = {
    "LP": ("L", "P"),
    "LAKI": ("LAKI-LAKI", "PEREMPUAN"),
    "Laki": ("Laki-laki", "Perempuan"),
}


@dataclass
class FileStyle:
    """Everything that varies between files: path, kind, headers, codings, cell types."""

    path: str  # relative POSIX path
    kind: str  # siks | kec | desa
    fmt: str  # xlsx | csv
    columns: list[tuple[str, str]]  # (canonical field, header text) in order
    title_rows: int = 0
    flag: str = "01"
    flag_numeric: bool = False
    jk: str = "LP"
    date: str = "iso"  # iso text | dmy text | cell (Excel date)
    rel: str = "dtks"  # dtks | dukcapil | label
    rel_numeric: bool = False
    upper: bool = False
    delimiter: str = ","
    encoding: str = "utf-8"
    blank_tail: int = 0
    sheets: list[str] = field(default_factory=list)  # sheet names in workbook order
    sheet_of_desa: dict[int, str] = field(default_factory=dict)

    @property
    def skema(self) -> str:
        """Relationship scheme declared in sumber.yaml."""
        return "dukcapil" if self.rel == "dukcapil" else "dtks"

    @property
    def allows_numbers(self) -> bool:
        return self.fmt == "xlsx"


def slug(name: str) -> str:
    """File-name friendly form of a region name."""
    return re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_")


def _kiriman_columns(rng: np.random.Generator, with_kec: bool) -> list[tuple[str, str]]:
    fields = ["nik", "no_kk", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan"]
    fields += ["pkh", "bpnt", "pbi_jkn", "desa"]
    if with_kec:
        fields.append("kecamatan")
    if rng.random() < 0.5:
        fields.append("alamat")
    if rng.random() < 0.4:
        fields.append("keterangan")
    if rng.random() < 0.6:
        fields.insert(0, "no")
    v = HEADER_VARIANTS
    return [(f, v[f][rng.integers(0, len(v[f]))]) for f in fields]


def _kiriman_style(
    rng: np.random.Generator, path: str, kind: str, fmt: str, with_kec: bool
) -> FileStyle:
    flag = list(FLAG_CODINGS)[rng.integers(0, len(FLAG_CODINGS))]
    st = FileStyle(
        path=path,
        kind=kind,
        fmt=fmt,
        columns=_kiriman_columns(rng, with_kec),
        title_rows=int(rng.integers(1, 3)) if fmt == "xlsx" else 0,
        flag=flag,
        jk=list(JK_CODINGS)[rng.integers(0, len(JK_CODINGS))],
        rel=("dtks", "dukcapil", "label")[rng.choice(3, p=[0.5, 0.3, 0.2])],
        upper=bool(rng.random() < 0.4),
        blank_tail=int(rng.integers(0, 4)),
    )
    if fmt == "xlsx":
        st.flag_numeric = flag in ("01", "12", "1_blank") and bool(rng.random() < 0.5)
        st.rel_numeric = st.rel != "label" and bool(rng.random() < 0.5)
        st.date = "cell" if rng.random() < 0.6 else "iso"
    else:
        st.date = "dmy" if rng.random() < 0.5 else "iso"
        st.delimiter = ";" if rng.random() < 0.5 else ","
        st.encoding = ("utf-8", "utf-8-sig", "cp1252")[rng.integers(0, 3)]
    return st


def plan_files(
    rng: np.random.Generator, ref: Reference, month: str, desa_present: np.ndarray, fmt: str
) -> tuple[list[FileStyle], dict[int, tuple[int, str]]]:
    """Files of the month and, for every responding village, (file index, sheet name)."""
    files: list[FileStyle] = []
    where: dict[int, tuple[int, str]] = {}
    main_fmt = "csv" if fmt == "csv" else "xlsx"
    siks = FileStyle(
        path=f"siks_ng_{month}.{main_fmt}",
        kind="siks",
        fmt=main_fmt,
        columns=list(SIKS_HEADERS),
        flag=("YA_TIDAK", "01")[rng.integers(0, 2)],
        jk="LAKI",
        date="iso",
        rel="dtks",
        upper=True,
        delimiter=",",
        encoding="utf-8",
    )
    files.append(siks)
    desa = ref.desa
    shared = desa["key"].duplicated(keep=False).to_numpy()
    for kec in ref.kecamatan.itertuples():
        vil = [int(i) for i in np.flatnonzero(desa["kode_kec"].to_numpy() == kec.kode)]
        vil = [i for i in vil if desa_present[i]]
        if not vil:
            continue
        mode = ("siks", "kec", "desa")[rng.choice(3, p=[0.5, 0.3, 0.2])]
        if mode == "kec" and fmt == "csv":
            mode = "desa"
        if mode == "siks":
            for i in vil:
                where[i] = (0, "")
        elif mode == "kec":
            st = _kiriman_style(
                rng, f"kiriman/Kec_{slug(kec.nama)}_{month}.xlsx", "kec", "xlsx", True
            )
            for i in vil:
                name = re.sub(r"[\[\]:*?/\\]", "", str(desa.at[i, "nama"]))[:31]
                st.sheets.append(name)
                st.sheet_of_desa[i] = name
                where[i] = (len(files), name)
            files.append(st)
        else:
            for i in vil:
                ffmt = main_fmt
                if fmt == "mixed" and rng.random() < 0.3:
                    ffmt = "csv"
                path = f"kiriman/{slug(kec.nama)}/Desa_{slug(str(desa.at[i, 'nama']))}.{ffmt}"
                # a village name used in two kecamatan needs the row's kecamatan to be told apart
                with_kec = bool(rng.random() < 0.6) or bool(shared[i])
                st = _kiriman_style(rng, path, "desa", ffmt, with_kec)
                sheet = ""
                if ffmt == "xlsx":
                    # Excel refuses []:*?/\ in a sheet name ("PERK. TOLAN I/II", Labuhanbatu)
                    title = re.sub(r"[\[\]:*?/\\]", "", str(desa.at[i, "nama"])).upper()[:31]
                    sheet = ("Sheet1", "DATA", title)[rng.integers(0, 3)]
                    st.sheets.append(sheet)
                st.sheet_of_desa[i] = sheet
                where[i] = (len(files), sheet)
                files.append(st)
    if siks.sheets == [] and siks.fmt == "xlsx":
        siks.sheets.append("Data DTKS")
    if siks.fmt == "xlsx":
        for i, (fi, _) in list(where.items()):
            if fi == 0:
                where[i] = (0, siks.sheets[0])
    return files, where


def siks_used(where: dict[int, tuple[int, str]]) -> bool:
    """Whether any village goes into the SIKS-NG export."""
    return any(fi == 0 for fi, _ in where.values())


def order_key(files: list[FileStyle]) -> pd.DataFrame:
    """(file index, sheet) -> position in reading order (files by path, sheets in workbook order)."""
    rows = []
    for fi in sorted(range(len(files)), key=lambda i: files[i].path):
        st = files[fi]
        for sh in st.sheets or [""]:
            rows.append((fi, sh))
    return pd.DataFrame(rows, columns=["file_idx", "sheet"]).assign(order=lambda d: range(len(d)))
