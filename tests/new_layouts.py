"""Test helper: render the 2019+ forms (from their YAML) in the layouts real reports use.

Values are keyed by fact key (`indicator[@applicant]`). The renderer reads the
form's rows and columns from `ingest.forms.load_forms()` only, so a test built
on it checks the parser against the form declaration, not against itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ingest.forms import Form, fact_key, load_forms

LAYOUTS = ("tab", "cell_per_line", "pipe", "space", "html", "glued", "column_major")
CN_NUMBERS = "一二三四五六七八九十"
TOP_LEVEL = ("received", "carried_over", "outcomes_header", "carried_forward")
PROSE_BEFORE = [
    "某某县人民政府2021年政府信息公开工作年度报告",
    "一、总体情况",
    "全年共受理政府信息公开申请, 均依法予以公开或答复, 行政许可和行政处罚信息按时公开。",
    "",
]
PROSE_AFTER = ["", "五、存在的主要问题及改进情况", "部分单位对行政复议和行政诉讼工作重视不够, 将进一步改进。"]


@dataclass(frozen=True)
class PrintedLine:
    """A printed row of a form table: its label and the fact key of each cell (None = no cell)."""

    label: str
    keys: tuple[str, ...]
    group: str | None = None  # matrix group label printed before the first item of a group


@dataclass(frozen=True)
class PrintedTable:
    section: str
    title: str
    headers: tuple[str, ...]
    lines: tuple[PrintedLine, ...]


def _title(section: str) -> str:
    if section.startswith("art20_"):
        return f"第二十条第({CN_NUMBERS[int(section.split('_')[1]) - 1]})项"
    return {"requests": "三、收到和处理政府信息公开申请情况",
            "review_litigation": "四、政府信息公开行政复议、行政诉讼情况"}.get(section, section)


def _matrix_labels(form: Form) -> list[tuple[str, str, bool]]:
    """(row key, numbered label, has figures) for the request matrix in printed order."""
    rows = [r for r in form.rows if r.section == "requests"]
    out = []
    top = second = item = 0
    in_group = False
    for r in rows:
        if r.key in TOP_LEVEL:
            label = f"{CN_NUMBERS[top]}、{r.label}"
            top += 1
            in_group = False
        elif r.key.endswith("_header") or r.key in ("granted", "partially_granted", "total_handled", "other_outcome"):
            label = f"({CN_NUMBERS[second]}) {r.label}"
            second += 1
            in_group = r.key.endswith("_header")
            item = 0
        elif in_group:
            item += 1
            label = f"{item}.{r.label}"
        else:
            label = r.label
        out.append((r.key, label, r.indicator_code is not None))
    return out


def printed_tables(form_code: str, column_set: int = 0) -> list[PrintedTable]:
    form = load_forms()[form_code]
    tables: list[PrintedTable] = []
    sections = list(dict.fromkeys(r.section for r in form.rows if r.section != "derived"))
    for section in sections:
        cols = form.printed_columns(section, column_set)  # 0: the form's own, 1: with 小计, 2: merged
        headers = tuple(str(c["label"]) for c in cols)
        if section == "requests":
            lines = []
            group = None
            for key, label, has_figures in _matrix_labels(form):
                if not has_figures:
                    group = label if key != "outcomes_header" else None
                    if key == "outcomes_header":
                        lines.append(PrintedLine(label, ()))
                    continue
                row = form.row(key)
                keys = tuple(fact_key(row.indicator_code or "", row.channel_code, c["applicant"]) for c in cols)
                lines.append(PrintedLine(label, keys, group))
                group = None
            tables.append(PrintedTable(section, _title(section), headers, tuple(lines)))
            continue
        by_line: dict[str, dict[str, str]] = {}
        labels: dict[str, str] = {}
        for r in form.rows:
            if r.section == section:
                line, column = r.key.split(".", 1)
                by_line.setdefault(line, {})[column] = fact_key(r.indicator_code or "")
                labels[line] = r.label
        lines = tuple(PrintedLine(labels[ln], tuple(cells[c["key"]] for c in cols)) for ln, cells in by_line.items())
        tables.append(PrintedTable(section, _title(section), headers, lines))
    return tables


# --------------------------------------------------------------------------- values


def random_values(form_code: str, rng: random.Random, column_set: int = 0, hi: int = 60) -> dict[str, float]:
    """Figures for every cell of the form that satisfy its invariants (by construction)."""
    form = load_forms()[form_code]
    values: dict[str, float] = {}
    for table in printed_tables(form_code):
        if table.section.startswith("art20_"):
            for line in table.lines:
                for key in line.keys:
                    row = next(r for r in form.rows if fact_key(r.indicator_code or "") == key)
                    if row.unit == "万元":
                        values[key] = round(rng.uniform(0, 5000), rng.choice([0, 2, 4]))
                    elif key.endswith("_change"):
                        values[key] = float(rng.randint(-20, 20))
                    else:
                        values[key] = float(rng.randint(0, 50_000))
    applicants = [str(c["applicant"]) for c in form.printed_columns("requests") if c["applicant"] != "all"]
    orgs = applicants[1:]
    matrix = next(t for t in printed_tables(form_code) if t.section == "requests")
    indicators = [line.keys[-1] for line in matrix.lines if line.keys]  # 总计 column: the bare indicator
    items = [i for i in indicators if i not in (
        "requests_received", "requests_carried_over", "requests_total_handled", "requests_carried_forward")]
    for a in applicants:
        for i in items:
            values[f"{i}@{a}"] = float(rng.randint(0, hi))
        handled = sum(values[f"{i}@{a}"] for i in items)
        values[f"requests_total_handled@{a}"] = handled
        forward = float(rng.randint(0, hi))
        over = float(rng.randint(0, int(handled + forward)))
        values[f"requests_carried_forward@{a}"] = forward
        values[f"requests_carried_over@{a}"] = over
        values[f"requests_received@{a}"] = handled + forward - over
    for i in indicators:
        values[i] = sum(values[f"{i}@{a}"] for a in applicants)
        values[f"{i}@legal_person_subtotal"] = sum(values[f"{i}@{a}"] for a in orgs)
    for block in ("admin_review", "admin_litigation_direct", "admin_litigation_after_review"):
        parts = [float(rng.randint(0, 9)) for _ in range(4)]
        for name, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"{block}_{name}"] = v
        values[f"{block}_total"] = sum(parts)
    printed = {k for t in printed_tables(form_code, column_set) for line in t.lines for k in line.keys if k}
    return {k: v for k, v in values.items() if k in printed}


def expected_facts(values: dict[str, float]) -> dict[str, float]:
    """Every printed figure plus the sums the forms declare as derived figures."""
    out = dict(values)
    for key in [k for k in values if k.startswith("requests_received")]:
        suffix = key[len("requests_received"):]
        out["requests_to_handle" + suffix] = values[key] + values["requests_carried_over" + suffix]
    for name in ("upheld", "corrected", "other", "pending", "total"):
        out[f"admin_litigation_{name}"] = (values[f"admin_litigation_direct_{name}"]
                                           + values[f"admin_litigation_after_review_{name}"])
    return out


# --------------------------------------------------------------------------- rendering


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


GLUE_STEPS = 5_000  # the renderer glues a row only when this many steps prove its split unique


def line_groups(form_code: str, keys: tuple[str, ...]) -> list[tuple[int, tuple[int, ...]]]:
    """The form's sum rules inside one printed row: (total position, part positions)."""
    index = {k: i for i, k in enumerate(keys)}
    out = []
    for rule in load_forms()[form_code].rules:
        members = (rule.total, *rule.parts)
        if not rule.name.startswith("derive_") and all(m in index for m in members):
            out.append((index[rule.total], tuple(index[p] for p in rule.parts)))
    return out


