"""Correction worklists for village operators (CONFIDENTIAL: they hold NIK and No KK).

One workbook per village with errors or warnings (notes are not sent back), under
``<out_root>/<YYYY-MM>/<kecamatan>/<desa>.xlsx``, plus ``_ringkasan_<kecamatan>.xlsx`` per
kecamatan. A row whose village is not recognised goes to the village of the file (or sheet) it
came from when that file is one village's (:func:`route_unknown_villages`), otherwise to
``<kecamatan>/Tidak diketahui.xlsx``. Workbooks are written with xlsxwriter, ready to print (A4
landscape, fit to width, header row repeated, rows as high as their wrapped text), in Indonesian
(column labels, field names) and deterministic (fixed creation date). ID cells are text cells,
so opening and saving in Excel does not damage them again.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from dtks_analysis import regions
from dtks_analysis.config import Settings, check_month, month_end
from dtks_analysis.editing.rules import RULE_ORDER, RULES, uraian
from dtks_analysis.formatting import bulan_id
from dtks_analysis.vocab import TIDAK_DIKETAHUI

SENT_BACK = ("error", "warning")
TINGKAT_LABEL = {"error": "Kesalahan", "warning": "Peringatan", "note": "Catatan"}
RAHASIA = "RAHASIA - berisi NIK dan No KK (data pribadi, UU 27/2022). Jangan disebarkan."

#: Worklist columns: (header, width in characters).
COLUMNS: tuple[tuple[str, int], ...] = (
    ("No", 5),
    ("Berkas", 22),
    ("Lembar", 11),
    ("Baris", 7),
    ("NIK", 18),
    ("No KK", 18),
    ("Nama", 18),
    ("Kolom", 13),
    ("Isian diterima", 15),
    ("Tingkat", 11),
    ("Masalah", 30),
    ("Tindakan", 30),
    ("Sudah diperbaiki", 10),
)
#: columns whose text wraps (the row grows to show it whole)
WRAPPED = frozenset({"Berkas", "Lembar", "Nama", "Kolom", "Isian diterima", "Masalah", "Tindakan"})
LINE_HEIGHT = 15  # points per line of 11-point text
#: the data fields (``kolom`` of a finding) as operators know them
FIELD_LABELS: dict[str, str] = {
    "id_dtks": "ID DTKS",
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten/kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/kelurahan",
    "alamat": "Alamat",
    "dusun": "Dusun",
    "rt": "RT",
    "rw": "RW",
    "no_kk": "No KK",
    "nik": "NIK",
    "nama": "Nama",
    "tanggal_lahir": "Tanggal lahir",
    "tempat_lahir": "Tempat lahir",
    "jenis_kelamin": "Jenis kelamin",
    "nama_ibu": "Nama ibu kandung",
    "hubungan": "Hubungan keluarga",
    "bpnt": "BPNT",
    "pbi_jkn": "PBI-JKN",
    "pkh": "PKH",
    "disabilitas": "Disabilitas",
    "kode_kecamatan": "Kode kecamatan",
    "kode_desa": "Kode desa/kelurahan",
    "(seluruh baris)": "Seluruh baris",
}
PETUNJUK = (
    "Setiap baris menyebut berkas, lembar dan nomor baris (seperti di Excel) yang harus "
    "diperbaiki; isi kolom 'Sudah diperbaiki' setelah memperbaikinya."
)

#: Where the value "as received" of a finding's field is read, in order of preference.
_RAW_SOURCES: dict[str, tuple[str, ...]] = {
    "nik": ("nik_raw", "nik"),
    "no_kk": ("no_kk_raw", "no_kk"),
    "desa": ("desa_raw", "desa"),
    "kecamatan": ("kecamatan_raw", "kecamatan"),
}


def safe_name(name: str | None) -> str:
    """A file/folder name from a region name (``None``/empty -> "Tidak diketahui").

    >>> safe_name("Lae Parira"), safe_name("Sumbul/Pegagan?"), safe_name(None)
    ('Lae Parira', 'Sumbul_Pegagan_', 'Tidak diketahui')
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)) or not str(name).strip():
        return TIDAK_DIKETAHUI
    s = re.sub(r"[^\w .,()'-]", "_", str(name).strip())
    s = s.lstrip(".") or TIDAK_DIKETAHUI
    return s[:80]


