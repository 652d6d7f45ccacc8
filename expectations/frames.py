"""The frames the suites validate: the whole mart screened in DuckDB, the candidates in pandas.

GE cannot validate DuckDB through SQLAlchemy, so each suite validates a pandas frame. Reading
a whole mart into pandas costs time and memory in proportion to the mart (11M facts at 100k
reports), and GE then spends most of its time copying rows that cannot fail. So DuckDB scans
the whole mart and keeps the *candidates*: every row on which one of the suite's
expectations could fail (a superset, written beside each expectation as a SQL `screen`), and
counts, per expectation, the rows GE would have counted (`Counts`). GE validates the
candidates; runner.py then restores the whole mart's counts in GE's results. The rows left
out pass every expectation by construction, so the verdicts, the failing rows and the
figures are those GE gives on the whole mart (tests/test_expectations_scale.py compares both:
`screened=False` hands GE the whole marts). Only the screens needing one group per fact or
per (report, rule) are kept between runs, per report (ledger.py); the rest is one scan.

Two frames are derived rather than read:

- the form-consistency frame: the form rules (parsed.form_rules, declared in
  ingest/forms/*.yaml) evaluated on marts.fct_indicator_value, one row per (report, rule)
  cell with the rule's deviation, and one column per form and severity (one GE expectation
  each, `rule_groups`) holding how far the deviation lies outside its rule's bounds. DuckDB
  evaluates every rule on every report of a form with rules (set-based, kept per report in
  the screening ledger, ledger.py); the candidate cells — a deviation at or beyond its
  bound, or figures DuckDB cannot settle (a key stated twice, a non-finite value) — are
  evaluated again in Python by `evaluate` on the report's own figures. The reference
  (`consistency_frames`, all in Python) holds every applicable cell; GE's results on both
  are the same once the counts are restored;
- the cross-check frame: the cross-source and cross-year verdicts of marts.fct_quality_check
  (table vs prose, carry-over continuity, year-over-year jumps), one column per rule family.

Each derived frame comes with a `details` frame: one row per (check, frame row) saying what
a failure of that check on that row means in the report's own figures (rule, indicator,
stated value, expected value, source line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

FACT_KEY_COLUMNS = ["report_id", "indicator_code", "channel_code", "applicant_type"]
ROW = "row"  # a frame row's id: how a failing row is found again (its mart's rowid, or the report's rank)
MEMBER = "rule"  # the consistency frame's column naming a row's rule (form:rule): its result
DETAIL_COLUMNS = ["check", ROW, "report_id", "rule", "indicator", "stated", "expected", "source_line", "note"]
# Rule families of marts.fct_quality_check computed by dbt across sources or years
# (rule names are `family` or `family[<fact key>]`).
CROSS_FAMILIES = ("table_prose_agreement", "carryover_continuity", "yoy_jump")
# DuckDB adds a rule's parts in its own order, so its deviation may differ from Python's in
# the last bits: a cell this close inside a bound (plus a relative slack for large figures)
# is a candidate too, and Python's exact figures decide (ledger.py).
SCREEN_MARGIN = 1e-6
SCREEN_RELATIVE_MARGIN = 1e-12


@dataclass(frozen=True)
class Counts:
    """What GE would count for one expectation on the whole mart: every row, and the rows it
    does not skip as missing (None where GE reports no missing count: not-null expectations)."""

    element_count: int
    nonnull_count: int | None


def sum_tolerance(n_parts: int) -> float:
    """Same tolerance as the dbt rule checks: stated figures are rounded (万元 to 0.01), so a
    sum of n rounded parts may drift by n half-cents; a gap of 1 in counts still fails."""
    return 0.001 + 0.005 * n_parts


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Iterable[str]) -> str:
    """('a', 'b'): a SQL list of string literals, sorted so the query text is stable."""
    return "(" + ", ".join(sql_literal(v) for v in sorted(values)) + ")"


def read_table(con: duckdb.DuckDBPyConnection, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    cols = ", ".join(columns) if columns else "*"
    return con.execute(f"select {cols} from {table}").df()


def row_id(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """SQL for a row's id in `table`: DuckDB's rowid (free; the row's position unless rows were
    deleted) for a table, its position in the scan for a view (which has no rowid)."""
    schema, name = table.split(".")
    kind = con.execute("select table_type from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, name]).fetchone()
    return "rowid" if kind is None or kind[0] == "BASE TABLE" else "row_number() over () - 1"


def screened_rows(con: duckdb.DuckDBPyConnection, relation: str, order: str,
                  screens: list[str] | None) -> pd.DataFrame:
    """The rows of `relation` (a select, visible to the screens as `frame`) on which a screen
    holds, in `order`; every row when `screens` is None (the unscreened reference)."""
    where = "true" if screens is None else " or ".join(f"({s})" for s in screens) or "false"
    return con.execute(f"with frame as ({relation}) select * from frame where {where} order by {order}").df()


def whole_counts(con: duckdb.DuckDBPyConnection, relation: str,
                 counted: dict[str, str | None]) -> dict[str, Counts]:
    """Per expectation, the rows of the whole relation and those GE counts as not missing
    (`counted`: a SQL predicate per expectation, None for not-null expectations)."""
    names = list(counted)
    cells = ", ".join(f"count(*) filter (where {counted[n]})" for n in names if counted[n] is not None)
    row = con.execute(f"with frame as ({relation}) select count(*){', ' + cells if cells else ''} from frame").fetchone()
    assert row is not None
    total, found = int(row[0]), iter(row[1:])
    return {n: Counts(total, None if counted[n] is None else int(next(found))) for n in names}


def fact_key(indicator: str, channel: str = "all", applicant: str = "all") -> str:
    from ingest.forms import fact_key as _fact_key

    return _fact_key(indicator, channel or "all", applicant or "all")


@dataclass(frozen=True)
class RuleSpec:
    """One form rule, as parsed.form_rules states it (one row per part there)."""

    form_code: str
    rule: str
    op: str  # eq | le
    severity: str  # error | warning
    description: str
    total: tuple[str, str, str]
    parts: tuple[tuple[str, str, str], ...]
    min_parts: int = 1  # applicable when the total and at least this many parts are stated

    @property
    def name(self) -> str:
        """The expectation's name: rule names are unique within a form, not across forms."""
        return f"{self.form_code}:{self.rule}"

    @property
    def tolerance(self) -> float:
        return sum_tolerance(len(self.parts)) if self.op == "eq" else sum_tolerance(1)

    @property
    def bounds(self) -> tuple[float, float]:
        """The range the deviation must lie in (the GE expectation's min and max)."""
        return (-self.tolerance if self.op == "eq" else 0.0), self.tolerance


