"""Executed notebook -> print HTML (nbconvert, template ``dtks_print``) -> A4 PDF (headless Chromium).

Public edition: ``with_code=False`` (no code, no prompts, no stderr). Reviewer edition:
``with_code=True``. The HTML loads nothing from the network (no require.js, MathJax, Mermaid or web
fonts), so the PDF prints offline and the same HTML is the published softcopy.

Page numbers "Halaman X dari Y" and the running title are CSS page-margin boxes, which Chromium
prints since version 131. With an older browser they are missing from the PDF;
:func:`html_to_pdf` notices that and stamps them onto each page with pypdf (overlay drawn by
matplotlib), so every PDF has them.

The module also holds small HTML blocks for notebooks (:func:`judul_html`,
:func:`ringkasan_html`, :func:`angka_kunci_html`, :func:`tabel_html`) that use the template's CSS
classes. ``jupyter nbconvert --to dtks_pdf nb.ipynb`` uses :class:`DtksPDFExporter`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import Exporter, HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import Bool, Int, Unicode, default

from dtks_analysis import children
from dtks_analysis.errors import DtksError
from dtks_analysis.publishing import pdf_outline, tata_letak
from dtks_analysis.publishing.review import REVIEW_ONLY_TAG

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
BROWSER_ENV = "DTKS_BROWSER"
BROWSER_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "microsoft-edge")
EDISI_PENELAAH = "Edisi penelaah (dengan kode)"

# Cell tags honoured in both editions (nbconvert's TagRemovePreprocessor).
REMOVE_CELL_TAGS = frozenset({"remove-cell", "hapus-sel"})
REMOVE_INPUT_TAGS = frozenset({"remove-input", "hide-input", "sembunyikan-kode"})
REMOVE_OUTPUT_TAGS = frozenset({"remove-output", "hide-output", "sembunyikan-hasil"})

__all__ = [
    "BrowserNotFound",
    "DtksPDFExporter",
    "PdfRenderError",
    "RenderError",
    "add_page_numbers",
    "find_browser",
    "has_page_numbers",
    "html_to_pdf",
    "notebook_node_to_html",
    "notebook_to_html",
]


class BrowserNotFound(DtksError, RuntimeError):
    """No Chromium-family browser to print the PDF with; the message says what to install."""


class RenderError(DtksError, RuntimeError):
    """Rendering the report (HTML or PDF) failed; the message says what and how to fix it."""


class PdfRenderError(RenderError):
    """The browser ran but wrote no usable PDF; the message carries the browser's stderr."""


# --------------------------------------------------------------------------- browser


def find_browser() -> str:
    """Path of the browser that prints PDFs.

    Order: the ``DTKS_BROWSER`` environment variable (a path or a command name), then
    ``chromium``, ``chromium-browser``, ``google-chrome``, ``microsoft-edge`` on PATH.

    Raises
    ------
    BrowserNotFound
        ``DTKS_BROWSER`` names nothing executable, or no candidate is on PATH.
    """
    env = os.environ.get(BROWSER_ENV, "").strip()
    if env:
        found = shutil.which(env)
        if found is None:
            raise BrowserNotFound(
                f"{BROWSER_ENV}={env!r} bukan program yang dapat dijalankan "
                f"(not an executable). Perbaiki atau hapus variabel {BROWSER_ENV}."
            )
        return found
    for name in BROWSER_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFound(
        "Browser untuk mencetak PDF tidak ditemukan (no Chromium-family browser on PATH; looked "
        f"for {', '.join(BROWSER_CANDIDATES)}). Pasang Chromium: `sudo apt-get install chromium` "
        "(Debian/Ubuntu), atau arahkan variabel lingkungan "
        f"{BROWSER_ENV} ke chromium/google-chrome/msedge."
    )


# --------------------------------------------------------------------------- HTML


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return '"' + out.replace("<", "\\3C ").replace(">", "\\3E ") + '"'


