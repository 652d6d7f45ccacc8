"""The GE suites on synthetic marts (tests/staged_fixture.write_marts): good data passes,
bad data fails with the failing report ids, and Data Docs are written."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from expectations import run_suites, suite_names
from expectations.frames import consistency_frames, rule_column, rule_specs
from tests.staged_fixture import BAD, GOOD, write_marts


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("ge_good") / "w.duckdb"
    write_marts(path)
    return {r.suite: r for r in run_suites(str(path))}


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ge_bad")
    write_marts(tmp / "w.duckdb", bad=True)
    results = {r.suite: r for r in run_suites(str(tmp / "w.duckdb"), data_docs_dir=str(tmp / "docs"))}
    return results, tmp / "docs"


def failed_names(result) -> set[str]:
    return {e.name for e in result.failed}


def test_every_suite_runs_and_names_its_mart(good):
    assert set(good) == {name for name, _ in suite_names()}
    assert {r.mart for r in good.values()} <= {"marts.fct_indicator_value", "marts.dim_report"}
    assert all(r.expectations for r in good.values())


def test_good_data_passes_every_suite(good):
    for result in good.values():
        assert result.success, result.to_metadata()
        assert result.failing_report_ids == ()


def test_fact_suite_fails_on_bad_rows_with_report_ids(bad):
    results, _ = bad
    fct = results["fct_indicator_value"]
    assert not fct.success and fct.blocking and fct.severity == "error"
    assert failed_names(fct) == {"key_unique", "value_non_negative", "count_is_integer", "unit_known"}
    assert fct.failing_report_ids == (BAD,)
    (fraction,) = [e for e in fct.failed if e.name == "count_is_integer"]
    assert fraction.failing_values[0]["indicator_code"] == "staff_total"
    assert fraction.failing_values[0]["value"] == 2.5


def test_dim_report_suite_fails_on_year_and_template_and_warns_on_region(bad):
    results, _ = bad
    dim = results["dim_report"]
    assert failed_names(dim) == {"year_in_range", "template_known", "region_resolved"}
    severities = {e.name: e.severity for e in dim.failed}
    assert severities["region_resolved"] == "warning" and severities["year_in_range"] == "error"
    assert dim.failing_report_ids == (BAD,)  # the undecodable document's missing region is not flagged


def test_consistency_suite_fails_the_broken_rule_only(bad):
    results, _ = bad
    consistency = results["form_consistency"]
    assert failed_names(consistency) == {"fixture_request_balance"}
    (failure,) = consistency.failed
    assert failure.failing_report_ids == (BAD,)
    assert (failure.failing_values[0]["total"], failure.failing_values[0]["parts_sum"]) == (5.0, 4.0)


def test_warnings_alone_do_not_block(tmp_path):
    path = tmp_path / "w.duckdb"
    write_marts(path)
    con = duckdb.connect(str(path))
    con.execute("update marts.dim_report set region_code = null where report_id = ?", [GOOD])
    con.close()
    (dim,) = [r for r in run_suites(str(path)) if r.suite == "dim_report"]
    assert not dim.success and not dim.blocking and dim.severity == "warning"
    assert dim.failing_report_ids == (GOOD,)
    assert dim.to_metadata()["failing_report_ids"] == [GOOD]


def test_data_docs_index_shows_the_suites(bad):
    _, docs = bad
    index = docs / "index.html"
    assert index.exists()
    html = index.read_text(encoding="utf-8")
    for name, _ in suite_names():
        assert name in html


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
                   ("f", "cap", "le", "warning", "", "t", "all", "all", "a", "web", "all", 1))
    facts = pd.DataFrame(
        [("r1", "t", "all", "all", 10.0), ("r1", "a", "all", "all", 7.0),  # b unstated: 10 - 7
         ("r1", "a", "web", "all", 12.0),  # over the total by 2
         ("r2", "a", "all", "all", 1.0),  # no total: not applicable
         ("r3", "t", "all", "all", 1.0)],  # other form
        columns=["report_id", "indicator_code", "channel_code", "applicant_type", "value"])
    reports = pd.DataFrame([("r1", "f"), ("r2", "f"), ("r3", "g")], columns=["report_id", "form_code"])
    wide, long, specs = consistency_frames(facts, reports, rules)
    by_rule = {s.rule: s for s in rule_specs(rules)}
    assert [s.rule for s in specs] == ["bal", "cap"]
    assert list(wide["report_id"]) == ["r1", "r2"]
    row1 = wide.set_index("report_id").loc["r1"]
    assert row1[rule_column(by_rule["bal"])] == 3.0
    assert row1[rule_column(by_rule["cap"])] == 2.0
    assert wide.set_index("report_id").loc["r2", [rule_column(s) for s in specs]].isna().all()
    assert set(long["rule"]) == {"bal", "cap"}
    assert by_rule["cap"].severity == "warning"
