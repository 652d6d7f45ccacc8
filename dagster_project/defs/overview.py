"""The overview page (static HTML with SVG charts), written after the marts it reads."""

from pathlib import Path

import dagster as dg

from dagster_project.defs.dbt import warehouse_dbt_models
from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource
from dagster_project.overview import READ_MARTS, build_overview, default_overview_dir, headline_markdown

OVERVIEW_KEY = dg.AssetKey(["bi", "overview_page"])
# Only marts the dbt project defines: a mart not built yet (e.g. mart_coverage) is shown as
# "not available" on the page rather than declared as a dependency nobody produces.
OVERVIEW_DEPS = [key for key in warehouse_dbt_models.keys if key.path[0] == "marts" and key.path[-1] in READ_MARTS]


@dg.asset(
    key=OVERVIEW_KEY,
    deps=OVERVIEW_DEPS,
    group_name="publish",
    kinds={"html"},
    # A read-only connection still blocks DuckDB's single writer: run in the writers' pool.
    pool=WAREHOUSE_POOL,
    description="Overview page of the warehouse: coverage, forms, parse status, rule pass rates, trends.",
)
def overview_page(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Aggregate the marts in SQL, render the charts to SVG and write OVERVIEW_DIR/index.html."""
    out_dir = Path(default_overview_dir())
    con = warehouse.connect(read_only=True)
    try:
        page, data = build_overview(con, out_dir, warehouse.path)
    finally:
        con.close()
    context.log.info(f"overview page written to {page}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(page)),
        "headline": dg.MetadataValue.md(headline_markdown(data.headline)),
        "marts_missing": dg.MetadataValue.json(data.missing),
    })
