"""Write a month's rows to xlsx / csv files exactly as laid out (deterministic bytes)."""

from __future__ import annotations

import csv
import io
import multiprocessing as mp
import re
import sys
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .layout import FileStyle

FIXED_TIME = datetime(2024, 1, 1, 8, 0, 0)
WRITERS = 2  # threads writing a month's files
CHILDREN = 2  # processes writing a month's files (each with its share of the files)
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip


def _rows_xml(df: pd.DataFrame, st: FileStyle, first: int, date_xf: int, blank_xf: int) -> str:
    """``<row>`` elements of the data rows (in chunks) and of the blank tail rows."""
    step = 50_000
    xml = "".join(
        _rows_xml_chunk(df.iloc[i : i + step], st, first + i, date_xf)
        for i in range(0, len(df), step)
    )
    for r in range(first + len(df), first + len(df) + st.blank_tail):
        cells = "".join(
            f'<c r="{xl_col_to_name(c)}{r}" s="{blank_xf}"/>' for c in range(len(st.columns))
        )
        xml += f'<row r="{r}">{cells}</row>'
    return xml


_EXCEL_EPOCH = np.datetime64("1899-12-30")


def _wrap(values: list[str], pre: str, post: str, escape: bool = False) -> list[str]:
    """``pre + value + post`` for every value (XML-escaped if asked), in a few C-level passes:
    the values are joined with a separator no value holds, edited as one string, split again."""
    sep = "\x00"
    joined = sep.join(values)
    if len(values) and joined.count(sep) == len(values) - 1:
        if escape:
            joined = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return (pre + (post + sep + pre).join(joined.split(sep)) + post).split(sep)
    if escape:
        values = [v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for v in values]
    return [pre + v + post for v in values]


