"""The generic table-layout reader: lines in, cells with line numbers out."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.layout import (
    is_blank_marker,
    is_page_footer,
    is_placeholder_header,
    is_separator_row,
    line_kind,
    read_cells,
    split_line,
    uses_blank_line_separators,
)
from ingest.parse import parse_report
from ingest.text import normalize_text, undouble_tab_separators


@pytest.mark.parametrize(
    ("line", "kind", "cells"),
    [
        ("收到申请数\t件\t12", "tab", ["收到申请数", "件", "12"]),
        ("收到申请数\t\t12", "tab", ["收到申请数", "", "12"]),
        ("| 收到申请数 | 件 | 12 |", "pipe", ["收到申请数", "件", "12"]),
        ("收到申请数 |  | 12", "pipe", ["收到申请数", "", "12"]),
        ("收到申请数    件   12", "spaces", ["收到申请数", "件", "12"]),
        ("统 计 指 标", "cell", ["统 计 指 标"]),
        ("   ", "empty", []),
    ],
)
def test_split_line(line: str, kind: str, cells: list[str]) -> None:
    assert line_kind(line) == kind
    assert split_line(line) == cells


@pytest.mark.parametrize("text", ["— 4 —", "- 4 -", "-12-", "第 3 页", "第3页 共10页"])
def test_page_footers(text: str) -> None:
    assert is_page_footer(text)


@pytest.mark.parametrize("text", ["4", "—", "2017", "第三章", "4.信函申请数"])
def test_not_page_footers(text: str) -> None:
    assert not is_page_footer(text)


def test_markers() -> None:
    assert all(is_blank_marker(t) for t in ["", "—", "——", "/", "-", " ", "无"])
    assert not any(is_blank_marker(t) for t in ["0", "条", "收到申请数"])
    assert is_separator_row("|---|:---:|---|") and not is_separator_row("| 1 | 2 |")
    assert is_placeholder_header("Col1") and is_placeholder_header("column 12")
    assert not is_placeholder_header("统计数")


def test_pipe_noise_is_dropped_and_lines_kept() -> None:
    lines = ["| Col1 | Col2 | Col3 |", "|---|---|---|", "| 收到申请数 | 件 | 12 |", "| — 4 — | | |",
             "- 5 -", "| 当面申请数 | | 3 |"]
    cells = read_cells(lines)
    assert [(c.text, c.line, c.col, c.blank) for c in cells] == [
        ("收到申请数", 3, 0, False), ("件", 3, 1, False), ("12", 3, 2, False),
        ("当面申请数", 6, 0, False), ("", 6, 1, True), ("3", 6, 2, False),
    ]


def test_blank_line_separated_cells() -> None:
    lines = ["收到申请数", "", "12", "", "当面申请数", "", "", "", "—", ""]
    assert uses_blank_line_separators(lines)
    cells = read_cells(lines)
    assert [(c.text, c.line, c.blank) for c in cells] == [
        ("收到申请数", 1, False), ("12", 3, False), ("当面申请数", 5, False), ("", 9, True)]


def test_empty_lines_are_blank_cells_without_separators() -> None:
    lines = ["收到申请数", "件", "", "20", "当面申请数", "件", "\u00a0", "3"]
    lines = normalize_text("\n".join(lines))  # the nbsp becomes a space, as in real input
    assert not uses_blank_line_separators(lines)
    cells = read_cells(lines)
    assert [(c.text, c.line, c.blank) for c in cells] == [
        ("收到申请数", 1, False), ("件", 2, False), ("", 3, True), ("20", 4, False),
        ("当面申请数", 5, False), ("件", 6, False), ("", 7, True), ("3", 8, False)]


def test_html_table_reads_as_tab_rows() -> None:
    html = ("<html><body><p>说明</p><table><tr><td>指标</td><td>单位</td><td>统计数</td></tr>"
            "<tr><td>收到申请数</td><td>件</td><td>12</td></tr>"
            "<tr><td>当面申请数</td><td></td><td>3</td></tr></table></body></html>")
    lines = normalize_text(html)
    cells = [c for c in read_cells(lines) if c.text in ("收到申请数", "12", "当面申请数", "3") or c.blank]
    assert [c.text for c in cells] == ["收到申请数", "12", "当面申请数", "", "3"]
    assert cells[0].line == cells[1].line != cells[2].line
    assert all(lines[c.line - 1].count("\t") == 2 for c in cells)


def test_pdf_table_noise_inside_rows_is_dropped() -> None:
    lines = normalize_text("\n".join([
        "| Column 1 | Column 2 | Column 3 | Column 4 |", "| --- | --- | --- | --- |",
        "| 收到申请数 | 件 | 12 | 18 |", "| 第 3 页 | | | |", "第3页 共8页", "— 4 —",
        "| 当面申请数 | 件 | \u00a0 | / |"]))
    cells = read_cells(lines)
    assert [(c.text, c.blank) for c in cells] == [
        ("收到申请数", False), ("件", False), ("12", False), ("18", False),
        ("当面申请数", False), ("件", False), ("", True), ("", True)]
    assert {c.line for c in cells} == {3, 7}


def test_space_aligned_rows_keep_marked_blanks() -> None:
    cells = read_cells(["收到申请数    件  —   18", "当面申请数  件  3  5"])
    assert [(c.text, c.col, c.blank) for c in cells[:4]] == [
        ("收到申请数", 0, False), ("件", 1, False), ("", 2, True), ("18", 3, False)]
    assert [c.text for c in cells[4:]] == ["当面申请数", "件", "3", "5"]


def test_tab_rows_with_marker_cells() -> None:
    lines = normalize_text("收到申请数\t件\t-\t18\n当面申请数\t\t\u00a0\t—")
    cells = read_cells(lines)
    assert [c.blank for c in cells] == [False, False, True, False, False, True, True, True]
    assert [c.col for c in cells[4:]] == [0, 1, 2, 3]


def test_a_lone_page_number_between_rows_is_not_a_cell() -> None:
    from ingest.layout import is_stray_page_number, read_cells

    lines = ["| 主动公开政府信息数 | 条 | 120 |", "7", "| 收到申请数 | 件 | 10 |"]
    assert is_stray_page_number(lines, 1)
    assert "7" not in [c.text for c in read_cells(lines)]
    # In a one-cell-per-line block the same line is a figure.
    cells = ["主动公开政府信息数", "条", "7", "收到申请数"]
    assert not is_stray_page_number(cells, 2)
    assert "7" in [c.text for c in read_cells(cells)]


def test_spaces_ending_a_line_are_dropped_but_tabs_kept() -> None:
    # A trailing tab is an empty cell; a line of spaces (full-width indentation, NBSP) is blank.
    assert normalize_text("收到申请数\t12\t\t  \n\u3000\u3000\n \u00a0 \n统计") == ["收到申请数\t12\t\t", "", "", "统计"]


SAMPLES = sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("*.txt"))
WHITESPACE_VARIANTS = {
    "full-width spaces on blank lines": lambda text: "\n".join(ln or "\u3000\u3000" for ln in text.split("\n")),
    "spaces on blank lines": lambda text: "\n".join(ln or "   " for ln in text.split("\n")),
    "spaces ending every line": lambda text: "\n".join(ln + "  " for ln in text.split("\n")),
}


@pytest.mark.parametrize("variant", sorted(WHITESPACE_VARIANTS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
def test_whitespace_only_lines_read_as_blank_lines(sample: Path, variant: str) -> None:
    # Copies from Word or PDF often leave spaces on "empty" lines; the table readers use blank
    # lines as row boundaries, so such a report once lost figures (4 of the 2021-form sample).
    text = sample.read_text(encoding="utf-8")
    clean, spaced = parse_report(sample.name, text), parse_report(sample.name, WHITESPACE_VARIANTS[variant](text))

    def figures(report):
        return sorted((f.indicator_code, f.channel_code, f.applicant_type, f.source, f.value, f.source_line)
                      for f in report.facts)

    assert figures(spaced) == figures(clean)
    assert (spaced.meta.region.code, spaced.meta.year, spaced.meta.form_code) == \
        (clean.meta.region.code, clean.meta.year, clean.meta.form_code)


def _box_drawn(text: str) -> str:
    """Tab rows drawn as a box-drawing table (some PDF and Word converters), a rule between rows."""
    out = []
    for line in text.split("\n"):
        if "\t" in line or "|" in line:
            out += ["├────┼────┼────┤", "│" + "│".join(split_line(line)) + "│"]
        else:
            out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("sample", [s for s in SAMPLES if "\t" in s.read_text(encoding="utf-8")
                                    or "|" in s.read_text(encoding="utf-8")], ids=lambda p: p.name[:3])
def test_box_drawn_tables_read_as_pipe_rows(sample: Path) -> None:
    # Drawn with │ and ├──┼──┤ the tables were prose: every table figure of the sample was lost.
    text = sample.read_text(encoding="utf-8")

    def table_figures(t: str) -> dict:
        return {f.key: f.value for f in parse_report(sample.name, t).facts if f.source == "table"}

    clean = table_figures(text)
    assert len(clean) > 50
    assert table_figures(_box_drawn(text)) == clean


def test_box_drawing_characters_normalise_to_pipes_and_rules() -> None:
    assert normalize_text("┌──┬──┐\n│收到申请数│12│\n└──┴──┘") == ["|--|--|", "|收到申请数|12|", "|--|--|"]
    assert is_separator_row(normalize_text("├────┼────┤")[0])


def test_two_tabs_between_every_pair_of_cells_read_as_one():
    rows = ["(一)收到申请数\t\t5\t\t\t\t3", "(二)办结数\t\t4\t\t1\t\t3", "合计\t\t9\t\t1\t\t6"]
    assert undouble_tab_separators("\n".join(rows)).split("\n") == [
        "(一)收到申请数\t5\t\t3", "(二)办结数\t4\t1\t3", "合计\t9\t1\t6"]


def test_one_single_tab_keeps_every_tab_as_printed():
    # A real empty column leaves double tabs in some rows, single ones in others.
    text = "收到申请数\t\t5\t\t3\n办结数\t\t4\t\t1\n合计\t\t9\t\t1\n备注\t2\t3"
    assert undouble_tab_separators(text) == text
    assert undouble_tab_separators("a\t\tb") == "a\t\tb"  # too little evidence


def test_comma_separated_rows_become_tab_rows_only_in_a_delimited_table() -> None:
    from ingest.layout import delimited_rows_as_tabs

    table = ["收到申请数,12,18", "(一)予以公开,14,0,0,0,0,0,14", '"当面申请数","3","5"', "不予公开数;0;—",
             "0,0,0,0,0,0", "网上申请数,9,13"]
    prose = ["全年主动公开政府信息3,200条,其中网站公开3,000条。", "主动公开政府信息共计3,200", "12,345,678",
             "2019年,2020年,2021年"]
    rewritten = delimited_rows_as_tabs(prose + table)
    assert rewritten[:len(prose)] == prose  # thousands separators and prose stay as they are
    assert rewritten[len(prose):] == ["收到申请数\t12\t18", "(一)予以公开\t14\t0\t0\t0\t0\t0\t14", "当面申请数\t3\t5",
                                      "不予公开数;0;—", "0\t0\t0\t0\t0\t0", "网上申请数\t9\t13"]
    # A few such lines in a narrative report are left alone: a table has many rows.
    assert delimited_rows_as_tabs(prose + table[:3]) == prose + table[:3]
