"""Data-entry templates for village operators (CONFIDENTIAL: they hold NIK and No KK).

One workbook per village, ``<templates_root>/<YYYY-MM>/<kecamatan>/<desa>.xlsx``, pre-filled with
the village's persons of the last accepted month (so the operator updates, not retypes) and with
Excel data validation on every column: NIK and No KK as 16-digit text, relationship, sex and the
program flags as drop-downs, dates within 1900-01-01 .. the end of the month. The village and
kecamatan are fixed in the locked title rows (and the sheet tab), which the normal ingest reads
for a sheet without a DESA column (``intake/ingest/sheetregion.py``): a filled template is an
ordinary extract, read with no special case (docs/templat_desa.md). The header row and the title
are locked; the data cells, plus empty rows for new people, are unlocked. A "Petunjuk" sheet
explains every column and the usual mistakes. Written with xlsxwriter, deterministic (fixed
creation date), A4 landscape, fit to width, header row repeated; each file through a temporary
file renamed when complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dtks_analysis import regions
from dtks_analysis.config import ParamsError
from dtks_analysis.editing.corrections import safe_name

#: relationship codes (DTKS scheme) -> the drop-down words the ingest reads back as that code
HUBUNGAN_LABELS: dict[int, str] = {
    1: "Kepala keluarga",
    2: "Istri/suami",
    3: "Anak",
    4: "Menantu",
    5: "Cucu",
    6: "Orang tua/mertua",
    7: "Pembantu",
    8: "Lainnya",
}
SEX_LABELS: dict[str, str] = {"L": "Laki-laki", "P": "Perempuan"}
FLAG_LABELS = ("Ya", "Tidak")
DATE_MIN = date(1900, 1, 1)
HEADER_ROW = 5  # 0-based: five title rows above the column header
SHEET_PETUNJUK = "Petunjuk"
MIN_EMPTY_ROWS = 100  # empty rows for new people: at least this many, or a fifth of the rows


class TemplateError(ParamsError):
    """A template cannot be written as asked (unknown village, no accepted month)."""


@dataclass(frozen=True)
class Column:
    """One column of the template: header (a spelling the ingest maps), field, width, rule."""

    header: str
    field: str
    width: int
    kind: str  # id16 | id | text | list | date | digits
    prompt: str  # input message (Indonesian, <= 255 characters)
    error: str  # error message (Indonesian, <= 255 characters)
    max_len: int = 0  # text length limit (kind text/id/digits)
    choices: tuple[str, ...] = ()  # drop-down values (kind list)


COLUMNS: tuple[Column, ...] = (
    Column(
        "NO KK",
        "no_kk",
        19,
        "id16",
        "16 angka sesuai Kartu Keluarga. Ketik sebagai teks (sel sudah berformat Teks); jangan "
        "ditempel sebagai angka, jangan pakai spasi atau titik.",
        "No KK harus 16 angka yang diketik sebagai teks (bukan angka, bukan 1,21E+15). "
        "Periksa jumlah digit dan nol di depan.",
    ),
    Column(
        "NIK",
        "nik",
        19,
        "id16",
        "16 angka sesuai KTP/KK. Ketik sebagai teks (sel sudah berformat Teks); jangan ditempel "
        "sebagai angka, jangan pakai spasi atau titik.",
        "NIK harus 16 angka yang diketik sebagai teks (bukan angka, bukan 1,21E+15). "
        "Periksa jumlah digit dan nol di depan.",
    ),
    Column(
        "NAMA",
        "nama",
        26,
        "text",
        "Nama lengkap sesuai KTP/KK.",
        "Nama harus diisi, paling panjang 100 huruf.",
        max_len=100,
    ),
    Column(
        "HUBUNGAN KELUARGA",
        "hubungan",
        17,
        "list",
        "Pilih dari daftar: hubungan dengan kepala keluarga. Satu keluarga (No KK) punya tepat "
        "satu Kepala keluarga.",
        "Pilih salah satu isian dari daftar hubungan keluarga.",
        choices=tuple(HUBUNGAN_LABELS.values()),
    ),
    Column(
        "JENIS KELAMIN",
        "jenis_kelamin",
        12,
        "list",
        "Pilih Laki-laki atau Perempuan.",
        "Pilih Laki-laki atau Perempuan dari daftar.",
        choices=tuple(SEX_LABELS.values()),
    ),
    Column(
        "TEMPAT LAHIR",
        "tempat_lahir",
        15,
        "text",
        "Kota/kabupaten tempat lahir sesuai KK.",
        "Tempat lahir paling panjang 60 huruf.",
        max_len=60,
    ),
    Column(
        "TANGGAL LAHIR",
        "tanggal_lahir",
        12,
        "date",
        "Tanggal lahir sesuai KK, ketik hari-bulan-tahun, mis. 31-12-1985.",
        "Isi tanggal yang benar (hari-bulan-tahun, tahun 4 angka), antara 01-01-1900 dan akhir "
        "bulan data.",
    ),
    Column(
        "NAMA IBU KANDUNG",
        "nama_ibu",
        22,
        "text",
        "Nama ibu kandung sesuai KK.",
        "Nama ibu kandung paling panjang 100 huruf.",
        max_len=100,
    ),
    Column(
        "ALAMAT",
        "alamat",
        26,
        "text",
        "Alamat tempat tinggal (jalan, nomor rumah).",
        "Alamat paling panjang 200 huruf.",
        max_len=200,
    ),
    Column(
        "DUSUN",
        "dusun",
        12,
        "text",
        "Nama dusun/lingkungan.",
        "Dusun paling panjang 60 huruf.",
        max_len=60,
    ),
    Column(
        "RT",
        "rt",
        6,
        "digits",
        "Nomor RT, 1 sampai 3 angka (mis. 001).",
        "RT harus 1 sampai 3 angka.",
        max_len=3,
    ),
    Column(
        "RW",
        "rw",
        6,
        "digits",
        "Nomor RW, 1 sampai 3 angka (mis. 002).",
        "RW harus 1 sampai 3 angka.",
        max_len=3,
    ),
    Column(
        "BPNT",
        "bpnt",
        8,
        "list",
        "Menerima BPNT/Sembako bulan ini? Pilih Ya atau Tidak.",
        "Pilih Ya atau Tidak dari daftar.",
        choices=FLAG_LABELS,
    ),
    Column(
        "PBI-JKN",
        "pbi_jkn",
        9,
        "list",
        "Peserta PBI-JKN (iuran BPJS Kesehatan dibayar pemerintah)? Pilih Ya atau Tidak.",
        "Pilih Ya atau Tidak dari daftar.",
        choices=FLAG_LABELS,
    ),
    Column(
        "PKH",
        "pkh",
        8,
        "list",
        "Menerima PKH bulan ini? Pilih Ya atau Tidak.",
        "Pilih Ya atau Tidak dari daftar.",
        choices=FLAG_LABELS,
    ),
    Column(
        "ID DTKS",
        "id_dtks",
        19,
        "id",
        "Kode dari SIKS-NG: jangan diubah. Kosongkan untuk orang baru.",
        "ID DTKS hanya berisi angka (paling panjang 25), diketik sebagai teks.",
        max_len=25,
    ),
)
FIELDS = tuple(c.field for c in COLUMNS)


def col_letter(j: int) -> str:
    """Excel column letters of 0-based column ``j``.

    >>> col_letter(0), col_letter(15), col_letter(26)
    ('A', 'P', 'AA')
    """
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def validation_formula(col: Column, cell: str) -> str | None:
    """The custom rule of an ID or digits column for its first data cell ``cell`` (relative:
    Excel shifts it down the range); None for the other kinds.

    >>> validation_formula(COLUMNS[0], "A7")
    'AND(ISTEXT(A7),LEN(A7)=16,SUMPRODUCT(--ISNUMBER(--MID(A7,ROW(INDIRECT("1:16")),1)))=16)'
    """
    digits = f'SUMPRODUCT(--ISNUMBER(--MID({cell},ROW(INDIRECT("1:"&LEN({cell}))),1)))'
    if col.kind == "id16":
        every = digits.replace('"1:"&LEN(' + cell + ")", '"1:16"')
        return f"AND(ISTEXT({cell}),LEN({cell})=16,{every}=16)"
    if col.kind in ("id", "digits"):
        return f"AND(ISTEXT({cell}),LEN({cell})<={col.max_len},{digits}=LEN({cell}))"
    return None


def check_desa(code: str, kode: str) -> str:
    """The dotted village code of ``code`` (``12.11.01.1005`` or ``1211011005``) when it is a
    village of kabupaten ``kode``, else TemplateError naming it."""
    digits = "".join(ch for ch in str(code) if ch.isdigit())
    known = regions.desa_table(kode)["kode"]
    hit = known[known.str.replace(".", "", regex=False) == digits]
    if digits and len(hit) == 1:
        return str(hit.iloc[0])
    example = known.iloc[0] if len(known) else "12.11.01.1005"
    raise TemplateError(
        f"Kode desa/kelurahan {code!r} tidak dikenal di kabupaten/kota {kode}. Gunakan kode "
        f"Kemendagri 10 angka, mis. {example} (daftar: dtks_analysis/data/wilayah_dairi.csv atau "
        f"referensi wilayah). (unknown village code)"
    )


def pick_sources(villages_by_month: dict[str, list[str]], villages: list[str]) -> dict[str, str]:
    """Per village, the latest month (of ``villages_by_month``: month -> villages with counted
    rows) in which it sent records; villages that never did are left out.

    >>> pick_sources({"2023-10": ["A", "B"], "2023-11": ["A"]}, ["A", "B", "C"])
    {'A': '2023-11', 'B': '2023-10'}
    """
    out: dict[str, str] = {}
    wanted = set(villages)
    for month in sorted(villages_by_month, reverse=True):
        for v in villages_by_month[month]:
            if v in wanted and v not in out:
                out[v] = month
    return {v: out[v] for v in villages if v in out}


def template_rows(persons: pd.DataFrame) -> pd.DataFrame:
    """Cleaned person rows -> the template's cell values (``FIELDS``: text or None; dates as
    Excel serial numbers or NaN) plus ``kode_desa``, one row per person, families together
    (No KK, then relationship, birth date, NIK, name)."""
    p = persons
    n = len(p)

    def text(col: str) -> pd.Series:
        if col not in p.columns:
            return pd.Series([None] * n, index=p.index, dtype=object)
        s = p[col].astype("string").str.strip()
        blank = (s.isna() | (s == "")).to_numpy(dtype=bool)
        return pd.Series(np.where(blank, None, s.to_numpy(dtype=object)), index=p.index)

    out = pd.DataFrame({f: text(f) for f in ("no_kk", "nik", "nama", "tempat_lahir")})
    hub = pd.to_numeric(p.get("hubungan"), errors="coerce") if n else pd.Series(dtype=float)
    out["hubungan"] = hub.map(HUBUNGAN_LABELS).astype(object).where(hub.notna(), None)
    sex = text("jenis_kelamin").map(SEX_LABELS)
    out["jenis_kelamin"] = sex.astype(object).where(sex.notna(), None)
    born = pd.to_datetime(p["tanggal_lahir"], errors="coerce") if n else pd.Series(dtype="M8[ns]")
    serial = (born - pd.Timestamp("1899-12-30")).dt.days.astype("float64")
    out["tanggal_lahir"] = serial.to_numpy()
    for f in ("nama_ibu", "alamat", "dusun", "rt", "rw"):
        out[f] = text(f)
    for f in ("bpnt", "pbi_jkn", "pkh"):
        flag = p[f].astype("boolean") if f in p.columns else pd.Series(pd.NA, index=p.index)
        out[f] = np.where(flag.isna(), None, np.where(flag.fillna(False), "Ya", "Tidak"))
        out[f] = out[f].astype(object)
    out["id_dtks"] = text("id_dtks")
    out["kode_desa"] = text("kode_desa")
    out["_urut"] = hub.fillna(9).to_numpy()
    out["_lahir"] = serial.fillna(np.inf).to_numpy()
    keys = ["kode_desa", "no_kk", "_urut", "_lahir", "nik", "nama"]
    out = out.sort_values(keys, na_position="last", kind="mergesort")
    return out[[*FIELDS, "kode_desa"]].reset_index(drop=True)


def empty_rows(n: int) -> int:
    """Empty rows left for new people under ``n`` pre-filled rows.

    >>> empty_rows(0), empty_rows(700), empty_rows(2685)
    (100, 150, 550)
    """
    return max(MIN_EMPTY_ROWS, int(np.ceil(n / 5 / 50)) * 50)


@dataclass(frozen=True)
class Village:
    """A village's names and codes as the template shows them."""

    kode: str
    nama: str
    jenis: str  # "Desa" | "Kelurahan"
    kode_kecamatan: str
    kecamatan: str

    @property
    def title(self) -> str:
        """The title row the ingest reads the village and kecamatan from (sheetregion)."""
        return (
            f"Templat isian data DTKS - {self.jenis.upper()} {self.nama.upper()}, "
            f"KECAMATAN {self.kecamatan.upper()}"
        )

    @property
    def tab(self) -> str:
        """The sheet tab: the village name (Excel's 31 characters, no ``[]:*?/\\``)."""
        return "".join(ch for ch in self.nama if ch not in "[]:*?/\\")[:31] or "Data"


def villages(kode: str, only: str | None = None) -> list[Village]:
    """Every village of kabupaten ``kode`` (or the one ``only``), in code order."""
    d = regions.desa_table(kode)
    kec = regions.kecamatan_lookup(kode)
    if only is not None:
        d = d[d["kode"] == only]
    kinds = np.where(d["jenis"].str.lower() == "kelurahan", "Kelurahan", "Desa")
    return [
        Village(k, n, j, kk, kec.get(kk, kk))
        for k, n, j, kk in zip(d["kode"], d["nama"], kinds, d["kode_kecamatan"], strict=True)
    ]


def template_path(root: Path, month: str, v: Village) -> Path:
    """``<root>/<month>/<kecamatan>/<desa>.xlsx`` (names as in the correction worklists)."""
    return Path(root) / month / safe_name(v.kecamatan) / f"{safe_name(v.nama)}.xlsx"