def _min_parts(value: Any) -> int:
    """parsed.form_rules.min_parts; 1 where a catalog written before the column has none."""
    return 1 if value is None or pd.isna(value) else int(value)


def rule_specs(form_rules: pd.DataFrame) -> list[RuleSpec]:
    """One spec per (form, rule) of parsed.form_rules, parts in part_no order."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in form_rules.sort_values(["form_code", "rule", "part_no"], kind="stable").to_dict("records"):
        groups.setdefault((str(row["form_code"]), str(row["rule"])), []).append(row)
    specs = []
    for (form_code, rule), rows in groups.items():
        first = rows[0]
        specs.append(RuleSpec(
            form_code=form_code, rule=rule, op=str(first["op"]),
            severity="warning" if first["severity"] == "warning" else "error",
            description=str(first["description"] or ""),
            total=(first["total_indicator"], first["total_channel"] or "all", first["total_applicant"] or "all"),
            parts=tuple((r["part_indicator"], r["part_channel"] or "all", r["part_applicant"] or "all") for r in rows),
            min_parts=_min_parts(first.get("min_parts")),
        ))
    return specs


@dataclass(frozen=True)
class Figure:
    value: float
    line: int | None


@dataclass(frozen=True)
class Evaluation:
    """A rule on one report: the deviation the expectation bounds, and what it means."""

    deviation: float
    indicator: str  # the figure the failure is about: the total (eq) or the largest part (le)
    stated: float
    expected: float
    source_line: int | None
    note: str


def evaluate(spec: RuleSpec, figures: dict[tuple[str, str, str], Figure]) -> Evaluation | None:
    """One rule on one report's figures; None when it does not apply.

    Applicable when the total and at least `min_parts` parts (one for most rules) are stated
    (unstated parts are absent, not 0). eq: deviation = total - sum of the stated parts. le: how far the largest part
    exceeds the total (0 if none does).
    """
    total = figures.get(spec.total)
    stated = [(p, figures[p]) for p in spec.parts if p in figures]
    if total is None or not stated or len(stated) < spec.min_parts:
        return None
    if spec.op == "le":
        key, largest = max(stated, key=lambda kv: kv[1].value)
        return Evaluation(
            deviation=max(0.0, largest.value - total.value), indicator=fact_key(*key), stated=largest.value,
            expected=total.value, source_line=largest.line,
            note=f"each part <= {fact_key(*spec.total)} = {total.value:g}")
    parts_sum = sum(f.value for _, f in stated)
    parts_text = " + ".join(f"{fact_key(*p)} {f.value:g}" for p, f in stated)
    missing = len(spec.parts) - len(stated)
    return Evaluation(
        deviation=total.value - parts_sum, indicator=fact_key(*spec.total), stated=total.value,
        expected=parts_sum, source_line=total.line,
        note=f"sum of parts: {parts_text}" + (f" ({missing} not stated)" if missing else ""))


FigureRow = tuple[str, str, str, str, float, Any]  # report_id, indicator, channel, applicant, value, line


def report_figures(rows: Iterable[FigureRow]) -> dict[str, dict[tuple[str, str, str], Figure]]:
    """report id -> fact key -> figure. A key stated twice keeps its last row, as read."""
    by_report: dict[str, dict[tuple[str, str, str], Figure]] = {}
    for report_id, indicator, channel, applicant, value, line in rows:
        by_report.setdefault(report_id, {})[(indicator, channel, applicant)] = Figure(
            float(value) if value is not None else float("nan"), None if pd.isna(line) else int(line))
    return by_report


def frame_figures(facts: pd.DataFrame) -> Iterable[FigureRow]:
    """The figure rows of a fact frame (source_line may be absent)."""
    lines = facts["source_line"] if "source_line" in facts else pd.Series([None] * len(facts))
    return zip(facts["report_id"], facts["indicator_code"], facts["channel_code"], facts["applicant_type"],
               facts["value"], lines, strict=True)


@dataclass(frozen=True)
class Cell:
    """One rule evaluated on one report (one row of the ruled reports)."""

    row: int
    report_id: str
    form_code: str
    spec: RuleSpec
    found: Evaluation


def evaluate_cells(targets: Iterable[tuple[int, str, str, RuleSpec]],
                   figures: dict[str, dict[tuple[str, str, str], Figure]]) -> list[Cell]:
    """Each (row, report, form, rule) evaluated on its report's figures; inapplicable ones dropped."""
    cells = []
    for row, report_id, form_code, spec in targets:
        found = evaluate(spec, figures.get(report_id, {}))
        if found is not None:
            cells.append(Cell(row, report_id, form_code, spec, found))
    return cells


