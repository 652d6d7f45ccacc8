"""Flattening printed tables into text the way real conversions do.

Layouts: one cell per line (with or without blank lines between cells), tab
separated, markdown pipes, pipes from a PDF/OCR conversion (placeholder header,
page footers, split labels, lost unit cells), space aligned, HTML rows, and
glued (label and digits run together where that reads back one way only).
Damage is applied to row layouts: a lost value cell or two figures glued
together; the keys of a damaged line are returned so the truth can leave them out.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.corpus.tables import Line, Table

OLD_LAYOUTS = ("cells", "cells_blank_lines", "tab", "pipe", "pipe_ocr", "spaces", "html", "glued", "column_major")
NEW_LAYOUTS = ("cells", "tab", "pipe", "pipe_ocr", "spaces", "html", "glued", "column_major")
ROW_LAYOUTS = frozenset({"tab", "pipe", "pipe_ocr", "spaces", "html"})
BLANK_MARKS = ("—", "/", "-", "")
PAGE_FOOTERS = ("— {n} —", "- {n} -", "第 {n} 页", "{n}")


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


@dataclass(slots=True)
class Row:
    labels: list[str]
    values: list[str]
    keys: list[str | None]
    header: bool = False


@dataclass(slots=True)
class Rendered:
    lines: list[str]  # text lines (an HTML document is one line per element)
    damaged_keys: set[str] = field(default_factory=set)
    damage: list[str] = field(default_factory=list)  # what was done, for the truth file's notes


def table_rows(table: Table, values: dict[str, float]) -> list[Row]:
    rows = [Row(list(h), [], [], True) for h in table.header_rows]
    for line in table.lines:
        rows.append(_row(line, values))
    return rows


def _row(line: Line, values: dict[str, float]) -> Row:
    vals = [fmt(values.get(k)) if k else "" for k in line.keys]
    return Row(list(line.labels), vals, list(line.keys), line.header)


MAX_GLUE_DIGITS = 16  # longer runs are printed separated: splitting them is a search, not a reading


def _numbers(digits: str) -> Iterator[tuple[int, int]]:
    """(value, end) of each number that may start a digit run (a 0 stands alone)."""
    if digits[0] == "0":
        yield 0, 1
        return
    for cut in range(1, len(digits) + 1):
        yield int(digits[:cut]), cut


def unique_total_glue(values: list[str]) -> bool:
    """Digits of a row glued split back exactly one way with the last cell = sum of the others."""
    n = len(values)
    digits = "".join(values)
    if n < 2 or any(not v.isdigit() for v in values) or len(digits) > MAX_GLUE_DIGITS:
        return False

    # ways[(pos, parts)] -> {sum: count (capped at 2)}: split digits[:pos] into `parts` numbers
    ways: dict[tuple[int, int], dict[int, int]] = {(0, 0): {0: 1}}
    for parts in range(n - 1):
        for pos in range(len(digits)):
            here = ways.get((pos, parts))
            if not here:
                continue
            for value, length in _numbers(digits[pos:]):
                nxt = ways.setdefault((pos + length, parts + 1), {})
                for total, count in here.items():
                    nxt[total + value] = min(2, nxt.get(total + value, 0) + count)
    found = 0
    for pos in range(1, len(digits)):
        last = digits[pos:]
        if len(last) > 1 and last[0] == "0":
            continue
        found += ways.get((pos, n - 1), {}).get(int(last), 0)
        if found > 1:
            return False
    return found == 1


def unique_pair_glue(a: str, b: str) -> bool:
    """a+b splits one way only into x|y with x <= y (the cumulative column is never smaller)."""
    if not (a.isdigit() and b.isdigit()):
        return False
    run = a + b
    ok = 0
    for k in range(1, len(run)):
        x, y = run[:k], run[k:]
        if any(len(p) > 1 and p[0] == "0" for p in (x, y)):
            continue
        ok += int(x) <= int(y)
    return ok == 1


def damage_rows(rows: list[Row], rng: random.Random, lost_rate: float, glue_rate: float) -> tuple[set[str], list[str]]:
    """Drop a value cell or glue two figures in some lines; returns the keys made ambiguous."""
    hit: set[str] = set()
    notes: list[str] = []
    for row in rows:
        filled = [i for i, v in enumerate(row.values) if v]
        if row.header or not filled:
            continue
        if rng.random() < lost_rate:
            i = rng.choice(filled)
            del row.values[i]
            notes.append(f"lost cell in {_name(row)}")
            hit.update(k for k in row.keys if k)
        elif len(filled) >= 2 and rng.random() < glue_rate:
            i = rng.randrange(len(row.values) - 1)
            if row.values[i] and row.values[i + 1]:
                row.values[i: i + 2] = [row.values[i] + row.values[i + 1]]
                notes.append(f"glued figures in {_name(row)}")
                hit.update(k for k in row.keys if k)
    return hit, notes


def _name(row: Row) -> str:
    return (row.labels[-1] if row.labels else "value line")[:20]


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _blank(rng: random.Random, v: str) -> str:
    return v if v else rng.choice(BLANK_MARKS)


def render_rows(rows: list[Row], layout: str, rng: random.Random, old_form: bool,
                last_is_total: bool = False) -> list[str]:
    """One table's rows as text lines in `layout` (HTML: one <table> element)."""
    if layout == "tab":
        return ["\t".join(r.labels + r.values) for r in rows]
    if layout == "pipe":
        width = max(len(r.labels) + len(r.values) for r in rows)
        return [_pipe([f"列{i + 1}" if i else "项目" for i in range(width)]), "|" + "---|" * width] + [
            _pipe(r.labels + r.values) for r in rows]
    if layout == "pipe_ocr":
        return _pipe_ocr(rows, rng, old_form)
    if layout == "spaces":
        gap = " " * rng.randint(2, 6)
        return [gap.join([c for c in r.labels if c] + [_blank(rng, v) if old_form else v for v in r.values]).rstrip()
                for r in rows]
    if layout == "html":
        return ["<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r.labels + r.values) + "</tr>"
                                    for r in rows) + "</table>"]
    if layout in ("cells", "cells_blank_lines"):
        out: list[str] = []
        for r in rows:
            cells = [c for c in r.labels if c or old_form] + [_blank(rng, v) for v in r.values]
            for c in cells:
                out.append(c if c or layout == "cells" else "—")
                if layout == "cells_blank_lines":
                    out.append("")
        return out
    if layout == "glued":
        return [_glued(r, old_form, last_is_total) for r in rows]
    if layout == "column_major":
        return _column_major(rows, rng) if old_form else _column_major_new(rows, rng)
    raise ValueError(f"unknown layout {layout!r}")


