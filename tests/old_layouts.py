"""Test helper: render the old_2008 form, with given figures, in every layout real files use.

The rows, labels, units and invariants come from the form YAML (via
`ingest.forms`), so the synthetic corpus follows the form when it changes.
`render` returns normalised lines, exactly what `parse_old_table` receives.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ingest.forms import FormRow, get_form
from ingest.text import normalize_text

FORM = get_form("old_2008")
LAYOUTS = ("cells", "cells_blank_lines", "tab", "pipe", "pipe_ocr", "spaces", "html", "glued")
CN_NUMS = "一二三四五六七八九十"

# row_key -> (this year, cumulative); None means the cell is left blank
Values = dict[str, tuple[float | None, float | None]]

PROSE_BEFORE = [
    "某县2015年政府信息公开工作年度报告",
    "一、概述",
    "全年共收到申请数12件, 主动公开政府信息数较上年增长。",
    "(一)收到申请数",
    "本年度全县共受理政府信息公开申请, 均已按时答复。",
    "附件: 政府信息公开情况统计表",
]
PROSE_AFTER = ["以上数据统计期限为1月1日至12月31日。", "某县人民政府办公室"]


def data_rows() -> list[FormRow]:
    return [r for r in FORM.rows if r.indicator_code]


def fmt(v: float) -> str:
    return f"{v:g}"


def _labels() -> list[str]:
    """Printed labels with the form's numbering style; header rows get 一、二、…"""
    out, section_no, item_no = [], 0, 0
    for row in FORM.rows:
        if row.indicator_code is None:
            section_no += 1
            item_no = 0
            out.append(f"{CN_NUMS[(section_no - 1) % 10]}、{row.label}")
        else:
            item_no += 1
            note = f"({row.note})" if row.note and "," not in row.note else ""
            out.append(f"{item_no}.{row.label}{note}")
    return out


def _header(cumulative: bool) -> list[str]:
    return ["统计指标", "单位", "统计数"] + (["历年累计"] if cumulative else [])


def _row_cells(row: FormRow, label: str, vals: tuple[float | None, float | None] | None,
               cumulative: bool, blank: str) -> list[str]:
    if row.indicator_code is None:
        cells = [label, blank, blank] + ([blank] if cumulative else [])
        return cells
    this, cum = vals if vals else (None, None)
    cells = [label, row.unit, fmt(this) if this is not None else blank]
    if cumulative:
        cells.append(fmt(cum) if cum is not None else blank)
    return cells


def _table_rows(values: Values, cumulative: bool, blank: str) -> list[list[str]]:
    return [_row_cells(r, lab, values.get(r.key), cumulative, blank)
            for r, lab in zip(FORM.rows, _labels(), strict=True)]


def unique_glue(this: float, cum: float) -> bool:
    """True when str(this)+str(cum) has exactly one split a|b with a <= b (no leading zeros)."""
    run = fmt(this) + fmt(cum)
    ok = 0
    for k in range(1, len(run)):
        a, b = run[:k], run[k:]
        if any(len(p) > 1 and p[0] == "0" for p in (a, b)) or "." in a + b:
            continue
        ok += int(a) <= int(b)
    return ok == 1


def render(values: Values, layout: str, cumulative: bool = False, seed: int = 0) -> list[str]:
    """The form filled with `values`, flattened the way `layout` does, as normalised lines."""
    rng = random.Random(seed)
    builders: dict[str, Callable[[Values, bool, random.Random], list[str]]] = {
        "cells": _cells,
        "cells_blank_lines": _cells_blank_lines,
        "tab": lambda v, c, r: ["\t".join(x) for x in [_header(c), *_table_rows(v, c, "")]],
        "pipe": _pipe,
        "pipe_ocr": _pipe_ocr,
        "spaces": _spaces,
        "html": _html,
        "glued": _glued,
    }
    body = builders[layout](values, cumulative, rng)
    if layout == "html":
        return normalize_text("\n".join(body))
    return normalize_text("\n".join(PROSE_BEFORE + body + PROSE_AFTER))


def _cells(values: Values, cumulative: bool, rng: random.Random) -> list[str]:
    out = list(_header(cumulative))
    for cells in _table_rows(values, cumulative, "\x00"):
        out.extend(rng.choice(["—", "/", "-", "\u00a0", ""]) if c == "\x00" else c for c in cells)
    return out


def _cells_blank_lines(values: Values, cumulative: bool, rng: random.Random) -> list[str]:
    out: list[str] = []
    for c in _cells(values, cumulative, rng):
        out.extend([c if c else "—", ""])
    return out


