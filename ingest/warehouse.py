"""Writing the staged tables (docs/staged_tables.md) into the DuckDB warehouse.

Plain duckdb + polars so the same steps run from Dagster, a script or a test.
Every step is idempotent: landing adds only unseen contents and paths, parsing
handles only (report_id, parser version) pairs not parsed yet, and each batch
is written in one transaction so a crash leaves no half-written report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ingest import PARSER_VERSION
from ingest.landing import LandedFile, iter_raw_files, land_file

DDL = """
create schema if not exists raw;
create schema if not exists parsed;
create table if not exists raw.landed_files (
    report_id varchar primary key, source_path varchar, file_name varchar, size_bytes bigint,
    encoding varchar, decode_error varchar, text varchar, raw_bytes blob, ingested_at timestamp);
create table if not exists raw.landed_paths (
    report_id varchar, source_path varchar, file_name varchar, first_seen_at timestamp,
    primary key (report_id, source_path));
create table if not exists parsed.reports (
    report_id varchar, parser_version varchar, status varchar, failure_reason varchar, title varchar,
    region_code varchar, region_name varchar, region_level varchar, issuer_name varchar,
    issuer_kind varchar, year integer, year_source varchar, template varchar, form_code varchar,
    published_on date, n_facts integer, n_issues integer, parsed_at timestamp,
    primary key (report_id, parser_version));
create table if not exists parsed.facts (
    report_id varchar, parser_version varchar, indicator_code varchar, channel_code varchar,
    applicant_type varchar, value double, unit varchar, value_qualifier varchar, source varchar,
    source_line integer, source_text varchar, form_code varchar, row_key varchar, column_key varchar);
create table if not exists parsed.issues (
    report_id varchar, parser_version varchar, code varchar, severity varchar, message varchar,
    source_line integer, source_text varchar);
"""


@dataclass
class LandingSummary:
    files_seen: int = 0
    new_reports: int = 0
    new_paths: int = 0
    undecodable: list[str] = field(default_factory=list)  # "path: reason"
    new_report_ids: list[str] = field(default_factory=list)


@dataclass
class ParseSummary:
    parsed: int = 0
    facts: int = 0
    issues: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_template: dict[str, int] = field(default_factory=dict)


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        con.execute(DDL)
    return con


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    cols = ", ".join(frame.columns)
    con.register("_frame", frame.to_arrow())
    try:
        con.execute(f"insert into {table} ({cols}) select {cols} from _frame")
    finally:
        con.unregister("_frame")


def land_directory(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, progress: Callable[[Iterable], Iterable] | None = None
) -> LandingSummary:
    """Land every file under raw_dir; contents already landed only gain a new path row."""
    summary = LandingSummary()
    known_ids = {r[0] for r in con.execute("select report_id from raw.landed_files").fetchall()}
    known_paths = {tuple(r) for r in con.execute("select report_id, source_path from raw.landed_paths").fetchall()}
    paths = list(iter_raw_files(raw_dir))
    for path in progress(paths) if progress else paths:
        landed: LandedFile = land_file(path)
        summary.files_seen += 1
        con.execute("begin transaction")
        if landed.report_id not in known_ids:
            con.execute(
                "insert into raw.landed_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [landed.report_id, landed.source_path, landed.file_name, landed.size_bytes,
                 landed.encoding, landed.decode_error, landed.text, landed.raw_bytes, landed.ingested_at],
            )
            known_ids.add(landed.report_id)
            summary.new_reports += 1
            summary.new_report_ids.append(landed.report_id)
            if landed.decode_error:
                summary.undecodable.append(f"{landed.file_name}: {landed.decode_error}")
        if (landed.report_id, landed.source_path) not in known_paths:
            con.execute(
                "insert into raw.landed_paths values (?, ?, ?, ?)",
                [landed.report_id, landed.source_path, landed.file_name, landed.ingested_at],
            )
            known_paths.add((landed.report_id, landed.source_path))
            summary.new_paths += 1
        con.execute("commit")
    return summary


def pending_report_ids(con: duckdb.DuckDBPyConnection, parser_version: str = PARSER_VERSION) -> list[str]:
    rows = con.execute(
        """select l.report_id from raw.landed_files l
           where not exists (select 1 from parsed.reports p
                             where p.report_id = l.report_id and p.parser_version = ?)
           order by l.report_id""",
        [parser_version],
    ).fetchall()
    return [r[0] for r in rows]


def parse_pending(
    con: duckdb.DuckDBPyConnection,
    parser_version: str = PARSER_VERSION,
    batch_size: int = 200,
    progress: Callable[[Iterable], Iterable] | None = None,
    workers: int = 1,
) -> ParseSummary:
    """Parse every landed report not yet parsed by this parser version."""
    from ingest.batch import parse_batches

    summary = ParseSummary()
    pending = pending_report_ids(con, parser_version)
    id_batches = [pending[i : i + batch_size] for i in range(0, len(pending), batch_size)]

    def landed_rows(ids: list[str]) -> list[tuple[str, str | None, str | None]]:
        return con.execute(
            "select report_id, text, decode_error from raw.landed_files where report_id in "
            "(select unnest(?::varchar[]))",
            [ids],
        ).fetchall()

    batches = (landed_rows(ids) for ids in id_batches)
    frame_sets = parse_batches(batches, parser_version, workers)
    for ids, frames in zip(id_batches, progress(frame_sets) if progress else frame_sets, strict=True):
        con.execute("begin transaction")
        for table in ("reports", "facts", "issues"):
            con.execute(
                f"delete from parsed.{table} where parser_version = ? and report_id in "
                "(select unnest(?::varchar[]))",
                [parser_version, ids],
            )
            _insert(con, f"parsed.{table}", frames[table])
        con.execute("commit")
        reports = frames["reports"]
        summary.parsed += reports.height
        summary.facts += frames["facts"].height
        summary.issues += frames["issues"].height
        for status, n in reports.group_by("status").len().iter_rows():
            summary.by_status[status] = summary.by_status.get(status, 0) + n
        for template, n in reports.group_by("template").len().iter_rows():
            summary.by_template[template] = summary.by_template.get(template, 0) + n
    return summary


def write_catalog(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)write the form catalog, rules and gazetteer tables; returns row counts."""
    from ingest.frames import catalog_frames

    counts = {}
    con.execute("begin transaction")
    for name, frame in catalog_frames().items():
        con.register("_frame", frame.to_arrow())
        con.execute(f"create or replace table parsed.{name} as select * from _frame")
        con.unregister("_frame")
        counts[name] = frame.height
    con.execute("commit")
    return counts
