"""The per-report models are incremental by report (dbt/macros/report_ledger.sql): after new
reports, re-parses, a new primary among duplicates, a parse gone from staging and a changed
form rule, an incremental `dbt build` gives the same marts and intermediate tables as a
`dbt build --full-refresh`, recomputing only the reports whose inputs changed. A per-report
test reads only the rows written since it last passed, so a failing test keeps failing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.staged_fixture import (
    BAD,
    GOOD,
    LIANGZHOU,
    MINQIN,
    R,
    add_reports,
    built_extended,
    query,
    rid,
    run_dbt,
)

ROOT = Path(__file__).resolve().parents[1]
T2 = datetime(2025, 3, 1, 12, 0, 0)
LATER = [
    # A new report.
    R("liangzhou-2023", LIANGZHOU, "凉州区人民政府", 2023, "new_table", "new_2021", date(2024, 1, 20),
      facts={"requests_received": 400, "requests_carried_over": 2}, parsed_at=T2),
    # A parser-version bump that changes figures (the carried-forward figure that liangzhou-2022,
    # itself unchanged, compares its carried-over figure to) and drops another.
    R("liangzhou-2021", LIANGZHOU, "凉州区人民政府", 2021, "new_table", "new_2021", date(2022, 1, 20),
      facts={"requests_received": 31, "requests_carried_forward": 3}, version="0.0.3", parsed_at=T2),
    # A re-parse that finds no figure at all.
    R("minqin-2016", MINQIN, "民勤县人民政府", 2016, "old_table", "old_2008", date(2017, 3, 1),
      version="0.0.3", parsed_at=T2, status="partial"),
    # A revision published after minqin-2017: it becomes the primary report of 2017.
    R("minqin-2017-revised", MINQIN, "民勤县人民政府", 2017, "old_table", "old_2008", date(2018, 6, 1),
      facts={"proactive_total": 6400, "requests_received": 2, "requests_granted": 2}, parsed_at=T2),
]
CHUNK = 4  # reports per statement in the incremental build
GONE = "gulang-finance-2017"  # its parse leaves the staged tables
CHANGED_RULE = "fixture_request_balance"  # its severity changes in parsed.form_rules

# The models incremental by report, i.e. with a ledger.
LEDGER_MODELS = ["int_facts_resolved", "int_table_prose_agreement", "int_rule_results", "int_harmonized_values",
                 "int_cross_year_checks", "int_quality_checks", "int_report_quality", "int_report_facts",
                 "fct_indicator_value", "fct_quality_check", "fct_harmonized_value", "fct_disclosure_requests",
                 "fct_proactive_disclosure", "fct_review_litigation"]


def snapshot(warehouse: Path, schemas: tuple[str, ...] = ("marts",)) -> dict[str, list[str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables where table_type = "
                             f"'BASE TABLE' and table_schema in ({', '.join('?' * len(schemas))}) order by 1, 2",
                             list(schemas)).fetchall()
        return {f"{s}.{t}": sorted(map(repr, con.execute(f"select * from {s}.{t}").fetchall())) for s, t in tables}
    finally:
        con.close()


def pending(warehouse: Path, model: str) -> dict[str, str | None]:
    """The reports the last run of `model` recomputed (fingerprint NULL: left the input)."""
    return dict(query(warehouse, f"select report_id, fingerprint from dbt_ledger.{model}__pending"))


def stage_later_changes(warehouse: Path) -> None:
    add_reports(warehouse, LATER)
    con = duckdb.connect(str(warehouse))
    try:
        for table in ("facts", "issues", "reports"):
            con.execute(f"delete from parsed.{table} where report_id = ?", [rid(GONE)])
        con.execute("update parsed.form_rules set severity = 'warning' where rule = ?", [CHANGED_RULE])
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, object]:
    base, target = built_extended()
    tmp = tmp_path_factory.mktemp("incremental")
    warehouse = tmp / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.copytree(target, tmp / "target")  # partial parsing: the next runs skip the full parse
    before = snapshot(warehouse)
    stage_later_changes(warehouse)
    # Small chunks: the pending reports are computed a few at a time (the body, then the
    # post-hook once per further chunk); the full refresh below computes them all at once.
    run_dbt(warehouse, tmp / "target", "build", "--vars", f"{{report_chunk_size: {CHUNK}}}")
    schemas = ("marts", "intermediate")
    out = {"warehouse": warehouse, "base": base, "before": before, "incremental": snapshot(warehouse, schemas),
           "pending": {m: pending(warehouse, m) for m in LEDGER_MODELS},
           "chunks": dict(query(warehouse, "select 'int_rule_results', max(chunk) + 1 "
                                           "from dbt_ledger.int_rule_results__pending"))}
    run_dbt(warehouse, tmp / "target", "build")  # nothing changed since
    out["pending_unchanged"] = {m: pending(warehouse, m) for m in LEDGER_MODELS}
    out["unchanged"] = snapshot(warehouse, schemas)
    run_dbt(warehouse, tmp / "target", "build", "--full-refresh")
    out["full"] = snapshot(warehouse, schemas)
    return out


def test_incremental_equals_full_refresh(runs):
    incremental, full = runs["incremental"], runs["full"]
    assert set(incremental) == set(full)
    assert {f"marts.{m}" for m in LEDGER_MODELS if m.startswith("fct_")} <= set(full)
    different = [t for t in full if incremental[t] != full[t]]
    assert different == []
    assert len(full["marts.fct_indicator_value"]) > 0 and len(full["marts.fct_quality_check"]) > 0
    # The staged changes did change the marts (the comparison is not between two unchanged builds).
    assert runs["before"]["marts.fct_quality_check"] != full["marts.fct_quality_check"]
    assert runs["before"]["marts.fct_proactive_disclosure"] != full["marts.fct_proactive_disclosure"]


def test_a_build_without_changes_recomputes_nothing(runs):
    assert runs["unchanged"] == runs["incremental"]
    assert {m: p for m, p in runs["pending_unchanged"].items() if p} == {}


def test_only_the_changed_reports_are_recomputed(runs):
    got = runs["pending"]
    changed = {rid(r.name) for r in LATER}
    # The figures depend on the parse only: the new and re-parsed reports, and the one gone.
    assert set(got["int_facts_resolved"]) == changed | {rid(GONE)}
    assert got["int_facts_resolved"][rid(GONE)] is None
    assert set(got["fct_indicator_value"]) == changed | {rid(GONE)}
    # The form rules changed: every report with a parse is re-checked against them.
    n_reports = query(runs["warehouse"], "select count(*) from staging.stg_reports")[0][0]
    assert len(got["int_rule_results"]) == n_reports + 1
    # The primary choice of 2017 changed: minqin-2017 leaves the harmonised marts unchanged itself.
    assert rid("minqin-2017") in got["fct_harmonized_value"]
    assert rid("minqin-2017") not in got["int_harmonized_values"]
    # liangzhou-2022 was not re-parsed, but the year before it was: its cross-year checks are redone.
    assert rid("liangzhou-2022") in got["int_cross_year_checks"]
    assert rid("liangzhou-2022") not in got["int_facts_resolved"]
    assert len(got["int_facts_resolved"]) < n_reports / 2
    assert runs["chunks"]["int_rule_results"] == -(-(n_reports + 1) // CHUNK) > 1


def test_incremental_build_replaces_reparsed_reports(runs):
    warehouse = runs["warehouse"]
    got = dict(query(warehouse, """select indicator_code, value from marts.fct_indicator_value
                                   where report_id = ? and parser_version = '0.0.3'""", [rid("liangzhou-2021")]))
    assert got == {"requests_received": 31.0, "requests_carried_forward": 3.0}
    assert query(warehouse, "select count(*) from marts.fct_indicator_value where report_id = ?",
                 [rid("minqin-2016")]) == [(0,)]
    assert query(warehouse, "select value from marts.fct_indicator_value where report_id = ? "
                            "and indicator_code = 'requests_received'", [rid("liangzhou-2023")]) == [(400.0,)]


def test_new_reports_reach_the_downstream_marts(runs):
    warehouse = runs["warehouse"]
    # 2023 now has 凉州区's report, whose carried-over 2 has no 2022 carried-forward to compare to.
    assert query(warehouse, """select requests_received from marts.mart_region_year
                               where region_code = '620602' and year = 2023""") == [(400.0,)]
    # 400 after 35: a jump beyond x10 and 50 units.
    assert query(warehouse, "select passed from marts.fct_quality_check where report_id = ? "
                            "and rule = 'yoy_jump[requests_received]'", [rid("liangzhou-2023")]) == [(False,)]


def test_cross_year_check_follows_the_previous_year(runs):
    sql = "select passed from marts.fct_quality_check where report_id = ? and rule = 'carryover_continuity'"
    # liangzhou-2022 carries over 2: the 2021 report carried 2 forward, then (re-parsed) 3.
    assert query(runs["base"], sql, [rid("liangzhou-2022")]) == [(True,)]
    assert query(runs["warehouse"], sql, [rid("liangzhou-2022")]) == [(False,)]


def test_a_new_primary_report_replaces_the_old_one(runs):
    warehouse = runs["warehouse"]
    got = dict(query(warehouse, "select report_id, is_primary from marts.dim_report where report_id in (?, ?)",
                     [rid("minqin-2017"), rid("minqin-2017-revised")]))
    assert got == {rid("minqin-2017"): False, rid("minqin-2017-revised"): True}
    for mart in ("fct_proactive_disclosure", "fct_harmonized_value"):
        ids = {r[0] for r in query(warehouse, f"select report_id from marts.{mart} where region_code = '620621' "
                                              "and year = 2017 and is_government_report")}
        assert ids == {rid("minqin-2017-revised")}, mart
    assert query(runs["base"], "select count(*) from marts.fct_proactive_disclosure where report_id = ?",
                 [rid("minqin-2017")]) == [(1,)]


def test_a_parse_gone_from_staging_leaves_the_per_report_marts(runs):
    warehouse = runs["warehouse"]
    for mart in ("fct_indicator_value", "fct_quality_check", "fct_harmonized_value", "mart_report_quality"):
        n = query(warehouse, f"select count(*) from marts.{mart} where report_id = ? "
                             + ("and n_rules_applicable > 0" if mart == "mart_report_quality" else ""), [rid(GONE)])
        assert n == [(0,)], mart
    assert query(runs["base"], "select count(*) from marts.fct_indicator_value where report_id = ?",
                 [rid(GONE)]) == [(1,)]
    # Still landed: dim_report keeps it, as not parsed.
    assert query(warehouse, "select status, failure_reason from marts.dim_report where report_id = ?",
                 [rid(GONE)]) == [("failed", "not parsed yet")]


def test_a_changed_rule_reaches_reports_that_did_not_change(runs):
    sql = "select severity from marts.fct_quality_check where report_id = ? and rule = ?"
    assert query(runs["base"], sql, [BAD, CHANGED_RULE]) == [("error",)]
    assert query(runs["warehouse"], sql, [BAD, CHANGED_RULE]) == [("warning",)]


# ---- per-report tests -----------------------------------------------------------------------

def dbt_build(warehouse: Path, target: Path, *args: str) -> dict[str, tuple[str, str]]:
    """`dbt build`, failing or not: {node name: (status, compiled SQL)}."""
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", *args, "--project-dir", "dbt", "--profiles-dir", "dbt",
         "--target-path", str(target), "--log-path", str(target.parent / "logs")],
        cwd=ROOT, env={**os.environ, "WAREHOUSE_PATH": str(warehouse.resolve())},
        capture_output=True, text=True, timeout=300,
    )
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    got = {r["unique_id"].split(".")[2]: (r["status"], r.get("compiled_code") or "") for r in results}
    assert got, proc.stdout[-3000:]
    return got


SOURCE_TEST = "accepted_values_fct_indicator_value_source__table__narrative"


def test_a_failing_per_report_test_fails_until_fixed(tmp_path):
    base, target = built_extended()
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.copytree(target, tmp_path / "target")
    report = R("liangzhou-2024", LIANGZHOU, "凉州区人民政府", 2024, "new_table", "new_2021", date(2025, 1, 20),
               facts={"requests_received": 40}, parsed_at=T2)
    add_reports(warehouse, [report])
    con = duckdb.connect(str(warehouse))
    con.execute("update parsed.facts set source = 'ocr' where report_id = ?", [report.report_id])
    con.close()

    first = dbt_build(warehouse, tmp_path / "target")
    assert first[SOURCE_TEST][0] == "fail"
    assert set(pending(warehouse, "fct_indicator_value")) == {report.report_id}
    # Nothing changed: the model recomputes nothing, but its rows were never verified.
    again = dbt_build(warehouse, tmp_path / "target")
    assert pending(warehouse, "fct_indicator_value") == {}
    assert again[SOURCE_TEST][0] == "fail"
    assert "dbt_ledger" in again[SOURCE_TEST][1]  # it reads the unverified reports only, and still fails

    # A new parse fixes the figure: the report is recomputed and the test passes.
    con = duckdb.connect(str(warehouse))
    con.execute("update parsed.facts set source = 'table' where report_id = ?", [report.report_id])
    con.execute("update parsed.reports set parsed_at = ? where report_id = ?",
                [datetime(2025, 4, 1, 12), report.report_id])
    con.close()
    fixed = dbt_build(warehouse, tmp_path / "target")
    assert fixed[SOURCE_TEST][0] == "pass"
    assert set(pending(warehouse, "fct_indicator_value")) == {report.report_id}
    # A relationships test depends on the parent too: it always reads every row.
    relationships = [sql for name, (_, sql) in fixed.items()
                     if name.startswith("relationships_fct_indicator_value_report_id")]
    assert relationships and "dbt_ledger" not in relationships[0]
    assert "dbt_ledger" in fixed["not_null_fct_indicator_value_value"][1]


def test_a_repeated_fact_key_fails_the_key_test_with_its_key(tmp_path):
    # unique_combination groups a hash of the key first (macros/test_unique_combination.sql):
    # a repeated key must still fail, reported by its own columns.
    base, target = built_extended()
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.copytree(target, tmp_path / "target")
    con = duckdb.connect(str(warehouse))
    key = con.execute("select report_id, indicator_code, channel_code, applicant_type from marts.fct_indicator_value "
                      "order by all limit 1").fetchone()
    con.execute("insert into marts.fct_indicator_value select * from marts.fct_indicator_value where report_id = ? "
                "and indicator_code = ? and channel_code = ? and applicant_type = ?", list(key))
    con.close()
    target = tmp_path / "target"
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", "fct_indicator_value,test_name:unique_combination",
         "--store-failures", "--vars", "{report_ledger_verify_all: true}", "--project-dir", "dbt",
         "--profiles-dir", "dbt", "--target-path", str(target), "--log-path", str(tmp_path / "logs")],
        cwd=ROOT, env={**os.environ, "WAREHOUSE_PATH": str(warehouse.resolve())},
        capture_output=True, text=True, timeout=300,
    )
    results = [r for r in json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
               if r["unique_id"].startswith("test.")]
    assert [(r["status"], r["failures"]) for r in results] == [("fail", 1)], proc.stdout[-3000:]
    assert query(warehouse, f"select * from {results[0]['relation_name']}") == [(*key, 2)]


def test_a_changed_form_row_grade_reaches_the_harmonised_marts(tmp_path):
    """The harmonisation reads the forms' rows (their grade): a YAML edit that lands in
    parsed.form_rows regrades every report's harmonised values on the next build, and
    recomputes nothing that does not read the rows."""
    base, target = built_extended()
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.copytree(target, tmp_path / "target")
    sql = """select equivalence from marts.fct_harmonized_value where report_id = ?
             and harmonized_code = 'requests_granted' and channel_code = 'all' and applicant_type = 'all'"""
    assert query(warehouse, sql, [GOOD]) == [("exact",)]
    con = duckdb.connect(str(warehouse))
    con.execute("update parsed.form_rows set equivalence = 'approximate' "
                "where form_code = 'fixture_form' and indicator_code = 'requests_granted'")
    con.close()
    run_dbt(warehouse, tmp_path / "target", "build")
    assert query(warehouse, sql, [GOOD]) == [("approximate",)]
    n_reports = query(warehouse, "select count(*) from staging.stg_reports")[0][0]
    assert len(pending(warehouse, "int_harmonized_values")) == n_reports
    assert pending(warehouse, "int_facts_resolved") == {}
    assert pending(warehouse, "int_rule_results") == {}
