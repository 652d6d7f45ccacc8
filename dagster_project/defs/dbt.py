"""dbt models as Dagster assets, run through the dbt CLI (a subprocess)."""


import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from dagster_project.defs.resources import PROJECT_ROOT, WAREHOUSE_POOL, WarehouseResource

dbt_project = DbtProject(project_dir=PROJECT_ROOT / "dbt", profiles_dir=PROJECT_ROOT / "dbt")
# Only acts under `dagster dev`; `make run` / tests build the manifest with `dbt parse` first.
dbt_project.prepare_if_dev()


# What the job runs. No manifest.json / run_results.json: Dagster reads the run's events from
# dbt's log stream and keeps its own manifest (the one built by `make manifest`), so writing
# them (a few MB of JSON, the manifest twice) cost ~3 s of every build, ~20 % of a one-report
# refresh at 100k reports. The partial-parse state is still saved.
DBT_BUILD_ARGS: tuple[str, ...] = ("build", "--no-write-json")


class WarehouseTranslator(DagsterDbtTranslator):
    """dbt sources are the ingest assets: source (schema, table) -> AssetKey([schema, table])."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        # models/<folder>/... -> group "staging", "intermediate", "marts"
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(),
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build`: staging -> intermediate -> marts, with the dbt tests."""
    # The dbt profile reads WAREHOUSE_PATH; the resource is the one source of truth for it.
    os.environ["WAREHOUSE_PATH"] = warehouse.path
    yield from dbt.cli(list(DBT_BUILD_ARGS), context=context).stream()


def dbt_executable() -> str:
    """The dbt installed beside this interpreter: works without an activated venv on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(PROJECT_ROOT / "dbt"),
                          dbt_executable=dbt_executable())