@lru_cache(maxsize=8)
def _region_names(kode: str) -> dict[str, str]:
    """Official name of every kecamatan and village code of kabupaten ``kode``."""
    return {**regions.kecamatan_lookup(kode), **regions.desa_lookup(kode)}


@lru_cache(maxsize=8)
def _village_kind(kode: str) -> dict[str, str]:
    """ "Desa" or "Kelurahan" for every village code of kabupaten ``kode``."""
    t = regions.desa_table(kode)
    kinds = np.where(t["jenis"].str.lower() == "kelurahan", "Kelurahan", "Desa")
    return dict(zip(t["kode"], kinds, strict=True))


def _as_text(values: pd.Series) -> np.ndarray:
    """Values as display strings ("" when missing; dates as DD-MM-YYYY)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%d-%m-%Y").fillna("").to_numpy(dtype=object)
    return values.astype("string").fillna("").to_numpy(dtype=object)


def _value_received(f: pd.DataFrame, cleaned: pd.DataFrame) -> np.ndarray:
    """Per finding, the value of its field as received (raw column when clean.py keeps one)."""
    out = np.full(len(f), "", dtype=object)
    for kolom, idx in f.groupby("kolom", sort=False).indices.items():
        sources = _RAW_SOURCES.get(kolom, (f"{kolom}_raw", kolom))
        col = next((c for c in sources if c in cleaned.columns), None)
        if col is None:
            continue
        pos = cleaned.index.get_indexer(f["record"].to_numpy()[idx])
        out[idx] = _as_text(cleaned[col].iloc[pos])
    return out


def field_label(kolom: object) -> str:
    """A finding's field as operators know it: ``no_kk`` -> "No KK" (unknown: words)."""
    k = "" if kolom is None or (isinstance(kolom, float) and np.isnan(kolom)) else str(kolom)
    return FIELD_LABELS.get(k, k.replace("_", " ").strip().capitalize())


_NAME_PREFIX = re.compile(r"^\s*(desa|kelurahan|kel|ds)\.?\s+", re.IGNORECASE)


def _named_village(text: pd.Series) -> pd.Series:
    """The village a file or sheet name names: "kiriman/Sumbul/Desa_Pangguruan.xlsx" ->
    "Pangguruan" (folders, extension and a Desa/Kelurahan prefix dropped)."""
    stem = text.fillna("").astype(str).str.replace(r"^.*[\\/]", "", regex=True)
    stem = stem.str.replace(r"\.(xlsx|xlsm|xls|csv|ods)$", "", case=False, regex=True)
    stem = stem.str.replace(r"[_]+", " ", regex=True).str.strip()
    return stem.str.replace(_NAME_PREFIX, "", regex=True)


