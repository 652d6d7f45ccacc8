"""Great Expectations suites as Dagster asset checks on the marts they guard.

Checks never block the downstream assets (see docs/quality.md): every stated figure is
kept as stated; a failed rule flags reports, it does not hide them. An ERROR-severity
check failed means a rule of the form's 勾稽关系 (or a hard invariant) is broken somewhere.
"""

import dagster as dg

from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource
from expectations import suite_names


def _mart_key(mart: str) -> dg.AssetKey:
    """"marts.fct_indicator_value" -> the dbt asset key ["marts", "fct_indicator_value"]."""
    return dg.AssetKey(mart.split("."))


SUITE_SPECS = {
    suite: dg.AssetCheckSpec(
        name=f"ge_{suite}",
        asset=_mart_key(mart),
        description=f"Great Expectations suite `{suite}` on {mart}",
        blocking=False,
    )
    for suite, mart in suite_names()
}


def _markdown(result) -> str:
    lines = ["| expectation | severity | result | failing rows | reports |", "|---|---|---|---|---|"]
    for e in result.expectations:
        ids = ", ".join(i[:12] for i in e.failing_report_ids[:5])
        lines.append(f"| {e.name} | {e.severity} | {'pass' if e.success else 'FAIL'} | "
                     f"{e.unexpected_count} | {ids} |")
    return "\n".join(lines)


@dg.multi_asset_check(specs=list(SUITE_SPECS.values()), pool=WAREHOUSE_POOL, can_subset=False)
def quality_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Run every suite once (GE is slow to import) and report one check per suite."""
    from expectations import run_suites

    results = run_suites(warehouse.path, warehouse.quality_docs_dir)
    docs_index = f"{warehouse.quality_docs_dir}/index.html"
    for result in results:
        spec = SUITE_SPECS[result.suite]
        meta = result.to_metadata()
        yield dg.AssetCheckResult(
            check_name=spec.name,
            asset_key=spec.asset_key,
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR if result.severity == "error" else dg.AssetCheckSeverity.WARN,
            metadata={
                "n_expectations": meta["n_expectations"],
                "n_failed": meta["n_failed"],
                "failing_report_ids": dg.MetadataValue.json(meta["failing_report_ids"]),
                "failed": dg.MetadataValue.json(meta["failed"]),
                "summary": dg.MetadataValue.md(_markdown(result)),
                "data_docs": dg.MetadataValue.path(docs_index),
            },
        )
