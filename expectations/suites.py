"""The suites, as code: one per mart that has rules, plus the form-consistency suite.

Each suite names the mart it guards, how to read (or derive) the frame it validates, the
columns identifying a failing row, the severities its expectations carry (one Dagster check
per suite x severity), and its expectations. Expectations are built from a `gxe` module
argument so GE (slow to import) is imported only when suites run. Form rules come from
parsed.form_rules, i.e. from ingest/forms/*.yaml: no form's structure is restated here.
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
    ROW,
    consistency_frames,
    cross_frames,
    read_table,
    rule_column,
)

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


def count_units() -> frozenset[str]:
    return (COUNT_UNITS | declared_units()) - MONEY_UNITS


def known_units() -> frozenset[str]:
    """Count and money units, plus every unit a form declares."""
    return COUNT_UNITS | MONEY_UNITS | declared_units()


@dataclass(frozen=True)
class Check:
    """An expectation with a stable name and the severity its failure carries."""

    name: str
    severity: str  # error | warning
    build: Callable[[ModuleType], Any]  # gxe module -> Expectation
    rule: tuple[str, str] | None = None  # (form_code, rule) of a form rule; ("", family) of a cross check


@dataclass(frozen=True)
class Prepared:
    """A suite ready to validate: its frame (with a ROW column) and its checks."""

    frame: pd.DataFrame
    checks: list[Check]
    # One row per (check, frame row) of a derived suite: the failing figures (frames.DETAIL_COLUMNS).
    details: pd.DataFrame | None = None


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    mart: str
    index_columns: tuple[str, ...]  # identify a failing row in the results (ROW first)
    severities: tuple[str, ...]  # the severities its checks may carry: one Dagster check each
    prepare: Callable[[duckdb.DuckDBPyConnection], Prepared]


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame.insert(0, ROW, range(len(frame)))
    return frame


# ---- fct_indicator_value -----------------------------------------------------------------

def _fct_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = read_table(con, "marts.fct_indicator_value",
                       [*FACT_KEY_COLUMNS, "value", "unit", "value_qualifier", "source", "source_line"])
    counted = frame["unit"].isin(count_units())
    # The fractional part of figures that count things; NaN (not checked) for other units.
    frame["count_fraction"] = (frame["value"] - frame["value"].floordiv(1)).where(counted)
    return _numbered(frame)


def _prepare_fct(con: duckdb.DuckDBPyConnection) -> Prepared:
    units = sorted(known_units())
    checks = [
        Check("key_unique", "error", lambda gxe: gxe.ExpectCompoundColumnsToBeUnique(
            column_list=FACT_KEY_COLUMNS)),
        Check("value_not_null", "error", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(column="value")),
        Check("value_non_negative", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="value", min_value=0, description="value_non_negative: no figure is negative")),
        Check("count_is_integer", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="count_fraction", min_value=0, max_value=1e-9,
            description="count_is_integer: figures in units that count things (件, 条, 人, 项, …) are whole")),
        Check("unit_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="unit", value_set=units)),
        Check("source_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="source", value_set=list(SOURCES))),
        Check("qualifier_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="value_qualifier", value_set=list(QUALIFIERS))),
    ]
    return Prepared(_fct_frame(con), checks)


# ---- dim_report ----------------------------------------------------------------------------

def _dim_report_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = read_table(con, "marts.dim_report", ["report_id", "region_code", "year", "template", "status"])
    # A document that could not be read has no region to resolve; only parsed ones count.
    frame["parsed_region_code"] = frame["region_code"].where(frame["status"] != "failed", "not_applicable")
    return _numbered(frame)


def _prepare_dim_report(con: duckdb.DuckDBPyConnection) -> Prepared:
    this_year = date.today().year
    checks = [
        Check("report_id_unique", "error", lambda gxe: gxe.ExpectColumnValuesToBeUnique(column="report_id")),
        Check("year_in_range", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="year", min_value=FIRST_YEAR, max_value=this_year,
            description=f"year_in_range: the year a report covers is within {FIRST_YEAR}..{this_year}")),
        Check("template_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="template", value_set=list(TEMPLATES))),
        Check("status_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=list(STATUSES))),
        Check("region_resolved", "warning", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(
            column="parsed_region_code",
            description="region_resolved: every parsed report resolves to a GB/T 2260 region")),
    ]
    return Prepared(_dim_report_frame(con), checks)


# ---- form consistency ----------------------------------------------------------------------

def _prepare_consistency(con: duckdb.DuckDBPyConnection) -> Prepared:
    facts = read_table(con, "marts.fct_indicator_value", [*FACT_KEY_COLUMNS, "value", "source_line"])
    reports = read_table(con, "marts.dim_report", ["report_id", "form_code"])
    rules = read_table(con, "parsed.form_rules")
    wide, details, specs = consistency_frames(facts, reports, rules)
    checks = []
    for spec in specs:
        column, tol = rule_column(spec), spec.tolerance
        low = -tol if spec.op == "eq" else 0.0
        text = spec.description or ("total = sum of parts" if spec.op == "eq" else "each part <= total")

        def build(gxe: ModuleType, column: str = column, low: float = low, tol: float = tol,
                  text: str = f"{spec.name}: {text}") -> Any:
            return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=tol,
                                                     description=text)

        checks.append(Check(spec.name, spec.severity, build, rule=(spec.form_code, spec.rule)))
    return Prepared(wide, checks, details)


# ---- cross-source and cross-year verdicts (marts.fct_quality_check) ---------------------------

CROSS_DESCRIPTIONS = {
    "table_prose_agreement": "a figure stated in both the table and the prose agrees "
                             "(an approximate prose figure within 10%)",
    "carryover_continuity": "this year's 上年结转 = last year's 结转下年度继续办理 of the same issuer",
    "yoy_jump": "no headline figure jumps by the factor and minimum change set in dbt_project.yml "
                "(vars yoy_jump_factor, yoy_jump_min_units) from the issuer's previous year",
}


def _prepare_quality_check(con: duckdb.DuckDBPyConnection) -> Prepared:
    frame, details = cross_frames(read_table(con, "marts.fct_quality_check"))
    checks = [
        Check("severity_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="severity", value_set=list(SEVERITIES))),
        Check("passed_not_null", "error", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(column="passed")),
    ]
    for family in CROSS_FAMILIES:
        def build(gxe: ModuleType, family: str = family) -> Any:
            return gxe.ExpectColumnValuesToBeInSet(
                column=family, value_set=[1.0], description=f"{family}: {CROSS_DESCRIPTIONS[family]}")

        checks.append(Check(family, "warning", build, rule=("", family)))
    return Prepared(frame, checks, details)


SUITES: tuple[SuiteSpec, ...] = (
    SuiteSpec("fct_indicator_value", "marts.fct_indicator_value",
              (ROW, *FACT_KEY_COLUMNS, "value", "unit", "source_line"), ("error",), _prepare_fct),
    SuiteSpec("dim_report", "marts.dim_report", (ROW, "report_id", "year", "template"),
              ("error", "warning"), _prepare_dim_report),
    SuiteSpec("form_consistency", "marts.fct_indicator_value", (ROW, "report_id"),
              ("error", "warning"), _prepare_consistency),
    SuiteSpec("fct_quality_check", "marts.fct_quality_check", (ROW, "report_id", "rule"),
              ("error", "warning"), _prepare_quality_check),
)