def _one_village(known: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per ``keys`` group of rows with a recognised village: that village when it is the only one
    (None when several)."""
    g = known.groupby(keys, sort=False, dropna=False)["kode_desa"].agg(["nunique", "first"])
    return g["first"].where(g["nunique"] == 1)


def route_unknown_villages(f: pd.DataFrame, cleaned: pd.DataFrame, kode: str) -> pd.DataFrame:
    """``f`` (findings with ``record``, ``_file``, ``_sheet``, ``kode_kecamatan``,
    ``kode_desa``) with the village of each row whose village is not recognised set to the
    village of the file it came from, when that file is one village's: the recognised rows of
    its sheet (else of the whole file) all belong to one village, or, with no recognised row
    at all, the sheet's or the file's name names one village. A village of another kecamatan
    than the row's (known) kecamatan is not taken. Other rows are returned unchanged."""
    f = f.copy()
    todo = f["kode_desa"].isna().to_numpy()
    if not todo.any():
        return f

    def col(name: str) -> pd.Series:
        if name in cleaned.columns:
            return cleaned[name]
        return pd.Series(None, index=cleaned.index, dtype=object)

    c = pd.DataFrame(
        {
            "_file": col("_file").astype("string").fillna(""),
            "_sheet": col("_sheet").astype("string").fillna(""),
            "kode_desa": col("kode_desa"),
        }
    )
    known = c[c["kode_desa"].notna()]
    by_sheet = _one_village(known, ["_file", "_sheet"])
    by_file = _one_village(known, ["_file"])
    seen_sheet = set(known.groupby(["_file", "_sheet"], sort=False).groups)
    seen_file = set(known["_file"].unique())

    rows = f.loc[todo, ["_file", "_sheet", "kode_kecamatan"]].copy()
    rows["_file"] = rows["_file"].astype("string").fillna("")
    rows["_sheet"] = rows["_sheet"].astype("string").fillna("")
    pair = pd.MultiIndex.from_frame(rows[["_file", "_sheet"]])
    village = pd.Series(by_sheet.reindex(pair).to_numpy(dtype=object), index=rows.index)
    from_file = by_file.reindex(rows["_file"]).to_numpy(dtype=object)
    sheet_seen = np.array([p in seen_sheet for p in pair], dtype=bool)
    village = village.where(village.notna() | sheet_seen, from_file)
    unseen = ~rows["_file"].isin(seen_file).to_numpy()
    for source in (rows["_sheet"], rows["_file"]):  # a file without any recognised row
        need = (village.isna().to_numpy()) & unseen
        if not need.any():
            break
        m = regions.match_desa(
            kode, _named_village(source[need]), rows["kode_kecamatan"][need].astype(object)
        )
        village[need] = m["kode_desa"].to_numpy(dtype=object)
    kec_of = village.str.rsplit(".", n=1).str[0]  # 12.11.02.2026 -> 12.11.02
    own = rows["kode_kecamatan"]
    ok = village.notna() & (own.isna() | (own == kec_of))
    idx = rows.index[ok.to_numpy()]
    f.loc[idx, "kode_desa"] = village[ok].to_numpy(dtype=object)
    f.loc[idx, "kode_kecamatan"] = kec_of[ok].to_numpy(dtype=object)
    return f


def _worklist_table(findings: pd.DataFrame, cleaned: pd.DataFrame, kode: str) -> pd.DataFrame:
    """Findings to send back with the columns of the worklist (plus region keys)."""
    f = findings[findings["tingkat"].isin(SENT_BACK)].reset_index(drop=True)
    f = route_unknown_villages(f, cleaned, kode)
    rec = f["record"].to_numpy()
    pos = cleaned.index.get_indexer(rec)
    if (pos < 0).any():
        raise ValueError("findings refer to records that are not in the cleaned frame")

    def pick(*names: str) -> np.ndarray:
        col = next((c for c in names if c in cleaned.columns), None)
        if col is None:
            return np.full(len(f), "", dtype=object)
        return _as_text(cleaned[col].iloc[pos])

    names = _region_names(kode)
    kec = f["kode_kecamatan"].map(names).where(f["kode_kecamatan"].notna(), None)
    desa = f["kode_desa"].map(names).where(f["kode_desa"].notna(), None)
    return pd.DataFrame(
        {
            "kode_kecamatan": f["kode_kecamatan"].fillna("").to_numpy(dtype=object),
            "kode_desa": f["kode_desa"].fillna("").to_numpy(dtype=object),
            "kecamatan": [safe_name(k) for k in kec],
            "desa": [safe_name(d) for d in desa],
            "Berkas": f["_file"].astype("string").fillna("").to_numpy(dtype=object),
            "Lembar": f["_sheet"].astype("string").fillna("").to_numpy(dtype=object),
            "Baris": pd.to_numeric(f["_row"], errors="coerce").to_numpy(dtype="float64"),
            "NIK": pick("nik_raw", "nik"),
            "No KK": pick("no_kk_raw", "no_kk"),
            "Nama": pick("nama"),
            "Kolom": f["kolom"].map(field_label).to_numpy(dtype=object),
            "Isian diterima": _value_received(f, cleaned),
            "Tingkat": f["tingkat"].map(TINGKAT_LABEL).to_numpy(dtype=object),
            "Masalah": f["pesan"].astype("string").fillna("").to_numpy(dtype=object),
            "Tindakan": f["tindakan"].astype("string").fillna("").to_numpy(dtype=object),
            "kode_aturan": f["kode_aturan"].to_numpy(dtype=object),
            "record": rec,
        }
    )


def _workbook(path: Path, title: str, created: datetime, author: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "in_memory": True,  # temp files per part made writing ~10x slower
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_properties(
        {
            "title": title,
            "subject": "Daftar perbaikan data DTKS",
            "author": author,
            "keywords": "RAHASIA",
            "comments": RAHASIA,
            "created": created,
        }
    )
    return wb


def _print_setup(ws, header_row: int, title: str) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.set_header(f'&L&"-,Bold"RAHASIA&C{title.replace("&", "&&")}')
    ws.set_footer("&LBerisi data pribadi - jangan disebarkan&RHalaman &P dari &N")


def _title_formats(wb) -> tuple:
    """Formats of the RAHASIA mark, the title line and the column header."""
    return (
        wb.add_format({"bold": True}),
        wb.add_format({"bold": True, "font_color": "#C00000", "font_size": 12}),
        wb.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
        ),
    )


def _row_lines(rows: pd.DataFrame, widths: dict[str, int]) -> np.ndarray:
    """Lines each worklist row needs: its longest wrapped text over its column's width
    (words do not fill a line exactly: 15% slack)."""
    n = np.ones(len(rows), dtype=np.int64)
    for c in WRAPPED:
        length = rows[c].astype("string").fillna("").str.len().to_numpy(dtype=np.float64)
        n = np.maximum(n, np.ceil(length * 1.15 / max(widths[c] - 1.5, 1.0)).astype(np.int64))
    return n


def _write_village(
    path: Path, rows: pd.DataFrame, title: str, created: datetime, author: str
) -> None:
    wb = _workbook(path, f"RAHASIA - {title}", created, author)
    ws = wb.add_worksheet("Perbaikan")
    bold, red, head = _title_formats(wb)
    text = wb.add_format({"num_format": "@", "border": 1, "valign": "top"})
    wrap = wb.add_format({"num_format": "@", "border": 1, "valign": "top", "text_wrap": True})
    num = wb.add_format({"border": 1, "valign": "top"})
    ws.write_string(0, 0, RAHASIA, red)
    ws.write_string(1, 0, title, bold)
    ws.write_string(2, 0, PETUNJUK)
    header_row = 3
    for j, (name, width) in enumerate(COLUMNS):
        fmt = text if name in ("NIK", "No KK", "Isian diterima") else None
        ws.set_column(j, j, width, fmt)
        ws.write_string(header_row, j, name, head)
    ws.set_row(header_row, LINE_HEIGHT * 2 + 2)  # "Sudah diperbaiki", "Isian diterima": 2 lines
    cols = [c for c, _ in COLUMNS[1:-1]]
    data = rows[cols].to_numpy(dtype=object)
    widths = dict(COLUMNS)
    wrap_cols = {cols.index(c) + 1 for c in WRAPPED}
    heights = _row_lines(rows, widths) * LINE_HEIGHT + 3
    for i, values in enumerate(data):
        r = header_row + 1 + i
        ws.set_row(r, float(heights[i]))
        ws.write_number(r, 0, i + 1, num)
        for j, v in enumerate(values, start=1):
            if j == 3 and isinstance(v, float) and not np.isnan(v):
                ws.write_number(r, j, v, num)
            else:
                s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                ws.write_string(r, j, s, wrap if j in wrap_cols else text)
        ws.write_blank(r, len(COLUMNS) - 1, None, text)
    last = header_row + len(data)
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, last, len(COLUMNS) - 1)
    _print_setup(ws, header_row, title)
    wb.close()