def cell_details(cells: list[Cell]) -> pd.DataFrame:
    return pd.DataFrame([{
        "check": c.spec.name, ROW: c.row, "report_id": c.report_id, "rule": c.spec.rule,
        "indicator": c.found.indicator, "stated": c.found.stated, "expected": c.found.expected,
        "source_line": c.found.source_line, "note": c.found.note,
    } for c in cells], columns=DETAIL_COLUMNS)


def rule_group(spec: RuleSpec) -> str:
    """The GE expectation a rule is validated under: one per form and severity (GE's own cost
    is ~13 ms per expectation, ~3 s for one per rule; the results are split per rule again,
    runner.py), named like its frame column."""
    return f"{spec.form_code}:{spec.severity}_rules"


def rule_groups(specs: list[RuleSpec]) -> dict[str, list[RuleSpec]]:
    """Group name -> its rules, groups in name order, rules in spec order."""
    groups: dict[str, list[RuleSpec]] = {}
    for spec in specs:
        groups.setdefault(rule_group(spec), []).append(spec)
    return dict(sorted(groups.items()))


def cell_frame(cells: list[Cell], specs: list[RuleSpec]) -> pd.DataFrame:
    """One row per cell: ROW, report_id, form_code, rule (its name), deviation, and one float
    column per rule group (`rule_groups`) holding, on the rows of its rules, how far the
    deviation lies outside the rule's bounds: max(low - deviation, deviation - high), <= 0
    exactly when low <= deviation <= high (a float subtraction keeps the sign of the
    difference); NaN elsewhere and where the deviation is NaN. The group columns are one
    float block: GE copies the frame once per metric, and a block per column is slow."""
    groups = list(rule_groups(specs))
    column_of = {name: n for n, name in enumerate(groups)}
    deviation = np.array([c.found.deviation for c in cells], dtype="float64")
    low = np.array([c.spec.bounds[0] for c in cells], dtype="float64")
    high = np.array([c.spec.bounds[1] for c in cells], dtype="float64")
    values = np.full((len(cells), len(groups)), np.nan)
    columns = np.array([column_of[rule_group(c.spec)] for c in cells], dtype="int64")
    values[np.arange(len(cells)), columns] = np.maximum(low - deviation, deviation - high)
    left = pd.DataFrame({
        ROW: np.array([c.row for c in cells], dtype="int64"), "report_id": [c.report_id for c in cells],
        "form_code": [c.form_code for c in cells], MEMBER: [c.spec.name for c in cells], "deviation": deviation,
    }, columns=[ROW, "report_id", "form_code", MEMBER, "deviation"])
    return pd.concat([left, pd.DataFrame(values, columns=groups)], axis=1)


