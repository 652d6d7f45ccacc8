"""The suites, as code: one per mart that has rules, plus the form-consistency suite.

Each suite names the mart it guards, how to read (or derive) the frame it validates, the
columns identifying a failing row, the severities its expectations carry (one Dagster check
per suite x severity), and its expectations. Expectations are built from a `gxe` module
argument so GE (slow to import) is imported only when suites run. Form rules come from
parsed.form_rules, i.e. from ingest/forms/*.yaml: no form's structure is restated here.

Beside each expectation of a mart suite, its `screen` (the SQL rows it could fail, see
frames.py) and `counted` (the rows GE counts as not missing): a new expectation needs both,
and tests/test_expectations_scale.py holds the screened run to the whole-mart one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import ModuleType
from typing import Any

import duckdb
import pandas as pd

from expectations.frames import (
    CROSS_FAMILIES,
    FACT_KEY_COLUMNS,
    MEMBER,
    ROW,
    Counts,
    RuleSpec,
    consistency_frames,
    consistency_specs,
    cross_frames,
    read_table,
    row_id,
    rule_groups,
    screened_consistency,
    screened_rows,
    sql_list,
    sql_literal,
    whole_counts,
)
from expectations.ledger import LEDGER

FIRST_YEAR = 2008  # the national disclosure regulations took effect in 2008
# Units that count things (their figures must be whole numbers): these, plus every unit a
# form declares (ingest/forms/*.yaml) that is not money.
COUNT_UNITS = frozenset({"条", "件", "次", "人", "人次", "个", "篇", "项"})
MONEY_UNITS = frozenset({"万元", "元"})
TEMPLATES = ("old_table", "new_table", "narrative")
STATUSES = ("parsed", "partial", "failed")
SOURCES = ("table", "narrative")
QUALIFIERS = ("exact", "approx")
SEVERITIES = ("error", "warning")


@cache
def declared_units() -> frozenset[str]:
    from ingest.forms import load_forms

    return frozenset(row.unit for form in load_forms().values() for row in form.rows if row.unit)


@cache
def signed_indicators() -> frozenset[str]:
    """Indicators a form prints as a change (本年增/减, `signed: true` in the YAML): negative is valid."""
    from ingest.forms import load_forms

    return frozenset(row.indicator_code for form in load_forms().values() for row in form.rows
                     if row.signed and row.indicator_code)


def count_units() -> frozenset[str]:
    return (COUNT_UNITS | declared_units()) - MONEY_UNITS


def known_units() -> frozenset[str]:
    """Count and money units, plus every unit a form declares."""
    return COUNT_UNITS | MONEY_UNITS | declared_units()


@dataclass(frozen=True)
class Member:
    """A rule validated as part of an expectation (`Check.members`), reported on its own."""

    name: str
    description: str


@dataclass(frozen=True)
class Check:
    """An expectation with a stable name and the severity its failure carries.

    On a mart suite, `screen` is a SQL predicate over the suite's relation (`frame` in the
    query) that holds on every row the expectation could fail (a superset is fine: GE
    decides), and `counted` the rows GE counts as not missing for it (None: GE reports no
    missing count, as for not-null expectations). The consistency suite screens its cells in
    ledger.py and frames.screened_consistency.
    """

    name: str
    severity: str  # error | warning
    build: Callable[[ModuleType], Any]  # gxe module -> Expectation
    screen: str | None = None
    counted: str | None = None
    # The rules one expectation validates at once, each reported as its own result: the
    # frame's MEMBER column names a row's rule (the consistency suite, `_consistency_checks`).
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A suite ready to validate: its frame (with a ROW column) and its checks."""

    frame: pd.DataFrame
    checks: list[Check]
    # One row per (check, frame row) of a derived suite: the failing figures (frames.DETAIL_COLUMNS).
    details: pd.DataFrame | None = None
    # Per check, GE's counts on the whole mart when `frame` holds only the candidates; None
    # when `frame` is the whole mart.
    counts: dict[str, Counts] | None = None


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    mart: str
    index_columns: tuple[str, ...]  # identify a failing row in the results (ROW first)
    severities: tuple[str, ...]  # the severities its checks may carry: one Dagster check each
    # (connection, screened) -> Prepared; screened=False reads the whole mart (the reference).
    prepare: Callable[[duckdb.DuckDBPyConnection, bool], Prepared]


def _mart_frame(con: duckdb.DuckDBPyConnection, relation: str, order: str, checks: list[Check],
                screened: bool) -> tuple[pd.DataFrame, dict[str, Counts] | None]:
    """The candidate rows of a mart suite (every row unless screened) and, when screened,
    GE's counts on the whole relation."""
    if not screened:
        return screened_rows(con, relation, order, None), None
    screens = [c.screen for c in checks if c.screen is not None]
    if len(screens) < len(checks):
        raise ValueError(f"checks without a screen: {[c.name for c in checks if c.screen is None]}")
    frame = screened_rows(con, relation, order, screens)
    return frame, whole_counts(con, relation, {c.name: c.counted for c in checks})


