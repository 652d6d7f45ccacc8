"""Word .docx attachments read into text at landing; other containers landed with a clear reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from ingest.documents import container_kind, docx_text
from ingest.landing import land_bytes
from ingest.parse import parse_report

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>"


def _tc(text: str, span: int = 1) -> str:
    props = f"<w:tcPr><w:gridSpan w:val=\"{span}\"/></w:tcPr>" if span > 1 else ""
    return f"<w:tc>{props}{_p(text)}</w:tc>"


def docx(body_xml: str, extra: dict[str, bytes] | None = None, document: str | None = None,
         body_name: str = "word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr(body_name, document or f'<?xml version="1.0" encoding="UTF-8"?><w:document {_NS}>'
                                           f"<w:body>{body_xml}</w:body></w:document>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def docx_of_text(text: str) -> bytes:
    """A Word file holding a text report: tab lines become table rows, other lines paragraphs."""
    body, rows = [], []
    for line in text.split("\n"):
        if "\t" in line:
            rows.append("<w:tr>" + "".join(_tc(c) for c in line.split("\t")) + "</w:tr>")
            continue
        if rows:
            body.append("<w:tbl>" + "".join(rows) + "</w:tbl>")
            rows = []
        body.append(_p(line))
    if rows:
        body.append("<w:tbl>" + "".join(rows) + "</w:tbl>")
    return docx("".join(body))


def _summary(name: str, text: str) -> tuple:
    r = parse_report(name, text)
    return (r.meta.region.code, r.meta.year, r.meta.template, r.meta.form_code,
            sorted((f.key, f.value, f.source) for f in r.facts))


def test_a_word_report_reads_as_its_text():
    name = "002_2baf5ee0490418e5.txt"  # the 2021 form, tables as tab rows
    text = (RAW / name).read_text(encoding="utf-8")
    landed = land_bytes(docx_of_text(text), f"/raw/{name}.docx")
    assert (landed.content_type, landed.encoding, landed.decode_error) == ("docx", "utf-8", None)
    table_figures = [f for f in _summary(name, landed.text)[4] if f[2] == "table"]
    assert len(table_figures) >= 200
    assert _summary(name, landed.text) == _summary(name, text)


def test_paragraphs_tables_merged_cells_and_content_controls():
    body = (
        _p("某县2020年政府信息公开工作年度报告")
        + "<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t><w:tab/><w:t>x</w:t></w:r></w:p>"
        + "<w:tbl><w:tr>" + _tc("信息内容", span=2) + _tc("本年制发件数") + "</w:tr>"
        + "<w:tr><w:tc>" + _p("规章") + _p("(件)") + "</w:tc>" + _tc("") + _tc("3") + "</w:tr></w:tbl>"
        + "<w:sdt><w:sdtContent>" + _p("控件中的段落") + "</w:sdtContent></w:sdt>"
    )
    assert docx_text(docx(body)).split("\n") == [
        "某县2020年政府信息公开工作年度报告", "第一行", "第二行\tx",
        "信息内容\t本年制发件数", "规章 (件)\t\t3", "控件中的段落",
    ]


@pytest.mark.parametrize(
    ("data", "kind", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "ole2", "legacy Office document"),
        (docx("", body_name="xl/workbook.xml"), "zip", "zip archive"),
        (b"PK\x03\x04 not really a zip", "zip", "zip archive"),
    ],
)
def test_other_containers_are_landed_with_what_they_are(data, kind, reason):
    assert container_kind(data) == kind
    landed = land_bytes(data, "/raw/x")
    assert landed.content_type == kind and landed.text is None and landed.raw_bytes == data
    assert landed.decode_error.startswith(reason)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (docx("", document=f'<!DOCTYPE w:document [<!ENTITY a "aaaa">]><w:document {_NS}><w:body>'
                            f"{_p('&a;&a;')}</w:body></w:document>"), "declares a DTD"),
        (docx("", document=f"<w:document {_NS}><w:body>{_p('x')}</w:bod></w:document>"), "damaged .docx body XML"),
        (docx("", document=f"<w:document {_NS}></w:document>"), "without a document body"),
    ],
)
def test_a_damaged_or_hostile_word_file_is_landed_with_the_reason(data, reason):
    landed = land_bytes(data, "/raw/x.docx")
    assert landed.text is None and landed.content_type == "docx"
    assert reason in landed.decode_error


def test_a_word_file_without_text():
    landed = land_bytes(docx("<w:p/>"), "/raw/empty.docx")
    assert (landed.text, landed.decode_error) == (None, "Word .docx without text")


PDF = Path(__file__).resolve().parent / "fixtures" / "documents" / "001_table_printed_to_pdf.pdf"


def test_a_pdf_report_reads_from_its_text_layer():
    # The old-form sample's title and table, printed to PDF by a browser (fonts embedded).
    name = "001_26e5e647c1fabd57.txt"
    landed = land_bytes(PDF.read_bytes(), f"/raw/{PDF.name}")
    assert (landed.content_type, landed.encoding, landed.decode_error) == ("pdf", "pdf", None)
    clean = {f.key: f.value for f in parse_report(name, (RAW / name).read_text(encoding="utf-8")).facts
             if f.source == "table"}
    report = parse_report(name, landed.text)
    assert (report.meta.region.code, report.meta.year, report.meta.template) == ("430405", 2019, "old_table")
    got = {f.key: f.value for f in report.facts if f.source == "table"}
    assert len(got) >= 0.95 * len(clean)
    assert all(clean.get(k) == v for k, v in got.items())  # a figure may be lost, never changed


def test_a_pdf_without_text_and_a_damaged_pdf():
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    landed = land_bytes(out.getvalue(), "/raw/scan.pdf")
    assert landed.content_type == "pdf" and landed.text is None
    assert "without a text layer" in landed.decode_error
    landed = land_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "/raw/cut.pdf")
    assert landed.text is None and landed.decode_error.startswith("damaged PDF")


def test_a_slow_pdf_is_read_no_further_than_the_time_limit(monkeypatch):
    import ingest.documents as documents

    monkeypatch.setattr(documents, "MAX_PDF_SECONDS", 0.0)  # every page is over the limit
    # Off the main thread no timer signal can interrupt a page: the limit is checked between pages.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        text = pool.submit(documents.pdf_text, PDF.read_bytes()).result()
    assert text.endswith("pages were read: time limit)")
    assert "2019" in text.split("\n")[0] and "of 3 pages" in text  # the first page kept, of three


def test_a_page_that_never_finishes_is_interrupted(monkeypatch):
    """The time limit holds inside a page too: a page stuck in pypdf is cut off by a timer
    (one file cannot stall a landing run), the pages before it kept."""
    import pypdf

    import ingest.documents as documents

    read_page = pypdf.PageObject.extract_text
    calls = []

    def stuck_after_the_first(page, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            return read_page(page, *args, **kwargs)
        while True:  # a pathological content stream
            pass

    # Long enough for the first page on a loaded machine (it took > 0.5 s once in a full run).
    monkeypatch.setattr(documents, "MAX_PDF_SECONDS", 2.0)
    monkeypatch.setattr(pypdf.PageObject, "extract_text", stuck_after_the_first)
    text = documents.pdf_text(PDF.read_bytes())
    assert text.endswith("(only the first 1 of 3 pages were read: time limit)")
    assert "2019" in text.split("\n")[0]

    calls.append(1)  # now the first page is stuck too: nothing read, a clear reason
    with pytest.raises(ValueError, match="not read within 2 s"):
        documents.pdf_text(PDF.read_bytes())
    landed = land_bytes(PDF.read_bytes(), "/raw/stuck.pdf")
    assert landed.content_type == "pdf" and landed.text is None and "not read within" in landed.decode_error