def _strip_xml_header(svg: str) -> str:
    """An SVG document ready to inline in HTML (no XML declaration or DOCTYPE)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def html_exporter(*, with_code: bool, template: str = "dtks_print") -> HTMLExporter:
    """The configured nbconvert HTMLExporter for one edition (see :func:`notebook_node_to_html`)."""
    exporter = HTMLExporter(
        template_name=template,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
    )
    exporter.exclude_input = not with_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.language_code = "id"
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            # reviewer-only cells (header, DataFrames, formulas, rule codes): not in the public one
            remove_cell_tags=set(REMOVE_CELL_TAGS) | (set() if with_code else {REVIEW_ONLY_TAG}),
            remove_input_tags=set(REMOVE_INPUT_TAGS),
            remove_all_outputs_tags=set(REMOVE_OUTPUT_TAGS),
            enabled=True,
        ),
        enabled=True,
    )
    exporter.register_filter("dtks_strip_xml_header", _strip_xml_header)
    return exporter


def _public_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop stderr streams (warnings, progress bars): readers of the public edition don't need them."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return nb


def notebook_node_to_html(
    nb: nbformat.NotebookNode,
    *,
    with_code: bool,
    title: str,
    template: str = "dtks_print",
    running_title: str | None = None,
    footer: str = "",
) -> str:
    """Render an (executed) notebook to one self-contained print HTML document.

    ``title`` is the document ``<title>`` (and the PDF's title); ``running_title`` (default
    ``title``) is printed at the top left of every page (public edition: after the title page); ``footer`` at the
    bottom left; "Halaman X dari Y" at the bottom right. The reviewer edition says so at the
    top right. Output is deterministic: the same notebook gives the same bytes.
    """
    nb = _public_copy(nb) if not with_code else copy.deepcopy(nb)
    nb.metadata["title"] = title
    resources = {
        "dtks": {
            "css_running_title": _css_string(running_title or title),
            "css_edition": _css_string(EDISI_PENELAAH if with_code else ""),
            "css_footer": _css_string(footer),
            "body_class": "dtks-penelaah" if with_code else "dtks-publik",
            # the public edition opens with a title page (render.judul_html): no running head
            "title_page": not with_code,
        }
    }
    body, _ = html_exporter(with_code=with_code, template=template).from_notebook_node(
        nb, resources=resources
    )
    # numbered figures, Daftar Isi, navigation, scrolling tables (tata_letak.susun)
    body = tata_letak.susun(body)
    return body if body.endswith("\n") else body + "\n"


def notebook_to_html(
    nb_path: str | Path,
    html_path: str | Path,
    *,
    with_code: bool,
    title: str,
    template: str = "dtks_print",
    running_title: str | None = None,
    footer: str = "",
) -> Path:
    """Read ``nb_path`` (already executed by papermill) and write its print HTML to ``html_path``.

    Returns ``html_path``. See :func:`notebook_node_to_html` for the options.
    """
    nb = nbformat.read(str(nb_path), as_version=4)
    text = notebook_node_to_html(
        nb,
        with_code=with_code,
        title=title,
        template=template,
        running_title=running_title,
        footer=footer,
    )
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(text, encoding="utf-8", newline="\n")
    return html_path


# --------------------------------------------------------------------------- PDF


def _browser_command(browser: str, html_path: Path, pdf_path: Path, profile: Path) -> list[str]:
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-pdf-header-footer",
        "--print-to-pdf-no-header",  # the same flag in Chromium < 111
        "--generate-pdf-document-outline",  # PDF bookmarks from headings (Chromium >= 125)
        f"--print-to-pdf={pdf_path}",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        f"--user-data-dir={profile}",
        html_path.as_uri(),
    ]


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _run_browser(cmd: list[str], timeout: float) -> tuple[int, str]:
    """Run the browser in its own process group that dies with this process; kill the whole
    group on timeout or on any interruption."""
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=functools.partial(children.die_with_parent, os.getpid()),  # noqa: PLW1509 (prctl only)
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        raise PdfRenderError(
            f"Browser tidak selesai dalam {timeout} detik (timed out) saat mencetak PDF: "
            f"{' '.join(cmd[:1] + cmd[-1:])}\n{_tail(err)}"
        ) from None
    except BaseException:
        _kill_group(proc)
        proc.wait()
        raise
    finally:
        _kill_group(proc)  # helpers (GPU, renderer) left behind by the browser
    return proc.returncode, _tail(err + out)


def _tail(raw: bytes, lines: int = 25) -> str:
    text = raw.decode("utf-8", "replace")
    # Chromium's harmless D-Bus complaints in containers hide the real message.
    kept = [ln for ln in text.splitlines() if "dbus" not in ln.lower()]
    return "\n".join(kept[-lines:])


def html_to_pdf(
    html_path: str | Path,
    pdf_path: str | Path,
    browser: str | None = None,
    timeout: float = 120,
    *,
    page_numbers: bool = True,
    running_title: str | None = None,
    footer: str | None = None,
) -> Path:
    """Print ``html_path`` to an A4 PDF at ``pdf_path`` with headless Chromium; return the path.

    The page size, margins, running title and "Halaman X dari Y" come from the HTML's CSS
    (template ``dtks_print``). When ``page_numbers`` is true and the browser did not print them
    (Chromium < 131 ignores page-margin boxes), they are stamped with :func:`add_page_numbers`.
    The PDF is written to a temporary name and moved into place, so a failure never leaves a
    half-written or stale file.

    An HTML with a Daftar Isi or tables that continue over pages (:func:`notebook_to_html`) is
    printed until its page numbers and "(lanjutan)" splits settle (:func:`tata_letak.cetak`);
    the settled HTML is written back to ``html_path``, so HTML and PDF agree. The PDF's
    bookmarks get the headings' text as written (:func:`pdf_outline.perbaiki_outline`).

    Raises
    ------
    FileNotFoundError
        ``html_path`` does not exist.
    BrowserNotFound
        no browser (see :func:`find_browser`).
    PdfRenderError
        the browser failed, timed out or wrote an empty/invalid file (stderr included).
    """
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path).resolve()
    if not html_path.is_file():
        raise FileNotFoundError(f"HTML untuk dicetak tidak ada (not found): {html_path}")
    browser = browser or find_browser()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    # Work beside the PDF, not in /tmp: a snap-packaged Chromium cannot see the host /tmp.
    with tempfile.TemporaryDirectory(prefix="dtks-chromium-", dir=pdf_path.parent) as tmp:
        tmp_pdf = Path(tmp) / "out.pdf"
        profile = Path(tmp) / "profile"
        profile.mkdir()

        def print_once(source: Path, target: Path) -> None:
            target.unlink(missing_ok=True)
            cmd = _browser_command(browser, source, target, profile)
            code, log = _run_browser(cmd, timeout)
            ok = target.is_file() and target.stat().st_size > 0
            if ok:
                with target.open("rb") as fh:
                    ok = fh.read(5) == b"%PDF-"
            if not ok:
                raise PdfRenderError(
                    f"Browser {browser} tidak menghasilkan PDF dari {html_path} (exit code {code}; "
                    f"no PDF written). Pesan browser (stderr):\n{log or '(kosong)'}"
                )

        tata_letak.cetak(html_path, tmp_pdf, print_once)
        pdf_outline.perbaiki_outline(
            tmp_pdf, pdf_outline.judul_html(html_path.read_text(encoding="utf-8"))
        )
        if page_numbers and not has_page_numbers(tmp_pdf):
            add_page_numbers(tmp_pdf, running_title=running_title, footer=footer)
        shutil.move(str(tmp_pdf), str(pdf_path))
    return pdf_path


def has_page_numbers(pdf_path: str | Path) -> bool:
    """True if the last page of the PDF shows "Halaman N dari N" (N = number of pages)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_path))
    n = len(reader.pages)
    text = " ".join((reader.pages[-1].extract_text() or "").split())
    return f"Halaman {n} dari {n}" in text


