"""Test helper: render the old_2008 form, with given figures, in every layout real files use.

The rows, labels, aliases, units, columns and invariants come from the form
YAML (via `ingest.forms`), so the synthetic corpus follows the form when it
changes. A `Variant` picks which rows a printing has (the 2008-era table with
six request channels and a 历年累计 column, the 2016 revision with four
channels and the 回应解读 block) and its wording (local printings say 受理 for
收到 and 否决 for 不同意). `render` returns normalised lines, exactly what
`parse_old_table` receives.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ingest.forms import FormRow, fact_key, get_form
from ingest.text import normalize_text

FORM = get_form("old_2008")
CUMULATIVE_SUFFIX = next(c["indicator_suffix"] for c in FORM.columns if c["key"] == "cumulative")
LAYOUTS = ("cells", "cells_blank_lines", "tab", "pipe", "pipe_ocr", "spaces", "html", "glued", "column_major")
CN_NUMS = "一二三四五六七八九十"
EQ_RULES = [r for r in FORM.rules if r.op == "eq" and r.severity == "error"]

# row_key -> (this year, cumulative); None means the cell is left blank
Values = dict[str, tuple[float | None, float | None]]


@dataclass(frozen=True)
class Variant:
    """One printing of the form: which rows it has, whether it has 历年累计, how it words labels."""

    name: str
    cumulative: bool
    absent: frozenset[str] = frozenset()  # row keys (and section headers) not printed
    local_words: tuple[str, ...] = ()  # prefer aliases with these words (local wording)
    random_aliases: bool = False  # pick any printed wording of each label


_RESPONSE_ROWS = frozenset(r.key for r in FORM.rows if r.section == "response")
_CHANNELS_2008_ONLY = frozenset({"requests_email", "requests_other_channel"})
_CHANNELS_2016_ONLY = frozenset({"proactive_weibo", "proactive_wechat"})

VARIANTS = {
    # 2016 revision: four request channels, one figure column.
    "national_2016": Variant("national_2016", False, _CHANNELS_2008_ONLY),
    # 2008-era printing: six request channels, 本年 and 历年累计 side by side, no 回应解读 block.
    "national_2008": Variant("national_2008", True, _RESPONSE_ROWS | _CHANNELS_2016_ONLY),
    # Local 2008-era printing: 受理 instead of 收到, 否决 instead of 不同意公开.
    "local_2008": Variant("local_2008", True, _RESPONSE_ROWS | _CHANNELS_2016_ONLY, ("受理", "否决")),
    # A local printing mixing every wording the form declares.
    "local_mixed": Variant("local_mixed", True, _CHANNELS_2008_ONLY, random_aliases=True),
}

PROSE_BEFORE = [
    "某县2015年政府信息公开工作年度报告",
    "一、概述",
    "全年共收到申请数12件, 主动公开政府信息数较上年增长。",
    "(一)收到申请数",
    "本年度全县共受理政府信息公开申请, 均已按时答复。",
    "附件: 政府信息公开情况统计表",
]
PROSE_AFTER = ["以上数据统计期限为1月1日至12月31日。", "某县人民政府办公室"]


def data_rows(variant: Variant | None = None) -> list[FormRow]:
    absent = variant.absent if variant else frozenset()
    return [r for r in FORM.rows if r.indicator_code and r.key not in absent]


def fmt(v: float) -> str:
    return f"{v:g}"


def _wording(row: FormRow, variant: Variant, rng: random.Random) -> str:
    choices = [row.label, *row.aliases]
    if variant.local_words:
        local = [a for a in row.aliases if any(w in a for w in variant.local_words)]
        if local:
            return local[0]
    if variant.random_aliases:
        return rng.choice(choices)
    return row.label


def printed_rows(variant: Variant, rng: random.Random) -> list[tuple[FormRow, str]]:
    """(row, printed label) for the rows this printing has, numbered as the form numbers them."""
    out, section_no, item_no = [], 0, 0
    for row in FORM.rows:
        if row.key in variant.absent:
            continue
        if row.indicator_code is None:
            section_no += 1
            item_no = 0
            out.append((row, f"{CN_NUMS[(section_no - 1) % 10]}、{row.label}"))
        else:
            item_no += 1
            out.append((row, f"{item_no}.{_wording(row, variant, rng)}"))
    return out


def _header(cumulative: bool) -> list[str]:
    labels = {c["key"]: c["label"] for c in FORM.columns}
    return ["统计指标", "单位", labels["this_year"]] + ([labels["cumulative"]] if cumulative else [])


@dataclass(frozen=True)
class _Table:
    variant: Variant
    values: Values
    rows: list[tuple[FormRow, str]]

    @property
    def cumulative(self) -> bool:
        return self.variant.cumulative

    def cells(self, blank: str) -> list[list[str]]:
        out = []
        for row, label in self.rows:
            if row.indicator_code is None:
                out.append([label, blank, blank] + ([blank] if self.cumulative else []))
                continue
            this, cum = self.values.get(row.key, (None, None))
            cells = [label, row.unit, fmt(this) if this is not None else blank]
            if self.cumulative:
                cells.append(fmt(cum) if cum is not None else blank)
            out.append(cells)
        return out


def render(values: Values, layout: str, variant: Variant | bool = False, seed: int = 0) -> list[str]:
    """The form filled with `values`, flattened the way `layout` does, as normalised lines.

    `variant` may be a Variant or, for the plain national form with every row, a
    bool saying whether the 历年累计 column is printed.
    """
    if isinstance(variant, bool):
        variant = Variant("all_rows", variant)
    rng = random.Random(seed)
    table = _Table(variant, values, printed_rows(variant, rng))
    builders: dict[str, Callable[[_Table, random.Random], list[str]]] = {
        "cells": _cells,
        "cells_blank_lines": _cells_blank_lines,
        "tab": lambda t, r: ["\t".join(x) for x in [_header(t.cumulative), *t.cells("")]],
        "pipe": _pipe,
        "pipe_ocr": _pipe_ocr,
        "spaces": _spaces,
        "html": _html,
        "glued": _glued,
        "column_major": _column_major,
    }
    body = builders[layout](table, rng)
    if layout == "html":
        return normalize_text("\n".join(body))
    return normalize_text("\n".join(PROSE_BEFORE + body + PROSE_AFTER))


def _cells(table: _Table, rng: random.Random) -> list[str]:
    """One cell per line, blank cells as markers or empty lines, one long label broken over two lines."""
    out = list(_header(table.cumulative))
    long_rows = [i for i, (r, lab) in enumerate(table.rows) if r.indicator_code and len(lab) >= 10]
    split_at = rng.choice(long_rows)
    for i, cells in enumerate(table.cells("\x00")):
        if i == split_at:
            out.append(cells[0][:-3])
            cells = [cells[0][-3:], *cells[1:]]
        out.extend(rng.choice(["—", "/", "-", "\u00a0", ""]) if c == "\x00" else c for c in cells)
    return out


def _cells_blank_lines(table: _Table, rng: random.Random) -> list[str]:
    out: list[str] = []
    for c in _cells(table, rng):
        out.extend([c if c else "—", ""])
    return out


def _pipe_line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _pipe(table: _Table, rng: random.Random) -> list[str]:
    header = _header(table.cumulative)
    return [_pipe_line(header), "|" + "---|" * len(header)] + [_pipe_line(c) for c in table.cells("")]


def _pipe_ocr(table: _Table, rng: random.Random) -> list[str]:
    """PDF/OCR conversion: placeholder header, page footers, a label split over two rows, lost unit cells."""
    width = len(_header(table.cumulative))
    out = [_pipe_line([f"Col{i + 1}" for i in range(width)]), "|" + "---|" * width]
    long_rows = [i for i, (r, lab) in enumerate(table.rows) if r.indicator_code and len(lab) >= 10]
    split_at = rng.choice(long_rows)
    footers = ["— 4 —", "- 5 -", "第 3 页", "第3页 共8页", _pipe_line(["— 6 —"] + [""] * (width - 1)),
               _pipe_line(["第 7 页"] + [""] * (width - 1))]
    for i, cells in enumerate(table.cells("")):
        if i and i % 17 == 0:
            out.append(rng.choice(footers))
        if i == split_at:
            label = cells[0]
            cut = len(label) - 3
            out.append(_pipe_line([label[:cut]] + [""] * (width - 1)))
            cells = [label[cut:], *cells[1:]]
        if table.rows[i][0].indicator_code and i % 5 == 3:
            cells = [cells[0], *cells[2:]]  # the unit column lost in conversion
        out.append(_pipe_line(cells))
    return out


def _column_major(table: _Table, rng: random.Random) -> list[str]:
    """Text extracted from a PDF column by column, page by page: the headings, the label
    column, the unit column and the value columns, one cell per line, a page number under
    each page but the last. Empty cells print a dash, or (a table with no empty figure cell)
    nothing: the extractor drops them, as it drops empty unit cells."""
    rows = table.cells("\x00")
    has_blank_figure = any(c == "\x00" for (row, _), cells in zip(table.rows, rows, strict=True)
                           if row.indicator_code for c in cells[2:])
    dash = rng.choice(["——", "—", "/"]) if has_blank_figure or rng.random() < 0.5 else ""
    gaps = rng.random() < 0.5
    out: list[str] = []
    start = page = 0
    while start < len(rows):
        size = rng.randint(10, 30)
        chunk = rows[start:start + size]
        start += size
        page += 1
        columns = [_header(table.cumulative)] + [[c[i] for c in chunk] for i in range(len(chunk[0]))]
        for i, column in enumerate(columns):
            for cell in column:
                text = (dash if i > 2 else "") if cell == "\x00" else cell
                if text:
                    out.extend([text, ""] if gaps else [text])
        if start < len(rows):
            out.append(rng.choice([str(page), f"— {page} —", f"第 {page} 页"]))
    return out


def _spaces(table: _Table, rng: random.Random) -> list[str]:
    return ["    ".join(_header(table.cumulative))] + [
        (" " * rng.randint(2, 6)).join(c) for c in table.cells("—")]


def _html(table: _Table, rng: random.Random) -> list[str]:
    def tr(cells: list[str]) -> str:
        return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    return (["<html><body>"] + [f"<p>{p}</p>" for p in PROSE_BEFORE] + ["<table>", tr(_header(table.cumulative))]
            + [tr(c) for c in table.cells("")] + ["</table>"]
            + [f"<p>{p}</p>" for p in PROSE_AFTER] + ["</body></html>"])


# ---------------------------------------------------------------- glued cells


def _key(row: FormRow) -> str:
    return fact_key(row.indicator_code or "", row.channel_code, row.applicant_type)


def glue_splits(this: float, cum: float) -> list[tuple[int, int]]:
    """Cuts of str(this)+str(cum) into two integers a <= b without leading zeros."""
    run = fmt(this) + fmt(cum)
    out = []
    for k in range(1, len(run)):
        a, b = run[:k], run[k:]
        if any(len(p) > 1 and p[0] == "0" for p in (a, b)) or "." in a + b:
            continue
        if int(a) <= int(b):
            out.append((int(a), int(b)))
    return out


def unique_glue(this: float, cum: float) -> bool:
    """True when str(this)+str(cum) has exactly one split a|b with a <= b (no leading zeros)."""
    return len(glue_splits(this, cum)) == 1


def _rule_holds(rule_members: list[str], total: str, known: dict[str, float | None]) -> bool | None:
    vals = [known.get(m) for m in rule_members]
    if any(v is None for v in vals):
        return None
    return abs(known[total] - sum(known[m] for m in rule_members if m != total)) < 1e-9  # type: ignore[operator]


def glueable(table: _Table, glued: set[str]) -> dict[str, bool]:
    """Rows whose glued figures have exactly one reading given the other rows' printed figures.

    Independent of the parser: enumerates every cut and checks the form's eq
    sums in both columns, with unprinted rows as 0 and blank or glued rows
    unknown. At most one glued row per sum, so no reading depends on another
    glued row. `glued` collects the rows chosen.
    """
    printed = {_key(r) for r, _ in table.rows if r.indicator_code}
    cols: list[dict[str, float | None]] = [{}, {}]
    for row in FORM.rows:
        if not row.indicator_code:
            continue
        vals = table.values.get(row.key, (None, None)) if _key(row) in printed else (0.0, 0.0)
        for c in (0, 1):
            cols[c][_key(row)] = vals[c]
    used_rules: set[str] = set()
    out = {}
    for row, _ in table.rows:
        this, cum = table.values.get(row.key, (None, None))
        if row.indicator_code is None or this is None or cum is None:
            continue
        key = _key(row)
        rules = [r for r in EQ_RULES if key in (r.total, *r.parts)]
        if any(r.name in used_rules for r in rules):
            continue
        fitting = []
        for a, b in glue_splits(this, cum):
            ok = True
            for rule in rules:
                members = [rule.total, *rule.parts]
                if not any(m in printed for m in members if m != key):
                    continue  # nothing printed to check against
                for c, v in ((0, a), (1, b)):
                    known = {m: (v if m == key else (None if m in glued else cols[c][m])) for m in members}
                    if _rule_holds(members, rule.total, known) is False:
                        ok = False
            if ok:
                fitting.append((a, b))
        if fitting == [(this, cum)]:
            out[row.key] = True
            glued.add(key)
            used_rules.update(r.name for r in rules)
    return out


def _glued(table: _Table, rng: random.Random) -> list[str]:
    """Label and figures run together where that is readable; other rows tab- or space-separated."""
    out = ["\t".join(_header(table.cumulative))]
    readable = glueable(table, set()) if table.cumulative else {}
    for (row, _), cells in zip(table.rows, table.cells(""), strict=True):
        this, cum = table.values.get(row.key, (None, None))
        label, unit = cells[0], cells[1]
        if row.indicator_code and this is not None and not table.cumulative:
            out.append(rng.choice([f"{label}{fmt(this)}", f"{label}{unit}{fmt(this)}", f"{label}{fmt(this)}{unit}"]))
        elif row.key in readable:
            out.append(rng.choice([f"{label}{fmt(this)}{fmt(cum)}", f"{label}{unit}{fmt(this)}{fmt(cum)}"]))
        elif row.indicator_code and this is not None and cum is not None and rng.random() < 0.5:
            out.append(f"{label} {unit} {fmt(this)} {fmt(cum)}")  # single spaces: no column alignment
        else:
            out.append("\t".join(cells))
    return out


# ---------------------------------------------------------------- figures


def expected(values: Values, variant: Variant | bool) -> dict[tuple[str, str, str], float]:
    """(indicator, channel, column) -> figure that a correct parse must return."""
    if isinstance(variant, bool):
        variant = Variant("all_rows", variant)
    out = {}
    for row in data_rows(variant):
        this, cum = values.get(row.key, (None, None))
        if this is not None:
            out[(row.indicator_code, row.channel_code, "this_year")] = this
        if variant.cumulative and cum is not None:
            out[(f"{row.indicator_code}{CUMULATIVE_SUFFIX}", row.channel_code, "cumulative")] = cum
    return out


def invariant_values(rng: random.Random, variant: Variant | bool = False, blank_share: float = 0.0,
                     high: int = 3000) -> Values:
    """Random figures satisfying every rule of the form (sums, bounds, 本年 ≤ 累计) for the rows printed.

    Rows the variant does not print are 0, as the parser assumes.
    """
    if isinstance(variant, bool):
        variant = Variant("all_rows", variant)
    key_of = {r.key: _key(r) for r in data_rows()}
    row_of = {v: k for k, v in key_of.items()}
    totals = {r.total for r in EQ_RULES}
    this: dict[str, float] = {}
    cum: dict[str, float] = {}
    for row in data_rows():
        k = key_of[row.key]
        if k in totals:
            continue
        if row.key in variant.absent:
            this[k] = cum[k] = 0
            continue
        this[k] = rng.choice([0, 0, rng.randint(0, 20), rng.randint(0, high)])
        cum[k] = this[k] + rng.choice([0, rng.randint(0, high)])
    for col in (this, cum):
        pending = list(EQ_RULES)
        while pending:
            for rule in list(pending):
                if all(p in col for p in rule.parts):
                    col[rule.total] = sum(col[p] for p in rule.parts)
                    pending.remove(rule)
        for rule in FORM.rules:
            if rule.op == "le" and rule.total in col:
                col[rule.total] = max(col[rule.total], *(col[p] for p in rule.parts))
    values: Values = {}
    for k, v in this.items():
        key = row_of[k]
        if key in variant.absent:
            continue
        blank = rng.random() < blank_share
        values[key] = (None if blank else v, (None if blank else cum[k]) if variant.cumulative else None)
    return values
