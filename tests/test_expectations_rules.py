"""Every form rule of ingest/forms/*.yaml, on a passing and a failing report, through the
real pipeline: staged tables -> dbt (seeds + models) -> GE suites. A rule added to a YAML
file is tested here automatically. GE's verdicts must match marts.fct_quality_check.

One dbt build and one GE run are shared by the module."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from expectations import run_suites
from ingest.forms import Rule, all_rules, get_form, split_fact_key
from tests.conftest import ROOT
from tests.staged_fixture import write_staged

VERSION = "9.9.9"
PARSED_AT = datetime(2026, 1, 1)
RULES = all_rules()


@dataclass(frozen=True)
class Case:
    rule: Rule
    passing: bool
    too_few_parts: bool = False  # the total and min_parts - 1 parts stated: the rule does not apply

    @property
    def report_id(self) -> str:
        n = RULES.index(self.rule)
        return f"rule{n:04d}{'n' if self.too_few_parts else 'p' if self.passing else 'f'}".ljust(64, "0")


def case_values(rule: Rule, passing: bool, too_few_parts: bool = False) -> dict[str, float]:
    """Figures stating the rule's total and all its parts; the failing variant is off by one.
    With too_few_parts: the total, off, and fewer parts than the rule needs to apply."""
    if too_few_parts:
        parts = {p: 1.0 for p in rule.parts[: rule.min_parts - 1]}
        return {rule.total: sum(parts.values()) + 7, **parts}
    if rule.op == "le":
        parts = {p: 3.0 for p in rule.parts}
        if not passing:
            parts[rule.parts[0]] = 6.0
        return {rule.total: 5.0, **parts}
    parts = {p: float(n) for n, p in enumerate(rule.parts, start=1)}
    return {rule.total: sum(parts.values()) + (0 if passing else 1), **parts}


def unit_of(form_code: str, key: str) -> str:
    indicator, channel, applicant = split_fact_key(key)
    for row in get_form(form_code).rows:
        if (row.indicator_code, row.channel_code, row.applicant_type) == (indicator, channel, applicant) and row.unit:
            return row.unit
    return "件"


def add_cases(path: Path, cases: list[Case]) -> None:
    from ingest.frames import FACT_SCHEMA, REPORT_SCHEMA

    reports, facts = [], []
    for case in cases:
        form = get_form(case.rule.form_code)
        year = max(form.first_year, 2009)
        reports.append({
            "report_id": case.report_id, "parser_version": VERSION, "status": "parsed", "failure_reason": None,
            "title": f"{year}年政府信息公开工作年度报告", "region_code": "410425", "region_name": "郏县",
            "region_level": "county", "issuer_name": f"issuer {case.report_id[:9]}", "issuer_kind": "department",
            "year": year, "year_source": "title", "template": form.template, "form_code": form.code,
            "published_on": date(year + 1, 1, 20), "n_facts": 0, "n_issues": 0, "parsed_at": PARSED_AT,
        })
        for line, (key, value) in enumerate(case_values(case.rule, case.passing, case.too_few_parts).items(),
                                            start=10):
            indicator, channel, applicant = split_fact_key(key)
            facts.append({
                "report_id": case.report_id, "parser_version": VERSION, "indicator_code": indicator,
                "channel_code": channel, "applicant_type": applicant, "value": value,
                "unit": unit_of(form.code, key), "value_qualifier": "exact", "source": "table",
                "source_line": line, "source_text": f"{key} {value:g}", "form_code": form.code,
                "row_key": key, "column_key": "total",
            })
    con = duckdb.connect(str(path))
    try:
        for case in cases:
            name = f"{case.report_id[:9]}.txt"
            con.execute("insert into raw.landed_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [case.report_id, f"/in/{name}", name, 16, "utf-8", None, "报告正文", b"\x00" * 16, PARSED_AT])
            con.execute("insert into raw.landed_paths values (?, ?, ?, ?)",
                        [case.report_id, f"/in/{name}", name, PARSED_AT])
        for table, frame in {"parsed.reports": pl.DataFrame(reports, schema=REPORT_SCHEMA),
                             "parsed.facts": pl.DataFrame(facts, schema=FACT_SCHEMA)}.items():
            con.register("_frame", frame.to_arrow())
            con.execute(f"insert into {table} select * from _frame")
            con.unregister("_frame")
    finally:
        con.close()


CASES = [Case(rule, passing) for rule in RULES for passing in (True, False)]
# Rules over applicant types a table may print merged into one column (min_parts 2): the merged
# table states the total and one part, and the rule says nothing about it.
FEW_PARTS = [Case(rule, False, too_few_parts=True) for rule in RULES if rule.min_parts > 1]


@dataclass(frozen=True)
class Verdicts:
    ge_failed: set[tuple[str, str]]  # (report_id, rule) failed in the GE form_consistency suite
    ge_expectations: dict[str, str]  # expectation name -> severity
    dbt: dict[tuple[str, str], tuple[bool, str]]  # (report_id, rule) -> (passed, severity), form rules only


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> Verdicts:
    tmp = tmp_path_factory.mktemp("ge_rules")
    warehouse = tmp / "warehouse.duckdb"
    write_staged(warehouse)
    add_cases(warehouse, CASES + FEW_PARTS)
    dbt = Path(sys.executable).parent / "dbt"
    proc = subprocess.run(
        [str(dbt), "build", "--resource-type", "seed", "--resource-type", "model", "--project-dir", "dbt",
         "--profiles-dir", "dbt", "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")],
        cwd=ROOT, env={**os.environ, "WAREHOUSE_PATH": str(warehouse)}, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    (consistency,) = run_suites(str(warehouse), only=("form_consistency",))
    ge_failed = {(row["report_id"], row["rule"]) for e in consistency.failed for row in e.failing_values}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("""
            select q.report_id, q.rule, q.passed, q.severity
            from marts.fct_quality_check as q
            inner join marts.dim_report as r using (report_id)
            where exists (select 1 from parsed.form_rules as f where f.form_code = r.form_code and f.rule = q.rule)
        """).fetchall()
    finally:
        con.close()
    return Verdicts(ge_failed, {e.name: e.severity for e in consistency.expectations},
                    {(rid, rule): (passed, sev) for rid, rule, passed, sev in rows})


def test_every_yaml_rule_is_an_expectation_with_its_severity(verdicts):
    for rule in RULES:
        assert verdicts.ge_expectations[f"{rule.form_code}:{rule.name}"] == rule.severity


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule.form_code}:{c.rule.name}:{'pass' if c.passing else 'fail'}")
def test_rule_passes_on_consistent_figures_and_fails_when_off_by_one(verdicts, case):
    key = (case.report_id, case.rule.name)
    assert (key in verdicts.ge_failed) is (not case.passing)
    assert verdicts.dbt[key] == (case.passing, case.rule.severity)  # dbt applied it and agrees


def test_rules_needing_two_parts_do_not_apply_to_a_total_with_one(verdicts):
    assert len(FEW_PARTS) >= 50  # applicant_sum and natural_and_legal_person_sum, every matrix row, both forms
    for case in FEW_PARTS:
        key = (case.report_id, case.rule.name)
        assert key not in verdicts.dbt and key not in verdicts.ge_failed


def test_ge_and_fct_quality_check_fail_the_same_reports_on_the_same_rules(verdicts):
    dbt_failed = {key for key, (passed, _) in verdicts.dbt.items() if not passed}
    assert dbt_failed, "the failing cases must fail somewhere"
    assert verdicts.ge_failed == dbt_failed