def _pipe_line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _pipe(values: Values, cumulative: bool, rng: random.Random) -> list[str]:
    header = _header(cumulative)
    return [_pipe_line(header), "|" + "---|" * len(header)] + [
        _pipe_line(c) for c in _table_rows(values, cumulative, "")]


def _pipe_ocr(values: Values, cumulative: bool, rng: random.Random) -> list[str]:
    """PDF/OCR conversion: placeholder header, page footers, a split label, lost unit cells."""
    width = len(_header(cumulative))
    out = [_pipe_line([f"Col{i + 1}" for i in range(width)]), "|" + "---|" * width]
    long_rows = [i for i, r in enumerate(FORM.rows) if r.indicator_code and len(r.label) >= 10]
    split_at = rng.choice(long_rows)
    for i, cells in enumerate(_table_rows(values, cumulative, "")):
        if i and i % 17 == 0:
            out.append(rng.choice(["— 4 —", "- 5 -", _pipe_line(["— 6 —"] + [""] * (width - 1))]))
        if i == split_at:
            label = cells[0]
            cut = len(label) - 3
            out.append(_pipe_line([label[:cut]] + [""] * (width - 1)))
            cells = [label[cut:], *cells[1:]]
        if FORM.rows[i].indicator_code and i % 5 == 3:
            cells = [cells[0], *cells[2:]]  # the unit column lost in conversion
        out.append(_pipe_line(cells))
    return out


def _spaces(values: Values, cumulative: bool, rng: random.Random) -> list[str]:
    return ["    ".join(_header(cumulative))] + [
        (" " * rng.randint(2, 6)).join(c) for c in _table_rows(values, cumulative, "—")]


def _html(values: Values, cumulative: bool, rng: random.Random) -> list[str]:
    def tr(cells: list[str]) -> str:
        return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    return (["<html><body>"] + [f"<p>{p}</p>" for p in PROSE_BEFORE] + ["<table>", tr(_header(cumulative))]
            + [tr(c) for c in _table_rows(values, cumulative, "")] + ["</table>"]
            + [f"<p>{p}</p>" for p in PROSE_AFTER] + ["</body></html>"])


def _glued(values: Values, cumulative: bool, rng: random.Random) -> list[str]:
    """Label and figures run together where that is readable; other rows tab-separated."""
    out = ["\t".join(_header(cumulative))]
    for row, cells in zip(FORM.rows, _table_rows(values, cumulative, ""), strict=True):
        this, cum = values.get(row.key, (None, None))
        if row.indicator_code and this is not None and not cumulative:
            out.append(f"{cells[0]}{fmt(this)}")
        elif row.indicator_code and this is not None and cum is not None and unique_glue(this, cum):
            out.append(f"{cells[0]}{fmt(this)}{fmt(cum)}")
        else:
            out.append("\t".join(cells))
    return out


def expected(values: Values, cumulative: bool) -> dict[tuple[str, str, str], float]:
    """(indicator, channel, column) -> figure that a correct parse must return."""
    out = {}
    for row in data_rows():
        this, cum = values.get(row.key, (None, None))
        if this is not None:
            out[(row.indicator_code, row.channel_code, "this_year")] = this
        if cumulative and cum is not None:
            out[(f"{row.indicator_code}_cumulative", row.channel_code, "cumulative")] = cum
    return out


def invariant_values(rng: random.Random, cumulative: bool = False, blank_share: float = 0.0,
                     high: int = 3000) -> Values:
    """Random figures satisfying every rule of the form (eq sums and le bounds), in both columns."""
    key_of = {r.key: _fact_key(r) for r in data_rows()}
    row_of = {v: k for k, v in key_of.items()}
    eq = [r for r in FORM.rules if r.op == "eq"]
    totals = {r.total for r in eq}
    this: dict[str, float] = {}
    cum: dict[str, float] = {}
    for row in data_rows():
        k = key_of[row.key]
        if k not in totals:
            this[k] = rng.choice([0, 0, rng.randint(0, 20), rng.randint(0, high)])
            cum[k] = this[k] + rng.choice([0, rng.randint(0, high)])
    for col in (this, cum):
        pending = list(eq)
        while pending:
            for rule in list(pending):
                if all(p in col for p in rule.parts):
                    col[rule.total] = sum(col[p] for p in rule.parts)
                    pending.remove(rule)
        for rule in FORM.rules:
            if rule.op == "le":
                col[rule.total] = max(col[rule.total], *(col[p] for p in rule.parts))
    values: Values = {}
    for k, v in this.items():
        key = row_of[k]
        blank = rng.random() < blank_share
        values[key] = (None if blank else v, (None if blank else cum[k]) if cumulative else None)
    return values


def _fact_key(row: FormRow) -> str:
    return row.indicator_code + (f"/{row.channel_code}" if row.channel_code != "all" else "")