def unique_glue(cells: list[float | None], groups: list[tuple[int, tuple[int, ...]]] | None = None) -> bool:
    """Whether the row's digits, glued, cut back into its cells only one way that keeps `groups`.

    Without `groups` the last cell is taken as the sum of the others. Gives False
    (print the row with separators) when the proof would take too long.
    """
    if any(v is None or v != int(v) or v < 0 for v in cells):
        return False
    n = len(cells)
    groups = [(n - 1, tuple(range(n - 1)))] if groups is None else groups
    digits = "".join(fmt(v) for v in cells)
    found = 0
    steps = 0
    last: list[int] = []  # the last cell, cut first: it bounds the parts when it is their total

    def consistent(acc: list[int]) -> bool:
        full = acc + [None] * (n - 1 - len(acc)) + last
        for total, parts in groups:
            known = [full[p] for p in parts if full[p] is not None]
            if full[total] is None:
                continue
            if len(known) == len(parts) and full[total] != sum(known):
                return False
            if sum(known) > full[total]:
                return False
        return True

    def walk(rest: str, acc: list[int]) -> None:
        nonlocal found, steps
        steps += 1
        if found > 1 or steps > GLUE_STEPS:
            return
        if len(acc) == n - 1:
            found += not rest and consistent(acc)
            return
        if len(rest) < n - 1 - len(acc):
            return
        widths = [1] if rest[0] == "0" else range(1, len(rest) - (n - 1 - len(acc)) + 2)
        for w in widths:
            acc.append(int(rest[:w]))
            if consistent(acc):
                walk(rest[w:], acc)
            acc.pop()

    for size in range(1, len(digits) - n + 2):
        suffix = digits[-size:]
        if len(suffix) > 1 and suffix[0] == "0":
            continue
        last[:] = [int(suffix)]
        walk(digits[:-size], [])
    return found == 1 and steps <= GLUE_STEPS