def _glued(row: Row, old_form: bool, last_is_total: bool) -> str:
    if row.header or not any(row.values):
        return "\t".join(row.labels + row.values)
    label = row.labels[0] if old_form else "  ".join(c for c in row.labels if c)
    vals = row.values
    if old_form:
        if len(vals) == 1:
            return label + vals[0]
        if len(vals) == 2 and unique_pair_glue(vals[0], vals[1]):
            return label + vals[0] + vals[1]
        return "\t".join(row.labels + vals)
    body = "".join(vals) if last_is_total and unique_total_glue(vals) else " ".join(vals)
    return (label + " " if label else "") + body


def _pipe_ocr(rows: list[Row], rng: random.Random, old_form: bool) -> list[str]:
    """PDF/OCR conversion: placeholder header, page footers, a split long label, lost unit cells."""
    width = max(len(r.labels) + len(r.values) for r in rows)
    out = [_pipe([f"Col{i + 1}" for i in range(width)]), "|" + "---|" * width]
    page = rng.randint(2, 9)
    every = rng.randint(12, 20)
    split_done = False
    for i, r in enumerate(rows):
        if i and i % every == 0:
            out.append(rng.choice(PAGE_FOOTERS).format(n=page))
            page += 1
        labels = list(r.labels)
        if not split_done and not r.header and labels and len(labels[0]) >= 12 and rng.random() < 0.3:
            cut = len(labels[0]) - 3
            out.append(_pipe([labels[0][:cut]] + [""] * (width - 1)))
            labels[0] = labels[0][cut:]
            split_done = True
        if old_form and not r.header and len(labels) == 2 and i % 5 == 3:
            labels = labels[:1]  # the unit column lost in conversion
        out.append(_pipe(labels + r.values))
    return out


