"""The GE asset checks, executed through the project's Dagster definitions against a temp
warehouse (expectations/fixture.py, bad variant): one check per suite x severity, on the
mart it guards, non-blocking, with the failing reports and figures in the metadata."""

from __future__ import annotations

import dagster as dg
import pytest

from expectations.fixture import BAD, write_fixture


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory):
    from dagster_project.definitions import build_definitions, defs
    from dagster_project.defs.quality import quality_checks
    from dagster_project.defs.resources import WarehouseResource

    assert defs.resolve_job_def("refresh_warehouse")  # the project's definitions load
    tmp = tmp_path_factory.mktemp("ge_dagster")
    write_fixture(tmp / "w.duckdb", bad=True)
    warehouse = WarehouseResource(path=str(tmp / "w.duckdb"), raw_dir=str(tmp / "raw"),
                                  quality_docs_dir=str(tmp / "docs"), export_dir=str(tmp / "exports"))
    checks_only = dg.define_asset_job("ge_checks_only", selection=dg.AssetSelection.checks(quality_checks))
    merged = dg.Definitions.merge(build_definitions(warehouse), dg.Definitions(jobs=[checks_only]))
    result = merged.resolve_job_def("ge_checks_only").execute_in_process(instance=dg.DagsterInstance.ephemeral())
    assert result.success  # failed checks do not fail the run: they flag
    return {ev.check_name: ev for ev in result.get_asset_check_evaluations()}, tmp / "docs"


def test_one_check_per_suite_and_severity_on_the_guarded_mart(evaluations):
    evs, _ = evaluations
    assert set(evs) == {
        "ge_fct_indicator_value_errors", "ge_dim_report_errors", "ge_dim_report_warnings",
        "ge_form_consistency_errors", "ge_form_consistency_warnings",
        "ge_fct_quality_check_errors", "ge_fct_quality_check_warnings",
    }
    assert evs["ge_form_consistency_errors"].asset_key == dg.AssetKey(["marts", "fct_indicator_value"])
    assert evs["ge_dim_report_warnings"].asset_key == dg.AssetKey(["marts", "dim_report"])
    assert evs["ge_fct_quality_check_warnings"].asset_key == dg.AssetKey(["marts", "fct_quality_check"])


def test_severities_are_fixed_per_check(evaluations):
    evs, _ = evaluations
    for name, ev in evs.items():
        expected = dg.AssetCheckSeverity.WARN if name.endswith("_warnings") else dg.AssetCheckSeverity.ERROR
        assert ev.severity == expected, name


def test_failing_checks_carry_reports_and_figures(evaluations):
    evs, _ = evaluations
    consistency = evs["ge_form_consistency_errors"]
    assert not consistency.passed
    meta = consistency.metadata
    assert meta["failing_report_ids"].value == [BAD]
    assert set(meta["failed_expectations"].value) == {"old_2008:request_answers_sum", "old_2008:staff_sum"}
    (answers,) = [f for f in meta["failures"].value if f["rule"] == "request_answers_sum"]
    assert (answers["indicator"], answers["stated"], answers["expected"], answers["source_line"]) == \
        ("requests_answered", 0.0, 1.0, 30)
    summary = meta["summary"].value
    assert "| old_2008:request_answers_sum | bbbbbbbbbbbb | request_answers_sum | requests_answered | 0 | 1 | 30 |" \
        in summary


def test_warning_checks_fail_on_warnings_and_pass_otherwise(evaluations):
    evs, _ = evaluations
    assert not evs["ge_dim_report_warnings"].passed  # unresolved region
    assert not evs["ge_fct_quality_check_warnings"].passed  # table/prose, year-over-year
    assert evs["ge_fct_quality_check_errors"].passed
    assert evs["ge_fct_quality_check_errors"].metadata["n_failed"].value == 0
    assert evs["ge_fct_quality_check_errors"].metadata["n_expectations"].value > 0


def test_data_docs_are_built_and_linked(evaluations):
    evs, docs = evaluations
    index = docs / "index.html"
    assert index.exists()
    for ev in evs.values():
        assert ev.metadata["data_docs"].value == str(index)
        assert ev.metadata["data_docs_url"].value == index.resolve().as_uri()