Row = tuple[list[str], list[str], tuple[str, ...]]  # label cells, value cells, fact key per value


def _table_rows(table: PrintedTable, values: dict[str, float | None]) -> list[Row]:
    """Printed rows, header rows included (with no values)."""
    rows: list[Row] = []
    if table.section == "review_litigation":
        rows.append((["行政复议", "", "", "", "", "行政诉讼"], [], ()))
        rows.append((["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"], [], ()))
        rows.append((list(table.headers), [], ()))
        keys = table.lines[0].keys
        rows.append(([], [fmt(values.get(k)) for k in keys], keys))
        return rows
    if table.section == "requests":
        rows.append((["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况"], [], ()))
        rows.append((["", *table.headers], [], ()))
    else:
        rows.append((["信息内容", *table.headers], [], ()))
    for line in table.lines:
        labels = [line.group, line.label] if line.group else [line.label]
        rows.append((labels, [fmt(values.get(k)) for k in line.keys], line.keys))
    return rows


def _without_column(rows: list[Row], column: int) -> list[Row]:
    """A table whose `column`-th value column (and heading) the conversion lost."""
    out: list[Row] = []
    for labels, vals, keys in rows:
        if vals:
            out.append((labels, vals[:column] + vals[column + 1:], keys[:column] + keys[column + 1:]))
        elif labels and labels[0] == "":
            out.append((labels[: column + 1] + labels[column + 2:], vals, keys))
        else:
            out.append((labels, vals, keys))
    return out


