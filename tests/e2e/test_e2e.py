"""End to end: the CLI builds a month on a small sample; HTML, PDF, XLSX and CSV agree."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from dtks_analysis.cli import main
from dtks_analysis.formatting import fmt_int

MONTH = "2023-12"
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def report(built_report):
    return built_report  # tests/e2e/conftest.py: built once per session


def test_all_outputs_exist(report):
    _root, d = report
    for name in (
        f"laporan_dtks_{MONTH}.html",
        f"laporan_dtks_{MONTH}.pdf",
        f"tabel_dtks_{MONTH}.xlsx",
        "manifest.json",
        "tabel/rekap_kecamatan.csv",
        "tabel/rekap_desa.csv",
        "tabel/kombinasi_program.csv",
        "tabel/arus_program.csv",
        "tabel/tren_bulanan.csv",
        "tabel/kualitas_data.csv",
        "tabel/kualitas_desa.csv",
        f"kualitas_desa_{MONTH}.xlsx",
        "review/01_penerimaan_dan_kualitas.html",
        "review/02_laporan_bulanan.html",
    ):
        assert (d / name).is_file(), name
    assert not list(d.parent.glob(".*staging*")), "staging folder left behind"


def test_pdf_is_a4_with_page_numbers_and_totals(report):
    _root, d = report
    reader = PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf"))
    assert len(reader.pages) >= 3
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    n = len(reader.pages)
    assert f"Halaman 1 dari {n}" in text and f"Halaman {n} dari {n}" in text
    rk = pd.read_csv(d / "tabel" / "rekap_kecamatan.csv", dtype={"kode_kecamatan": str})
    for kec in rk["kecamatan"]:
        assert kec in text, kec
    assert fmt_int(int(rk["rumah_tangga"].sum())) in text
    assert "import " not in text and "pipeline." not in text  # no code in the public edition


def test_html_public_has_no_code_review_has_code(report):
    _root, d = report
    public = (d / f"laporan_dtks_{MONTH}.html").read_text()
    assert "pipeline.load_tables" not in public
    assert not re.search(r"<script[^>]+src=\"https?:", public)
    review = (d / "review" / "02_laporan_bulanan.html").read_text()
    assert "pipeline.load_tables" in re.sub(r"<[^>]+>", "", review)  # code is highlighted


def test_xlsx_agrees_with_csv(report):
    _root, d = report
    rk = pd.read_csv(d / "tabel" / "rekap_kecamatan.csv", dtype={"kode_kecamatan": str})
    wb = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx", data_only=True)
    values = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, int | float)
    ]
    for col in ("rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"):
        for v in rk[col]:
            assert v in values, (col, v)
        assert int(rk[col].sum()) in values, f"total of {col} missing from the workbook"


def test_html_pdf_csv_show_the_same_total(report):
    _root, d = report
    rk = pd.read_csv(d / "tabel" / "rekap_kecamatan.csv")
    total = fmt_int(int(rk["rumah_tangga"].sum()))
    assert total in (d / f"laporan_dtks_{MONTH}.html").read_text()


def test_manifest(report):
    root, d = report
    m = json.loads((d / "manifest.json").read_text())
    assert m["month"] == MONTH
    raw = root / "raw" / MONTH
    n_files = sum(1 for p in raw.rglob("*") if p.is_file())
    assert len(m["inputs"][MONTH]) == n_files
    for step in ("siapkan_data", "tabel", "html", "pdf"):
        assert m["durations_s"][step] >= 0


def test_check_outputs_passes_then_catches_a_planted_nik(report, tmp_path):
    root, d = report
    data_dir = root  # interim/ lives beside raw/
    assert main(["check-outputs", str(d), "--data-dir", str(data_dir)]) == 0
    leaky = tmp_path / "copy"
    import shutil

    shutil.copytree(d, leaky)
    with (leaky / "tabel" / "rekap_kecamatan.csv").open("a") as fh:
        fh.write("1211010101900001,x\n")
    assert main(["check-outputs", str(leaky), "--data-dir", str(data_dir)]) == 1


def test_second_run_is_identical_for_tables(report, rebuilt_report):
    _root, d = report
    again = rebuilt_report  # a second `dtks report` into another folder (tests/e2e/conftest.py)
    for csv in sorted((d / "tabel").glob("*.csv")):
        assert csv.read_bytes() == (again / "tabel" / csv.name).read_bytes(), csv.name
    a = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx")
    b = openpyxl.load_workbook(again / f"tabel_dtks_{MONTH}.xlsx")
    for wa, wb_ in zip(a.worksheets, b.worksheets, strict=True):
        assert [r for r in wa.iter_rows(values_only=True)] == [
            r for r in wb_.iter_rows(values_only=True)
        ]


def test_unknown_month_fails_cleanly(report, capsys):
    root, d = report
    before = sorted(p.name for p in d.rglob("*"))
    code = main(
        [
            "report",
            "--month",
            "2031-01",
            "--raw-dir",
            str(root / "raw"),
            "--out-dir",
            str(d.parent),
            "-q",
        ]
    )
    assert code == 2
    assert "2031-01" in capsys.readouterr().err
    assert sorted(p.name for p in d.rglob("*")) == before


def test_bad_month_string(report, capsys):
    root, _d = report
    assert main(["report", "--month", "Desember", "--raw-dir", str(root / "raw"), "-q"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


# -- issue 12: the workbook holds every table as the report numbers it; worklists --------------
# a table's caption: a <figcaption>, or the first header row of a table continued over pages
_CAPTION = re.compile(r'class="judul-tabel"[^>]*>(.*?)</(?:figcaption|th)>', re.S)
_NUMBERED = re.compile(r"^Tabel (\d+)\. ")


def _captions(d) -> list[str]:
    import html as html_mod

    text = (d / f"laporan_dtks_{MONTH}.html").read_text()
    return [html_mod.unescape(c).strip() for c in _CAPTION.findall(text)]


def test_every_csv_table_has_its_sheet_numbered_and_titled_as_in_the_report(report):
    """Each tabel/*.csv: a workbook sheet holding its data, whose title ("Tabel n. <judul>") is
    the caption of a table of the HTML report (the PDF prints that HTML); numbers run 1, 2, ...
    in the report's order and each number has one title."""
    from dtks_analysis.formatting import bulan_id
    from dtks_analysis.publishing import tables as registry
    from dtks_analysis.publishing.workbook import read_workbook_table

    _root, d = report
    captions = [c for c in _captions(d) if _NUMBERED.match(c)]
    numbers = [int(_NUMBERED.match(c).group(1)) for c in captions]
    assert numbers == sorted(numbers), "tables numbered in the report's order"
    assert sorted(set(numbers)) == list(range(1, max(numbers) + 1)), "no gaps"
    wb = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx")
    month_suffix = f", {bulan_id(MONTH)}"
    sheet_titles = {ws.title: ws["A1"].value for ws in wb.worksheets}
    # kualitas_desa.csv (issue 14) has its own workbook: tests/e2e/test_kualitas_desa.py
    csvs = sorted(p for p in (d / "tabel").glob("*.csv") if p.stem != "kualitas_desa")
    assert len(csvs) >= 13
    for path in csvs:
        sheet = registry.sheet_name(path.stem)
        assert sheet in sheet_titles, f"{path.name}: no sheet in the workbook"
        title = sheet_titles[sheet]
        assert _NUMBERED.match(title) and title.endswith(month_suffix), title
        head = title[: -len(month_suffix)]
        assert any(c == title or c.startswith(head + ", ") for c in captions), (
            f"{path.name}: the workbook's '{head}' is no caption of the report"
        )
        # the sheet holds the CSV's numbers
        csv = pd.read_csv(path, dtype=str, keep_default_na=False)
        back = read_workbook_table(d / f"tabel_dtks_{MONTH}.xlsx", path.stem)
        assert list(back.columns) == list(csv.columns), path.name
        assert len(back) == len(csv), path.name
    # one title per number, in the report and the workbook alike
    by_number: dict[int, set[str]] = {}
    for c in captions:
        by_number.setdefault(int(_NUMBERED.match(c).group(1)), set()).add(c.split(", ")[0])
    assert all(len(v) == 1 for v in by_number.values()), by_number


def test_workbook_speaks_in_words_and_prints(report):
    _root, d = report
    wb = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx")
    months = re.compile(
        r"^(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|"
        r"Oktober|November|Desember) \d{4}$"
    )
    for sheet in ("Tren bulanan", "Tren kualitas"):
        col = [r[0] for r in wb[sheet].iter_rows(min_row=5, values_only=True) if r[1] is not None]
        col = [v for v in col if v != "Jumlah"]
        assert col and all(months.match(v) for v in col), (sheet, col)
    komb = [r[:3] for r in wb["Kombinasi program"].iter_rows(min_row=5, values_only=True)]
    flags = {v for row in komb[:8] for v in row}
    assert flags == {"Ya", "Tidak"}, flags
    # the three programs each have their own concept
    ws = wb["Definisi"]
    konsep, current = {}, None
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] is not None:
            current = row[1]
        elif row[1] == "Konsep":
            konsep[current] = row[2]
    program = {k: v for k, v in konsep.items() if k and re.search(r"BPNT|PBI-JKN|PKH", k)}
    assert len(program) >= 3 and len(set(program.values())) == len(program), program
    # printing: A4, fitted to the page width, header repeated, long texts wrapped in rows high
    # enough, wide tables landscape
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        widths = {
            c: ws.column_dimensions[c].width or 8.43 for c in "ABCDEFGHIJKLMN"[: ws.max_column]
        }
        if ws.title != "Daftar isi":
            assert ws.print_title_rows == "$4:$4", ws.title
        if sum(widths.values()) > 110:
            assert ws.page_setup.orientation == "landscape", ws.title
        merged = {r.min_row for r in ws.merged_cells.ranges if r.min_col == 1}
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if not isinstance(cell.value, str) or cell.row in merged:
                    continue
                width = widths.get(cell.column_letter, 8.43)
                room = sum(list(widths.values())[cell.column - 1 :])  # it may run into empty cells
                if len(cell.value) > room * 1.1:
                    assert cell.alignment.wrap_text, (ws.title, cell.coordinate)
                    height = ws.row_dimensions[cell.row].height
                    assert height and height >= 13 * len(cell.value) / width, (
                        ws.title,
                        cell.coordinate,
                    )


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _expected_village(path: str, sheet: str) -> str | None:
    """The village the sending file names (ground truth from the generator's file layout):
    ``kiriman/<kec>/Desa_<village>.*`` or a sheet of ``kiriman/Kec_<kec>_<month>.xlsx``;
    None for the kabupaten-wide SIKS-NG extract (several villages)."""
    m = re.search(r"(?:Desa|Kelurahan)_([^/]+)\.\w+$", path)
    if m:
        return m.group(1).replace("_", " ")
    if re.search(r"/Kec_[^/]+\.xlsx$", path):
        return sheet
    return None


def _worklist_rows(folder) -> dict[tuple[str, str, int], set[str]]:
    """(file, sheet, row) -> the village worklists (file stems) that list it."""
    where: dict[tuple[str, str, int], set[str]] = {}
    for path in folder.glob("*/*.xlsx"):
        if path.name.startswith("_"):
            continue
        ws = openpyxl.load_workbook(path, read_only=True).active
        rows = ws.iter_rows(min_row=4, values_only=True)
        header = list(next(rows))
        assert not any(re.search(r"[a-z]_[a-z]", str(h)) for h in header if h), header
        i, j, k = header.index("Berkas"), header.index("Lembar"), header.index("Baris")
        for r in rows:
            where.setdefault((r[i], r[j] or "", int(r[k])), set()).add(path.stem)
    return where


