"""Landing raw files and parsing them into the staged tables.

Both steps are incremental (only unseen files are read, only (report_id, parser
version) pairs not parsed yet are parsed) and their metadata says, without SQL,
what this run did: counts, new vs known, undecodable files with reasons, reports
per template and status, the top parse-issue codes and the time taken.
"""


from pathlib import Path

import dagster as dg

from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource
from ingest import PARSER_VERSION
from ingest.warehouse import LandingSummary, ParseSummary, land_directory, parse_pending, write_catalog

LANDED = dg.AssetKey(["raw", "landed_files"])
LANDED_PATHS = dg.AssetKey(["raw", "landed_paths"])
PARSED = [dg.AssetKey(["parsed", t]) for t in ("reports", "facts", "issues", "parse_runs")]
CATALOG = [dg.AssetKey(["parsed", t]) for t in ("form_rows", "form_rules", "regions", "form_columns")]
MAX_LISTED = 50  # report ids / files listed in metadata; the counts are always complete
TOP_ISSUE_CODES = 10


def markdown_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    """A small Markdown table; `|` in cells is escaped so a file name cannot break it."""
    if not rows:
        return "_none_"

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def landing_metadata(summary: LandingSummary, raw_dir: str, totals: dict[str, int]) -> dict[str, object]:
    undecodable = [tuple(u.split(": ", 1)) for u in summary.undecodable[:MAX_LISTED]]
    return {
        "raw_dir": dg.MetadataValue.path(raw_dir),
        "files_seen": summary.files_seen,
        "new_reports": summary.new_reports,
        "known_reports": summary.known_reports,
        "unchanged_skipped": summary.unchanged_skipped,
        "new_paths": summary.new_paths,
        "reports_total": totals["reports"],
        "undecodable_total": totals["undecodable"],
        "undecodable_new": dg.MetadataValue.md(markdown_table(("file", "reason"), undecodable)),
        "new_by_content_type": dg.MetadataValue.json(summary.by_content_type),
        "new_report_ids": dg.MetadataValue.json(summary.new_report_ids[:MAX_LISTED]),
        # Word/PDF files an older version landed as binary, read now (parsed again next).
        "documents_read_again": len(summary.redecoded),
        "landing_seconds": round(summary.seconds, 3),
    }


def parse_metadata(summary: ParseSummary) -> dict[str, object]:
    by_status_template = sorted(
        ((template, status, n) for (status, template), n in summary.by_status_template.items()),
    )
    top_codes = sorted(summary.issue_codes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ISSUE_CODES]
    return {
        "parser_version": PARSER_VERSION,
        "reports_parsed_this_run": summary.parsed,
        "report_ids": dg.MetadataValue.json(summary.report_ids[:MAX_LISTED]),
        "by_status": dg.MetadataValue.json(summary.by_status),
        "by_template": dg.MetadataValue.json(summary.by_template),
        "reports_by_template_and_status": dg.MetadataValue.md(
            markdown_table(("template", "status", "reports"), by_status_template)),
        "top_issue_codes": dg.MetadataValue.md(
            markdown_table(("code", "severity", "issues"), [(c, s, n) for (c, s), n in top_codes])),
        "failed_reports": dg.MetadataValue.md(
            markdown_table(("report_id", "reason"), [(r[:16], why) for r, why in summary.failures[:MAX_LISTED]])),
        "parse_seconds": round(summary.seconds, 3),
    }


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
        reports, undecodable = con.execute(
            "select count(*), count(decode_error) from raw.landed_files").fetchone()
        n_paths = con.execute("select count(*) from raw.landed_paths").fetchone()[0]
    finally:
        con.close()
    context.log.info(
        f"landed {summary.new_reports} new of {summary.files_seen} files in {warehouse.raw_dir} "
        f"({summary.unchanged_skipped} unchanged, {len(summary.undecodable)} undecodable)")
    yield dg.MaterializeResult(
        asset_key=LANDED,
        metadata=landing_metadata(summary, warehouse.raw_dir, {"reports": reports, "undecodable": undecodable}),
    )
    yield dg.MaterializeResult(asset_key=LANDED_PATHS,
                               metadata={"new_paths": summary.new_paths, "paths_total": n_paths})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(CATALOG[0], description="Every row of every statistical form (ingest/forms/*.yaml).",
                     kinds={"duckdb"}, group_name="ingest"),
        dg.AssetSpec(CATALOG[1], description="Consistency rules of the forms, one row per rule part.",
                     kinds={"duckdb"}, group_name="ingest"),
        dg.AssetSpec(CATALOG[2], description="GB/T 2260 gazetteer with historical codes.",
                     kinds={"duckdb"}, group_name="ingest"),
        dg.AssetSpec(CATALOG[3], description="Columns of every form (e.g. the cumulative column and its code suffix).",
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
        dg.AssetSpec(PARSED[3], deps=[LANDED], description="One row per parse run; the latest run's parser version is in force.",
                     kinds={"duckdb"}, group_name="ingest"),
    ],
    pool=WAREHOUSE_POOL,
)
def parsed_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Parse only the reports whose (report_id, parser version) is new."""
    con = warehouse.connect()
    try:
        options = {"workers": warehouse.parse_workers} if warehouse.parse_workers > 0 else {}
        summary = parse_pending(con, batch_size=warehouse.parse_batch_size, **options)
        totals = dict(con.execute(
            "select status, count(*) from parsed.reports where parser_version = ? group by status",
            [PARSER_VERSION]).fetchall())
    finally:
        con.close()
    context.log.info(f"parsed {summary.parsed} reports with parser {PARSER_VERSION} in {summary.seconds:.1f}s")
    common = {"parser_version": PARSER_VERSION, "reports_parsed_this_run": summary.parsed}
    yield dg.MaterializeResult(
        asset_key=PARSED[0],
        metadata={**parse_metadata(summary), "reports_total_by_status": dg.MetadataValue.json(totals)},
    )
    yield dg.MaterializeResult(asset_key=PARSED[1], metadata={**common, "facts_written": summary.facts})
    yield dg.MaterializeResult(asset_key=PARSED[2], metadata={
        **common, "issues_written": summary.issues,
        "top_issue_codes": parse_metadata(summary)["top_issue_codes"],
    })
    yield dg.MaterializeResult(asset_key=PARSED[3], metadata={**common, "seconds": round(summary.seconds, 2)})