def render(form_code: str, values: dict[str, float | None], layout: str, column_set: int = 0,
           lost_column: int | None = None) -> str:
    """The raw text of a report printing these values in one layout.

    `lost_column` drops that value column of the request matrix, as a PDF or OCR
    conversion sometimes does (-1: the 总计 column).
    """
    out = list(PROSE_BEFORE)
    for table in printed_tables(form_code, column_set):
        out.append(table.title)
        rows = _table_rows(table, values)
        if lost_column is not None and table.section == "requests":
            width = len(table.headers)
            rows = _without_column(rows, lost_column % width)
        if layout == "html":
            cells = "".join(
                "<tr>" + "".join(f"<td>{c}</td>" for c in labels + vals) + "</tr>" for labels, vals, _ in rows)
            out.append(f"<table>{cells}</table>")
            continue
        if layout == "column_major":
            out.extend(_column_major(rows))
            out.append("")
            continue
        if layout == "pipe":
            # PDF/OCR conversions print placeholder headers and a separator row first.
            width = max(len(labels) + len(vals) for labels, vals, _ in rows)
            out.append("| " + " | ".join(f"Column{i + 1}" for i in range(width)) + " |")
            out.append("|" + "---|" * width)
        for r_index, (labels, vals, keys) in enumerate(rows):
            groups = line_groups(form_code, keys) if keys else []
            out.extend(_render_row(labels, vals, layout, groups))
            if layout == "pipe" and table.section == "requests" and r_index in (8, 20):
                # Page footers inside the table (PDF conversion).
                out.extend(["", "第 3 页" if r_index == 8 else "— 4 —", ""])
        out.append("")
    out.extend(PROSE_AFTER)
    text = "\n".join(out)
    if layout == "html":
        text = "<html><body>" + "".join(f"<p>{ln}</p>" if "<table" not in ln else ln for ln in out) + "</body></html>"
    return text


WRAP = 16  # PDF conversions wrap longer label cells onto a line of their own


def _column_major(rows: list[Row]) -> list[str]:
    """PDF text extracted column by column: the header cells, then each label column (a group
    label in the first, its items in the second), then each value column top to bottom, one
    cell per line; long labels wrap, blank cells print a dash."""
    heads = [c for labels, vals, _ in rows if not vals for c in labels if c]
    body = [(labels, vals) for labels, vals, _ in rows if vals]
    out = list(heads)
    for k in range(max((len(labels) for labels, _ in body), default=0)):
        for labels, _ in body:
            if k < len(labels) and labels[k]:
                out.extend(labels[k][i:i + WRAP] for i in range(0, len(labels[k]), WRAP))
    for j in range(max(len(vals) for _, vals in body)):
        out.extend((vals[j] if j < len(vals) else "") or "—" for _, vals in body)
    return out


def _render_row(labels: list[str], vals: list[str], layout: str, groups: list[tuple[int, tuple[int, ...]]]
                ) -> list[str]:
    labels = [lb for lb in labels if lb] if layout not in ("tab", "pipe") else labels
    if layout == "tab":
        return ["\t".join(labels + vals)]
    if layout == "pipe":
        if vals and labels and len(labels[-1]) > WRAP:
            # A label split across lines: its head on a line of its own, its tail with the figures.
            head, tail = labels[-1][:WRAP], labels[-1][WRAP:]
            return ["| " + " | ".join(labels[:-1] + [head] + [""] * len(vals)) + " |",
                    "| " + " | ".join([""] * (len(labels) - 1) + [tail] + vals) + " |"]
        return ["| " + " | ".join(labels + vals) + " |"]
    if layout == "cell_per_line":
        return [c for c in labels + vals]
    if layout == "space":
        return ["    ".join(labels) + ("    " if labels and vals else "") + " ".join(vals)]
    if layout == "glued":
        numeric = [float(v) if v else None for v in vals]
        glue = len(vals) > 1 and unique_glue(numeric, groups)
        body = "".join(vals) if glue else " ".join(vals)
        return ["  ".join(labels) + (" " if labels and vals else "") + body]
    raise ValueError(layout)


def _html_rows(html: str) -> str:
    """HTML as ingest.text.html_to_text flattens it (rows -> tab-separated lines), via lexbor.

    ingest.text imports selectolax's deprecated Modest parser, which recent selectolax
    refuses to load; this mirrors its documented output so the layout stays testable.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    out: list[str] = []
    for node in tree.css("p, tr"):
        if node.tag == "tr":
            out.append("\t".join(c.text(strip=True) for c in node.css("td, th")))
        else:
            out.append(node.text(strip=True))
    return "\n".join(out)


def to_lines(text: str) -> list[str]:
    """Normalised lines as the parsers receive them (ingest.text.normalize_text)."""
    from ingest.text import is_html, normalize_text

    try:
        return normalize_text(text)
    except ImportError:
        if not is_html(text):
            raise
        return normalize_text(_html_rows(text))
