"""The printed tables of a form, built from its YAML declaration only.

A `Table` is what a report prints: a title, header rows and lines, each line
being label cells plus value cells that carry a fact key (None = a blank cell).
Old forms print one line per row with its unit and one cell per column
(the first column is the indicator itself, others add `_<column>` to it);
2019+ forms print the request matrix (columns carry the applicant type) and
one-line-per-item tables for the `<line>.<column>` rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.forms import Form, FormRow, fact_key

CN_NUMBERS = "一二三四五六七八九十"
DERIVED_SECTION = "derived"
SECTION_TITLES = {
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True, slots=True)
class Line:
    labels: tuple[str, ...]  # label cells (numbered label, unit, group label...)
    keys: tuple[str | None, ...]  # one per value cell; None = printed blank
    header: bool = False  # a header/group line: no value cells at all


@dataclass(frozen=True, slots=True)
class Table:
    section: str
    title: str
    header_rows: tuple[tuple[str, ...], ...]
    lines: tuple[Line, ...]
    last_is_total: bool = False  # the last value column sums the others (the request matrix)

    def fact_keys(self) -> list[str]:
        return [k for ln in self.lines for k in ln.keys if k]


def cn_number(n: int) -> str:
    """1..99 as printed in headings (十一, 二十三)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMBERS[tens - 1]
    return head + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def column_suffix(column: dict, column_index: int) -> str:
    """What an old-form column adds to the indicator code: nothing for the first, else its
    declared `indicator_suffix` (e.g. _cumulative), else `_<column key>`."""
    if column_index == 0:
        return ""
    return str(column.get("indicator_suffix") or f"_{column['key']}")


def column_key(indicator: str, channel: str, applicant: str, column_index: int, column: dict) -> str:
    """Fact key of an old-form cell."""
    return fact_key(indicator + column_suffix(column, column_index), channel, applicant)


def old_tables(form: Form, n_columns: int) -> list[Table]:
    """The old statistics table: numbered labels, unit, then `n_columns` of the form's columns."""
    columns = [c for c in form.columns if not str(c["key"]).startswith("_")][:n_columns]
    header = ("统计指标", "单位", *(str(c["label"]) for c in columns))
    lines: list[Line] = []
    section_no = item_no = 0
    for row in form.rows:
        if row.indicator_code is None:
            section_no += 1
            item_no = 0
            lines.append(Line((f"{cn_number(section_no)}、{row.label}", ""), (None,) * len(columns), True))
            continue
        item_no += 1
        keys = tuple(column_key(row.indicator_code, row.channel_code, row.applicant_type, i, c)
                     for i, c in enumerate(columns))
        lines.append(Line((f"{item_no}.{row.label}", row.unit), keys))
    return [Table("all", form.name, (header,), tuple(lines))]


def _section_title(section: str) -> str:
    if section.startswith("art20_") and section.split("_")[1].isdigit():
        return f"第二十条第({cn_number(int(section.split('_')[1]))})项"
    return SECTION_TITLES.get(section, section)


def _header_labels(form: Form, section: str) -> list[str]:
    spec = next((c for c in form.columns if c.get("table") == section and c["key"] == "_headers"), None)
    return [str(spec["label"]), *map(str, spec.get("aliases", ()))] if spec else []


def _matrix(form: Form, section: str, columns: list[dict]) -> Table:
    """Rows whose columns carry the applicant type; group headers open numbered groups."""
    lines: list[Line] = []
    top = group_no = item_no = 0
    group: str | None = None
    pending_group: str | None = None
    for row in (r for r in form.rows if r.section == section):
        if row.indicator_code is None:
            if group is None:  # the first header opens the outcomes block
                top += 1
                lines.append(Line((f"{cn_number(top)}、{row.label}",), (), True))
                group = ""
            else:
                group_no += 1
                item_no = 0
                pending_group = f"({cn_number(group_no)}) {row.label}"
            continue
        keys = tuple(fact_key(row.indicator_code, row.channel_code, str(c["applicant"])) for c in columns)
        if group is None:
            top += 1
            label = f"{cn_number(top)}、{row.label}"
        elif pending_group is None and item_no == 0:
            group_no += 1
            label = f"({cn_number(group_no)}) {row.label}"
        else:
            item_no += 1
            label = f"{item_no}.{row.label}"
        labels = (pending_group, label) if pending_group else (label,)
        pending_group = None
        lines.append(Line(labels, keys))
    headers = _header_labels(form, section)
    header_rows = (
        ("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", headers[0] if headers else ""),
        ("", *(str(c["label"]) for c in columns)),
    )
    return Table(section, _section_title(section), header_rows, tuple(lines), True)


def _cells_table(form: Form, section: str, columns: list[dict]) -> Table:
    """`<line>.<column>` rows: one printed line per item, one cell per column."""
    by_line: dict[str, dict[str, FormRow]] = {}
    for row in form.rows:
        if row.section == section and "." in row.key:
            line, column = row.key.split(".", 1)
            by_line.setdefault(line, {})[column] = row
    col_labels = tuple(str(c["label"]) for c in columns)
    lines = []
    for cells in by_line.values():
        first = next(iter(cells.values()))
        keys = tuple(fact_key(cells[c["key"]].indicator_code or "", cells[c["key"]].channel_code)
                     if c["key"] in cells else None for c in columns)
        lines.append(Line((first.label,), keys))
    if len(lines) == 1:  # one long line (复议/诉讼): its label heads the table, values stand alone
        header_rows = ((lines[0].labels[0], *_header_labels(form, section)), col_labels)
        return Table(section, _section_title(section), header_rows, (Line((), lines[0].keys),))
    return Table(section, _section_title(section), (("信息内容", *col_labels),), tuple(lines))


def new_tables(form: Form, column_set: int = 0) -> list[Table]:
    """The form's tables, the request matrix printed with one of its column sets
    (0: the form's own; 1: with the 小计 column; 2: the legal persons merged)."""
    sections = list(dict.fromkeys(r.section for r in form.rows if r.section != DERIVED_SECTION))
    tables = []
    for section in sections:
        columns = form.printed_columns(section, column_set)
        if any("applicant" in c for c in columns):
            tables.append(_matrix(form, section, columns))
        else:
            tables.append(_cells_table(form, section, columns))
    return tables


def derived_keys(form: Form) -> dict[str, tuple[str, ...]]:
    """Fact keys the form derives without printing them (rules named derive_*): total -> parts."""
    return {r.total: r.parts for r in form.rules if r.name.startswith("derive_")}
