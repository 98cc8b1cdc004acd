"""Hostile or unlucky input and environment (issue 17, items 7-13): YAML alias bombs, zip bombs,
symlinked month folders, concurrent runs, disk full / read-only folders, PDF failures, huge CSV
fields, NUL bytes, stale locks after a reboot, a browser outliving a killed run, parameter ranges.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dtks_analysis import pipeline
from dtks_analysis.cli import main
from dtks_analysis.config import ParamsError, load_settings
from dtks_analysis.intake import ingest
from tests.conftest import snapshot

MONTH = "2023-12"
HEADER = "NIK,NO KK,NAMA,HUBUNGAN,DESA,KECAMATAN,BPNT,PBI,PKH\n"
ROW = "1211010101800001,1211010101100001,BUDI SINAGA,1,Kuta Gambir,Sidikalang,1,1,0\n"
ROW2 = "1211014202850002,1211010101100001,SARI MANIK,2,Kuta Gambir,Sidikalang,1,0,0\n"
ROW3 = "1211010303700003,1211010303100002,TONI,1,Kuta Gambir,Sidikalang,0,1,0\n"

# 9 levels of 9 aliases: 9**9 = 387 million strings from 400 bytes
BOMB = "".join(
    f"{a}: &{a} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, a in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)

# subprocesses import the package under test (the worktree's, or another checkout's)
ENV = {**os.environ, "PYTHONPATH": str(Path(pipeline.__file__).resolve().parents[1])}


def _python(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with 3 GiB of address space and a time limit."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        env=ENV,
    )


@pytest.fixture
def month(tmp_path: Path) -> Path:
    m = tmp_path / "raw" / MONTH
    m.mkdir(parents=True)
    return m


@pytest.fixture
def settings():
    return load_settings()


def _read_error(month: Path, settings) -> str:
    with pytest.raises(ingest.IngestError) as exc:
        ingest.read_month(month, settings)
    return str(exc.value)


# -- 7: YAML alias bombs, bounded messages -----------------------------------------------------
def test_alias_bomb_in_params_is_refused_quickly(tmp_path):
    bomb = tmp_path / "bom.yaml"
    bomb.write_text(BOMB + "min_cell: *i\n")
    assert len(bomb.read_bytes()) < 500
    proc = _python(
        f"""
        from dtks_analysis.cli import main
        raise SystemExit(main(["months", "--params", {str(bomb)!r}]))
        """
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "bom.yaml: baris 1: anchor/alias YAML" in proc.stderr
    assert len(proc.stderr) < 500


def test_alias_bomb_in_sumber_yaml_is_refused_quickly(month):
    (month / "a.csv").write_text(HEADER + ROW)
    (month / "sumber.yaml").write_text(BOMB + 'files:\n  "a.csv": {skema_hubungan: *i}\n')
    proc = _python(
        f"""
        from pathlib import Path
        from dtks_analysis.config import Settings
        from dtks_analysis.intake import ingest
        try:
            ingest.read_month(Path({str(month)!r}), Settings())
        except ingest.IngestError as exc:
            print(exc)
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "sumber.yaml: baris 1: anchor/alias YAML" in proc.stdout
    assert len(proc.stdout) < 500


def test_messages_do_not_echo_huge_values(tmp_path, month, settings):
    p = tmp_path / "p.yaml"
    p.write_text(f"min_cell: '{'x' * 100_000}'\n")
    with pytest.raises(ParamsError, match="min_cell harus bertipe int") as exc:
        load_settings(MONTH, params_file=p)
    assert len(str(exc.value)) < 300
    (month / "a.csv").write_text(HEADER + ROW)
    (month / "sumber.yaml").write_text(f'files:\n  "a.csv": {{skema_hubungan: "{"y" * 100_000}"}}')
    msg = _read_error(month, settings)
    assert "skema_hubungan" in msg and len(msg) < 400


