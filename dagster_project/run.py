"""`make run`: materialize every asset through Dagster, then print a short summary."""

from __future__ import annotations

import os
import sys

import dagster as dg
from rich.console import Console
from rich.table import Table


def summarize(warehouse_path: str, check_results: list[tuple[str, str, bool, str]]) -> Table:
    import duckdb

    con = duckdb.connect(warehouse_path, read_only=True)
    try:
        reports = con.execute(
            "select status, template, count(*) from marts.dim_report group by all order by all"
        ).fetchall()
        n_facts = con.execute("select count(*) from marts.fct_indicator_value").fetchone()[0]
        failed = con.execute(
            "select severity, count(*) from marts.fct_quality_check where not passed group by all order by all"
        ).fetchall()
    finally:
        con.close()
    table = Table(title=f"Warehouse {warehouse_path}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for status, template, n in reports:
        table.add_row(f"reports {status} ({template or 'no template'})", str(n))
    table.add_row("reports total", str(sum(n for *_, n in reports)))
    table.add_row("facts (marts.fct_indicator_value)", str(n_facts))
    for severity, n in failed:
        table.add_row(f"failed consistency checks ({severity})", str(n))
    n_passed = sum(1 for *_, passed, _ in check_results if passed)
    table.add_row("asset checks passed", str(n_passed))
    for asset, check, passed, severity in check_results:
        if not passed or check.startswith("ge_"):  # the GE suites always; dbt tests only when failing
            table.add_row(f"asset check {asset}:{check} [{severity}]", "passed" if passed else "FAILED")
    return table


def main() -> int:
    from dagster_project.definitions import defs
    from dagster_project.defs.resources import default_warehouse_path

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh_warehouse")
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    checks = [
        (ev.asset_key.to_user_string(), ev.check_name, ev.passed, ev.severity.value.lower())
        for ev in result.get_asset_check_evaluations()
    ]
    Console().print(summarize(default_warehouse_path(), checks))
    if not result.success:
        Console(stderr=True).print("[red]the run failed; see the log above[/red]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