# ---- fct_indicator_value -----------------------------------------------------------------

def _with_derived_columns(frame: pd.DataFrame) -> pd.DataFrame:
    counted = frame["unit"].isin(count_units())
    # The fractional part of figures that count things; NaN (not checked) for other units.
    frame["count_fraction"] = (frame["value"] - frame["value"].floordiv(1)).where(counted)
    # Figures that may not be negative; NaN (not checked) for the signed 增/减 rows.
    frame["unsigned_value"] = frame["value"].where(~frame["indicator_code"].isin(signed_indicators()))
    return frame


def _prepare_fct(con: duckdb.DuckDBPyConnection, screened: bool = True) -> Prepared:
    units = sorted(known_units())
    counts_things = sql_list(count_units())
    signed = sql_list(signed_indicators() or {""})
    key = ", ".join(FACT_KEY_COLUMNS)
    checks = [
        Check("key_unique", "error", lambda gxe: gxe.ExpectCompoundColumnsToBeUnique(
            column_list=FACT_KEY_COLUMNS),
            # The rows of the reports that state a key twice (ledger.py keeps them per report).
            screen=f"report_id in (select report_id from {LEDGER}.reports where restated) or report_id is null",
            counted=f"not ({' and '.join(f'{c} is null' for c in FACT_KEY_COLUMNS)})"),
        Check("value_not_null", "error", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(column="value"),
              screen="value is null or isnan(value)"),
        Check("value_non_negative", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="unsigned_value", min_value=0,
            description="value_non_negative: no figure is negative (except the 增/减 rows a form declares signed)"),
            screen=f"value < 0 and indicator_code not in {signed}",
            counted=f"value is not null and not isnan(value) and indicator_code not in {signed}"),
        Check("count_is_integer", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="count_fraction", min_value=0, max_value=1e-9,
            description="count_is_integer: figures in units that count things (件, 条, 人, 项, …) are whole"),
            screen=f"unit in {counts_things} and value <> floor(value)",
            counted=f"unit in {counts_things} and isfinite(value)"),
        Check("unit_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="unit", value_set=units),
              screen=f"unit not in {sql_list(units)}", counted="unit is not null"),
        Check("source_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="source", value_set=list(SOURCES)),
            screen=f"source not in {sql_list(SOURCES)}", counted="source is not null"),
        Check("qualifier_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="value_qualifier", value_set=list(QUALIFIERS)),
            screen=f"value_qualifier not in {sql_list(QUALIFIERS)}", counted="value_qualifier is not null"),
    ]
    table = "marts.fct_indicator_value"
    relation = (f'select {row_id(con, table)} as "row", {key}, value, unit, value_qualifier, source, source_line '
                f"from {table}")
    frame, counts = _mart_frame(con, relation, '"row"', checks, screened)
    return Prepared(_with_derived_columns(frame), checks, counts=counts)


# ---- dim_report ----------------------------------------------------------------------------

def _with_parsed_region(frame: pd.DataFrame) -> pd.DataFrame:
    # A document that could not be read has no region to resolve; only parsed ones count.
    frame["parsed_region_code"] = frame["region_code"].where(frame["status"] != "failed", "not_applicable")
    return frame


def _prepare_dim_report(con: duckdb.DuckDBPyConnection, screened: bool = True) -> Prepared:
    this_year = date.today().year
    checks = [
        Check("report_id_unique", "error", lambda gxe: gxe.ExpectColumnValuesToBeUnique(column="report_id"),
              screen="report_id in (select report_id from frame group by 1 having count(*) > 1)",
              counted="report_id is not null"),
        Check("year_in_range", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="year", min_value=FIRST_YEAR, max_value=this_year,
            description=f"year_in_range: the year a report covers is within {FIRST_YEAR}..{this_year}"),
            screen=f"year < {FIRST_YEAR} or year > {this_year}", counted="year is not null"),
        Check("template_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="template", value_set=list(TEMPLATES)),
            screen=f"template not in {sql_list(TEMPLATES)}", counted="template is not null"),
        Check("status_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=list(STATUSES)),
            screen=f"status not in {sql_list(STATUSES)}", counted="status is not null"),
        Check("region_resolved", "warning", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(
            column="parsed_region_code",
            description="region_resolved: every parsed report resolves to a GB/T 2260 region"),
            screen="region_code is null and status is distinct from 'failed'"),
    ]
    table = "marts.dim_report"
    relation = f'select {row_id(con, table)} as "row", report_id, region_code, year, template, status from {table}'
    frame, counts = _mart_frame(con, relation, '"row"', checks, screened)
    return Prepared(_with_parsed_region(frame), checks, counts=counts)