SUMMARY_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Kode desa", 15),
    ("Desa/kelurahan", 24),
    ("Masalah", 60),
    ("Tingkat", 11),
    ("Jumlah catatan", 10),
    ("Baris bermasalah", 11),
)


def _write_summary(
    path: Path,
    table: pd.DataFrame,
    kecamatan: str,
    bulan: str,
    created: datetime,
    author: str,
    wilayah: str,
) -> None:
    """Per village: one row per problem (in the rules' order) with its count, then the
    village's total and the number of rows to fix; a second sheet says what to do per problem."""
    title = f"Ringkasan perbaikan DTKS {bulan} - Kecamatan {kecamatan}"
    wb = _workbook(path, f"RAHASIA - {title}", created, author)
    ws = wb.add_worksheet("Ringkasan")
    bold, red, head = _title_formats(wb)
    cell = wb.add_format({"border": 1, "valign": "top"})
    text = wb.add_format({"border": 1, "num_format": "@", "valign": "top", "text_wrap": True})
    total = wb.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2", "valign": "top"})
    ws.write_string(0, 0, RAHASIA, red)
    ws.write_string(1, 0, title, bold)
    header_row = 3
    for j, (h, w) in enumerate(SUMMARY_COLUMNS):
        ws.set_column(j, j, w)
        ws.write_string(header_row, j, h, head)
    ws.set_row(header_row, LINE_HEIGHT * 2 + 2)
    codes = sorted(table["kode_aturan"].unique(), key=RULE_ORDER.__getitem__)
    counts = table.groupby(["kode_desa", "desa", "kode_aturan"]).size()
    per_record = table.drop_duplicates("record").groupby(["kode_desa", "desa"]).size()
    masalah_width = dict(SUMMARY_COLUMNS)["Masalah"]
    r = header_row + 1
    for (kode, desa), n_rows in per_record.items():
        village = counts.loc[(kode, desa)]
        for code in (c for c in codes if c in village.index):
            rule = RULES[code]
            ws.write_string(r, 0, kode or "-", text)
            ws.write_string(r, 1, desa, text)
            ws.write_string(r, 2, rule.uraian, text)
            ws.write_string(r, 3, TINGKAT_LABEL[rule.tingkat], text)
            ws.write_number(r, 4, int(village[code]), cell)
            ws.write_blank(r, 5, None, cell)
            lines = int(np.ceil(len(rule.uraian) * 1.15 / (masalah_width - 1.5)))
            ws.set_row(r, float(LINE_HEIGHT * max(lines, 1) + 3))
            r += 1
        ws.write_string(r, 0, kode or "-", total)
        ws.write_string(r, 1, desa, total)
        ws.write_string(r, 2, f"Jumlah {desa}", total)
        ws.write_blank(r, 3, None, total)
        ws.write_number(r, 4, int(village.sum()), total)
        ws.write_number(r, 5, int(n_rows), total)
        r += 1
    ws.freeze_panes(header_row + 1, 2)
    ws.autofilter(header_row, 0, r - 1, len(SUMMARY_COLUMNS) - 1)
    _print_setup(ws, header_row, title)

    legend = wb.add_worksheet("Keterangan masalah")
    widths = (("Masalah", 50), ("Tingkat", 11), ("Tindakan", 60))
    for j, (h, w) in enumerate(widths):
        legend.set_column(j, j, w)
        legend.write_string(0, j, h, head)
    for i, code in enumerate(codes, start=1):
        rule = RULES[code]
        legend.write_string(i, 0, uraian(code, wilayah), text)
        legend.write_string(i, 1, TINGKAT_LABEL[rule.tingkat], text)
        legend.write_string(i, 2, rule.tindakan, text)
        lines = max(
            np.ceil(len(uraian(code, wilayah)) * 1.15 / 48.5),
            np.ceil(len(rule.tindakan) * 1.15 / 58.5),
        )
        legend.set_row(i, float(LINE_HEIGHT * max(int(lines), 1) + 3))
    legend.freeze_panes(1, 0)
    _print_setup(legend, 0, title)
    wb.close()


