"""DTSEN extracts (issue 13): a *keluarga* file (one row per family, with its desil and region
codes) and an *anggota keluarga* file (one row per person), joined on ``id_keluarga`` into the
same person records as DTKS files (``docs/dtsen.md``).

* A file is DTSEN when a header row names a desil column and no NIK (keluarga) or
  ``id_keluarga`` with NIK / No KK and no village-name column (anggota); the file name is not
  needed. Header spellings come
  from the user-extendable ``dtks_analysis/data/kolom_dtsen.csv`` (``field,spelling``), matched
  by normalised words like DTKS headers; other columns fall back to the DTKS spellings.
* Keluarga rows stay in the records as *family rows* (``_baris_keluarga`` = ``"1"``): validation
  locates family findings (``keluarga_tanpa_anggota``, ``desil_tidak_valid``, regions) at them
  and never counts them as persons. Their region codes (dotted or plain Kemendagri digits, or
  parts completed from the higher codes) are written as dotted full codes.
* Members take region, address, desil and status from their family (:func:`join_families`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from dtks_analysis import regions
from dtks_analysis.config import shorten
from dtks_analysis.intake.ingest.header import (
    HEADER_SCAN_ROWS,
    Header,
    is_blank_row,
    name_columns,
)
from dtks_analysis.intake.ingest.messages import IngestError, place
from dtks_analysis.intake.schema import _header_key, canonical_column

KOLOM_FILE = "kolom_dtsen.csv"
DESIL_COLUMNS = ("desil_nasional", "desil_provinsi", "desil_kabupaten_kota")
EXTRA_COLUMNS = (
    "id_keluarga",
    "kode_provinsi",
    "kode_kabupaten",
    *DESIL_COLUMNS,
    "status_keluarga",
    "sembako",
)
"""DTSEN columns kept in the records beside the canonical ones."""
RECORD_COLUMNS = ("id_keluarga", *DESIL_COLUMNS, "status_keluarga", "sumber")
"""The optional record columns of the contract (empty for DTKS rows after editing)."""
FIELDS = frozenset(
    {
        *EXTRA_COLUMNS,
        *("no_kk", "nik", "nama", "hubungan", "jenis_kelamin", "tanggal_lahir", "alamat"),
        *("pkh", "bpnt", "pbi_jkn", "kode_kecamatan", "kode_desa", "tempat_lahir"),
    }
)
"""Fields a row of ``kolom_dtsen.csv`` may name."""
REQUIRED = {
    "keluarga": ("id_keluarga", "kode_desa"),
    "anggota": ("id_keluarga", "no_kk", "nik", "nama", "hubungan", "pkh", "bpnt", "pbi_jkn"),
}
LABELS = {
    "id_keluarga": "ID KELUARGA",
    "kode_desa": "KODE DESA",
    "no_kk": "NOMOR KARTU KELUARGA",
    "nik": "NIK",
    "nama": "NAMA",
    "hubungan": "HUBUNGAN KELUARGA",
    "pkh": "PENERIMA PKH",
    "bpnt": "PENERIMA BPNT/SEMBAKO",
    "pbi_jkn": "PENERIMA PBI-JK",
}
JENIS = {"keluarga": "berkas keluarga DTSEN", "anggota": "berkas anggota keluarga DTSEN"}

STATUS_NONAKTIF = frozenset({"NONAKTIF", "NON AKTIF", "TIDAK AKTIF", "0", "N", "TIDAK"})
STATUS_AKTIF = frozenset({"AKTIF", "1", "A", "Y", "YA"})


@lru_cache(maxsize=1)
def spellings() -> dict[str, str]:
    """Normalised header key (and its form without ``_``) -> field, from ``kolom_dtsen.csv``."""
    path = resources.files("dtks_analysis") / "data" / KOLOM_FILE
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["field", "spelling"]:
        raise IngestError(
            f"{path}: baris pertama harus 'field,spelling' (header mapping file must start "
            f"with field,spelling)"
        )
    out: dict[str, str] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        field = row[0].strip().lower()
        if len(row) < 2 or field not in FIELDS or not _header_key(row[1]):
            raise IngestError(
                f"{path}: baris {i} tidak sah ({shorten(','.join(row), 80)}); kolom 'field' harus "
                f"salah satu dari {', '.join(sorted(FIELDS))} dan 'spelling' berisi judul kolom "
                f"(line {i} of the DTSEN header mapping is not valid)"
            )
        key = _header_key(row[1])
        out.setdefault(key, field)
        out.setdefault(key.replace("_", ""), field)
    return out


def dtsen_column(header: object) -> str | None:
    """Field of a DTSEN header (``DESIL NASIONAL``, ``No KK``, ``penerima_pbi_jk``), or None.

    >>> dtsen_column("DESIL NASIONAL"), dtsen_column("nomor_kartu_keluarga"), dtsen_column("x")
    ('desil_nasional', 'no_kk', None)
    """
    if header is None:
        return None
    text = str(header)
    if not text.strip() or len(text) > 80:
        return None
    table = spellings()
    for t in (text, re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", text)):
        key = _header_key(t)
        found = table.get(key) or table.get(key.replace("_", ""))
        if found:
            return found
    return None


def _row_kind(row: Sequence[Any]) -> tuple[str | None, int]:
    """(``keluarga`` | ``anggota`` | None, number of DTSEN fields) of a candidate header row."""
    fields: set[str] = set()
    village_name = False
    for v in row:
        if isinstance(v, str) and v.strip():
            f = dtsen_column(v)
            if f:
                fields.add(f)
            elif canonical_column(v) == "desa":
                village_name = True
    if len(fields) < 3:
        return None, 0
    if fields & set(DESIL_COLUMNS) and "nik" not in fields:
        return "keluarga", len(fields)
    if "id_keluarga" in fields and fields & {"nik", "no_kk"} and not village_name:
        return "anggota", len(fields)
    return None, 0  # e.g. a DTKS/BDT person file with a DESIL column stays a DTKS file


def find_header(rows: Sequence[Sequence[Any]], where: str) -> tuple[Header, str] | None:
    """The DTSEN header among the first non-blank rows and the file kind, or None (not DTSEN).

    Columns are named by ``kolom_dtsen.csv`` first, then by the DTKS spellings; unknown ones
    become ``x_<name>``; a second column for the same field is kept as ``x_<name>`` (warning).
    """
    best: tuple[int, int, str] | None = None
    seen = 0
    for i, row in enumerate(rows):
        if seen >= HEADER_SCAN_ROWS:
            break
        if is_blank_row(row):
            continue
        seen += 1
        kind, n = _row_kind(row)
        if kind and (best is None or n > best[0]):
            best = (n, i, kind)
    if best is None:
        return None
    _, hi, kind = best
    texts = ["" if v is None else str(v).strip() for v in rows[hi]]
    names, warnings = name_columns(
        texts, where, lambda t: dtsen_column(t) or canonical_column(t), letters=False
    )
    if "bpnt" not in names and "sembako" in names:
        names[names.index("sembako")] = "bpnt"
    return Header(hi, hi + 1, names, texts, warnings), kind


def check_required(rel: str, sheet: str | None, hdr: Header, kind: str, header_row: int) -> None:
    """Stop when a DTSEN file lacks a column its kind needs (a keluarga file also a desil)."""
    present = {n for n in hdr.names if n}
    missing = [LABELS[c] for c in REQUIRED[kind] if c not in present]
    if kind == "keluarga" and not present & set(DESIL_COLUMNS):
        missing.append("DESIL NASIONAL")
    if not missing:
        return
    want = ", ".join(missing)
    found = shorten(", ".join(shorten(t, 40) for t in hdr.texts if t), 400)
    raise IngestError(
        f"{place(rel, sheet)}: {JENIS[kind]} tanpa kolom wajib: {want} (header di baris "
        f"{header_row}). Kolom yang ditemukan: {found}. Tambahkan kolom tersebut, atau bila "
        f"judulnya ditulis lain, tambahkan ejaannya di dtks_analysis/data/{KOLOM_FILE}. "
        f"(DTSEN {kind} file lacks required column(s): {want})"
    )


# --------------------------------------------------------------------------- family regions
def _digits(values: pd.Series) -> pd.Series:
    """Digits of a code written dotted or plain (``12.11.01``, ``121101``, ``121101.0``)."""
    txt = values.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    ok = txt.str.fullmatch(r"[0-9][0-9. ]*")
    return txt.str.replace(r"\D", "", regex=True).where(ok.fillna(False), "").fillna("")


def _dotted(d: pd.Series, cuts: tuple[int, ...]) -> pd.Series:
    parts = [d.str.slice(a, b) for a, b in zip((0, *cuts[:-1]), cuts, strict=True)]
    out = parts[0]
    for p in parts[1:]:
        out = out + "." + p
    return out


def family_regions(df: pd.DataFrame) -> None:
    """Full dotted Kemendagri codes of family rows (in place): ``kode_kecamatan`` and
    ``kode_desa`` (a part such as ``01`` / ``2001`` completed from the higher code), and the
    kabupaten's name (else its code) in ``kabupaten`` for the other-kabupaten check.

    Worked out once per distinct combination of the four codes (a few hundred per kabupaten)."""
    n = len(df)
    if not n:
        return
    names = ("kode_provinsi", "kode_kabupaten", "kode_kecamatan", "kode_desa")
    arrays = [
        df[c].to_numpy(dtype=object) if c in df else np.full(n, None, dtype=object) for c in names
    ]
    codes, uniq = pd.MultiIndex.from_arrays(
        [pd.Series(a, dtype=object).fillna("\x00").to_numpy(dtype=object) for a in arrays]
    ).factorize()
    u = {c: uniq.get_level_values(i).to_series().replace("\x00", None) for i, c in enumerate(names)}
    u = {c: pd.Series(v.to_numpy(dtype=object), dtype=object) for c, v in u.items()}
    kec_u, desa_u, kab_u = _full_codes(u)
    df["kode_kecamatan"] = kec_u.to_numpy(dtype=object).take(codes)
    df["kode_desa"] = desa_u.to_numpy(dtype=object).take(codes)
    df["kabupaten"] = kab_u.to_numpy(dtype=object).take(codes)


def _full_codes(u: dict[str, pd.Series]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(kode_kecamatan, kode_desa, kabupaten name) of distinct code combinations."""
    prov, kab, kec, desa = (
        _digits(u[c]) for c in ("kode_provinsi", "kode_kabupaten", "kode_kecamatan", "kode_desa")
    )
    kab = kab.where(kab.str.len() != 2, prov.where(prov.str.len() == 2, "") + kab)
    kab = kab.where(kab.str.len() == 4, "")
    kab = kab.where(kab != "", kec.str.slice(0, 4).where(kec.str.len() == 6, ""))
    kab = kab.where(kab != "", desa.str.slice(0, 4).where(desa.str.len() == 10, ""))
    kec = kec.where(~kec.str.len().isin([1, 2]), (kab + kec.str.zfill(2)).where(kab != "", ""))
    kec = kec.where(kec.str.len() == 6, "")
    kec = kec.where(kec != "", desa.str.slice(0, 6).where(desa.str.len() == 10, ""))
    desa = desa.where(~desa.str.len().isin([3, 4]), (kec + desa.str.zfill(4)).where(kec != "", ""))
    out = []
    for name, d, cuts in (
        ("kode_kecamatan", kec, (2, 4, 6)),
        ("kode_desa", desa, (2, 4, 6, 10)),
    ):
        full = (d.str.len() == cuts[-1]).to_numpy(dtype=bool)
        raw = u[name].to_numpy(dtype=object)
        out.append(pd.Series(np.where(full, _dotted(d, cuts).to_numpy(dtype=object), raw)))
    kab_dot = _dotted(kab, (2, 4)).where(kab != "", None)
    found = {k: (regions.kabupaten_nama(k) or k) for k in kab_dot.dropna().unique()}
    named = kab_dot.map(found)
    out.append(pd.Series(named.where(named.notna(), None).to_numpy(dtype=object), dtype=object))
    return out[0], out[1], out[2]


