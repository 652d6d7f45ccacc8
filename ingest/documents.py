"""Office and PDF containers: the text of a Word .docx or a PDF, a clear reason for what is not read.

Reports are published as web pages, but also as attachments: Word files (.docx, the
older .doc) and PDFs. A .docx is a zip of XML whose tables keep every cell, so it is
read here into the same text an HTML page becomes at landing (`ingest.text.html_to_text`):
one line per paragraph, one line of tab-separated cells per table row, a merged cell
once (as a browser copy of the page gives it). A PDF's text layer is read with pypdf:
table cells come out space-separated, often one row per line, which the table readers
take as they take a pdftotext conversion (a scan has no text layer: recorded as such).
Other containers are recognised by their signature and landed with a reason that says
what the file is and how to make it readable, instead of a generic "binary content".
"""

from __future__ import annotations

import contextlib
import io
import signal
import threading
import time
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The body XML of a real report is well under this; more is a zip bomb or not a report.
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024
# Annual reports run to a few dozen pages; a longer PDF is read up to here (the rest is noted).
MAX_PDF_PAGES = 200
# A PDF whose pages take longer than this to read in all (a pathological file) is read no
# further, so that one file cannot stall a landing run: checked between pages, and on the main
# thread of a POSIX process also inside a page (`_time_limit`).
MAX_PDF_SECONDS = 60.0


class _PdfTimeLimit(BaseException):  # not an Exception: pypdf catches those and reads on
    """Raised inside pypdf (pure Python) by the interval timer of `_time_limit`."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` with _PdfTimeLimit, where a timer signal can: on the
    main thread of a POSIX process with no interval timer already running. Elsewhere a no-op
    (the between-page check still bounds the rest)."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise _PdfTimeLimit

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def container_kind(data: bytes) -> str | None:
    """"docx", "pdf", "ole2" (legacy .doc/.xls/.wps), "zip" (another archive) or None (plain bytes)."""
    head = data[:1024]
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return "docx" if "word/document.xml" in zf.namelist() else "zip"
        except (zipfile.BadZipFile, OSError, ValueError):
            return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"):
        return "pdf"
    return None


NOT_READ = {
    "ole2": "legacy Office document (.doc/.xls/.wps, OLE2): not read; save it as .docx or text",
    "zip": "zip archive that is not a Word .docx: not read; unpack it into the raw folder",
}


def _text_of(node: ElementTree.Element) -> str:
    """A paragraph's or cell's text: runs joined, tabs and breaks kept as tabs and spaces."""
    parts: list[str] = []
    for el in node.iter():
        if el.tag == f"{_W}t" and el.text:
            parts.append(el.text)
        elif el.tag == f"{_W}tab":
            parts.append("\t")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _cell_text(cell: ElementTree.Element) -> str:
    # A cell's paragraphs are words of one cell, not rows: joined by a space, like <br> in a <td>.
    texts = [_text_of(p).replace("\t", " ").replace("\n", " ").strip() for p in cell.iter(f"{_W}p")]
    return " ".join(t for t in texts if t)


def _table_lines(table: ElementTree.Element) -> list[str]:
    # Direct children only: a table nested in a cell is that cell's text, not rows of this one.
    return ["\t".join(_cell_text(c) for c in row.findall(f"{_W}tc")) for row in table.findall(f"{_W}tr")]


def _block_lines(container: ElementTree.Element) -> list[str]:
    """Paragraphs and tables in document order; content controls (w:sdt) are opened."""
    lines: list[str] = []
    for block in container:
        if block.tag == f"{_W}p":
            lines.extend(_text_of(block).split("\n"))
        elif block.tag == f"{_W}tbl":
            lines.extend(_table_lines(block))
        elif block.tag == f"{_W}sdt" and (content := block.find(f"{_W}sdtContent")) is not None:
            lines.extend(_block_lines(content))
    return lines


def docx_text(data: bytes) -> str:
    """The text of a .docx body: paragraphs as lines, table rows as tab-separated lines.

    Raises ValueError for a file that is not a readable .docx (the caller records why).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise ValueError(f"document body of {info.file_size} bytes (> {MAX_DOCX_XML_BYTES})")
            with zf.open(info) as fh:
                xml = fh.read(MAX_DOCX_XML_BYTES + 1)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as exc:
        raise ValueError(f"damaged .docx: {exc}") from exc
    if len(xml) > MAX_DOCX_XML_BYTES:
        raise ValueError(f"document body larger than {MAX_DOCX_XML_BYTES} bytes")
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ValueError("document body declares a DTD or entities (never in Word output)")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise ValueError(f"damaged .docx body XML: {exc}") from exc
    body = root.find(f"{_W}body")
    if body is None:
        raise ValueError("a .docx without a document body")
    return "\n".join(line.rstrip() for line in _block_lines(body))


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page after page (at most MAX_PDF_PAGES pages, MAX_PDF_SECONDS).

    Raises ValueError for a PDF that cannot be read or holds no text (a scan).
    """
    from pypdf import PdfReader  # imported here: only PDFs pay for it

    deadline = time.monotonic() + MAX_PDF_SECONDS
    pages: list[str] = []
    n_pages = 0
    try:
        with _time_limit(MAX_PDF_SECONDS):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                reader.decrypt("")  # reports are often "protected" with an empty user password
            n_pages = len(reader.pages)
            for i in range(min(n_pages, MAX_PDF_PAGES)):
                pages.append(reader.pages[i].extract_text() or "")
                if time.monotonic() > deadline:
                    break
    except _PdfTimeLimit:
        if not pages:
            raise ValueError(f"PDF not read within {MAX_PDF_SECONDS:g} s (a pathological file?): "
                             "convert it to text first") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        raise ValueError(f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ValueError(f"PDF of {n_pages} page(s) without a text layer (a scan?): OCR it into text first")
    if len(pages) < n_pages:
        why = "time limit" if len(pages) < min(n_pages, MAX_PDF_PAGES) else "page limit"
        text += f"\n(only the first {len(pages)} of {n_pages} pages were read: {why})"
    return text
