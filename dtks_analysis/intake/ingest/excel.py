"""Workbooks (.xlsx, .xlsm, .xls) read with calamine, every worksheet as a :class:`Table`.

Corrupt, encrypted, HTML-named-Excel and non-Excel files are told apart; hidden sheets with a
header are read (with a warning); formula cells without stored values are counted from the
sheet XML.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import python_calamine as pcal

from dtks_analysis.intake.ingest.guards import check_zip_sizes
from dtks_analysis.intake.ingest.messages import IngestError, place, reupload_error
from dtks_analysis.intake.ingest.table import Table, table_from_rows

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _encrypted_error(rel: str) -> IngestError:
    return IngestError(
        f"{rel}: file Excel dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca. "
        f"Buka di Excel dengan kata sandinya, hapus kata sandi (File > Info > Protect Workbook > "
        f"Encrypt with Password, kosongkan), simpan, lalu letakkan lagi di folder. "
        f"(password-protected / encrypted workbook: remove the password, save, and retry)"
    )


def _looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    return head.startswith(b"<")


def _open_workbook(data: bytes, rel: str) -> pcal.CalamineWorkbook:
    """Open workbook bytes, telling apart corrupt, encrypted, HTML and non-Excel files."""
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                check_zip_sizes(zf.infolist(), rel)
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise reupload_error(
                rel,
                f"file Excel rusak atau terpotong (tidak lengkap saat diunduh/disalin): {exc}",
                "corrupt or truncated workbook (bad zip archive)",
            ) from exc
        if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise reupload_error(
                rel,
                "file ini arsip zip tetapi bukan buku kerja Excel (mis. file Word/.docx atau zip "
                "biasa yang diberi nama Excel)",
                "a zip archive but not an Excel workbook",
            )
    elif head == OLE2_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _encrypted_error(rel)
    elif _looks_like_markup(data):
        raise IngestError(
            f"{rel}: file ini adalah halaman HTML/XML yang diberi nama Excel, bukan file Excel "
            f"asli (sering terjadi pada hasil unduhan aplikasi). Buka di Excel lalu 'Simpan "
            f"Sebagai' Excel Workbook (.xlsx), lalu ganti file ini. "
            f"(HTML/XML file saved with an Excel extension: open it in Excel and save as .xlsx)"
        )
    else:
        raise IngestError(
            f"{rel}: bukan file Excel (isi file tidak dikenali sebagai .xlsx atau .xls). Jika "
            f"isinya teks/CSV, ganti ekstensinya menjadi .csv; jika tidak, minta pengirim "
            f"mengirim ulang. (not an Excel workbook; if it is CSV text, rename it to .csv)"
        )
    try:
        return pcal.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pcal.PasswordError as exc:
        raise _encrypted_error(rel) from exc
    except Exception as exc:  # calamine raises several error types for damaged files
        if head == OLE2_MAGIC:
            raise IngestError(
                f"{rel}: file Excel lama (.xls/OLE2) rusak atau terenkripsi dan tidak dapat "
                f"dibaca ({exc}). Buka di Excel, hapus kata sandi bila ada, simpan sebagai .xlsx. "
                f"(corrupt or encrypted legacy workbook: remove any password, save as .xlsx)"
            ) from exc
        raise reupload_error(
            rel,
            f"file Excel rusak dan tidak dapat dibuka ({exc})",
            "corrupt workbook",
        ) from exc


def sheet_formula_count(data: bytes, sheet: str) -> int:
    """Number of formula cells in a sheet of an .xlsx/.xlsm file (0 if unknown)."""
    if not data.startswith(ZIP_MAGIC):
        return 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rid = None
            for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
                attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
                if _xml_unescape(attrs.get("name", "")) == sheet:
                    rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            if rid is None:
                return 0
            target = None
            for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
                attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
                if attrs.get("Id") == rid:
                    target = attrs.get("Target")
            if not target:
                return 0
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = zf.read(path)
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    return len(re.findall(rb"<(?:\w+:)?f[\s>/]", xml))


def _xml_unescape(s: str) -> str:
    return (
        s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def read_excel(data: bytes, rel: str, scheme: str, kode: str) -> list[Table]:
    """Every worksheet of a workbook as a table (records or a status)."""
    wb = _open_workbook(data, rel)
    tables: list[Table] = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pcal.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                raw = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception as exc:
                raise reupload_error(
                    rel,
                    f"sheet '{meta.name}' rusak dan tidak dapat dibaca ({exc})",
                    f"sheet '{meta.name}' is corrupt",
                ) from exc
            width = len(raw[0]) if raw else 0
            empty = [""] * width
            keep = [i for i, r in enumerate(raw) if r != empty]
            rows = [raw[i] for i in keep]
            del raw
            nums = np.asarray(keep, dtype=np.int64) + 1
            t = table_from_rows(rows, nums, rel, meta.name, scheme, kode, merged)
            if meta.visible != pcal.SheetVisibleEnum.Visible and t.status == "ok":
                t.warnings.append(
                    f"{place(rel, meta.name)}: sheet tersembunyi (hidden) ikut dibaca; periksa "
                    f"bahwa isinya bukan salinan data sheet lain (hidden sheet read)"
                )
            tables.append(t)
    finally:
        wb.close()
    return tables