def _column_major(rows: list[Row], rng: random.Random) -> list[str]:
    """Text extracted from a PDF column by column, page by page: the column headings, then
    the label column, the unit column and each value column, one cell per line. A group row's
    empty cell prints a dash, or nothing (the extractor drops it); so do empty unit cells."""
    headings = [r for r in rows if r.header and not r.values]
    body = [r for r in rows if not (r.header and not r.values)]
    dash = rng.choice(["——", "—", ""])
    gaps = rng.random() < 0.5  # an empty line after every cell
    out: list[str] = []
    start = 0
    page = 0
    while start < len(body):
        size = rng.randint(14, 26)
        chunk = body[start:start + size]
        start += size
        page += 1
        columns = [[c for r in headings for c in r.labels]]
        columns.append([r.labels[0] for r in chunk])
        columns.append([r.labels[1] for r in chunk if len(r.labels) > 1 and r.labels[1]])
        width = max(len(r.values) for r in chunk)
        for i in range(width):
            columns.append([(r.values[i] if i < len(r.values) else "") or dash for r in chunk])
        for column in columns:
            for cell in column:
                if cell:
                    out.append(cell)
                    if gaps:
                        out.append("")
        if start < len(body):
            out.append(rng.choice(PAGE_FOOTERS).format(n=page))
    return out


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [text]


def _column_major_new(rows: list[Row], rng: random.Random) -> list[str]:
    """A 2019+ table extracted from a PDF column by column, page by page: the header cells (all
    first, or each column heading above its figures on the first page), then the label columns
    (group and top labels, then the numbered items: a matrix's label column is itself two or
    three columns), then each value column top to bottom. Long labels wrap in the narrow label
    column, four-character headings may wrap in two; blank cells print a dash."""
    n_head = 0
    while n_head < len(rows) and rows[n_head].header and not rows[n_head].keys:
        n_head += 1
    heads, body = rows[:n_head], rows[n_head:]
    width = max((len(r.values) for r in body), default=0)
    headings = [c for c in heads[-1].labels if c][-width:] if heads and width else []
    above_columns = rng.random() < 0.5
    label_width = rng.randint(8, 14)
    wrap_headings = rng.random() < 0.5
    gaps = rng.random() < 0.3
    out: list[str] = []

    def put(cell: str, wrap: int = 0) -> None:
        for piece in _wrap(cell, wrap) if wrap else [cell]:
            out.append(piece)
            if gaps:
                out.append("")

    def heading(cell: str) -> None:
        if wrap_headings and len(cell) == 4:
            put(cell[:2])
            put(cell[2:])
        else:
            put(cell)

    for h in heads[:-1] if above_columns else heads:
        for c in h.labels:
            if c and h is heads[-1]:
                heading(c)
            elif c:
                put(c)
    if above_columns and heads:
        for c in [c for c in heads[-1].labels if c][:-width or None]:
            put(c)
    start = 0
    page = rng.randint(2, 9)
    while start < len(body):
        chunk = body[start:start + rng.randint(14, 26)]
        first = start == 0
        start += len(chunk)
        labels = [c for r in chunk for c in r.labels if c]
        for c in [c for c in labels if not c[:1].isdigit()] + [c for c in labels if c[:1].isdigit()]:
            put(c, label_width)
        for i in range(width):
            if first and above_columns and i < len(headings):
                heading(headings[i])
            for r in chunk:
                if r.values:
                    put(r.values[i] if i < len(r.values) and r.values[i] else "—")
        if start < len(body):
            out.append(rng.choice(PAGE_FOOTERS).format(n=page))
            page += 1
    return out