def consistency_specs(form_rules: pd.DataFrame, forms_present: Iterable[str]) -> list[RuleSpec]:
    """The rules of the forms that have at least one report."""
    present = set(forms_present)
    return [s for s in rule_specs(form_rules) if s.form_code in present]


def consistency_frames(facts: pd.DataFrame, reports: pd.DataFrame,
                       form_rules: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[RuleSpec]]:
    """(frame, details, specs), all in Python: the reference the screened frames are held to.

    frame: one row per rule applicable to a report of a form with rules (ROW = the report's
    rank by report id), in (report, rule) order (`cell_frame`). details: the same cells'
    figures (DETAIL_COLUMNS).
    """
    ruled = reports[reports["form_code"].notna()][["report_id", "form_code"]].sort_values("report_id")
    specs = consistency_specs(form_rules, ruled["form_code"])
    ruled = ruled[ruled["form_code"].isin({s.form_code for s in specs})].reset_index(drop=True)
    ruled.insert(0, ROW, range(len(ruled)))
    by_form: dict[str, list[RuleSpec]] = {}
    for spec in specs:
        by_form.setdefault(spec.form_code, []).append(spec)
    targets = ((r.row, r.report_id, r.form_code, spec)
               for r in ruled.itertuples() for spec in by_form.get(r.form_code, []))
    cells = evaluate_cells(targets, report_figures(frame_figures(facts)))
    return cell_frame(cells, specs), cell_details(cells), specs


# ---- the consistency frame, screened in DuckDB ------------------------------------------------

