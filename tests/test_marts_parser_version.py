"""The parser version in force: stg_reports prefers, per report, the parse by the version of the
latest parse run (parsed.parse_runs), so a rollback to an older PARSER_VERSION takes effect even
though the newer rows are still staged; without any run recorded the most recent parse wins (the
extended fixture stages none). The incremental fct_indicator_value follows each switch and stays
equal to a full refresh."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.staged_fixture import (
    BAD,
    GOOD,
    NEW_VERSION,
    OLD_VERSION,
    add_parse_runs,
    built_extended,
    query,
    run_dbt,
)
from tests.test_marts_incremental import snapshot

ROLLBACK_AT = datetime(2025, 3, 1, 12, 0, 0)
FORWARD_AT = datetime(2025, 4, 1, 12, 0, 0)


def good_figures(warehouse: Path) -> dict[str, tuple[float, str]]:
    return {ind: (value, version) for ind, value, version in query(
        warehouse, """select indicator_code, value, parser_version from marts.fct_indicator_value
                      where report_id = ? and channel_code = 'all' and applicant_type = 'all'""", [GOOD])}


@pytest.fixture(scope="module")
def switches(tmp_path_factory) -> dict[str, object]:
    """GOOD is staged under 0.0.1 (requests_received 999 only) and 0.0.2 (10, and more figures);
    every other report under 0.0.2 or later only. Runs: 0.0.2, then a rollback to 0.0.1, then
    0.0.2 again; after each, an incremental `dbt run` and a full refresh of fct_indicator_value."""
    base, target = built_extended()
    tmp = tmp_path_factory.mktemp("parser_version")
    warehouse = tmp / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.copytree(target, tmp / "target")
    out: dict[str, object] = {"warehouse": warehouse}
    fct = ["--select", "+fct_indicator_value"]
    for step, runs in [("rollback", [(NEW_VERSION, datetime(2025, 2, 1, 13)), (OLD_VERSION, ROLLBACK_AT)]),
                       ("forward", [(NEW_VERSION, FORWARD_AT)])]:
        add_parse_runs(warehouse, runs)
        run_dbt(warehouse, tmp / "target", "run", *fct)
        incremental = snapshot(warehouse)["marts.fct_indicator_value"]
        out[f"{step}_figures"] = good_figures(warehouse)
        out[f"{step}_in_force"] = query(warehouse, "select report_id, parser_version from staging.stg_reports")
        run_dbt(warehouse, tmp / "target", "run", "--full-refresh", *fct)
        out[f"{step}_equal"] = incremental == snapshot(warehouse)["marts.fct_indicator_value"]
    return out


def test_rollback_to_an_older_version_puts_its_parse_in_force(switches):
    figures = switches["rollback_figures"]
    # 0.0.1 read requests_received only (999): its parse replaces all of 0.0.2's figures.
    assert figures == {"requests_received": (999.0, OLD_VERSION)}
    in_force = dict(switches["rollback_in_force"])
    assert in_force[GOOD] == OLD_VERSION
    # A report the rolled-back version never parsed keeps its most recent parse.
    assert in_force[BAD] == NEW_VERSION


def test_moving_forward_again_restores_the_newer_parse(switches):
    figures = switches["forward_figures"]
    assert figures["requests_received"] == (10.0, NEW_VERSION)
    assert figures["proactive_total"] == (100.0, NEW_VERSION)
    assert dict(switches["forward_in_force"])[GOOD] == NEW_VERSION


@pytest.mark.parametrize("step", ["rollback", "forward"])
def test_incremental_equals_full_refresh_after_a_switch(switches, step):
    assert switches[f"{step}_equal"] is True


def test_absent_staged_tables_fall_back(tmp_path):
    """A warehouse written before parse_runs and form_columns existed still builds staging:
    the most recent parse wins and the form has no suffixed column."""
    base, target = built_extended()
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.copytree(target, tmp_path / "target")
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("drop table parsed.parse_runs")
        con.execute("drop table parsed.form_columns")
    finally:
        con.close()
    run_dbt(warehouse, tmp_path / "target", "run", "--select", "stg_reports", "stg_form_columns")
    assert query(warehouse, "select parser_version from staging.stg_reports where report_id = ?",
                 [GOOD]) == [(NEW_VERSION,)]
    assert query(warehouse, "select count(*) from staging.stg_form_columns") == [(0,)]
