"""The frames the suites validate, read from the warehouse with duckdb into pandas.

GE cannot validate DuckDB through SQLAlchemy, so each suite validates a pandas frame. Two
frames are derived here:

- the form-consistency frame: the form rules (parsed.form_rules, declared in
  ingest/forms/*.yaml) evaluated on marts.fct_indicator_value, one row per report of a form
  with rules and one column per rule, holding the rule's deviation;
- the cross-check frame: the cross-source and cross-year verdicts of marts.fct_quality_check
  (table vs prose, carry-over continuity, year-over-year jumps), one column per rule family.

Each derived frame comes with a `details` frame: one row per (check, frame row) saying what
a failure of that check on that row means in the report's own figures (rule, indicator,
stated value, expected value, source line).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

FACT_KEY_COLUMNS = ["report_id", "indicator_code", "channel_code", "applicant_type"]
ROW = "row"  # position of a row in a suite's frame: how a failing row is found again
DETAIL_COLUMNS = ["check", ROW, "report_id", "rule", "indicator", "stated", "expected", "source_line", "note"]
# Rule families of marts.fct_quality_check computed by dbt across sources or years
# (rule names are `family` or `family[<fact key>]`).
CROSS_FAMILIES = ("table_prose_agreement", "carryover_continuity", "yoy_jump")


def sum_tolerance(n_parts: int) -> float:
    """Same tolerance as the dbt rule checks: stated figures are rounded (万元 to 0.01), so a
    sum of n rounded parts may drift by n half-cents; a gap of 1 in counts still fails."""
    return 0.001 + 0.005 * n_parts


def read_table(con: duckdb.DuckDBPyConnection, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    cols = ", ".join(columns) if columns else "*"
    return con.execute(f"select {cols} from {table}").df()


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

    @property
    def name(self) -> str:
        """The expectation's name: rule names are unique within a form, not across forms."""
        return f"{self.form_code}:{self.rule}"

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
    """Column of the consistency frame holding a rule's deviation."""
    return spec.name


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

    Applicable when the total and at least one part are stated (unstated parts are absent,
    not 0). eq: deviation = total - sum of the stated parts. le: how far the largest part
    exceeds the total (0 if none does).
    """
    total = figures.get(spec.total)
    stated = [(p, figures[p]) for p in spec.parts if p in figures]
    if total is None or not stated:
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


def consistency_frames(facts: pd.DataFrame, reports: pd.DataFrame,
                       form_rules: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[RuleSpec]]:
    """(wide, details, specs) for the forms that have both rules and reports.

    wide: one row per report of such a form, one column per rule of those forms (its
    deviation, NaN where the rule does not apply) — one GE expectation per column.
    details: one row per report x applicable rule (DETAIL_COLUMNS), for the failing figures.
    """
    ruled = reports[reports["form_code"].notna()][["report_id", "form_code"]].sort_values("report_id")
    present = set(ruled["form_code"])
    specs = [s for s in rule_specs(form_rules) if s.form_code in present]
    ruled = ruled[ruled["form_code"].isin({s.form_code for s in specs})].reset_index(drop=True)
    by_report: dict[str, dict[tuple[str, str, str], Figure]] = {}
    lines = facts["source_line"] if "source_line" in facts else pd.Series([None] * len(facts))
    for row, line in zip(facts.itertuples(), lines, strict=True):
        key = (row.indicator_code, row.channel_code, row.applicant_type)
        by_report.setdefault(row.report_id, {})[key] = Figure(
            float(row.value), None if pd.isna(line) else int(line))
    wide_rows, details = [], []
    for pos, report in enumerate(ruled.itertuples()):
        figures = by_report.get(report.report_id, {})
        wide = {ROW: pos, "report_id": report.report_id, "form_code": report.form_code}
        for spec in specs:
            found = evaluate(spec, figures) if spec.form_code == report.form_code else None
            wide[rule_column(spec)] = None if found is None else found.deviation
            if found is not None:
                details.append({
                    "check": spec.name, ROW: pos, "report_id": report.report_id, "rule": spec.rule,
                    "indicator": found.indicator, "stated": found.stated, "expected": found.expected,
                    "source_line": found.source_line, "note": found.note,
                })
        wide_rows.append(wide)
    wide_frame = pd.DataFrame(wide_rows, columns=[ROW, "report_id", "form_code", *map(rule_column, specs)])
    for spec in specs:
        wide_frame[rule_column(spec)] = wide_frame[rule_column(spec)].astype("float64")
    return wide_frame, pd.DataFrame(details, columns=DETAIL_COLUMNS), specs


def rule_family(rule: str) -> str:
    """'yoy_jump[requests_received]' -> 'yoy_jump'."""
    return rule.split("[", 1)[0]


def cross_frames(checks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(frame, details) of marts.fct_quality_check.

    frame: every row of the mart (report_id, rule, passed, severity), plus one column per
    CROSS_FAMILIES family holding 1.0 (passed) / 0.0 (failed) on that family's rows, NaN
    elsewhere. details: one row per verdict of a family.
    """
    frame = checks[["report_id", "rule", "passed", "severity"]].sort_values(["report_id", "rule"])
    frame = frame.reset_index(drop=True)
    frame.insert(0, ROW, range(len(frame)))
    families = frame["rule"].map(rule_family)
    for family in CROSS_FAMILIES:
        frame[family] = frame["passed"].astype("float64").where(families == family)
    ordered = checks.set_index(["report_id", "rule"]).loc[list(zip(frame["report_id"], frame["rule"], strict=True))]
    mine = families.isin(CROSS_FAMILIES).to_numpy()
    details = pd.DataFrame({
        "check": families[mine].to_numpy(), ROW: frame[ROW][mine].to_numpy(),
        "report_id": frame["report_id"][mine].to_numpy(), "rule": frame["rule"][mine].to_numpy(),
        "indicator": frame["rule"][mine].str.extract(r"\[(.*)\]$", expand=False).fillna("").to_numpy(),
        "stated": ordered["observed"].to_numpy()[mine], "expected": ordered["expected"].to_numpy()[mine],
        "source_line": None, "note": "",
    }, columns=DETAIL_COLUMNS)
    return frame, details
