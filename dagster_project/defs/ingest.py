"""Landing raw files and parsing them into the staged tables."""


from pathlib import Path

import dagster as dg

from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource
from ingest import PARSER_VERSION
from ingest.warehouse import land_directory, parse_pending, write_catalog

LANDED = dg.AssetKey(["raw", "landed_files"])
LANDED_PATHS = dg.AssetKey(["raw", "landed_paths"])
PARSED = [dg.AssetKey(["parsed", t]) for t in ("reports", "facts", "issues")]
CATALOG = [dg.AssetKey(["parsed", t]) for t in ("form_rows", "form_rules", "regions")]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(LANDED, description="Every distinct raw file ever seen: sha256, encoding, text and bytes.",
                     kinds={"duckdb"}, group_name="ingest"),
        dg.AssetSpec(LANDED_PATHS, description="Every path at which each content was seen.",
                     kinds={"duckdb"}, group_name="ingest"),
    ],
    pool=WAREHOUSE_POOL,
)
def landed_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Land every file under RAW_DIR; a file already landed (same bytes) only gains a path row."""
    con = warehouse.connect()
    try:
        summary = land_directory(con, Path(warehouse.raw_dir))
        total = con.execute("select count(*) from raw.landed_files").fetchone()[0]
        undecodable = con.execute("select count(*) from raw.landed_files where decode_error is not null").fetchone()[0]
    finally:
        con.close()
    context.log.info(f"landed {summary.new_reports} new of {summary.files_seen} files in {warehouse.raw_dir}")
    yield dg.MaterializeResult(
        asset_key=LANDED,
        metadata={
            "raw_dir": warehouse.raw_dir,
            "files_seen": summary.files_seen,
            "new_reports": summary.new_reports,
            "reports_total": total,
            "undecodable_total": undecodable,
            "undecodable_new": dg.MetadataValue.md("\n".join(f"- {u}" for u in summary.undecodable) or "none"),
        },
    )
    yield dg.MaterializeResult(asset_key=LANDED_PATHS, metadata={"new_paths": summary.new_paths})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(CATALOG[0], description="Every row of every statistical form (ingest/forms/*.yaml).",
                     kinds={"duckdb"}, group_name="ingest"),
        dg.AssetSpec(CATALOG[1], description="Consistency rules of the forms, one row per rule part.",
                     kinds={"duckdb"}, group_name="ingest"),
        dg.AssetSpec(CATALOG[2], description="GB/T 2260 gazetteer with historical codes.",
                     kinds={"duckdb"}, group_name="ingest"),
    ],
    pool=WAREHOUSE_POOL,
)
def form_catalog(warehouse: WarehouseResource):
    """The forms, their rules and the gazetteer, written from their single sources in ingest/."""
    con = warehouse.connect()
    try:
        counts = write_catalog(con)
    finally:
        con.close()
    for key in CATALOG:
        yield dg.MaterializeResult(asset_key=key, metadata={"rows": counts[key.path[-1]]})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(PARSED[0], deps=[LANDED], description="Report metadata per report × parser version.",
                     kinds={"duckdb", "polars"}, group_name="ingest"),
        dg.AssetSpec(PARSED[1], deps=[LANDED], description="Figures read from tables and prose.",
                     kinds={"duckdb", "polars"}, group_name="ingest"),
        dg.AssetSpec(PARSED[2], deps=[LANDED], description="Parse issues: repairs, ambiguities, failures.",
                     kinds={"duckdb", "polars"}, group_name="ingest"),
    ],
    pool=WAREHOUSE_POOL,
)
def parsed_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Parse only the reports whose (report_id, parser version) is new."""
    con = warehouse.connect()
    try:
        summary = parse_pending(con)
    finally:
        con.close()
    context.log.info(f"parsed {summary.parsed} reports with parser {PARSER_VERSION}")
    common = {"parser_version": PARSER_VERSION, "reports_parsed_this_run": summary.parsed}
    yield dg.MaterializeResult(
        asset_key=PARSED[0],
        metadata={**common, "by_status": dg.MetadataValue.json(summary.by_status),
                  "by_template": dg.MetadataValue.json(summary.by_template)},
    )
    yield dg.MaterializeResult(asset_key=PARSED[1], metadata={**common, "facts_written": summary.facts})
    yield dg.MaterializeResult(asset_key=PARSED[2], metadata={**common, "issues_written": summary.issues})