def add_page_numbers(
    pdf_path: str | Path,
    running_title: str | None = None,
    footer: str | None = None,
    margin_mm: float = 18.0,
) -> Path:
    """Stamp "Halaman X dari Y" (bottom right), ``footer`` (bottom left) and ``running_title``
    (top left, from page 2) onto every page of ``pdf_path``, in place.

    The fallback for browsers that ignore CSS page-margin boxes. ``running_title`` defaults to the
    PDF's /Title. The stamp is vector text drawn by matplotlib (font embedded), merged by pypdf.
    """
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from pypdf import PdfReader, PdfWriter

    pdf_path = Path(pdf_path)
    reader = PdfReader(str(pdf_path))
    if running_title is None and reader.metadata is not None:
        running_title = reader.metadata.title
    n = len(reader.pages)
    buf = io.BytesIO()
    grey = "#52606d"
    with PdfPages(buf, metadata={"Creator": None, "Producer": None, "CreationDate": None}) as pp:
        for i, page in enumerate(reader.pages, start=1):
            w_pt, h_pt = float(page.mediabox.width), float(page.mediabox.height)
            fig = Figure(figsize=(w_pt / 72, h_pt / 72))
            fig.patch.set_visible(False)
            mx, my = margin_mm / 25.4 * 72 / w_pt, (margin_mm - 6) / 25.4 * 72 / h_pt
            style = {"fontsize": 7.5, "color": grey, "family": "DejaVu Sans"}
            fig.text(1 - mx, my, f"Halaman {i} dari {n}", ha="right", va="bottom", **style)
            if footer:
                fig.text(mx, my, footer, ha="left", va="bottom", **style)
            if running_title and i > 1:
                fig.text(mx, 1 - my, running_title, ha="left", va="top", **style)
            pp.savefig(fig, transparent=True)
    buf.seek(0)
    overlay = PdfReader(buf)
    writer = PdfWriter(clone_from=reader)
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
    tmp = pdf_path.with_name(pdf_path.name + ".tmp")
    with tmp.open("wb") as fh:
        writer.write(fh)
    os.replace(tmp, pdf_path)
    return pdf_path