def test_unrecognised_village_rows_land_in_the_worklist_of_their_files_village(report):
    """Every injected ``desa_tidak_dikenal`` row of every month the run prepared is in the
    worklist of the village its file belongs to (kabupaten-wide files: "Tidak diketahui")."""
    root, d = report
    checked = unknown = 0
    for folder in sorted((root / "truth").glob("20*-*")):
        truth = pd.read_csv(folder / "defects.csv", dtype=str, keep_default_na=False)
        truth = truth[truth["kode_aturan"] == "desa_tidak_dikenal"]
        where = _worklist_rows(root / "corrections" / folder.name)
        for t in truth.itertuples():
            got = where.get((t.file, t.sheet, int(t.row)))
            assert got, f"{folder.name} {t.file}/{t.sheet} row {t.row}: in no worklist"
            want = _expected_village(t.file, t.sheet)
            if want is None:
                assert got == {"Tidak diketahui"}, (t.file, t.row, got)
                unknown += 1
            else:
                assert _key(want) in {_key(g) for g in got}, (t.file, t.sheet, t.row, got)
                checked += 1
    assert checked > 0 and unknown > 0, "the sample must hold both kinds"
    assert not list(d.rglob("Tidak diketahui.xlsx")), "worklists never under outputs/"


# -- page flow and language of the public report (issue 12) -------------------------------
LANJUTAN_RE = re.compile(r"Desa/Kelurahan, Kecamatan ([^,]+), \w+ \d{4} \(lanjutan\)")
TOC_LINE = re.compile(r"^(.*\S) (\d+)$")


