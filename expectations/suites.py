"""The suites, as code: one per mart that has rules, plus the form-consistency suite.

Each suite names the mart it guards, how to read (or derive) the frame it validates, the
columns identifying a failing row, and its expectations. Expectations are built from a
`gxe` module argument so GE (slow to import) is imported only when suites run.
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

from expectations.frames import FACT_KEY_COLUMNS, consistency_frames, read_table, rule_column

FIRST_YEAR = 2008  # the national disclosure regulations took effect in 2008
# Units that count things: their figures must be whole numbers.
COUNT_UNITS = frozenset({"条", "件", "次", "人", "人次", "个", "篇"})
MONEY_UNITS = frozenset({"万元"})
TEMPLATES = ("old_table", "new_table", "narrative")
STATUSES = ("parsed", "partial", "failed")
SOURCES = ("table", "narrative")
QUALIFIERS = ("exact", "approx")


@cache
def known_units() -> frozenset[str]:
    """Count and money units, plus every unit a form declares (ingest/forms/*.yaml)."""
    from ingest.forms import load_forms

    declared = {row.unit for form in load_forms().values() for row in form.rows if row.unit}
    return COUNT_UNITS | MONEY_UNITS | declared


@dataclass(frozen=True)
class Check:
    """An expectation with a stable name and the severity its failure carries."""

    name: str
    severity: str  # error | warning
    build: Callable[[ModuleType], Any]  # gxe module -> Expectation
    rule: tuple[str, str] | None = None  # (form_code, rule) for a form-consistency check


@dataclass(frozen=True)
class Prepared:
    """A suite ready to validate: its frame and its checks (which may depend on the data)."""

    frame: pd.DataFrame
    checks: list[Check]
    details: pd.DataFrame | None = None  # extra per-failure context (consistency suite)


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    mart: str
    index_columns: tuple[str, ...]  # identify a failing row in the results
    prepare: Callable[[duckdb.DuckDBPyConnection], Prepared]


# ---- fct_indicator_value -----------------------------------------------------------------

def _fct_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = read_table(con, "marts.fct_indicator_value",
                       [*FACT_KEY_COLUMNS, "value", "unit", "value_qualifier", "source"])
    counted = frame["unit"].isin(COUNT_UNITS)
    # The fractional part of figures that count things; NaN (not checked) for other units.
    frame["count_fraction"] = (frame["value"] - frame["value"].floordiv(1)).where(counted)
    return frame


def _prepare_fct(con: duckdb.DuckDBPyConnection) -> Prepared:
    units = sorted(known_units())
    checks = [
        Check("key_unique", "error", lambda gxe: gxe.ExpectCompoundColumnsToBeUnique(
            column_list=FACT_KEY_COLUMNS)),
        Check("value_not_null", "error", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(column="value")),
        Check("value_non_negative", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="value", min_value=0)),
        Check("count_is_integer", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="count_fraction", min_value=0, max_value=1e-9,
            description="figures in 条/件/次/人/人次/个/篇 are whole numbers")),
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
    return frame


def _prepare_dim_report(con: duckdb.DuckDBPyConnection) -> Prepared:
    this_year = date.today().year
    checks = [
        Check("report_id_unique", "error", lambda gxe: gxe.ExpectColumnValuesToBeUnique(column="report_id")),
        Check("year_in_range", "error", lambda gxe: gxe.ExpectColumnValuesToBeBetween(
            column="year", min_value=FIRST_YEAR, max_value=this_year)),
        Check("template_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="template", value_set=list(TEMPLATES))),
        Check("status_known", "error", lambda gxe: gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=list(STATUSES))),
        Check("region_resolved", "warning", lambda gxe: gxe.ExpectColumnValuesToNotBeNull(
            column="parsed_region_code", description="every parsed report resolves to a GB/T 2260 region")),
    ]
    return Prepared(_dim_report_frame(con), checks)


# ---- form consistency ----------------------------------------------------------------------

def _prepare_consistency(con: duckdb.DuckDBPyConnection) -> Prepared:
    facts = read_table(con, "marts.fct_indicator_value", [*FACT_KEY_COLUMNS, "value"])
    reports = read_table(con, "marts.dim_report", ["report_id", "form_code"])
    rules = read_table(con, "parsed.form_rules")
    wide, long, specs = consistency_frames(facts, reports, rules)
    # Rule names are unique within a form; qualify them only if two forms share one.
    qualify = len({s.rule for s in specs}) < len(specs)
    checks = []
    for spec in specs:
        column, tol = rule_column(spec), spec.tolerance
        low = -tol if spec.op == "eq" else 0.0
        text = spec.description or (f"{spec.rule}: total = sum of parts" if spec.op == "eq"
                                    else f"{spec.rule}: each part <= total")

        def build(gxe: ModuleType, column: str = column, low: float = low, tol: float = tol,
                  text: str = text) -> Any:
            return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=tol,
                                                     description=text)

        checks.append(Check(column if qualify else spec.rule, spec.severity, build,
                            rule=(spec.form_code, spec.rule)))
    return Prepared(wide, checks, long)


SUITES: tuple[SuiteSpec, ...] = (
    SuiteSpec("fct_indicator_value", "marts.fct_indicator_value",
              (*FACT_KEY_COLUMNS, "value", "unit"), _prepare_fct),
    SuiteSpec("dim_report", "marts.dim_report", ("report_id", "year", "template"), _prepare_dim_report),
    SuiteSpec("form_consistency", "marts.fct_indicator_value", ("report_id",), _prepare_consistency),
)
