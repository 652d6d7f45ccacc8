"""The statistical forms, declared once as data.

Each `*.yaml` file beside this module describes one form: its rows (labels as
printed, the harmonised indicator each row feeds, unit, section), its columns,
and its invariants (勾稽关系). The parsers, the quality rules, the indicator
dimension and the synthetic-corpus generator all read these files; nothing
else may restate a form's structure.

Fact keys use the truth-file syntax: ``indicator[/channel][@applicant]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

RuleOp = Literal["eq", "le"]


def split_fact_key(key: str) -> tuple[str, str, str]:
    """'requests_received/online@natural_person' -> (indicator, channel, applicant)."""
    applicant = "all"
    if "@" in key:
        key, applicant = key.split("@", 1)
    channel = "all"
    if "/" in key:
        key, channel = key.split("/", 1)
    return key, channel, applicant


def fact_key(indicator: str, channel: str = "all", applicant: str = "all") -> str:
    out = indicator
    if channel != "all":
        out += f"/{channel}"
    if applicant != "all":
        out += f"@{applicant}"
    return out


@dataclass(frozen=True, slots=True)
class FormRow:
    key: str  # unique within the form
    label: str  # the label as the form prints it
    section: str
    unit: str
    indicator_code: str | None  # harmonised indicator; None if the row maps to nothing
    channel_code: str = "all"
    applicant_type: str = "all"
    aliases: tuple[str, ...] = ()  # other printed wordings of the label (local variants)
    equivalence: str = "exact"  # exact | approximate | none, toward the harmonised indicator
    note: str = ""
    signed: bool = False  # the form prints a change here (本年增/减): negative figures are valid


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    form_code: str
    total: str  # fact key
    parts: tuple[str, ...]  # fact keys
    op: RuleOp = "eq"  # eq: total == sum(parts); le: each part <= total
    severity: str = "error"
    description: str = ""
    # Applicable when the total and at least this many parts are stated (unstated parts are
    # absent, not 0). 2 for a sum over types that a table may also print merged into one
    # column: the merged table states one part and the rule says nothing about it.
    min_parts: int = 1
    # Follows from the form's other rules wherever all their figures are stated (the 小计
    # column's sums, kept for tables that merge the columns they follow from): checked like
    # any rule, but a generator of consistent figures need not solve for it.
    implied: bool = False


@dataclass(frozen=True, slots=True)
class ColumnSet:
    """A set of columns a table is printed with: their keys in printed order, and the headings
    it prints for some of them instead of their labels (a merged column headed by its group)."""

    columns: tuple[str, ...]
    headings: tuple[tuple[str, str], ...] = ()  # (column key, heading)

    def heading(self, column: dict) -> str:
        return dict(self.headings).get(str(column["key"]), str(column["label"]))


@dataclass(frozen=True, slots=True)
class Form:
    code: str
    template: str  # old_table | new_table
    name: str
    legal_basis: str
    first_year: int
    last_year: int | None
    rows: tuple[FormRow, ...]
    rules: tuple[Rule, ...]
    columns: tuple[dict, ...] = field(default=())
    # table -> the column sets (column keys in printed order) its tables are printed with,
    # the form's own first; tables not listed print every column of theirs.
    column_sets: dict[str, tuple[ColumnSet, ...]] = field(default_factory=dict)

    def table_columns(self, table: str) -> list[dict]:
        """The table's columns as declared (without its `_headers` entry), in printed order."""
        return [c for c in self.columns if c.get("table") == table and not str(c["key"]).startswith("_")]

    def table_column_sets(self, table: str) -> tuple[ColumnSet, ...]:
        """The column sets a table is printed with, the form's own first."""
        if table in self.column_sets:
            return self.column_sets[table]
        return (ColumnSet(tuple(str(c["key"]) for c in self.table_columns(table))),)

    def printed_columns(self, table: str, column_set: int = 0) -> list[dict]:
        """The columns one of the table's column sets prints (the form's own when it has no
        such set), each labelled with the heading that set prints."""
        sets = self.table_column_sets(table)
        chosen = sets[column_set] if column_set < len(sets) else sets[0]
        by_key = {str(c["key"]): c for c in self.table_columns(table)}
        return [{**by_key[k], "label": chosen.heading(by_key[k])} for k in chosen.columns]

    def row(self, key: str) -> FormRow:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)