def pdf_pages(d) -> list[str]:
    """Text of every page of the public PDF, line by line as pypdf reads it."""
    reader = PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf"))
    return [p.extract_text() or "" for p in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def _annex_caption(kec: str) -> str:
    from dtks_analysis.publishing import tables

    return tables.caption("rekap_desa", MONTH, f"Kecamatan {kec}")


def toc_entries(pages: list[str]) -> list[tuple[str, int]]:
    """(label, page) of every line of the Daftar Isi (from page 2, after the title page, to the
    page before the first section)."""
    lines = pages[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Daftar Isi")

    def parse(ls: list[str]) -> list[tuple[str, int]]:
        return [
            (m.group(1), int(m.group(2)))
            for m in (TOC_LINE.match(line.strip()) for line in ls)
            # a wrapped entry's first line may end with the year of its month
            if m and not m.group(1).startswith("Halaman") and int(m.group(2)) < 1000
        ]

    entries = parse(lines[start + 1 :])
    first = min(p for _, p in entries)  # the first section's page: the Daftar Isi ends before
    for page in pages[2 : first - 1]:
        entries += parse(page.splitlines())
    return entries


def test_pdf_daftar_isi_entries_point_at_their_pages(report):
    _root, d = report
    pages = pdf_pages(d)
    entries = toc_entries(pages)
    first = min(p for _, p in entries)
    toc = " ".join(pages[1 : first - 1])
    assert "Daftar Tabel" in toc and "Daftar Gambar" in toc
    labels = [label for label, _ in entries]
    for section in (
        "Ringkasan",
        "Rumah tangga DTKS menurut kecamatan",
        "Penerima program bantuan",
        "Perubahan dari bulan lalu",
        "Karakteristik rumah tangga",
        "Kualitas data",
        "Penjelasan teknis",
        "Lampiran: rumah tangga menurut desa/kelurahan",
    ):
        assert section in labels, section
    desa = pd.read_csv(d / "tabel" / "rekap_desa.csv", dtype=str)
    for kec in desa["kecamatan"].fillna("Tidak diketahui").unique():
        assert f"Kecamatan {kec}" in labels, kec
    n = len(pages)
    for label, page in entries:
        assert 3 <= page <= n, (label, page)
        if label.startswith("Kecamatan "):  # the annex table of that kecamatan starts there
            assert f"Desa/Kelurahan, {label}," in flat(pages[page - 1])
        else:  # a heading, "Tabel n. ..." or "Gambar n. ..." is printed on that page
            assert label in flat(pages[page - 1]), (label, page)
    numbers = [p for _, p in entries]
    sections = [p for label, p in entries if not label.startswith(("Tabel", "Gambar"))]
    assert sections == sorted(sections) and numbers[0] == first


def test_pdf_figures_are_numbered_in_order(report):
    _root, d = report
    pages = pdf_pages(d)
    first = min(p for _, p in toc_entries(pages))
    body = flat(" ".join(pages[first - 1 :]))  # after the title page and the Daftar Isi
    numbers = [int(n) for n in re.findall(r"\bGambar (\d+)\. ", body)]
    assert len(numbers) >= 6
    assert numbers == list(range(1, len(numbers) + 1))


def test_pdf_continued_annex_tables_say_lanjutan_with_the_kecamatan(report):
    _root, d = report
    pages = pdf_pages(d)
    desa = pd.read_csv(d / "tabel" / "rekap_desa.csv", dtype=str)
    kecamatan = set(desa["kecamatan"].fillna("Tidak diketahui"))
    found = []
    for i, text in enumerate(pages):
        for m in LANJUTAN_RE.finditer(flat(text)):
            found.append((i, m.group(1)))
            assert m.group(1) in kecamatan
            # the continuation opens its page (after the running head and the page number)
            first_lines = [ln for ln in text.splitlines() if ln.strip()][:4]
            number = _annex_caption(m.group(1)).split(".")[0]  # "Tabel 14"
            assert any(ln.startswith(number + ".") for ln in first_lines), first_lines
            start = _annex_caption(m.group(1)).removesuffix(", Desember 2023")
            assert start in flat(pages[i - 1]), "the table starts on the page before"
    assert found, "no annex table runs over a page in the sample: nothing continued"
    # a table's own caption is printed once: a page never continues a table without "(lanjutan)"
    everything = flat(" ".join(pages))
    for kec in kecamatan:
        caption = _annex_caption(kec)
        assert everything.count(caption + " (lanjutan)") + 1 == everything.count(caption), kec


def test_pdf_bookmarks_as_written(report):
    _root, d = report
    reader = PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf"))

    def titles(items) -> list[str]:
        out = []
        for item in items:
            out += titles(item) if isinstance(item, list) else [item.title]
        return out

    found = titles(reader.outline)
    assert found[0] == "Laporan Bulanan Data Terpadu Kesejahteraan Sosial (DTKS)"
    assert "Daftar Isi" in found and "Kualitas data" in found


def test_public_pdf_has_no_file_paths_or_snake_case_codes(report):

    _root, d = report
    text = flat(" ".join(pdf_pages(d)))
    paths = re.findall(r"[\w.\-/\\]*\w\.(?:xlsx|xls|csv|parquet|ipynb|json|py)\b", text)
    assert paths == []
    codes = set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text))
    assert codes == set(), sorted(codes)  # no rule code, column name or formula