def rule_frames(specs: list[RuleSpec]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(bounds, roles) of the rules as frames DuckDB joins: the bounds are the expectations'
    own, and each rule's total (part_no 0) and parts (1..n) name the figures it reads."""
    bounds = pd.DataFrame([(n, s.form_code, s.rule, s.op, *s.bounds, s.min_parts) for n, s in enumerate(specs)],
                          columns=["rule_no", "form_code", "rule", "op", "low", "high", "min_parts"])
    roles = pd.DataFrame([(n, s.form_code, s.rule, p, *key)
                          for n, s in enumerate(specs) for p, key in enumerate((s.total, *s.parts))],
                         columns=["rule_no", "form_code", "rule", "part_no",
                                  "indicator_code", "channel_code", "applicant_type"])
    return (bounds.astype({"rule_no": "int32", "low": "float64", "high": "float64", "min_parts": "int32"}),
            roles.astype({"rule_no": "int32", "part_no": "int32"}))


# The ruled reports (a form with rules among `_ge_forms`), ranked by report id: ROW.
_RULED_SQL = """
select report_id, form_code, row_number() over (order by report_id) - 1 as "row"
from marts.dim_report
where form_code in (select form_code from _ge_forms)
"""

# The figures the candidate cells read, in the mart's row order (a key stated twice keeps its
# last row, as report_figures does; a view is read in its scan order).
_CANDIDATE_FACTS_SQL = """
select f.report_id, f.indicator_code, f.channel_code, f.applicant_type, f.value, f.source_line
from marts.fct_indicator_value as f
semi join (
    select distinct c.report_id, o.indicator_code, o.channel_code, o.applicant_type
    from _ge_candidates as c
    inner join _ge_roles as o on c.form_code = o.form_code and c.rule = o.rule
) as k
    on f.report_id = k.report_id and f.indicator_code = k.indicator_code
    and f.channel_code = k.channel_code and f.applicant_type = k.applicant_type
{order}
"""


@dataclass(frozen=True)
class LedgerCells:
    """What the screening ledger says of the ruled reports of this warehouse."""

    candidates: pd.DataFrame  # row, report_id, form_code, rule: the cells GE must see
    settled: dict[str, int]  # per rule name: the applicable cells left out (they pass)
    facts: list[FigureRow]  # the figures the candidate cells read, in the mart's row order


# The applicable cells left out, per rule, counted on the ledger alone: the ledger is refreshed
# for this warehouse, so each of its cells is of a (report, form) of dim_report with a form
# among _ge_forms, and joining the 3M cells to the ruled reports (string keys) only to count
# them costs ~0.4 s at 100k. Grouped by the columns, named after: one concatenation per rule.
_SETTLED_SQL = """
select form_code || ':' || rule, n
from (select form_code, rule, count(*) as n from {ledger}.cells where not candidate group by form_code, rule)
"""

# What the join would add: a (report, form) stated k times in dim_report is k ruled rows (GE
# counts each), so its cells count k - 1 times more. Without such rows, no cell is read.
_SETTLED_REPEATS_SQL = """
select c.form_code || ':' || c.rule, sum(d.repeats)
from {ledger}.cells as c
inner join (
    select report_id, form_code, count(*) - 1 as repeats
    from marts.dim_report
    where form_code in (select form_code from _ge_forms) and report_id is not null
    group by report_id, form_code
    having count(*) > 1
) as d on c.report_id = d.report_id and c.form_code = d.form_code
where not c.candidate
group by c.form_code, c.rule
"""


def _settled_cells(con: duckdb.DuckDBPyConnection, ledger: str) -> dict[str, int]:
    """Per rule name, the applicable cells of the ruled reports left out (they pass)."""
    settled = {name: int(n) for name, n in con.execute(_SETTLED_SQL.format(ledger=ledger)).fetchall()}
    for name, repeats in con.execute(_SETTLED_REPEATS_SQL.format(ledger=ledger)).fetchall():
        settled[name] += int(repeats)
    return settled


def ledger_cells(con: duckdb.DuckDBPyConnection, specs: list[RuleSpec], ledger: str) -> LedgerCells:
    _, roles = rule_frames(specs)
    con.register("_ge_forms", pd.DataFrame({"form_code": sorted({s.form_code for s in specs})}))
    con.register("_ge_roles", roles)
    cells = f"{ledger}.cells as c inner join ({_RULED_SQL}) as r on c.report_id = r.report_id and c.form_code = r.form_code"
    try:
        con.execute(f'create or replace temp table _ge_candidates as '
                    f'select r."row", r.report_id, r.form_code, c.rule from {cells} where c.candidate')
        candidates = con.execute('select * from _ge_candidates order by "row", form_code, rule').df()
        settled = _settled_cells(con, ledger)
        order = "order by f.rowid" if row_id(con, "marts.fct_indicator_value") == "rowid" else ""
        facts = con.execute(_CANDIDATE_FACTS_SQL.format(order=order)).fetchall()
    finally:
        con.execute("drop table if exists _ge_candidates")
        con.unregister("_ge_forms")
        con.unregister("_ge_roles")
    return LedgerCells(candidates, settled, facts)


def screened_consistency(con: duckdb.DuckDBPyConnection, specs: list[RuleSpec], ledger: str
                         ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Counts]]:
    """(frame, details, counts) of the consistency suite from the screening ledger (ledger.py;
    refreshed for this warehouse), whose cells cover every ruled report.

    frame: one row per candidate cell, as in the reference (`cell_frame`). counts: per rule
    group, every applicable cell (GE's rows: the candidates and the cells left out) and
    those of its rules with a deviation (GE's non-missing rows): DuckDB counts the cells left
    out, Python the candidates.
    """
    found = ledger_cells(con, specs, ledger)
    by_name = {s.name: s for s in specs}
    targets = [(int(c.row), c.report_id, c.form_code, by_name[f"{c.form_code}:{c.rule}"])
               for c in found.candidates.itertuples()]
    cells = evaluate_cells(targets, report_figures(found.facts))
    counted = {group: sum(found.settled.get(s.name, 0) for s in members)
               for group, members in rule_groups(specs).items()}
    for cell in cells:
        counted[rule_group(cell.spec)] += 0 if np.isnan(cell.found.deviation) else 1
    element_count = len(cells) + sum(found.settled.get(s.name, 0) for s in specs)
    counts = {group: Counts(element_count, n) for group, n in counted.items()}
    return cell_frame(cells, specs), cell_details(cells), counts


