"""The samples' tables rewritten the ways real files flatten tables: the figures must not change.

Each rewrite turns every table row of a sample (a tab or pipe line) into another layout. For
the layouts the parsers read, the table figures must be exactly the clean parse's. For the
layouts they do not (or only in part) read, figures may be lost, with parse issues, but no
figure may come out *changed*: a wrong figure is silent, a lost one is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.layout import split_line
from ingest.parse import parse_report

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
TABLE_SAMPLES = ["001_26e5e647c1fabd57.txt", "002_2baf5ee0490418e5.txt"]  # pipes (old form), tabs (2021 form)


def _rows(rewrite: Callable[[list[str]], str]) -> Callable[[str], str]:
    """A text rewrite applying `rewrite` to the cells of every table row."""
    def apply(text: str) -> str:
        out = []
        for line in text.split("\n"):
            cells = split_line(line) if ("\t" in line or "|" in line) else []
            out.append(rewrite(cells) if len(cells) >= 2 else line)
        return "\n".join(out)
    return apply


def _ocr(cell: str) -> str:
    return cell.replace("1", "l").replace("0", "O") if cell.isdigit() and len(cell) > 1 else cell


def _wrapped_around_figures(cells: list[str]) -> str:
    """One cell per line, the row's last label (10 characters or more) wrapped over two lines
    with the row's figures between them, as PDF text prints a row whose figure cells are
    centred beside a two-line label (四、结转下年 / 0 0 0 0 0 0 0 / 度继续办理)."""
    labels = [c for c in cells if c.strip() and not re.fullmatch(r"[\d.]+", c.strip())]
    figures = [c for c in cells if re.fullmatch(r"[\d.]+", c.strip())]
    if labels and figures and len(labels[-1]) >= 10:
        cut = len(labels[-1]) // 2
        return "\n".join([*labels[:-1], labels[-1][:cut], *figures, labels[-1][cut:]])
    return "\n".join(labels + figures)


# Read exactly as the clean table.
SAME: dict[str, Callable[[str], str]] = {
    "tabs, no outer bars": _rows(lambda c: "\t".join(c) + "\t"),
    "pipes": _rows(lambda c: "| " + " | ".join(c) + " |"),
    "pipe ending only": _rows(lambda c: " | ".join(c) + " |"),
    "full-width bars": _rows(lambda c: "｜".join(c)),
    "box drawing": _rows(lambda c: "│" + "│".join(c) + "│"),
    "box drawing with rules": _rows(lambda c: "├────┼────┤\n│" + "│".join(c) + "│"),
    "markdown separators": _rows(lambda c: "|" + "|".join(c) + "|\n|" + "---|" * len(c)),
    "full-width spaces": _rows(lambda c: "\u3000\u3000".join(c)),
    "non-breaking spaces": _rows(lambda c: "\u00a0\u00a0\u00a0".join(c)),
    "figures with a decimal zero": _rows(lambda c: "\t".join(re.sub(r"^(\d+)$", r"\1.0", x) for x in c)),
    "unit after a space": _rows(lambda c: "\t".join(x + " 件" if x.isdigit() else x for x in c)),
    "OCR letters in figures": _rows(lambda c: "\t".join(_ocr(x) for x in c)),
    "empty cells after the row": _rows(lambda c: "\t".join([*c, "", ""])),
    "an empty cell before the row": _rows(lambda c: "\t".join(["", *c])),
    "two tabs between cells": _rows(lambda c: "\t\t".join(c)),
    # PDF text: cells joined by single spaces, a group label before its first row's label
    # (三、本年度办理结果 (一) 予以公开 14 0 0 0 0 14).
    "single spaces": _rows(lambda c: " ".join(c)),
    "labels wrapped around their figures": _rows(_wrapped_around_figures),
    # Dashes in cells a one-column row does not have (行政许可 | 39732 | — | —).
    "dashes after a one-column figure": _rows(lambda c: "\t".join(
        [*filled, "—", "—"] if len(filled := [x for x in c if x.strip()]) == 2
        and filled[1].replace(".", "").isdigit() else c)),
    # A table that prints no 0 writes zero as a dash: the report's convention (an info issue says so).
    "a dash for every zero": _rows(lambda c: "\t".join("—" if x == "0" else x for x in c)),
    # A spreadsheet saved as CSV (ingest.layout.delimited_rows_as_tabs).
    "comma-separated": _rows(lambda c: ",".join(c)),
    "quoted comma-separated": _rows(lambda c: ",".join(f'"{x}"' for x in c)),
    "semicolons": _rows(lambda c: ";".join(c)),
}
# May lose figures (recorded as issues), never change one.
NOT_WRONG: dict[str, Callable[[str], str]] = {
    # ... but one that prints zeros too means something else by a dash: no figure.
    "a dash for most zeros, 0 for some": _rows(lambda c: "\t".join(
        "—" if x == "0" and i % 2 else x for i, x in enumerate(c))),
    "label: figures": _rows(lambda c: c[0] + ":" + " ".join(c[1:])),
    "label spanning two columns": _rows(lambda c: "\t".join([c[0], "", *c[1:]])),
    "second cell spanning two columns": _rows(lambda c: "\t".join([*c[:2], "", *c[2:]])),
}


def _table_figures(name: str, text: str) -> dict[tuple[str, str, str], float]:
    return {f.key: f.value for f in parse_report(name, text).facts if f.source == "table"}


@pytest.fixture(scope="module")
def clean() -> dict[str, tuple[str, dict[tuple[str, str, str], float]]]:
    out = {}
    for name in TABLE_SAMPLES:
        text = (RAW / name).read_text(encoding="utf-8")
        out[name] = (text, _table_figures(name, text))
        assert len(out[name][1]) >= 58
    return out


def _read(clean, sample: str, rewrite: Callable[[str], str]) -> tuple[dict, dict]:
    """(the clean table figures, those read from the rewritten sample)."""
    text, figures = clean[sample]
    rewritten = rewrite(text)
    assert rewritten != text
    return figures, _table_figures(sample, rewritten)


@pytest.mark.parametrize("rewrite", sorted(SAME))
@pytest.mark.parametrize("sample", TABLE_SAMPLES, ids=lambda n: n[:3])
def test_layouts_read_the_same_figures(clean, sample: str, rewrite: str) -> None:
    figures, read = _read(clean, sample, SAME[rewrite])
    assert read == figures


@pytest.mark.parametrize("rewrite", sorted(NOT_WRONG))
@pytest.mark.parametrize("sample", TABLE_SAMPLES, ids=lambda n: n[:3])
def test_other_layouts_never_change_a_figure(clean, sample: str, rewrite: str) -> None:
    figures, read = _read(clean, sample, NOT_WRONG[rewrite])
    changed = {k: (figures[k], v) for k, v in read.items() if k in figures and v != figures[k]}
    invented = {k: v for k, v in read.items() if k not in figures}
    assert not changed and not invented


@pytest.mark.parametrize("rewrite", sorted(SAME | NOT_WRONG))
@pytest.mark.parametrize("sample", TABLE_SAMPLES, ids=lambda n: n[:3])
def test_every_layout_keeps_the_template(clean, sample: str, rewrite: str) -> None:
    # A table whose figures are not read is still a table: the report's template is its family
    # (contract: narrative means no table), with a table_figures_unread issue when none is read.
    text, figures = clean[sample]
    report = parse_report(sample, (SAME | NOT_WRONG)[rewrite](text))
    assert report.meta.template == parse_report(sample, text).meta.template
    read = [f for f in report.facts if f.source == "table"]
    assert bool(read) != any(i.code == "table_figures_unread" for i in report.issues)


# --------------------------------------------------------------------------- whole reports

ALL_SAMPLES = sorted(p.name for p in RAW.glob("*.txt"))
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _html(text: str) -> str:
    rows = []
    for line in text.split("\n"):
        cells = split_line(line) if ("\t" in line or "|" in line) else []
        rows.append("<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"
                    if len(cells) >= 2 else f"<p>{line}</p>")
    return "<html><body>" + "\n".join(rows) + "</body></html>"


# Encodings and character forms of a whole report: bytes in, the same report out.
WHOLE: dict[str, Callable[[str], bytes]] = {
    "GB18030": lambda t: t.encode("gb18030"),
    "UTF-16 with BOM": lambda t: t.encode("utf-16"),
    "UTF-8 with BOM": lambda t: b"\xef\xbb\xbf" + t.encode(),
    "CRLF line ends": lambda t: t.replace("\n", "\r\n").encode(),
    "CR line ends": lambda t: t.replace("\n", "\r").encode(),
    "traditional characters": lambda t: _traditional(t).encode(),
    "full-width digits": lambda t: t.translate(_FULL_WIDTH_DIGITS).encode(),
    "HTML": lambda t: _html(t).encode(),
}


def _report(name: str, data: bytes) -> tuple:
    from ingest.text import decode_bytes

    decoded = decode_bytes(data)
    report = parse_report(name, decoded.text, decoded.error)
    meta = report.meta
    return (meta.region.code, meta.year, meta.template, meta.form_code,
            sorted((f.key, f.value, f.source) for f in report.facts))


@pytest.mark.parametrize("rewrite", sorted(WHOLE))
@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda n: n[:3])
def test_whole_report_encodings_and_character_forms_read_the_same(sample: str, rewrite: str) -> None:
    text = (RAW / sample).read_text(encoding="utf-8")
    clean = _report(sample, text.encode())
    assert clean[0] and clean[1]
    assert _report(sample, WHOLE[rewrite](text)) == clean


@pytest.mark.parametrize("sample", TABLE_SAMPLES, ids=lambda n: n[:3])
def test_dashes_are_zeros_only_where_the_table_prints_no_zero(clean, sample: str) -> None:
    text, figures = clean[sample]
    every = parse_report(sample, SAME["a dash for every zero"](text))
    assert {f.key: f.value for f in every.facts if f.source == "table"} == figures
    assert any(i.code == "dashes_read_as_zeros" for i in every.issues)
    # One zero left printed as 0: the dashes mean something else, and no dash becomes a figure.
    lines = SAME["a dash for every zero"](text).split("\n")
    last = max(n for n, line in enumerate(lines) if line.endswith("\t—"))  # a figure row's, not a heading's
    lines[last] = lines[last][:-1] + "0"
    mixed = parse_report(sample, "\n".join(lines))
    assert not any(i.code == "dashes_read_as_zeros" for i in mixed.issues)
    mixed_figures = {f.key: f.value for f in mixed.facts if f.source == "table"}
    assert all(figures[k] == v for k, v in mixed_figures.items() if k in figures)
    assert len(mixed_figures) < len(figures)


def test_dashes_in_a_table_with_a_cumulative_column_stay_blank(clean) -> None:
    # 本年 | 累计 with every 0 a dash, and a dash under 累计 for the rows not counted over the
    # years (staff, training): such a dash means "not counted", so the dashes are no zeros here.
    sample = "001_26e5e647c1fabd57.txt"
    text, figures = clean[sample]
    lines = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split("|")]
        if "|" in line and len(cells) >= 3 and cells[2].isdigit():
            this_year = cells[2]
            cumulative = "—" if ("人员" in cells[0] or "培训" in cells[0] or this_year == "0") else str(int(this_year) * 3)
            line = " | ".join([cells[0], cells[1], "—" if this_year == "0" else this_year, cumulative])
        elif line.startswith("指 标"):
            line = "指 标 | 单位 | 本年数 | 累计数"
        lines.append(line)
    report = parse_report(sample, "\n".join(lines))
    assert not any(i.code == "dashes_read_as_zeros" for i in report.issues)
    read = {f.key: f.value for f in report.facts if f.source == "table"}
    assert read[("staff_total", "all", "all")] == figures[("staff_total", "all", "all")]
    assert ("staff_total_cumulative", "all", "all") not in read
    assert all(figures[k] == v for k, v in read.items() if k in figures)