# ---- form consistency ----------------------------------------------------------------------

def _consistency_checks(specs: list[RuleSpec]) -> list[Check]:
    """One expectation per form and severity (`frames.rule_groups`); its results are split
    per rule again (runner.py), so each rule is reported under its own name."""
    checks = []
    for group, members in rule_groups(specs).items():
        first = members[0]
        text = (f"{group}: each of the {len(members)} {first.severity} rules of form {first.form_code} holds "
                "(a total equals the sum of its stated parts, or no part exceeds its total, within the "
                "rounding tolerance); the value is how far a rule's deviation lies outside its bounds "
                "(<= 0 holds), and each failing row names its rule and deviation")

        def build(gxe: ModuleType, column: str = group, text: str = text) -> Any:
            return gxe.ExpectColumnValuesToBeBetween(column=column, max_value=0.0, description=text)

        rules = tuple(Member(s.name, f"{s.name}: " + (s.description or (
            "total = sum of parts" if s.op == "eq" else "each part <= total"))) for s in members)
        checks.append(Check(group, first.severity, build, members=rules))
    return checks


def _prepare_consistency(con: duckdb.DuckDBPyConnection, screened: bool = True) -> Prepared:
    rules = read_table(con, "parsed.form_rules")
    if not screened:
        facts = read_table(con, "marts.fct_indicator_value", [*FACT_KEY_COLUMNS, "value", "source_line"])
        reports = read_table(con, "marts.dim_report", ["report_id", "form_code"])
        wide, details, specs = consistency_frames(facts, reports, rules)
        return Prepared(wide, _consistency_checks(specs), details)
    forms = [f for (f,) in con.execute(
        "select distinct form_code from marts.dim_report where form_code is not null").fetchall()]
    specs = consistency_specs(rules, forms)
    frame, details, counts = screened_consistency(con, specs, LEDGER)
    return Prepared(frame, _consistency_checks(specs), details, counts)


# ---- cross-source and cross-year verdicts (marts.fct_quality_check) ---------------------------

CROSS_DESCRIPTIONS = {
    "table_prose_agreement": "a figure stated in both the table and the prose agrees "
                             "(an approximate prose figure within 10%)",
    "carryover_continuity": "this year's 上年结转 = last year's 结转下年度继续办理 of the same issuer",
    "yoy_jump": "no headline figure jumps by the factor and minimum change set in dbt_project.yml "
                "(vars yoy_jump_factor, yoy_jump_min_units) from the issuer's previous year",
}


def _prepare_quality_check(con: duckdb.DuckDBPyConnection, screened: bool = True) -> Prepared:
    checks = [
        Check("severity_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="severity", value_set=list(SEVERITIES)),
            screen=f"severity not in {sql_list(SEVERITIES)}", counted="severity is not null"),
        Check("passed_not_null", "error", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(column="passed"),
              screen="passed is null"),
    ]
    for family in CROSS_FAMILIES:
        def build(gxe: ModuleType, family: str = family) -> Any:
            return gxe.ExpectColumnValuesToBeInSet(
                column=family, value_set=[1.0], description=f"{family}: {CROSS_DESCRIPTIONS[family]}")

        # frames.rule_family in SQL: the rule's name up to its first '['.
        of_family = f"split_part(rule, '[', 1) = {sql_literal(family)}"
        checks.append(Check(family, "warning", build,
                            screen=f"{of_family} and passed is not true",
                            counted=f"{of_family} and passed is not null"))
    table = "marts.fct_quality_check"
    relation = (f'select {row_id(con, table)} as "row", report_id, rule, passed, severity, observed, expected '
                f"from {table}")
    rows, counts = _mart_frame(con, relation, 'report_id, rule, "row"', checks, screened)
    frame, details = cross_frames(rows)
    return Prepared(frame, checks, details, counts)


SUITES: tuple[SuiteSpec, ...] = (
    SuiteSpec("fct_indicator_value", "marts.fct_indicator_value",
              (ROW, *FACT_KEY_COLUMNS, "value", "unit", "source_line"), ("error",), _prepare_fct),
    SuiteSpec("dim_report", "marts.dim_report", (ROW, "report_id", "year", "template"),
              ("error", "warning"), _prepare_dim_report),
    SuiteSpec("form_consistency", "marts.fct_indicator_value", (ROW, MEMBER, "deviation", "report_id"),
              ("error", "warning"), _prepare_consistency),
    SuiteSpec("fct_quality_check", "marts.fct_quality_check", (ROW, "report_id", "rule"),
              ("error", "warning"), _prepare_quality_check),
)