# --------------------------------------------------------------------------- join
def is_in(values: np.ndarray, known: pd.Index) -> np.ndarray:
    """``values`` found in ``known``, by hashing (``np.isin`` on object arrays compares every
    pair: minutes for a kabupaten)."""
    return np.asarray(pd.Index(values, dtype=object).isin(known), dtype=bool)


def family_key(values: pd.Series) -> np.ndarray:
    """Join key of ``id_keluarga``: trimmed, upper case, leading zeros of an all-digit id
    dropped (a number cell in one file, text in the other); "" when empty."""
    codes, uniq = pd.factorize(values.to_numpy(dtype=object))
    s = pd.Series(uniq, dtype="string").str.strip().str.upper()
    digits = s.str.fullmatch(r"[0-9]+").fillna(False)
    s = s.where(~digits, s.str.lstrip("0").replace("", "0"))
    keys = np.append(s.fillna("").to_numpy(dtype=object), "")
    return keys.take(np.where(codes < 0, len(keys) - 1, codes))


FROM_FAMILY = (
    "provinsi",
    "kabupaten",
    "kecamatan",
    "desa",
    "alamat",
    "kode_kecamatan",
    "kode_desa",
    *DESIL_COLUMNS,
    "status_keluarga",
)


def _files_without_match(files: pd.Series, matched: np.ndarray) -> list[str]:
    """Files none of whose rows matched."""
    any_match = pd.Series(matched).groupby(files.to_numpy(dtype=object), sort=True).any()
    return [str(f) for f, ok in any_match.items() if not ok]