# ---- the cross-source and cross-year verdicts --------------------------------------------------

def rule_family(rule: str) -> str:
    """'yoy_jump[requests_received]' -> 'yoy_jump'."""
    return rule.split("[", 1)[0]


def cross_frames(checks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(frame, details) of rows of marts.fct_quality_check, in (report_id, rule) order.

    frame: the rows (ROW, report_id, rule, passed, severity; ROW numbers them unless given),
    plus one column per CROSS_FAMILIES family holding 1.0 (passed) / 0.0 (failed) on that
    family's rows, NaN elsewhere. details: one row per verdict of a family, with the mart's
    observed and expected figures.
    """
    ordered = checks.sort_values(["report_id", "rule"], kind="stable").reset_index(drop=True)
    if ROW not in ordered:
        ordered.insert(0, ROW, range(len(ordered)))
    frame = ordered[[ROW, "report_id", "rule", "passed", "severity"]].copy()
    families = frame["rule"].map(rule_family)
    for family in CROSS_FAMILIES:
        frame[family] = frame["passed"].astype("float64").where(families == family)
    mine = families.isin(CROSS_FAMILIES).to_numpy()
    details = pd.DataFrame({
        "check": families[mine].to_numpy(), ROW: frame[ROW][mine].to_numpy(),
        "report_id": frame["report_id"][mine].to_numpy(), "rule": frame["rule"][mine].to_numpy(),
        "indicator": frame["rule"][mine].str.extract(r"\[(.*)\]$", expand=False).fillna("").to_numpy(),
        "stated": ordered["observed"].to_numpy()[mine], "expected": ordered["expected"].to_numpy()[mine],
        "source_line": None, "note": "",
    }, columns=DETAIL_COLUMNS)
    return frame, details