def test_narrative_sentences_do_not_start_with_a_numeral(report):
    _root, d = report
    html = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    main = html.split("<main>", 1)[1]
    sentences = []
    for m in re.finditer(r"<(p|li)\b[^>]*>(.*?)</\1>", main, re.S):
        text = " ".join(re.sub(r"<[^>]+>", "", m.group(2)).split())
        sentences += [s for s in re.split(r"(?<=[.!?;])\s+", text) if s]
    assert len(sentences) > 20
    assert [s for s in sentences if s[0].isdigit()] == []
    # and in the PDF: no sentence end followed by a number that starts the next sentence
    body = flat(" ".join(pdf_pages(d)))
    assert re.findall(r"[.!?;]\s+\d[\d.,]*\s+[a-z]\w+", body) == []


def test_trend_source_names_the_period(report):
    from dtks_analysis.config import Settings
    from dtks_analysis.formatting import periode_id

    _root, d = report
    tren = pd.read_csv(d / "tabel" / "tren_bulanan.csv", dtype={"bulan": str})
    period = periode_id(tren["bulan"].tail(Settings().bulan_tren))
    assert "–" in period  # several months: "Oktober–Desember 2023"
    text = flat(" ".join(pdf_pages(d)))
    assert f"Rumah tangga penerima program bantuan per bulan, {period}" in text
    assert f"Sumber: DTKS Dinas Sosial Kabupaten Dairi, {period}, diolah" in text
    html_text = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="dtks-gambar".*?</figure>', html_text, flags=re.S)
    pyramid = [f for f in figures if "kelompok umur" in f]
    assert pyramid and "Tidak diketahui" not in pyramid[0]  # no empty age row drawn


def test_report_has_the_maps(report):
    """The "Peta" section: the kecamatan map and both village maps, in HTML and PDF."""
    _root, d = report
    html = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>Peta", html)
    for gid in (
        "kec-bansos-12.11.01-",
        "kec-pkh-12.11.15-",
        "desa-pkh-12.11.01.",
        "desa-rt-12.11.",
    ):
        assert f'id="{gid}' in html, gid
    text = "\n".join(
        p.extract_text() for p in PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf")).pages
    )
    for title in (
        "Cakupan program bantuan menurut kecamatan",
        "Cakupan program bantuan menurut desa/kelurahan",
        "Rumah tangga DTKS menurut desa/kelurahan",
    ):
        assert title in text, title