def join_families(records: pd.DataFrame, schemes: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """DTSEN member rows take their family's region, address, desil and status; family rows
    move to the end. ``schemes``: the relationship schemes ``sumber.yaml`` declares (a DTSEN
    file without one is ``dukcapil``). Raises IngestError for a keluarga file without its
    anggota file (none of its families has a member) and the reverse."""
    if "sumber" not in records.columns:
        return records, []
    is_dtsen = (records["sumber"] == "dtsen").to_numpy(dtype=bool)
    if not is_dtsen.any():
        return records, []
    fam_mask = (
        is_dtsen
        & records.get("_baris_keluarga", pd.Series(None, index=records.index)).notna().to_numpy()
    )
    mem_mask = is_dtsen & ~fam_mask
    fam = records[fam_mask]
    mem = records[mem_mask]
    if not len(mem):
        f = sorted(fam["_file"].unique())[0]
        raise IngestError(
            f"{f}: {JENIS['keluarga']} tanpa berkas anggota keluarganya (tidak ada berkas anggota "
            f"keluarga DTSEN di folder bulan ini). Salin berkas anggota_keluarga_dtsen_... dari "
            f"kiriman yang sama ke folder bulan, lalu jalankan lagi. (DTSEN family file without "
            f"its member file)"
        )
    if not len(fam):
        f = sorted(mem["_file"].unique())[0]
        raise IngestError(
            f"{f}: {JENIS['anggota']} tanpa berkas keluarganya (tidak ada berkas keluarga DTSEN "
            f"dengan kolom desil di folder bulan ini). Salin berkas keluarga_dtsen_... dari "
            f"kiriman yang sama ke folder bulan, lalu jalankan lagi. (DTSEN member file without "
            f"its family file)"
        )
    fkey = family_key(fam["id_keluarga"])
    mkey = family_key(mem["id_keluarga"])
    fset = pd.Index(pd.unique(fkey[fkey != ""]))
    mset = pd.Index(pd.unique(mkey[mkey != ""]))
    for f in _files_without_match(fam["_file"], is_in(fkey, mset)):
        raise IngestError(
            f"{f}: tidak satu pun keluarga di {JENIS['keluarga']} ini mempunyai anggota di berkas "
            f"anggota keluarga bulan ini (id_keluarga tidak cocok). Pastikan berkas anggota "
            f"keluarga dari kiriman yang sama ada di folder bulan. (no family of this DTSEN "
            f"family file has a member: its member file is missing)"
        )
    for f in _files_without_match(mem["_file"], is_in(mkey, fset)):
        raise IngestError(
            f"{f}: tidak satu pun anggota di {JENIS['anggota']} ini mempunyai keluarga di berkas "
            f"keluarga bulan ini (id_keluarga tidak cocok). Pastikan berkas keluarga dari kiriman "
            f"yang sama ada di folder bulan. (no member of this DTSEN member file has a family: "
            f"its family file is missing)"
        )
    warnings: list[str] = []
    dup = pd.Series(fkey).duplicated().to_numpy() & (fkey != "")
    if dup.any():
        rows = fam.loc[dup]
        shown = ", ".join(
            f"{place(f, s or None)} baris {r}"
            for f, s, r in zip(rows["_file"][:5], rows["_sheet"][:5], rows["_row"][:5], strict=True)
        )
        warnings.append(
            f"{int(dup.sum())} baris keluarga DTSEN dengan id_keluarga yang sudah ada di baris "
            f"sebelumnya ({shown}); anggotanya mengikuti baris pertama (duplicate id_keluarga: "
            f"members follow the first family row)"
        )
    first = np.flatnonzero(~dup & (fkey != ""))
    pos = pd.Index(fkey[first]).get_indexer(mkey)
    pos = np.where(mkey == "", -1, pos)
    found = pos >= 0
    take = first[np.maximum(pos, 0)]
    mem_pos = np.flatnonzero(mem_mask)
    values: dict[str, np.ndarray] = {}
    for c in FROM_FAMILY:
        got = fam[c].to_numpy(dtype=object)[take] if c in fam else np.full(len(mem), None, object)
        values[c] = np.where(found, got, None).astype(object)
    values["id_dtks"] = np.where(found, mem["id_keluarga"].to_numpy(dtype=object), None)
    fcode, funiq = pd.factorize(mem["_file"].to_numpy(dtype=object))
    per_file = np.array([schemes.get(f, "dukcapil") for f in funiq], dtype=object)
    values["_skema_hubungan"] = per_file.take(fcode)
    for c in fam.columns:
        if c.startswith("x_") and c not in mem.columns:
            values[c] = np.where(found, fam[c].to_numpy(dtype=object)[take], None).astype(object)
    unknown = _unknown_status(fam)
    if unknown:
        warnings.append(unknown)
    order = np.concatenate([np.flatnonzero(~fam_mask), np.flatnonzero(fam_mask)])
    data: dict[str, np.ndarray] = {}
    for c in [*records.columns, *(c for c in values if c not in records.columns)]:
        if c in records.columns:
            arr = records[c].to_numpy(dtype=np.int64 if c == "_row" else object, copy=True)
        else:
            arr = np.full(len(records), None, dtype=object)
        if c in values:
            arr[mem_pos] = values[c]
        data[c] = arr[order]
    return pd.DataFrame(data, index=pd.RangeIndex(len(order)), copy=False), warnings


def status_key(values: pd.Series) -> pd.Series:
    """``status_keluarga`` compared: upper case, ``-``/``_`` as spaces, spaces collapsed."""
    s = pd.Series(values.to_numpy(dtype=object), dtype="string", index=values.index)
    return s.str.upper().str.replace(r"[-_.\s]+", " ", regex=True).str.strip().fillna("")


def _unknown_status(fam: pd.DataFrame) -> str:
    if "status_keluarga" not in fam:
        return ""
    key = status_key(fam["status_keluarga"])
    bad = (key != "") & ~key.isin(STATUS_AKTIF | STATUS_NONAKTIF)
    if not bad.any():
        return ""
    shown = ", ".join(sorted(key[bad].unique())[:5])
    return (
        f"{int(bad.sum())} baris keluarga DTSEN dengan status_keluarga tidak dikenal ({shown}); "
        f"dianggap aktif. Isi 'aktif' atau 'nonaktif' (unknown family status read as aktif)"
    )
