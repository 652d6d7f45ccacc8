"""fct_indicator_value is incremental (delete+insert by report_id): after new reports and
re-parses, an incremental build gives the same marts as a full refresh (of the incremental
models; every other mart is a table rebuilt in full on each run anyway)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.staged_fixture import LIANGZHOU, MINQIN, R, add_reports, built_extended, query, rid, run_dbt

T2 = datetime(2025, 3, 1, 12, 0, 0)
LATER = [
    # A new report.
    R("liangzhou-2023", LIANGZHOU, "凉州区人民政府", 2023, "new_table", "new_2021", date(2024, 1, 20),
      facts={"requests_received": 400, "requests_carried_over": 2}, parsed_at=T2),
    # A parser-version bump that changes a figure and drops another.
    R("liangzhou-2021", LIANGZHOU, "凉州区人民政府", 2021, "new_table", "new_2021", date(2022, 1, 20),
      facts={"requests_received": 31, "requests_carried_forward": 2}, version="0.0.3", parsed_at=T2),
    # A re-parse that finds no figure at all.
    R("minqin-2016", MINQIN, "民勤县人民政府", 2016, "old_table", "old_2008", date(2017, 3, 1),
      version="0.0.3", parsed_at=T2, status="partial"),
]


def snapshot(warehouse: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                             "where table_schema = 'marts' order by 1").fetchall()]
        return {t: sorted(map(repr, con.execute(f"select * from marts.{t}").fetchall())) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, dict, dict]:
    base, target = built_extended()
    tmp = tmp_path_factory.mktemp("incremental")
    warehouse = tmp / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.copytree(target, tmp / "target")  # partial parsing: the next runs skip the full parse
    add_reports(warehouse, LATER)
    run_dbt(warehouse, tmp / "target", "run")
    incremental = snapshot(warehouse)
    run_dbt(warehouse, tmp / "target", "run", "--full-refresh", "--select", "config.materialized:incremental")
    return warehouse, incremental, snapshot(warehouse)


def test_incremental_build_replaces_reparsed_reports(runs):
    warehouse, _, _ = runs
    got = dict(query(warehouse, """select indicator_code, value from marts.fct_indicator_value
                                   where report_id = ? and parser_version = '0.0.3'""", [rid("liangzhou-2021")]))
    assert got == {"requests_received": 31.0, "requests_carried_forward": 2.0}
    assert query(warehouse, "select count(*) from marts.fct_indicator_value where report_id = ?",
                 [rid("minqin-2016")]) == [(0,)]
    assert query(warehouse, "select value from marts.fct_indicator_value where report_id = ? "
                            "and indicator_code = 'requests_received'", [rid("liangzhou-2023")]) == [(400.0,)]


def test_incremental_equals_full_refresh(runs):
    _, incremental, full = runs
    assert set(incremental) == set(full)
    different = [t for t in full if incremental[t] != full[t]]
    assert different == []
    assert len(full["fct_indicator_value"]) > 0


def test_new_reports_reach_the_downstream_marts(runs):
    warehouse, _, _ = runs
    # 2023 now has 凉州区's report, whose carried-over 2 has no 2022 carried-forward to compare to.
    assert query(warehouse, """select requests_received from marts.mart_region_year
                               where region_code = '620602' and year = 2023""") == [(400.0,)]
    # 400 after 35: a jump beyond x10 and 50 units.
    assert query(warehouse, "select passed from marts.fct_quality_check where report_id = ? "
                            "and rule = 'yoy_jump[requests_received]'", [rid("liangzhou-2023")]) == [(False,)]