def _tails(v: np.ndarray, num: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the part of its cell after the reference and whether the row has the cell
    (an empty text has none; missing reads as empty), built on the distinct values.

    ``num``: per row whether the cell is a number; None: the values of digits only are.
    """
    codes, uniq = pd.factorize(v)
    values = list(uniq)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append("")
    has = np.array([u != "" for u in values], dtype=bool)
    text = np.array(_wrap(values, '" t="inlineStr"><is><t>', "</t></is></c>", True), dtype=object)
    text[~has] = ""
    if num is None:
        digits = pd.Series(values, dtype=object).str.fullmatch(r"[0-9]+")
        num = digits.to_numpy(bool)[codes]
    if not num.any():
        return text[codes], has[codes]
    number = np.array(_wrap(values, '"><v>', "</v></c>"), dtype=object)
    return np.where(num, number[codes], text[codes]), num | has[codes]


def _rows_xml_chunk(df: pd.DataFrame, st: FileStyle, first: int, date_xf: int) -> str:
    """``<row>`` elements for a block of rows: one join over column-wise pieces.

    Cell strings depend only on the value, so they are made once per distinct value; every row
    is then ``<row r="N">`` + per present cell ``<c r="`` + column + N + tail + ``</row>``.
    """
    n = len(df)
    if n == 0:
        return ""
    k = len(st.columns)
    rnum = np.arange(first, first + n).astype(str).astype(object)
    pieces = np.full((n, 3 * k + 4), "", dtype=object)
    pieces[:, 0] = '<row r="'
    pieces[:, 1] = rnum
    pieces[:, 2] = '">'
    pieces[:, -1] = "</row>"
    for c, (field, _) in enumerate(st.columns):
        if field == "tanggal_lahir" and st.date == "cell":
            days = (df["dob_value"].to_numpy("datetime64[D]") - _EXCEL_EPOCH).astype(int)
            codes, uniq = pd.factorize(days)
            tail = np.array([f'" s="{date_xf}"><v>{d}</v></c>' for d in uniq], dtype=object)
            tail, present = tail[codes], np.ones(n, bool)
        else:
            num: np.ndarray | None = np.zeros(n, bool)
            if field == "nik":
                num = df["nik_num"].to_numpy(bool)
            elif field == "no_kk":
                num = df["kk_num"].to_numpy(bool)
            elif (field in ("bpnt", "pkh", "pbi_jkn") and st.flag_numeric) or (
                field == "hubungan" and st.rel_numeric
            ):
                num = None
            elif field == "no" and st.kind != "siks":
                num = np.ones(n, bool)
            tail, present = _tails(df[field].to_numpy(dtype=object), num)
        j = 3 + 3 * c
        if present.all():
            pieces[:, j] = '<c r="' + xl_col_to_name(c)
            pieces[:, j + 1] = rnum
        else:
            pieces[present, j] = '<c r="' + xl_col_to_name(c)
            pieces[present, j + 1] = rnum[present]
        pieces[:, j + 2] = tail
    return "".join(pieces.ravel().tolist())


def _splice(book: bytes, path: Path, parts: dict[int, tuple[str, int, int]]) -> None:
    """Write ``book`` to ``path`` with prepared row XML inserted into its sheet parts and their
    dimension fixed (same zip order, dates and compression: the bytes of a one-pass write)."""
    src = zipfile.ZipFile(io.BytesIO(book))
    items = [(i, src.read(i.filename)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in items:
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if m and int(m.group(1)) - 1 in parts:
                xml, last, ncol = parts[int(m.group(1)) - 1]
                # the dimension precedes sheetData: fix it in the small template, then insert
                head = re.sub(
                    rb'<dimension ref="[^"]*"/>',
                    f'<dimension ref="A1:{xl_col_to_name(ncol - 1)}{last}"/>'.encode(),
                    data.replace(b"<sheetData/>", b"<sheetData></sheetData>"),
                    count=1,
                )
                at = head.index(b"</sheetData>")
                data = b"".join((head[:at], xml.encode("utf-8"), head[at:]))
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def _title(st: FileStyle, month: str, desa: str, kec: str, kab: str) -> list[str]:
    y, m = month.split("-")
    t1 = f"DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS) {kab.upper()}"
    place = f"DESA {desa.upper()} KECAMATAN {kec.upper()}" if desa else f"KECAMATAN {kec.upper()}"
    t2 = f"{place} - KEADAAN {MONTHS_ID[int(m) - 1].upper()} {y}"
    return [t1, t2][: st.title_rows] if st.title_rows == 2 else [f"{t1} - {t2}"]


def write_xlsx(
    path: Path,
    st: FileStyle,
    sheets: dict[str, pd.DataFrame],
    month: str,
    labels: dict[str, tuple[str, str]],
    kab: str = "Kabupaten Dairi",
) -> None:
    """One workbook: per sheet optional merged title rows, header, data, blank tail rows."""
    # xlsxwriter writes titles and headers; the data rows are built column-wise and spliced in
    spliced: dict[int, tuple[str, int, int]] = {}
    book = io.BytesIO()
    wb = xlsxwriter.Workbook(
        book,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties(
        {
            "title": "DTKS",
            "author": "Operator SIKS-NG",
            "company": f"Dinas Sosial {kab}",
            "created": FIXED_TIME,
        }
    )
    bold = wb.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
    title_f = wb.add_format({"bold": True, "align": "center"})
    date_f = wb.add_format({"num_format": "dd/mm/yyyy"})
    border = wb.add_format({"border": 1})
    date_xf, blank_xf = date_f._get_xf_index(), border._get_xf_index()  # registers them
    ncol = len(st.columns)
    for si, name in enumerate(st.sheets):
        ws = wb.add_worksheet(name)
        df = sheets.get(name)
        r0 = 0
        if st.title_rows and df is not None and len(df):
            desa, kec = labels.get(name, ("", ""))
            for t in _title(st, month, desa, kec, kab):
                if ncol > 1:
                    ws.merge_range(r0, 0, r0, ncol - 1, t, title_f)
                else:
                    ws.write_string(r0, 0, t, title_f)
                r0 += 1
        for c, (_, h) in enumerate(st.columns):
            ws.write_string(r0, c, h, bold)
        r = r0 + 1
        n = 0 if df is None else len(df)
        if n or st.blank_tail:
            if df is None:
                df = pd.DataFrame(columns=[*(f for f, _ in st.columns), "nik_num", "kk_num"])
            xml = _rows_xml(df, st, r + 1, date_xf, blank_xf)
            spliced[si] = (xml, r + n + st.blank_tail, ncol)
    wb.close()
    if spliced:
        _splice(book.getvalue(), path, spliced)
    else:
        path.write_bytes(book.getvalue())


def write_csv(path: Path, st: FileStyle, df: pd.DataFrame) -> None:
    """One CSV: header on line 1, the chosen delimiter and encoding, optional empty tail lines."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=st.delimiter, lineterminator="\r\n")
    w.writerow([h for _, h in st.columns])
    w.writerows(df[[f for f, _ in st.columns]].itertuples(index=False, name=None))
    for _ in range(st.blank_tail):
        w.writerow([""] * len(st.columns))
    path.write_bytes(buf.getvalue().encode(st.encoding))


def month_paths(df: pd.DataFrame, files: list[FileStyle]) -> list[str]:
    """The paths :func:`write_month` writes for the rows of ``df``, sorted."""
    return sorted(files[int(fi)].path for fi in pd.unique(df["file_idx"]))


def write_month(
    raw: Path,
    df: pd.DataFrame,
    files: list[FileStyle],
    month: str,
    ref_desa: pd.DataFrame,
    kab: str = "Kabupaten Dairi",
) -> list[str]:
    """Write every file that has rows (``kab``: the kabupaten's name); returns the paths written."""
    names = {
        int(i): (str(n), str(k))
        for i, n, k in zip(ref_desa.index, ref_desa["nama"], ref_desa["kecamatan"], strict=True)
    }
    jobs = []
    for fi, part in df.groupby("file_idx", sort=True):
        st = files[int(fi)]
        p = raw / st.path
        p.parent.mkdir(parents=True, exist_ok=True)
        if st.fmt == "csv":
            jobs.append((write_csv, (p, st, part)))
        else:
            sheets = {str(s): g for s, g in part.groupby("sheet", sort=False)}
            st.sheets = [s for s in st.sheets if s in sheets]
            labels = {}
            for s, g in sheets.items():
                d = g["desa_idx"].iloc[0]
                labels[s] = names[int(d)] if st.kind != "siks" else ("", "")
            if st.kind == "siks":
                short = kab.removeprefix("Kabupaten ").removeprefix("Kota ").upper()
                labels = {s: ("", short) for s in sheets}
            jobs.append((write_xlsx, (p, st, sheets, month, labels, kab)))
    # each file is written whole by one thread (same bytes in any order); zlib compresses
    # without the GIL, so one file's compression overlaps the next file's row building
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for f in [pool.submit(fn, *args) for fn, args in jobs]:
            f.result()
    return month_paths(df, files)


def _shares(df: pd.DataFrame, files: list[FileStyle], parts: int) -> list[np.ndarray]:
    """The month's file indices in ``parts`` groups of about equal writing work (largest file
    first to the lightest group; a CSV row costs a fraction of a workbook row)."""
    rows = df["file_idx"].value_counts()
    cost = {int(fi): n * (1.0 if files[int(fi)].fmt == "xlsx" else 0.2) for fi, n in rows.items()}
    load = [0.0] * parts
    groups: list[list[int]] = [[] for _ in range(parts)]
    for fi in sorted(cost, key=lambda f: (-cost[f], f)):
        k = load.index(min(load))
        groups[k].append(fi)
        load[k] += cost[fi]
    return [np.array(sorted(g), dtype=np.int64) for g in groups if g]


def _write_share(
    raw: Path,
    df: pd.DataFrame,
    share: np.ndarray,
    files: list[FileStyle],
    month: str,
    ref_desa: pd.DataFrame,
    kab: str,
) -> None:
    """:func:`write_month` for the files ``share`` only (the body of a writer child)."""
    write_month(raw, df[np.isin(df["file_idx"].to_numpy(), share)], files, month, ref_desa, kab)


def write_month_apart(
    raw: Path,
    df: pd.DataFrame,
    files: list[FileStyle],
    month: str,
    ref_desa: pd.DataFrame,
    kab: str = "Kabupaten Dairi",
    parts: int = CHILDREN,
) -> tuple[list[str], Callable[[], None]]:
    """Start :func:`write_month` beside the caller: the paths it writes and a function that
    waits for it (raises if it failed).

    Where ``fork`` exists the files are written by ``parts`` child processes (each a share of
    the files of about equal work) that inherit ``df`` (no copy, no pickling), so the writing
    and the caller's next work spread over the cores; elsewhere by a thread. The bytes do not
    depend on who writes them or when.
    """
    paths = month_paths(df, files)
    if "fork" not in mp.get_all_start_methods():
        pool = ThreadPoolExecutor(max_workers=1)
        job = pool.submit(write_month, raw, df.copy(deep=False), files, month, ref_desa, kab)
        pool.shutdown(wait=False)
        return paths, job.result
    sys.stdout.flush()
    sys.stderr.flush()
    ctx = mp.get_context("fork")
    procs = [
        ctx.Process(
            target=_write_share,
            args=(raw, df, share, files, month, ref_desa, kab),
            daemon=True,
        )
        for share in _shares(df, files, parts)
    ]
    for proc in procs:
        proc.start()

    def wait() -> None:
        for proc in procs:
            proc.join()
        failed = [p for p in procs if p.exitcode != 0]
        if failed:
            raise RuntimeError(f"menulis berkas {month} gagal (writing the files failed): {failed}")

    return paths, wait
