"""The frames the suites validate, read from the warehouse with duckdb into pandas.

GE cannot validate DuckDB through SQLAlchemy, so each suite validates a pandas frame. The
consistency frame is derived here: the form rules (parsed.form_rules, declared in
ingest/forms/*.yaml) evaluated on marts.fct_indicator_value for the reports of each form.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

FACT_KEY_COLUMNS = ["report_id", "indicator_code", "channel_code", "applicant_type"]


def sum_tolerance(n_parts: int) -> float:
    """Same tolerance as the dbt rule checks: stated figures are rounded (万元 to 0.01), so a
    sum of n rounded parts may drift by n half-cents; a gap of 1 in counts still fails."""
    return 0.001 + 0.005 * n_parts


def read_table(con: duckdb.DuckDBPyConnection, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    cols = ", ".join(columns) if columns else "*"
    return con.execute(f"select {cols} from {table}").df()


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

    @property
    def tolerance(self) -> float:
        return sum_tolerance(len(self.parts)) if self.op == "eq" else sum_tolerance(1)


def rule_specs(form_rules: pd.DataFrame) -> list[RuleSpec]:
    specs = []
    for (form_code, rule), group in form_rules.groupby(["form_code", "rule"], sort=True):
        group = group.sort_values("part_no")
        first = group.iloc[0]
        specs.append(RuleSpec(
            form_code=str(form_code), rule=str(rule), op=str(first["op"]),
            severity="warning" if first["severity"] == "warning" else "error",
            description=str(first["description"] or ""),
            total=(first["total_indicator"], first["total_channel"] or "all", first["total_applicant"] or "all"),
            parts=tuple((r.part_indicator, r.part_channel or "all", r.part_applicant or "all")
                        for r in group.itertuples()),
        ))
    return specs


def rule_column(spec: RuleSpec) -> str:
    """Column of the consistency frame holding a rule's deviation (rule names are unique per form)."""
    return f"{spec.form_code}:{spec.rule}"


def _deviation(spec: RuleSpec, values: dict[tuple[str, str, str], float]) -> tuple[float | None, float | None]:
    """(total, deviation) of one report; deviation None when the rule does not apply.

    eq: total - sum of the stated parts; le: how far the largest part exceeds the total (0 if none).
    Applicable when the total and at least one part are stated (unstated parts are absent, not 0).
    """
    total = values.get(spec.total)
    stated = [values[p] for p in spec.parts if p in values]
    if total is None or not stated:
        return total, None
    if spec.op == "le":
        return total, max(0.0, max(stated) - total)
    return total, total - sum(stated)


def consistency_frames(facts: pd.DataFrame, reports: pd.DataFrame,
                       form_rules: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[RuleSpec]]:
    """(wide, long, specs).

    wide: one row per report of a form that has rules, one column per rule (its deviation,
    NaN where the rule does not apply) — one GE expectation per column.
    long: one row per report x applicable rule with total, parts_sum and deviation, for the
    failing values a check reports.
    """
    specs = rule_specs(form_rules)
    forms = {s.form_code for s in specs}
    ruled = reports[reports["form_code"].isin(forms)][["report_id", "form_code"]]
    by_report: dict[str, dict[tuple[str, str, str], float]] = {}
    for row in facts.itertuples():
        by_report.setdefault(row.report_id, {})[(row.indicator_code, row.channel_code, row.applicant_type)] = \
            float(row.value)
    wide_rows, long_rows = [], []
    for report in ruled.itertuples():
        values = by_report.get(report.report_id, {})
        wide = {"report_id": report.report_id, "form_code": report.form_code}
        for spec in specs:
            deviation = None
            if spec.form_code == report.form_code:
                total, deviation = _deviation(spec, values)
                if deviation is not None:
                    long_rows.append({
                        "report_id": report.report_id, "form_code": spec.form_code, "rule": spec.rule,
                        "op": spec.op, "severity": spec.severity, "total": total,
                        "parts_sum": sum(values[p] for p in spec.parts if p in values),
                        "deviation": deviation,
                    })
            wide[rule_column(spec)] = deviation
        wide_rows.append(wide)
    columns = ["report_id", "form_code", *[rule_column(s) for s in specs]]
    wide_frame = pd.DataFrame(wide_rows, columns=columns)
    for spec in specs:
        wide_frame[rule_column(spec)] = wide_frame[rule_column(spec)].astype("float64")
    long_frame = pd.DataFrame(long_rows, columns=["report_id", "form_code", "rule", "op", "severity", "total",
                                                  "parts_sum", "deviation"])
    return wide_frame, long_frame, specs
