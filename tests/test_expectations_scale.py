"""The screened GE run says what GE says on the whole marts, and the screening ledger
re-screens exactly the reports that changed (expectations/frames.py, ledger.py, runner.py).

The warehouse is the failing fixture (expectations/fixture.py) plus reports on every edge a
screen must catch: a sum at its tolerance and just past it, a key stated twice whose DuckDB
sum would pass where Python's last-row-wins figures fail, NaN and NULL figures, an `le`
rule broken, a report of a second form, a report listed twice in dim_report."""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations import run_suites
from expectations.fixture import BAD, GOOD, write_fixture
from expectations.ledger import IN_MEMORY, attach_ledger, default_ledger_path, refresh_ledger
from expectations.runner import ge_context, prepare_suites, refresh_screening, validate_suite

AT_TOLERANCE = "e1" * 32  # staff 3.0109995 = 1 + 2: within 0.001 + 0.005 * 2, by less than the screen margin
PAST_TOLERANCE = "e2" * 32  # staff 3.0115 = 1 + 2: fails
RESTATED = "e3" * 32  # staff 8 = 1 + parttime stated 5, then 2: DuckDB's sum is 8, the figures say 3
NAN_PART = "e4" * 32  # staff 3 = 1 + NaN: the rule has no deviation (GE: missing)
NULL_TOTAL = "e5" * 32  # staff NULL = 1 + 2: idem
OVER_TOTAL = "e6" * 32  # 120 published on the website of 100 published: le, warning
NEW_FORM = "e7" * 32  # new_2019: requests_received 10 = 4 + 5 by applicant: fails
TWICE_LISTED = "e8" * 32  # in dim_report twice: report_id_unique fails; its rules count twice

# (report, fact key, value, line)
EDGE_FACTS: list[tuple[str, str, float | None, int]] = [
    (AT_TOLERANCE, "staff_total", 3.0109995, 50), (AT_TOLERANCE, "staff_fulltime", 1, 51),
    (AT_TOLERANCE, "staff_parttime", 2, 52),
    (PAST_TOLERANCE, "staff_total", 3.0115, 50), (PAST_TOLERANCE, "staff_fulltime", 1, 51),
    (PAST_TOLERANCE, "staff_parttime", 2, 52),
    (RESTATED, "staff_total", 8, 50), (RESTATED, "staff_fulltime", 1, 51),
    (RESTATED, "staff_parttime", 5, 52), (RESTATED, "staff_parttime", 2, 53),
    (NAN_PART, "staff_total", 3, 50), (NAN_PART, "staff_fulltime", 1, 51),
    (NAN_PART, "staff_parttime", float("nan"), 52),
    (NULL_TOTAL, "staff_total", None, 50), (NULL_TOTAL, "staff_fulltime", 1, 51),
    (NULL_TOTAL, "staff_parttime", 2, 52),
    (OVER_TOTAL, "proactive_total", 100, 12), (OVER_TOTAL, "proactive_published/website", 120, 13),
    (NEW_FORM, "requests_received", 10, 20), (NEW_FORM, "requests_received@natural_person", 4, 21),
    (NEW_FORM, "requests_received@commercial_enterprise", 5, 22),
    (TWICE_LISTED, "staff_total", 4, 50), (TWICE_LISTED, "staff_fulltime", 1, 51),
    (TWICE_LISTED, "staff_parttime", 2, 52),
]


def add_reports(path: Path, facts: list[tuple[str, str, float | None, int]]) -> None:
    """Append reports (dim_report rows, old form unless NEW_FORM) and their facts to a fixture."""
    from ingest.forms import split_fact_key

    con = duckdb.connect(str(path))
    try:
        for report_id in dict.fromkeys(r for r, *_ in facts):
            form, template = ("new_2019", "new_table") if report_id == NEW_FORM else ("old_2008", "old_table")
            listed = 2 if report_id == TWICE_LISTED else 1
            for _ in range(listed):
                con.execute("insert into marts.dim_report values (?, ?, '620621', 2019, ?, ?, 'parsed', 'x')",
                            [report_id, f"{report_id[:2]}.txt", template, form])
        for report_id, key, value, line in facts:
            indicator, channel, applicant = split_fact_key(key)
            con.execute("insert into marts.fct_indicator_value values (?, '620621', 2019, ?, ?, ?, ?, '件', "
                        "'exact', 'table', ?, ?)", [report_id, indicator, channel, applicant, value, line, key])
    finally:
        con.close()


