"""The GE suites on the small warehouse of expectations/fixture.py: good data passes, bad
data fails each suite with the failing report ids and figures, and Data Docs are written.
One good and one bad validation run are shared by the module (GE is slow)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from expectations import run_suites, suite_names
from expectations.fixture import BAD, UNREADABLE, write_fixture
from expectations.frames import ROW, consistency_frames, cross_frames


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("ge_good") / "w.duckdb"
    write_fixture(path)
    return {r.suite: r for r in run_suites(str(path))}


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ge_bad")
    write_fixture(tmp / "w.duckdb", bad=True)
    (tmp / "docs" / "validations" / "stale").mkdir(parents=True)  # a page of an earlier run
    results = {r.suite: r for r in run_suites(str(tmp / "w.duckdb"), data_docs_dir=str(tmp / "docs"))}
    return results, tmp / "docs"


def failed_names(result) -> set[str]:
    return {e.name for e in result.failed}


def test_every_suite_runs_and_names_its_mart(good):
    assert set(good) == {name for name, _, _ in suite_names()}
    assert {r.mart for r in good.values()} == {"marts.fct_indicator_value", "marts.dim_report",
                                               "marts.fct_quality_check"}
    assert all(r.expectations for r in good.values())
    declared = {name: set(severities) for name, _, severities in suite_names()}
    for result in good.values():
        assert {e.severity for e in result.expectations} <= declared[result.suite]


def test_good_data_passes_every_suite(good):
    for result in good.values():
        assert result.success, result.to_metadata()
        assert result.failing_report_ids == ()


def test_consistency_suite_has_one_expectation_per_yaml_rule_of_the_forms_present(good):
    from ingest.forms import get_form

    names = {e.name for e in good["form_consistency"].expectations}
    assert names == {f"old_2008:{rule.name}" for rule in get_form("old_2008").rules}
    severities = {e.name: e.severity for e in good["form_consistency"].expectations}
    assert all(severities[f"old_2008:{r.name}"] == r.severity for r in get_form("old_2008").rules)


def test_fact_suite_fails_on_bad_rows_with_report_ids(bad):
    results, _ = bad
    fct = results["fct_indicator_value"]
    assert not fct.success and fct.blocking and fct.severity == "error"
    assert failed_names(fct) == {"key_unique", "value_non_negative", "count_is_integer", "unit_known"}
    assert fct.failing_report_ids == (BAD,)
    (fraction,) = [e for e in fct.failed if e.name == "count_is_integer"]
    assert (fraction.failing_values[0]["indicator_code"], fraction.failing_values[0]["value"]) == \
        ("training_sessions", 2.5)
    assert fraction.failing_values[0]["source_line"] == 55


def test_dim_report_suite_fails_on_year_and_template_and_warns_on_region(bad):
    results, _ = bad
    dim = results["dim_report"]
    assert failed_names(dim) == {"year_in_range", "template_known", "region_resolved"}
    severities = {e.name: e.severity for e in dim.failed}
    assert severities["region_resolved"] == "warning" and severities["year_in_range"] == "error"
    assert dim.failing_report_ids == (BAD,)  # the unreadable document's missing region is not flagged
    assert UNREADABLE not in dim.failing_report_ids


def test_consistency_suite_fails_the_broken_rules_with_their_figures(bad):
    results, _ = bad
    consistency = results["form_consistency"]
    # Expectations are named form:rule — rule names repeat across forms (admin_review_sum ...).
    assert failed_names(consistency) == {"old_2008:request_answers_sum", "old_2008:staff_sum"}
    by_name = {e.name: e for e in consistency.failed}
    answers = by_name["old_2008:request_answers_sum"]
    assert answers.failing_report_ids == (BAD,)
    (row,) = answers.failing_values
    assert (row["rule"], row["indicator"], row["stated"], row["expected"], row["source_line"]) == \
        ("request_answers_sum", "requests_answered", 0.0, 1.0, 30)
    assert by_name["old_2008:staff_sum"].failing_values[0]["stated"] == 3.0


def test_quality_check_suite_warns_on_cross_checks(bad):
    results, _ = bad
    cross = results["fct_quality_check"]
    assert failed_names(cross) == {"table_prose_agreement", "yoy_jump"}
    assert not cross.blocking and cross.severity == "warning"
    rows = {r["rule"]: r for r in cross.failures()}
    assert "prose (line 4): 12" in rows["table_prose_agreement[requests_received]"]["stated"]
    assert rows["yoy_jump[requests_received]"]["indicator"] == "requests_received"


def test_results_split_by_severity(bad):
    results, _ = bad
    consistency = results["form_consistency"]
    errors, warnings = consistency.of_severity("error"), consistency.of_severity("warning")
    assert len(errors.expectations) + len(warnings.expectations) == len(consistency.expectations)
    assert not errors.success
    assert {e.severity for e in errors.expectations} == {"error"}


def test_data_docs_are_written_for_every_suite_and_stale_pages_dropped(bad):
    _, docs = bad
    index = docs / "index.html"
    assert index.exists()
    html = index.read_text(encoding="utf-8")
    for name, _, _ in suite_names():
        assert name in html
        assert list((docs / "validations" / name).glob("*/*/*.html"))
    assert not (docs / "validations" / "stale").exists()
    page = next((docs / "validations" / "form_consistency").glob("*/*/*.html")).read_text(encoding="utf-8")
    assert "old_2008:request_answers_sum" in page


def test_missing_mart_raises_rather_than_passes(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(duckdb.CatalogException):
        run_suites(str(path))


def _rules(*rows: tuple) -> pd.DataFrame:
    cols = ["form_code", "rule", "op", "severity", "description", "total_indicator", "total_channel",
            "total_applicant", "part_indicator", "part_channel", "part_applicant", "part_no"]
    return pd.DataFrame(rows, columns=cols)


def test_consistency_frame_applies_only_where_total_and_a_part_are_stated():
    rules = _rules(("f", "bal", "eq", "error", "", "t", "all", "all", "a", "all", "all", 1),
                   ("f", "bal", "eq", "error", "", "t", "all", "all", "b", "all", "all", 2),
                   ("f", "cap", "le", "warning", "", "t", "all", "all", "a", "web", "all", 1),
                   ("h", "other", "eq", "error", "", "t", "all", "all", "a", "all", "all", 1))
    facts = pd.DataFrame(
        [("r1", "t", "all", "all", 10.0, 5), ("r1", "a", "all", "all", 7.0, 6),  # b unstated: 10 - 7
         ("r1", "a", "web", "all", 12.0, 7),  # over the total by 2
         ("r2", "a", "all", "all", 1.0, 5),  # no total: not applicable
         ("r3", "t", "all", "all", 1.0, 5)],  # form g has no rules
        columns=["report_id", "indicator_code", "channel_code", "applicant_type", "value", "source_line"])
    reports = pd.DataFrame([("r1", "f"), ("r2", "f"), ("r3", "g")], columns=["report_id", "form_code"])
    frame, details, specs = consistency_frames(facts, reports, rules)
    assert [s.name for s in specs] == ["f:bal", "f:cap"]  # form h has no report: not validated
    # One row per applicable (report, rule): r2 states no total, so no rule applies to it.
    assert list(frame["report_id"]) == ["r1", "r1"] and list(frame[ROW]) == [0, 0]
    cells = frame.set_index("rule")
    assert cells.loc["f:bal", "deviation"] == 3.0 and cells.loc["f:cap", "deviation"] == 2.0
    # One column per form and severity: how far the deviation lies outside the rule's bounds
    # (bal: |3| beyond 0.011; cap: 2 over the total, beyond 0.006), NaN on the other rule's row.
    assert list(frame.columns[5:]) == ["f:error_rules", "f:warning_rules"]
    assert cells.loc["f:bal", "f:error_rules"] == pytest.approx(3.0 - 0.011)
    assert cells.loc["f:cap", "f:warning_rules"] == pytest.approx(2.0 - 0.006)
    assert pd.isna(cells.loc["f:bal", "f:warning_rules"]) and pd.isna(cells.loc["f:cap", "f:error_rules"])
    cap = details.set_index("check").loc["f:cap"]
    assert (cap["indicator"], cap["stated"], cap["expected"], cap["source_line"]) == ("a/web", 12.0, 10.0, 7)
    bal = details.set_index("check").loc["f:bal"]
    assert (bal["indicator"], bal["stated"], bal["expected"], bal["source_line"]) == ("t", 10.0, 7.0, 5)
    assert "1 not stated" in bal["note"]


def test_cross_frame_flags_only_its_families():
    checks = pd.DataFrame([
        ("r1", "yoy_jump[requests_received]", False, "requests_received = 900 (2019)", "x10", "warning"),
        ("r1", "staff_sum", False, "staff_total = 3", "= 2", "error"),
        ("r2", "carryover_continuity", True, "requests_carried_over = 4", "= 4", "warning"),
    ], columns=["report_id", "rule", "passed", "observed", "expected", "severity"])
    frame, details = cross_frames(checks)
    assert len(frame) == 3 and list(frame[ROW]) == [0, 1, 2]
    row = frame.set_index("rule")
    assert row.loc["yoy_jump[requests_received]", "yoy_jump"] == 0.0
    assert pd.isna(row.loc["staff_sum", "yoy_jump"]) and pd.isna(row.loc["staff_sum", "carryover_continuity"])
    assert row.loc["carryover_continuity", "carryover_continuity"] == 1.0
    assert set(details["check"]) == {"yoy_jump", "carryover_continuity"}
    assert details.set_index("check").loc["yoy_jump", "stated"] == "requests_received = 900 (2019)"
