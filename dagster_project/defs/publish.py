"""BI publication: Parquet exports and a read-only copy of the warehouse, swapped in atomically.

BI tools never open the live DuckDB file (DuckDB never waits for a lock, so a
reader on the live file would make the next refresh fail). They read either
`EXPORT_DIR/current/<mart>/<mart>.parquet` or `EXPORT_DIR/current/warehouse.duckdb`;
`current` is a symlink replaced in one rename at the end of a successful run,
so a reader sees the previous release or the new one, never a half-written one.
"""


import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.defs.dbt import warehouse_dbt_models
from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource

MARTS_SCHEMA = "marts"
KEEP_RELEASES = 3


def publish_release(warehouse_path: str, target: Path) -> dict[str, int]:
    """Write every mart as Parquet plus a copy of the DuckDB file into a new release; swap `current`."""
    releases = target / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    release = releases / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    release.mkdir()
    counts: dict[str, int] = {}
    con = duckdb.connect(warehouse_path, read_only=True)
    try:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [MARTS_SCHEMA]
        ).fetchall()]
        for mart in marts:
            (release / mart).mkdir()
            out = release / mart / f"{mart}.parquet"
            con.execute(f"copy (select * from {MARTS_SCHEMA}.{mart}) to '{out}' (format parquet)")
            counts[mart] = con.execute(f"select count(*) from {MARTS_SCHEMA}.{mart}").fetchone()[0]
    finally:
        con.close()
    shutil.copyfile(warehouse_path, release / "warehouse.duckdb")
    link_tmp = target / ".current.tmp"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(release.relative_to(target))
    os.replace(link_tmp, target / "current")  # atomic on POSIX
    for old in sorted(releases.iterdir())[:-KEEP_RELEASES]:
        shutil.rmtree(old, ignore_errors=True)
    return counts


@dg.asset(
    key=dg.AssetKey(["bi", "exports"]),
    # After every mart (and its checks): a release is only ever made of a finished build.
    deps=[key for key in warehouse_dbt_models.keys if key.path[0] == MARTS_SCHEMA],
    group_name="publish",
    kinds={"parquet", "duckdb"},
    pool=WAREHOUSE_POOL,
)
def bi_exports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every mart as Parquet (one folder per mart) and a read-only warehouse copy, released atomically."""
    target = Path(warehouse.export_dir)
    counts = publish_release(warehouse.path, target)
    context.log.info(f"published {len(counts)} marts to {target / 'current'}")
    return dg.MaterializeResult(metadata={
        "path": str(target / "current"),
        "marts": dg.MetadataValue.json(counts),
    })
