"""The bad-input catalogue through the command line (issue #7): every case exits non-zero
with a message naming the file (or parameter) and the problem, and leaves the previously
published month untouched. File-format details are unit-tested in test_ingest_bad_files.py.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from dtks_analysis.cli import main
from tests.conftest import snapshot

MONTH = "2023-12"
HEADER = ["NIK", "NO KK", "NAMA", "HUBUNGAN", "DESA", "KECAMATAN", "BPNT", "PBI", "PKH"]
ROWS = [
    [
        "1211010101800001",
        "1211010101100001",
        "BUDI SINAGA",
        "1",
        "Kuta Gambir",
        "Sidikalang",
        "1",
        "1",
        "0",
    ],
    [
        "1211014202850002",
        "1211010101100001",
        "SARI MANIK",
        "2",
        "Kuta Gambir",
        "Sidikalang",
        "1",
        "0",
        "0",
    ],
]


def _csv(header: list[str] = HEADER, rows: list[list[str]] = ROWS, sep: str = ",") -> str:
    return "\n".join(sep.join(r) for r in [header, *rows]) + "\n"


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def base(tmp_path_factory, small_sample):
    """A sample whose 2023-12 report is published once; cases work on copies of it."""
    root = tmp_path_factory.mktemp("catalogue")
    shutil.copytree(small_sample / "raw", root / "raw")
    out = root / "outputs"
    assert main(["prepare", "--raw-dir", str(root / "raw"), "-q"]) == 0
    (out / MONTH).mkdir(parents=True)  # a stand-in published edition: must stay untouched
    (out / MONTH / "laporan.html").write_text("<p>edisi sebelumnya</p>")
    return root


def _case_dir(base: Path, tmp_path: Path) -> Path:
    root = tmp_path / "d"
    shutil.copytree(base, root)
    return root


def _first_xlsx(month_dir: Path) -> Path:
    return sorted(month_dir.rglob("*.xlsx"))[0]


def _truncate(p: Path) -> None:
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _required_missing(col: str) -> Callable[[Path], None]:
    def make(m: Path) -> None:
        i = HEADER.index(col)
        rows = [r[:i] + r[i + 1 :] for r in ROWS]
        (m / "Desa_Kuta_Gambir.csv").write_text(_csv(HEADER[:i] + HEADER[i + 1 :], rows))

    return make


def _formulas(m: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([f"=A{i}" for i in range(1, 10)])
    wb.save(m / "Rumus.xlsx")


def _not_a_workbook_zip(m: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "bukan workbook")
    (m / "Arsip.xlsx").write_bytes(buf.getvalue())


def _only_blank_rows(m: Path) -> None:
    for p in list(m.iterdir()):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    with (m / "Kosong.csv").open("w") as fh:
        fh.write(",".join(HEADER) + "\n")
        fh.write(("," * (len(HEADER) - 1) + "\n") * 1_000_000)


def _all_invalid(m: Path) -> None:
    for p in list(m.iterdir()):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    rows = [[r[0], "12110", *r[2:]] for r in ROWS]
    (m / "Data.csv").write_text(_csv(HEADER, rows))


def _other_kabupaten(m: Path) -> None:
    header = [*HEADER, "KABUPATEN/KOTA"]
    rows = [[*r[:4], "Kabanjahe", "Kabanjahe", *r[6:], "KABUPATEN KARO"] for r in ROWS]
    (m / "Karo.csv").write_text(_csv(header, rows))


def _duplicate_file(m: Path) -> None:
    src = _first_xlsx(m)
    shutil.copyfile(src, m / f"salinan_{src.name}")


def _dated_other_month(m: Path) -> None:
    (m / "kiriman_desa_2023-11.csv").write_text(_csv())


BOMB = "".join(  # 9 levels of 9 YAML aliases: 9**9 strings from ~400 bytes
    f"{a}: &{a} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, a in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def _sumber_alias_bomb(m: Path) -> None:
    (m / "sumber.yaml").write_text(BOMB + 'files:\n  "a.csv": {skema_hubungan: *i}\n')


def _zip_bomb(m: Path) -> None:
    """200 MB of sheet XML packed into ~0.2 MB."""
    with zipfile.ZipFile(io.BytesIO(_xlsx([HEADER, *ROWS]))) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</sheetData>", b" " * (200 << 20) + b"</sheetData>"
    )
    with zipfile.ZipFile(m / "Bom.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _huge_field(m: Path) -> None:
    rows = [ROWS[0], [*ROWS[1][:2], "X" * 10_000_000, *ROWS[1][3:]]]
    (m / "Panjang.csv").write_text(_csv(HEADER, rows))


def _nul_late(m: Path) -> None:
    data = _csv(HEADER, ROWS * 500).encode()
    (m / "Nul.csv").write_bytes(data + b"1211\x00" + ",".join(ROWS[0][1:]).encode() + b"\n")


def _symlink_loop(m: Path) -> None:
    (m / "kiriman" / "ulang").symlink_to(m, target_is_directory=True)


def _broken_symlink(m: Path) -> None:
    (m / "Desa_Hilang.xlsx").symlink_to(m / "tidak_ada" / "Desa_Hilang.xlsx")


# (id, mutate the month folder, extra CLI args, words expected in the message)
CASES: list[tuple[str, Callable[[Path], None] | None, list[str], list[str]]] = [
    ("missing-folder", None, ["--month", "2024-02"], ["2024-02", "tidak ada"]),
    ("empty-folder", "empty", ["--month", "2024-01"], ["2024-01", "kosong"]),
    ("empty-file", lambda m: (m / "Kosong.csv").write_bytes(b""), [], ["Kosong.csv"]),
    ("zero-byte-xlsx", lambda m: (m / "Nol.xlsx").write_bytes(b""), [], ["Nol.xlsx"]),
    ("truncated-zip", lambda m: _truncate(_first_xlsx(m)), [], [".xlsx", "rusak"]),
    ("zip-not-workbook", _not_a_workbook_zip, [], ["Arsip.xlsx"]),
    (
        "encrypted",
        lambda m: (m / "Sandi.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504),
        [],
        ["Sandi.xlsx", "sandi"],
    ),
    (
        "html-as-xls",
        lambda m: (m / "Ekspor.xls").write_text(
            "<html><table><tr><td>NIK</td></tr></table></html>"
        ),
        [],
        ["Ekspor.xls", "HTML"],
    ),
    (
        "mixed-delimiters",
        lambda m: (m / "Campur.csv").write_text(
            ",".join(HEADER) + "\n" + ";".join(ROWS[0]) + "\n" + ",".join(ROWS[1]) + "\n"
        ),
        [],
        ["Campur.csv"],
    ),
    (
        "wrong-encoding",
        lambda m: (m / "Enc.csv").write_bytes(_csv().encode() + b"\x81\x8d\x8f\x90\x9d\n"),
        [],
        ["Enc.csv"],
    ),
    ("million-blank-rows", _only_blank_rows, [], ["2023-12", "header atau kosong"]),
    ("formulas", _formulas, [], ["Rumus.xlsx", "rumus"]),
    (
        "no-header",
        lambda m: (m / "TanpaJudul.xlsx").write_bytes(_xlsx([["a", "b"], ["1", "2"]])),
        [],
        ["TanpaJudul.xlsx"],
    ),
    *[
        (f"missing-{c}", _required_missing(c), [], ["Desa_Kuta_Gambir.csv"])
        for c in ("NIK", "NO KK", "NAMA", "HUBUNGAN", "DESA", "BPNT", "PBI", "PKH")
    ],
    ("all-rows-invalid", _all_invalid, [], ["No KK", "dapat diolah"]),
    ("other-kabupaten", _other_kabupaten, [], ["Karo.csv"]),
    ("same-records-twice", _duplicate_file, [], ["salinan_"]),
    ("dated-other-month", _dated_other_month, [], ["kiriman_desa_2023-11.csv", "2023-11"]),
    ("bad-month-string", None, ["--month", "Des-2023"], ["YYYY-MM"]),
    ("unknown-params-key", "params:min_sel: 3\n", [], ["min_sel", "tidak dikenal"]),
    ("params-wrong-type", "params:min_cell: tiga\n", [], ["min_cell", "int"]),
    ("params-min-cell-zero", "params:min_cell: 0\n", [], ["min_cell", ">= 1"]),
    ("params-not-yaml", "params:min_cell: [\n", [], ["YAML"]),
    ("params-alias-bomb", "params:" + BOMB + "min_cell: *i\n", [], ["anchor/alias", "baris 1"]),
    ("sumber-alias-bomb", _sumber_alias_bomb, [], ["sumber.yaml", "anchor/alias"]),
    ("params-umur-maks", "params:umur_maks: -5\n", [], ["umur_maks", "60 dan 150"]),
    ("params-bulan-tren", "params:bulan_tren: 0\n", [], ["bulan_tren", "2 dan 24"]),
    ("params-kabupaten-format", "params:kabupaten_kode: '1211'\n", [], ["NN.NN"]),
    ("params-kabupaten-unknown", "params:kabupaten_kode: '99.99'\n", [], ["99.99"]),
    ("zip-bomb", _zip_bomb, [], ["Bom.xlsx", "zip bomb"]),
    ("ten-mb-field", _huge_field, [], ["Panjang.csv", "baris 3", "131072"]),
    ("nul-after-64k", _nul_late, [], ["Nul.csv", "NUL", "baris 1002"]),
    ("symlink-loop", _symlink_loop, [], ["kiriman/ulang", "symlink"]),
    ("broken-symlink", _broken_symlink, [], ["Desa_Hilang.xlsx", "rusak"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_fails_cleanly(base, tmp_path, capsys, case):
    _id, mutate, args, words = case
    root = _case_dir(base, tmp_path)
    out = root / "outputs"
    before = snapshot(out)
    extra = list(args)
    if isinstance(mutate, str) and mutate == "empty":
        (root / "raw" / "2024-01").mkdir()
    elif isinstance(mutate, str) and mutate.startswith("params:"):
        pf = tmp_path / "bad_params.yaml"
        pf.write_text(mutate.removeprefix("params:"))
        extra += ["--params", str(pf)]
        words = [*words, "bad_params.yaml"]
    elif mutate is not None:
        mutate(root / "raw" / MONTH)
        extra += ["--month", MONTH]
    code = main(["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out), "-q", *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("GAGAL:")
    for w in words:
        assert w.lower() in err.lower(), (w, err)
    assert "Traceback" not in err
    assert snapshot(out) == before
    assert not list(out.glob(".*staging*"))