# -- 8: zip bombs and huge files -------------------------------------------------------------------
def _workbook_bytes() -> bytes:
    wb = openpyxl.Workbook()
    for r in (HEADER, ROW, ROW2):
        wb.active.append(r.strip().split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_zip_bomb_is_refused_before_reading(month, settings):
    """200 MB of sheet XML in a ~0.2 MB file (ratio ~1000): refused from the zip directory."""
    with zipfile.ZipFile(io.BytesIO(_workbook_bytes())) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    pad = b" " * (200 << 20)
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetData>", pad + b"</sheetData>")
    with zipfile.ZipFile(month / "Bom.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    del pad, parts
    assert (month / "Bom.xlsx").stat().st_size < 1 << 20
    msg = _read_error(month, settings)
    assert msg.startswith("Bom.xlsx: isi file Excel ini jika dibuka berukuran 200 MiB")
    assert "zip bomb" in msg and "rasio" in msg


def test_oversized_file_is_refused_before_reading(month, settings, monkeypatch):
    monkeypatch.setattr(ingest.guards, "MAX_FILE_BYTES", 100)  # read where it is checked
    (month / "a.csv").write_text(HEADER + ROW + ROW2)
    msg = _read_error(month, settings)
    assert msg.startswith("a.csv: file terlalu besar") and "limit 100" in msg


def test_sample_sized_workbooks_pass_the_limits():
    assert ingest.MAX_XLSX_UNCOMPRESSED >= 1 << 30
    assert ingest.MAX_ZIP_RATIO > 343  # a sheet styled down to row 1,000,000 (test_ingest.py)


# -- 9: symlinked sub-folders ----------------------------------------------------------------------
def test_symlinked_subfolder_is_read_and_part_of_the_cache_key(tmp_path, month, settings):
    shared = tmp_path / "bersama" / "kiriman_sumbul"
    shared.mkdir(parents=True)
    (month / "a.csv").write_text(HEADER + ROW + ROW2)
    (shared / "b.csv").write_text(HEADER + ROW3)
    (month / "kiriman").symlink_to(shared.parent, target_is_directory=True)
    res = ingest.read_month(month, settings)
    assert sorted(res.records["_file"].unique()) == ["a.csv", "kiriman/kiriman_sumbul/b.csv"]
    s = load_settings(raw_dir=str(month.parent))
    assert "kiriman/kiriman_sumbul/b.csv" in pipeline.input_files(s, MONTH)


def test_month_of_only_a_symlinked_folder_is_available(tmp_path, month):
    shared = tmp_path / "bersama"
    shared.mkdir()
    (shared / "b.csv").write_text(HEADER + ROW)
    (month / "kiriman").symlink_to(shared, target_is_directory=True)
    assert pipeline.available_months(load_settings(raw_dir=str(month.parent))) == [MONTH]


@pytest.mark.parametrize("target", ["..", "sub"])
def test_symlink_loop_or_second_path_is_refused(month, settings, target):
    (month / "sub").mkdir()
    (month / "sub" / "a.csv").write_text(HEADER + ROW)
    (month / "zz_link").symlink_to(month / target, target_is_directory=True)
    msg = _read_error(month, settings)
    assert "'zz_link'" in msg and "symlink" in msg
    with pytest.raises(ingest.IngestError, match="zz_link"):
        pipeline.input_files(load_settings(raw_dir=str(month.parent)), MONTH)


def test_broken_symlink_is_refused(month, settings):
    (month / "a.csv").write_text(HEADER + ROW)
    (month / "b.csv").symlink_to(month / "hilang.csv")
    assert "'b.csv' adalah tautan (symlink) yang rusak" in _read_error(month, settings)


# -- 10: concurrent runs sharing a data folder: tests/e2e/test_concurrent_runs.py ----------------


# -- 11: disk full, read-only folders, PDF failure -------------------------------------------------
def _fail_with(code: int, path: Path):
    def fail(*_a, **_k):
        raise OSError(code, os.strerror(code), str(path))

    return fail


def test_disk_full_during_prepare(small_sample, tmp_path, monkeypatch, capsys):
    shutil.copytree(small_sample / "raw", tmp_path / "raw")
    raw = str(tmp_path / "raw")
    assert main(["prepare", "--raw-dir", raw, "--month", "2023-10", "-q"]) == 0
    before = snapshot(tmp_path / "interim")
    where = tmp_path / "interim" / ".2023-11.tmp" / "persons.parquet"
    monkeypatch.setattr(pipeline, "_to_parquet", _fail_with(errno.ENOSPC, where))
    capsys.readouterr()
    assert main(["prepare", "--raw-dir", raw, "--month", "2023-11", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"GAGAL: {where}: disk penuh (no space left on device)")
    assert "Traceback" not in err
    assert snapshot(tmp_path / "interim") == before
    assert sorted(p.name for p in (tmp_path / "interim").iterdir()) == ["2023-10"]


@pytest.mark.parametrize("folder", ["out", "data"])
def test_read_only_folder(small_sample, tmp_path, monkeypatch, capsys, folder):
    shutil.copytree(small_sample / "raw", tmp_path / "raw")
    out = tmp_path / "out"
    (out / MONTH).mkdir(parents=True)
    (out / MONTH / "laporan.html").write_text("<p>edisi sebelumnya</p>")
    before = snapshot(tmp_path)
    data = [tmp_path / "interim", tmp_path / "corrections", tmp_path / ".dtks-data.lock"]
    read_only = [out] if folder == "out" else data
    real_open, real_mkdir = os.open, Path.mkdir

    def refused(path) -> bool:
        return any(str(path).startswith(str(r)) for r in read_only)

    def ro_open(path, *a, **k):
        if refused(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, *a, **k)

    def ro_mkdir(self, *a, **k):
        if refused(self):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(os, "open", ro_open)
    monkeypatch.setattr(Path, "mkdir", ro_mkdir)
    code = main(["report", "--raw-dir", str(tmp_path / "raw"), "--out-dir", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("GAGAL: ") and "folder hanya-baca (read-only file system)" in err
    assert str(tmp_path) in err and "Traceback" not in err
    monkeypatch.undo()
    assert snapshot(tmp_path) == before


def _fake_browser(tmp_path: Path, body: str) -> Path:
    exe = tmp_path / "fake-chromium"
    exe.write_text(f"#!{sys.executable}\n{textwrap.dedent(body)}")
    exe.chmod(0o755)
    return exe


def test_pdf_render_failure_is_a_clear_message(tmp_path, monkeypatch, capsys):
    from dtks_analysis import report
    from dtks_analysis.publishing import render

    browser = _fake_browser(
        tmp_path, "import sys\nsys.stderr.write('ERROR:gpu_init.cc(1) kaput\\n')\nsys.exit(3)\n"
    )
    html = tmp_path / "a.html"
    html.write_text("<p>x</p>")
    with pytest.raises(render.RenderError, match="kaput"):
        render.html_to_pdf(html, tmp_path / "a.pdf", browser=str(browser))

    def run_report(*_a, **_k):
        render.html_to_pdf(html, tmp_path / "a.pdf", browser=str(browser))

    monkeypatch.setattr(report, "run_report", run_report)
    (tmp_path / "raw" / MONTH).mkdir(parents=True)
    (tmp_path / "raw" / MONTH / "a.csv").write_text(HEADER + ROW)
    code = main(["report", "--raw-dir", str(tmp_path / "raw"), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("GAGAL: Browser") and "kaput" in err


# -- 12: huge CSV field, NUL byte, stale lock after a reboot, browser outliving a run ------------
def test_ten_megabyte_field_is_named(month, settings):
    big = '1211010303700003,1211010303100002,"' + "x" * 10_000_000 + '",1,Kuta Gambir,S,0,1,0\n'
    (month / "a.csv").write_text(HEADER + ROW + big)
    msg = _read_error(month, settings)
    assert msg.startswith("a.csv: baris 3 berisi satu sel lebih panjang dari 131072 karakter")


def test_nul_byte_after_64_kib_is_refused(month, settings):
    data = (HEADER + ROW * 1000).encode() + b"1211010303700003,12110103031\x0000002,X,1,A,B,0,1,0\n"
    assert data.index(b"\x00") > 65536
    (month / "a.csv").write_bytes(data)
    msg = _read_error(month, settings)
    assert msg.startswith("a.csv: berisi byte biner (NUL) di baris 1002")


@pytest.mark.parametrize("content", ["pid", "json-other-boot"])
def test_stale_lock_with_a_reused_live_pid_does_not_block(tmp_path, content):
    from dtks_analysis.report import month_lock

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock = tmp_path / f".{MONTH}.lock"
        if content == "pid":  # a lock file left before a reboot; its PID now runs something else
            lock.write_text(str(live.pid))
        else:
            lock.write_text(json.dumps({"pid": live.pid, "boot_id": "lama", "start": 1}))
        with month_lock(tmp_path, MONTH) as held:
            assert json.loads(held.read_text())["pid"] == os.getpid()
    finally:
        live.kill()
        live.wait()


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def test_browser_dies_with_a_killed_run(tmp_path):
    pidfile = tmp_path / "browser.pid"
    browser = _fake_browser(
        tmp_path,
        f"import os, time\nopen({str(pidfile)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)\n",
    )
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from dtks_analysis.publishing import render; render._run_browser([{str(browser)!r}], 300)",
        ],
        env=ENV,
    )
    try:
        for _ in range(300):
            if pidfile.exists() and pidfile.read_text():
                break
            time.sleep(0.1)
        pid = int(pidfile.read_text())
        assert not _gone(pid)
        run.send_signal(signal.SIGKILL)
        run.wait()
        for _ in range(100):
            if _gone(pid):
                break
            time.sleep(0.1)
        alive = not _gone(pid)
        if alive:
            os.kill(pid, signal.SIGKILL)
        assert not alive, "the browser outlived the killed run"
    finally:
        run.kill()
        run.wait()


# -- 13: parameter ranges --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, words",
    [
        ("umur_maks: -5\n", ["umur_maks harus antara 60 dan 150", "-5"]),
        ("umur_maks: 1000\n", ["umur_maks harus antara 60 dan 150"]),
        ("bulan_tren: 0\n", ["bulan_tren harus antara 2 dan 24", "(got 0)"]),
        ("bulan_tren: -3\n", ["bulan_tren harus antara 2 dan 24"]),
        ("bulan_tren: 1\n", ["bulan_tren harus antara 2 dan 24"]),
        ("kabupaten_kode: '1211'\n", ["kabupaten_kode harus berbentuk NN.NN"]),
        ("kabupaten_kode: '99.99'\n", ["'99.99' tidak ada dalam daftar kode wilayah"]),
    ],
)
def test_parameter_ranges(tmp_path, text, words):
    p = tmp_path / "p.yaml"
    p.write_text(text)
    with pytest.raises(ParamsError) as exc:
        load_settings(MONTH, params_file=p)
    for w in words:
        assert w in str(exc.value)


def test_parameters_in_range_are_accepted(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("umur_maks: 100\nbulan_tren: 2\nkabupaten_kode: '12.11'\n")
    s = load_settings(MONTH, params_file=p)
    assert (s.umur_maks, s.bulan_tren, s.kabupaten_kode) == (100, 2, "12.11")


def _processes_mentioning(text: str) -> list[int]:
    """Live (not zombie) processes whose command line contains ``text``."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd and not _gone(int(d.name)):
            found.append(int(d.name))
    return found


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium")
def test_real_chromium_dies_with_a_killed_run(tmp_path):
    """Chromium stuck on a page that never loads; the run is SIGKILLed: no Chromium survives."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(20)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: [held.append(server.accept()[0]) for _ in range(20)],
                     daemon=True).start()  # fmt: skip
    port = server.getsockname()[1]
    html = tmp_path / "a.html"
    html.write_text(f"<p>x</p><img src='http://127.0.0.1:{port}/tidak-pernah-selesai.png'>")
    pdf_dir = tmp_path / "keluaran"
    code = f"from dtks_analysis.publishing import render; render.html_to_pdf({str(html)!r}, {str(pdf_dir / 'a.pdf')!r})"
    run = subprocess.Popen([sys.executable, "-c", code], env=ENV)
    try:
        for _ in range(300):
            if len(_processes_mentioning(str(pdf_dir))) >= 2 and held:
                break
            time.sleep(0.1)
        assert _processes_mentioning(str(pdf_dir)), "Chromium did not start"
        run.send_signal(signal.SIGKILL)
        run.wait()
        for _ in range(100):
            if not _processes_mentioning(str(pdf_dir)):
                break
            time.sleep(0.1)
        left = _processes_mentioning(str(pdf_dir))
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, "Chromium outlived the killed run"
    finally:
        run.kill()
        run.wait()
        server.close()