@pytest.fixture(scope="module")
def edge(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ge_scale") / "edge.duckdb"
    write_fixture(path, bad=True)
    add_reports(path, EDGE_FACTS)
    return path


def copy_of(path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "w.duckdb"
    shutil.copy(path, target)
    return target


def ge_results(path: Path, screened: bool) -> dict[str, list[dict[str, Any]]]:
    """Per suite, each expectation's GE result (as stored for the Data Docs)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        if screened:
            refresh_screening(con, IN_MEMORY)
        prepared = prepare_suites(con, screened=screened)
    finally:
        con.close()
    context = ge_context(None)
    out = {}
    for spec, prep in prepared:
        validation, _ = validate_suite(context, spec, prep)
        out[spec.name] = [{"check": r.expectation_config.meta["check"], "success": r.success,
                           **r.to_json_dict()["result"]} for r in validation.results]
    return out


def plain(results) -> list[dict[str, Any]]:
    return [dataclasses.asdict(r) for r in results]


def by_name(results) -> dict[str, Any]:
    return {e.name: e for r in results for e in r.expectations}


def pending(path: Path, ledger: Path) -> int:
    """How many reports a refresh of `ledger` screens (it updates the ledger)."""
    from expectations.frames import read_table, rule_specs

    con = duckdb.connect(str(path), read_only=True)
    try:
        attach_ledger(con, ledger)
        return refresh_ledger(con, rule_specs(read_table(con, "parsed.form_rules")))
    finally:
        con.close()


def test_screened_ge_results_are_the_whole_mart_results(edge):
    screened, whole = ge_results(edge, screened=True), ge_results(edge, screened=False)
    assert set(screened) == set(whole)
    for suite in whole:
        # Row counts, missing counts, percentages, unexpected values and rows: all equal.
        assert screened[suite] == whole[suite], suite
    counts = {r["check"]: r for r in screened["form_consistency"]}
    # The rows GE saw were candidate cells only, yet it reports every applicable (report, rule)
    # cell, as on the whole mart (one expectation per form and severity).
    assert set(counts) == {"old_2008:error_rules", "old_2008:warning_rules", "new_2019:error_rules"}
    con = duckdb.connect(str(edge), read_only=True)
    try:
        refresh_screening(con, IN_MEMORY)
        ((_, candidates),) = prepare_suites(con, only=("form_consistency",))
        ((_, reference),) = prepare_suites(con, only=("form_consistency",), screened=False)
    finally:
        con.close()
    assert len(candidates.frame) < len(reference.frame) == counts["old_2008:error_rules"]["element_count"]


def test_screened_run_reports_what_the_whole_mart_run_reports(edge):
    assert plain(run_suites(str(edge), ledger_path=IN_MEMORY)) == plain(run_suites(str(edge), screened=False))


def test_each_edge_fails_where_the_figures_say(edge):
    results = by_name(run_suites(str(edge), ledger_path=IN_MEMORY))
    staff = results["old_2008:staff_sum"]
    # At the tolerance passes, past it fails; the restated part's last row (2) decides; NaN
    # and NULL figures give no deviation; the twice-listed report fails once per listing.
    assert set(staff.failing_report_ids) == {BAD, PAST_TOLERANCE, RESTATED, TWICE_LISTED}
    assert staff.unexpected_count == 5
    (restated,) = [v for v in staff.failing_values if v["report_id"] == RESTATED]
    assert (restated["stated"], restated["expected"]) == (8.0, 3.0)
    assert results["old_2008:proactive_channel_le_total_website"].failing_report_ids == (OVER_TOTAL,)
    assert results["new_2019:applicant_sum[requests_received]"].failing_report_ids == (NEW_FORM,)
    assert set(results["key_unique"].failing_report_ids) == {BAD, RESTATED}
    assert set(results["value_not_null"].failing_report_ids) == {NAN_PART, NULL_TOTAL}
    assert results["report_id_unique"].failing_report_ids == (TWICE_LISTED,)


def test_ledger_rescreens_only_changed_reports(edge, tmp_path):
    path = copy_of(edge, tmp_path)
    ledger = default_ledger_path(path)
    first = plain(run_suites(str(path)))
    assert ledger.exists()
    assert pending(path, ledger) == 0  # nothing changed since
    con = duckdb.connect(str(path))
    try:  # GOOD breaks staff_sum; PAST_TOLERANCE leaves the marts
        con.execute("update marts.fct_indicator_value set value = 4 where report_id = ? and indicator_code = 'staff_total'",
                    [GOOD])
        for table in ("marts.fct_indicator_value", "marts.dim_report"):
            con.execute(f"delete from {table} where report_id = ?", [PAST_TOLERANCE])
    finally:
        con.close()
    assert pending(path, ledger) == 2
    run_suites(str(path))  # the ledger was refreshed just above: a run reuses it whole
    again = run_suites(str(path))
    assert plain(again) == plain(run_suites(str(path), ledger_path=IN_MEMORY)) != first
    assert set(by_name(again)["old_2008:staff_sum"].failing_report_ids) == {BAD, GOOD, RESTATED, TWICE_LISTED}


def test_new_rules_empty_the_ledger(edge, tmp_path):
    path = copy_of(edge, tmp_path)
    ledger = tmp_path / "ledger.duckdb"
    n_reports = pending(path, ledger)
    assert n_reports > 0 and pending(path, ledger) == 0
    con = duckdb.connect(str(path))
    try:
        con.execute("delete from parsed.form_rules where rule = 'staff_sum'")
    finally:
        con.close()
    assert pending(path, ledger) == n_reports


def test_an_unusable_ledger_screens_everything_and_says_so(edge, tmp_path):
    not_a_database = tmp_path / "ledger.duckdb"
    not_a_database.write_text("not a DuckDB file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = run_suites(str(edge), ledger_path=not_a_database)
    assert any("screening ledger" in str(w.message) for w in caught)
    assert plain(results) == plain(run_suites(str(edge), ledger_path=IN_MEMORY))


def test_data_docs_keep_a_bounded_sample_of_failing_rows(edge, tmp_path, monkeypatch):
    from expectations import runner

    monkeypatch.setattr(runner, "MAX_DOCS_ROWS", 1)
    docs = tmp_path / "docs"
    results = by_name(run_suites(str(edge), str(docs), ledger_path=IN_MEMORY))
    unique = results["key_unique"]
    assert unique.unexpected_count == 4 and set(unique.failing_report_ids) == {BAD, RESTATED}
    page = next((docs / "validations" / "fct_indicator_value").glob("*/*/*.html")).read_text(encoding="utf-8")
    assert "Sampled Unexpected Values" in page  # one row of four shown, and said to be a sample
    assert "4 unexpected values found" in page


def test_capped_failing_values_still_name_every_failing_report(edge, monkeypatch):
    """Only the failing rows kept become dicts (runner._complete); the report ids come from all of them."""
    from expectations import runner

    full = by_name(run_suites(str(edge), ledger_path=IN_MEMORY))
    monkeypatch.setattr(runner, "MAX_FAILING_VALUES", 1)
    monkeypatch.setattr(runner, "MAX_DOCS_ROWS", 1)
    capped = by_name(run_suites(str(edge), ledger_path=IN_MEMORY))
    assert capped.keys() == full.keys()
    several = [name for name, e in full.items() if len(e.failing_report_ids) > 1]
    assert {"key_unique", "old_2008:staff_sum"} <= set(several)
    for name, e in full.items():
        assert (capped[name].success, capped[name].unexpected_count) == (e.success, e.unexpected_count)
        assert capped[name].failing_report_ids == e.failing_report_ids
        assert capped[name].failing_values == e.failing_values[:1]


def test_a_mostly_expectation_is_refused():
    import great_expectations.expectations as gxe

    from expectations.runner import _expectation
    from expectations.suites import Check

    check = Check("half", "error", lambda g: g.ExpectColumnValuesToNotBeNull(column="value", mostly=0.5))
    with pytest.raises(ValueError, match="mostly"):
        _expectation(check, gxe)


def test_fixture_reports_are_unchanged_by_the_edges(tmp_path):
    """The edge reports add failures; the fixture's own verdicts stay (a guard on add_reports)."""
    path = tmp_path / "w.duckdb"
    write_fixture(path, bad=True)
    base = by_name(run_suites(str(path), ledger_path=IN_MEMORY))
    assert base["old_2008:staff_sum"].failing_report_ids == (BAD,)
    assert base["key_unique"].failing_report_ids == (BAD,)


def test_settled_cells_of_a_report_listed_twice_count_twice(edge, tmp_path):
    # The ledger counts the cells it leaves out without joining them to dim_report
    # (frames._settled_cells): a passing report listed twice is two ruled rows whose staff_sum
    # applies, as GE counts on the whole mart.
    path = copy_of(edge, tmp_path)
    passing_twice = "e9" * 32
    add_reports(path, [(passing_twice, "staff_total", 3, 50), (passing_twice, "staff_fulltime", 1, 51),
                       (passing_twice, "staff_parttime", 2, 52)])
    con = duckdb.connect(str(path))
    try:
        con.execute("insert into marts.dim_report select * from marts.dim_report where report_id = ?", [passing_twice])
    finally:
        con.close()
    screened, whole = ge_results(path, screened=True), ge_results(path, screened=False)
    assert screened["form_consistency"] == whole["form_consistency"]
    before = {r["check"]: r for r in ge_results(edge, screened=True)["form_consistency"]}["old_2008:error_rules"]
    after = {r["check"]: r for r in screened["form_consistency"]}["old_2008:error_rules"]
    # Only staff_sum applies to the passing report, once per listing: two more cells with a deviation.
    assert (after["element_count"] - after["missing_count"]) - (before["element_count"] - before["missing_count"]) == 2
    assert plain(run_suites(str(path))) == plain(run_suites(str(path), screened=False))
