"""The single Definitions entry point (`dagster dev -m dagster_project.definitions`)."""

from __future__ import annotations

import dagster as dg

from dagster_project.defs.automation import nightly_refresh, raw_dir_sensor, refresh_warehouse
from dagster_project.defs.dbt import dbt_resource, warehouse_dbt_models
from dagster_project.defs.ingest import form_catalog, landed_files, parsed_reports
from dagster_project.defs.overview import overview_page
from dagster_project.defs.publish import bi_exports
from dagster_project.defs.quality import quality_checks
from dagster_project.defs.resources import WarehouseResource, warehouse_from_env


def build_definitions(warehouse: WarehouseResource) -> dg.Definitions:
    """All assets, checks, jobs and automation, bound to one warehouse (tests pass a temp one)."""
    return dg.Definitions(
        assets=[landed_files, form_catalog, parsed_reports, warehouse_dbt_models, bi_exports, overview_page],
        asset_checks=[quality_checks],
        jobs=[refresh_warehouse],
        schedules=[nightly_refresh],
        sensors=[raw_dir_sensor],
        resources={"warehouse": warehouse, "dbt": dbt_resource()},
    )


defs = build_definitions(warehouse_from_env())