# --------------------------------------------------------------------------- nbconvert exporter


class DtksPDFExporter(Exporter):
    """``jupyter nbconvert --to dtks_pdf report.ipynb``: the public edition (no code) as A4 PDF.

    Options (``--DtksPDFExporter.<name>=...``): ``with_code`` (reviewer edition), ``title``
    (default: the notebook's metadata title, else its file name), ``browser``, ``timeout``.
    The notebook must already be executed (papermill); this exporter does not run it.
    """

    export_from_notebook = "PDF A4 (DTKS)"
    output_mimetype = "application/pdf"

    with_code = Bool(False, help="Render the reviewer edition, with code.").tag(config=True)
    title = Unicode("", help="Document title; default: notebook metadata title or name.").tag(
        config=True
    )
    browser = Unicode("", help="Browser executable; default: find_browser().").tag(config=True)
    timeout = Int(120, help="Seconds the browser may take.").tag(config=True)

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[bytes, dict[str, Any]]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        name = (resources.get("metadata") or {}).get("name") or "notebook"
        title = self.title or nb_copy.metadata.get("title") or name
        text = notebook_node_to_html(nb_copy, with_code=self.with_code, title=title)
        with tempfile.TemporaryDirectory(prefix="dtks-nbconvert-") as tmp:
            html_path = Path(tmp) / "report.html"
            html_path.write_text(text, encoding="utf-8")
            pdf_path = html_to_pdf(
                html_path,
                Path(tmp) / "report.pdf",
                browser=self.browser or None,
                timeout=self.timeout,
            )
            data = pdf_path.read_bytes()
        resources["output_extension"] = ".pdf"
        return data, resources