def _rows(code: str, raw: list[dict]) -> tuple[FormRow, ...]:
    rows = []
    for r in raw:
        rows.append(
            FormRow(
                key=r["key"],
                label=r["label"],
                section=r.get("section", ""),
                unit=r.get("unit", ""),
                indicator_code=r.get("indicator"),
                channel_code=r.get("channel", "all"),
                applicant_type=r.get("applicant", "all"),
                aliases=tuple(r.get("aliases", ())),
                equivalence=r.get("equivalence", "exact" if r.get("indicator") else "none"),
                note=r.get("note", ""),
                signed=bool(r.get("signed", False)),
            )
        )
    keys = [r.key for r in rows]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise ValueError(f"form {code}: duplicate row keys {sorted(dupes)}")
    return tuple(rows)


def _expand_rules(code: str, raw: list[dict]) -> tuple[Rule, ...]:
    """Rules may carry `for_each: {var: [values]}`; `{var}` in keys is substituted."""
    out: list[Rule] = []
    for r in raw:
        variants = [{}]
        for var, values in (r.get("for_each") or {}).items():
            variants = [{**v, var: val} for v in variants for val in values]
        for v in variants:
            suffix = "".join(f"[{val}]" for val in v.values())
            out.append(
                Rule(
                    name=r["name"].format(**v) if v and "{" in r["name"] else r["name"] + suffix,
                    form_code=code,
                    total=r["total"].format(**v),
                    parts=tuple(p.format(**v) for p in r["parts"]),
                    op=r.get("op", "eq"),
                    severity=r.get("severity", "error"),
                    description=r.get("description", ""),
                    min_parts=int(r.get("min_parts", 1)),
                    implied=bool(r.get("implied", False)),
                )
            )
    return tuple(out)


def _column_sets(code: str, raw: dict, columns: tuple[dict, ...]) -> dict[str, tuple[ColumnSet, ...]]:
    """The declared column sets, checked: each a subsequence of its table's columns."""
    out = {}
    for table, sets in (raw or {}).items():
        order = [str(c["key"]) for c in columns if c.get("table") == table and not str(c["key"]).startswith("_")]
        parsed = []
        for spec in sets:
            keys = [str(k) for k in spec["columns"]]
            positions = [order.index(k) if k in order else -1 for k in keys]
            if -1 in positions or positions != sorted(positions):
                raise ValueError(f"form {code}: column set {keys} of {table} is not in the order of its columns")
            headings = tuple((str(k), str(v)) for k, v in (spec.get("headings") or {}).items())
            parsed.append(ColumnSet(tuple(keys), headings))
        out[table] = tuple(parsed)
    return out


@lru_cache(maxsize=1)
def load_forms() -> dict[str, Form]:
    forms: dict[str, Form] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        raw = yaml.safe_load(entry.read_text(encoding="utf-8"))
        code = raw["code"]
        forms[code] = Form(
            code=code,
            template=raw["template"],
            name=raw["name"],
            legal_basis=raw.get("legal_basis", ""),
            first_year=raw["first_year"],
            last_year=raw.get("last_year"),
            rows=_rows(code, raw["rows"]),
            rules=_expand_rules(code, raw.get("rules", [])),
            columns=tuple(raw.get("columns", ())),
            column_sets=_column_sets(code, raw.get("column_sets"), tuple(raw.get("columns", ()))),
        )
    return forms


def get_form(code: str) -> Form:
    return load_forms()[code]


def all_rules() -> list[Rule]:
    return [rule for form in load_forms().values() for rule in form.rules]