def write_worklists(
    findings: pd.DataFrame, cleaned: pd.DataFrame, month: str, out_root: Path, settings: Settings
) -> list[Path]:
    """Write the month's worklists and kecamatan summaries; return the paths written (sorted).

    Regions are those of ``settings.kabupaten_kode``; the workbooks' author is
    ``settings.instansi``.

    ``findings`` is ``validate(...).findings``; ``cleaned`` the frame it was computed from
    (indexed by ``record``). Villages without errors or warnings get no workbook.
    """
    bulan = bulan_id(check_month(month))
    created = datetime.combine(month_end(month), datetime.min.time())
    table = _worklist_table(findings, cleaned, settings.kabupaten_kode)
    base = Path(out_root) / month
    written: list[Path] = []
    if table.empty:
        return written
    for (kec, desa), rows in table.groupby(["kecamatan", "desa"], sort=True):
        folder = base / kec
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{desa}.xlsx"
        kind = _village_kind(settings.kabupaten_kode).get(
            rows["kode_desa"].iloc[0], "Desa/Kelurahan"
        )
        where = f"{kind} {desa}, Kecamatan {kec}"
        title = f"Daftar perbaikan data DTKS {bulan} - {where}"
        _write_village(path, rows, title, created, settings.instansi)
        written.append(path)
    for kec, rows in table.groupby("kecamatan", sort=True):
        path = base / kec / f"_ringkasan_{kec}.xlsx"
        _write_summary(path, rows, kec, bulan, created, settings.instansi, settings.kabupaten_nama)
        written.append(path)
    return sorted(written)


FILE_LIST_COLUMNS: dict[str, str] = {
    "_file": "Berkas",
    "_sheet": "Lembar",
    "header_row": "Baris judul kolom",
    "rows": "Baris data",
    "unknown_columns": "Kolom tidak dikenal",
    "skema_hubungan": "Skema hubungan",
}


def file_list_path(corrections_root: Path, month: str) -> Path:
    """``data/corrections/<month>/berkas_masuk_<month>.xlsx``: the confidential file list."""
    return corrections_root / month / f"berkas_masuk_{month}.xlsx"


def write_file_list(files: pd.DataFrame, month: str, folder: Path) -> Path:
    """Write every (file, sheet) read with its header row, rows and unknown columns to
    ``folder/berkas_masuk_<month>.xlsx`` (CONFIDENTIAL: rows of a village's own file are that
    village's persons, so it is never published)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"berkas_masuk_{month}.xlsx"
    cols = [c for c in FILE_LIST_COLUMNS if c in files.columns]
    table = files[cols].rename(columns=FILE_LIST_COLUMNS)
    # file names are text, never formulas (a name starting with "=" must not run)
    options = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs=options) as xw:
        table.to_excel(xw, sheet_name="Berkas", index=False, startrow=2)
        ws = xw.sheets["Berkas"]
        ws.write_string(0, 0, f"RAHASIA - berkas yang diterima {month} (jangan diterbitkan)")
        ws.set_column(0, 0, 48)
        ws.set_column(1, len(cols) - 1, 16)
    return path


def received_files(files: pd.DataFrame) -> pd.DataFrame:
    """Records received per source file (sheets summed): ``berkas, lembar, baris``."""
    if files.empty:
        return pd.DataFrame({"berkas": [], "lembar": [], "baris": []})
    g = files.groupby("_file", sort=True).agg(lembar=("_sheet", "count"), baris=("rows", "sum"))
    return g.reset_index().rename(columns={"_file": "berkas"})
