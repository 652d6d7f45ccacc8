"""Writing the staged tables (docs/staged_tables.md) into the DuckDB warehouse.

Plain duckdb + polars so the same steps run from Dagster, a script or a test.
Every step is idempotent: landing adds only unseen contents and paths, parsing
handles only (report_id, parser version) pairs not parsed yet, and each batch
is written in one transaction so a crash leaves no half-written report.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from ingest import PARSER_VERSION
from ingest.batch import available_cores
from ingest.landing import LandedFile, decode_landed, land_file, raw_file_names

DDL = """
create schema if not exists raw;
create schema if not exists parsed;
create table if not exists raw.landed_files (
    report_id varchar primary key, source_path varchar, file_name varchar, size_bytes bigint,
    encoding varchar, decode_error varchar, text varchar, raw_bytes blob, ingested_at timestamp);
create table if not exists raw.landed_paths (
    report_id varchar, source_path varchar, file_name varchar, first_seen_at timestamp,
    primary key (report_id, source_path));
create table if not exists raw.file_stats (
    source_path varchar primary key, report_id varchar, size_bytes bigint, mtime_ns bigint,
    content_type varchar, checked_at timestamp);
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
create table if not exists parsed.parse_runs (
    parser_version varchar, started_at timestamp, finished_at timestamp, reports_parsed integer,
    facts_written integer, issues_written integer, seconds double);
"""

# Landing reads, hashes and decodes each file (HTML to text, charset detection): Python work
# that threads cannot share with the writer (the GIL; four reader threads made landing slower
# than none on a warm cache). From this many changed files on, worker processes do it while
# this process writes; below, the pool's start (~0.5 s) costs more than it saves.
MIN_PARALLEL_LANDING = 2000
LANDING_CHUNK = 16  # files per task sent to a landing worker
COMMIT_BYTES = 64 * 1024 * 1024  # landing commits at least every this many bytes of raw files

# Fault injection for scripts/kill_rerun.py: with GOV_FAULT_PAUSE=<phase> (land, parse) the
# step pauses inside its last write transaction, after earlier batches committed, so a
# kill -9 lands mid-write. GOV_FAULT_MARKER names a file written when the pause starts.
FAULT_ENV = "GOV_FAULT_PAUSE"
FAULT_MARKER_ENV = "GOV_FAULT_MARKER"
FAULT_SECONDS_ENV = "GOV_FAULT_PAUSE_SECONDS"


def fault_point(phase: str) -> None:
    """Pause here (so a test harness can kill the process) when GOV_FAULT_PAUSE names this phase."""
    if os.environ.get(FAULT_ENV) != phase:
        return
    marker = os.environ.get(FAULT_MARKER_ENV)
    if marker:
        Path(marker).write_text(f"{phase} {os.getpid()}\n")
    time.sleep(float(os.environ.get(FAULT_SECONDS_ENV, "600")))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class LandingSummary:
    files_seen: int = 0
    new_reports: int = 0  # contents never landed before
    known_reports: int = 0  # files read whose content was already landed (copies, re-saves)
    unchanged_skipped: int = 0  # files whose size and mtime match the last landing: not read again
    new_paths: int = 0
    undecodable: list[str] = field(default_factory=list)  # "name: reason", new contents only
    new_report_ids: list[str] = field(default_factory=list)
    by_content_type: dict[str, int] = field(default_factory=dict)  # new contents only
    redecoded: list[str] = field(default_factory=list)  # landed earlier as binary, readable now
    seconds: float = 0.0


@dataclass
class ParseSummary:
    parsed: int = 0
    facts: int = 0
    issues: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_template: dict[str, int] = field(default_factory=dict)
    by_status_template: dict[tuple[str, str], int] = field(default_factory=dict)
    issue_codes: dict[tuple[str, str], int] = field(default_factory=dict)  # (code, severity) -> n
    report_ids: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (report_id, failure_reason)
    seconds: float = 0.0


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("set enable_progress_bar = false")  # it would print into the Dagster logs
    # DuckDB may otherwise take 80 % of RAM beside the parse workers (4.8 GB peak at 100k);
    # dbt's connection has the same cap (dbt/profiles.yml).
    con.execute(f"set memory_limit = '{os.environ.get('INGEST_MEMORY_LIMIT', '1GB')}'")
    # DuckDB checkpoints whenever its WAL passes 16 MB, and each checkpoint rewrites the primary
    # key indexes whole: landing 100k files spent 46 of 107 s in commits. A larger WAL between
    # checkpoints (replayed after a crash, never held in memory) takes landing to 76 s.
    con.execute("set checkpoint_threshold = '256MB'")
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


LANDED_FILE_SCHEMA = {
    "report_id": pl.String, "source_path": pl.String, "file_name": pl.String, "size_bytes": pl.Int64,
    "encoding": pl.String, "decode_error": pl.String, "text": pl.String, "raw_bytes": pl.Binary,
    "ingested_at": pl.Datetime("us"),
}
LANDED_PATH_SCHEMA = {"report_id": pl.String, "source_path": pl.String, "file_name": pl.String,
                      "first_seen_at": pl.Datetime("us")}
FILE_STATS_SCHEMA = {"source_path": pl.String, "report_id": pl.String, "size_bytes": pl.Int64,
                     "mtime_ns": pl.Int64, "content_type": pl.String, "checked_at": pl.Datetime("us")}


BIG_FILE_BYTES = 4 * 1024 * 1024


@dataclass
class _LandedGroup:
    """Rows of one commit group, written with one set-based insert per table."""

    files: list[dict] = field(default_factory=list)
    paths: list[dict] = field(default_factory=list)
    stats: dict[str, dict] = field(default_factory=dict)  # by source_path: the last landing wins

    def add(self, landed: LandedFile, is_new_content: bool, is_new_path: bool) -> None:
        if is_new_content:
            self.files.append({k: getattr(landed, k) for k in LANDED_FILE_SCHEMA})
        if is_new_path:
            self.paths.append({"report_id": landed.report_id, "source_path": landed.source_path,
                               "file_name": landed.file_name, "first_seen_at": landed.ingested_at})
        self.stats[landed.source_path] = {
            "source_path": landed.source_path, "report_id": landed.report_id, "size_bytes": landed.size_bytes,
            "mtime_ns": landed.mtime_ns, "content_type": landed.content_type, "checked_at": landed.ingested_at}

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        # A frame copies its contents: big files go in one by one to keep memory bounded.
        small = [f for f in self.files if f["size_bytes"] <= BIG_FILE_BYTES]
        for big in (f for f in self.files if f["size_bytes"] > BIG_FILE_BYTES):
            con.execute(f"insert into raw.landed_files ({', '.join(big)}) values ({', '.join('?' * len(big))})",
                        list(big.values()))
        _insert(con, "raw.landed_files", pl.DataFrame(small, schema=LANDED_FILE_SCHEMA))
        _insert(con, "raw.landed_paths", pl.DataFrame(self.paths, schema=LANDED_PATH_SCHEMA))
        stats = pl.DataFrame(list(self.stats.values()), schema=FILE_STATS_SCHEMA)
        if not stats.is_empty():
            con.register("_stats", stats.to_arrow())
            try:
                con.execute("insert or replace into raw.file_stats select * from _stats")
            finally:
                con.unregister("_stats")


def land_directory(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    progress: Callable[[Iterable], Iterable] | None = None,
    trust_stat: bool = True,
    commit_every: int = 512,
    workers: int | None = None,
) -> LandingSummary:
    """Land every file under raw_dir; contents already landed only gain a new path row.

    With trust_stat, a file whose (path, size, mtime) match its last landing is not
    read again. Files are committed in groups of commit_every files (and COMMIT_BYTES):
    a crash loses at most the group in flight, which the next run lands again. Files are
    read by `workers` processes (None: every core from MIN_PARALLEL_LANDING changed files on,
    else none); the tables written are the same either way.
    """
    started = time.perf_counter()
    summary = LandingSummary()
    root = Path(raw_dir)
    known_ids = {r[0] for r in con.execute("select report_id from raw.landed_files").fetchall()}
    known_paths = {tuple(r) for r in con.execute("select report_id, source_path from raw.landed_paths").fetchall()}
    stats = {r[0]: (r[1], r[2], r[3]) for r in con.execute(
        "select source_path, report_id, size_bytes, mtime_ns from raw.file_stats").fetchall()}
    names = raw_file_names(root)
    summary.files_seen = len(names)
    if trust_stat:
        # Skipped before grouping: a refresh that finds one new file among 100k opens one
        # transaction, not one per group of unchanged files.
        changed = [n for n in names if not _unchanged(n, stats, known_ids, known_paths)]
        summary.unchanged_skipped = len(names) - len(changed)
        names = changed
    paths = [Path(n) for n in names]
    groups = commit_groups(paths, commit_every, COMMIT_BYTES)
    if workers is None:
        workers = available_cores() if len(paths) >= MIN_PARALLEL_LANDING else 1
    _land_groups(con, groups, _landed_groups(groups, root, workers), progress, summary, known_ids, known_paths)
    summary.redecoded = redecode_containers(con)
    summary.seconds = time.perf_counter() - started
    return summary


# Word, PDF and OLE2 signatures: files landed as "binary content" before the landing step
# read these containers (ingest.documents). Only they are read again, not every binary file.
_CONTAINER_BYTES = ("(raw_bytes[1:5] = '%PDF-'::blob or raw_bytes[1:4] = '\\x50\\x4B\\x03\\x04'::blob "
                    "or raw_bytes[1:4] = '\\xD0\\xCF\\x11\\xE0'::blob)")


def redecode_containers(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Read again the Word/PDF/Office files an earlier version landed as binary; their parse
    rows are dropped so that the next parse reads the text. Returns their report ids."""
    rows = con.execute(
        "select report_id, raw_bytes from raw.landed_files where text is null and raw_bytes is not null "
        f"and decode_error like 'binary content%' and {_CONTAINER_BYTES}"
    ).fetchall()
    done = []
    for report_id, data in rows:
        text, encoding, error, content_type = decode_landed(bytes(data))
        with _transaction(con):
            con.execute("update raw.landed_files set text = ?, encoding = ?, decode_error = ? where report_id = ?",
                        [text, encoding, error, report_id])
            con.execute("update raw.file_stats set content_type = ? where report_id = ?", [content_type, report_id])
            for table in ("reports", "facts", "issues"):  # this version's: older ones stay as history
                con.execute(f"delete from parsed.{table} where report_id = ? and parser_version = ?",
                            [report_id, PARSER_VERSION])
        done.append(report_id)
    return done


def _landed_groups(groups: list[list[Path]], root: Path, workers: int) -> Iterator[list[LandedFile]]:
    """Each group's files read, hashed and decoded, in path order.

    With several workers, processes land the next group while the caller writes this one
    (two groups in flight: memory stays bounded by COMMIT_BYTES, whatever the corpus size).
    """
    if workers <= 1:
        for group in groups:
            yield [land_file(path, root=root) for path in group]
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
    pending: deque[Iterator[LandedFile]] = deque()
    try:
        for group in groups:
            pending.append(pool.map(partial(land_file, root=root), group, chunksize=LANDING_CHUNK))
            if len(pending) > 1:
                yield list(pending.popleft())
        while pending:
            yield list(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _land_groups(con: duckdb.DuckDBPyConnection, groups: list[list[Path]], landed_groups: Iterator[list[LandedFile]],
                 progress: Callable[[Iterable], Iterable] | None, summary: LandingSummary,
                 known_ids: set[str], known_paths: set[tuple]) -> None:
    """Land each group in one transaction."""
    for n_group, _group in enumerate(progress(groups) if progress else groups):
        group_ids: set[str] = set()
        group_paths: set[tuple[str, str]] = set()
        rows = _LandedGroup()
        with _transaction(con):
            for landed in next(landed_groups):
                key = (landed.report_id, landed.source_path)
                is_new_content = landed.report_id not in known_ids and landed.report_id not in group_ids
                is_new_path = key not in known_paths and key not in group_paths
                rows.add(landed, is_new_content, is_new_path)
                _count_landed(summary, landed, is_new_content, is_new_path)
                group_ids.add(landed.report_id)
                group_paths.add(key)
            rows.write(con)
            if n_group == len(groups) - 1:
                fault_point("land")
        # Only after the commit: a rolled-back group is landed again by the next run.
        known_ids |= group_ids
        known_paths |= group_paths


def commit_groups(paths: list[Path], max_files: int, max_bytes: int) -> list[list[Path]]:
    """Consecutive groups of at most max_files files and (beyond the first file) max_bytes bytes.

    An open DuckDB transaction holds its rows in memory: bounding the group bounds that.
    """
    groups: list[list[Path]] = []
    current: list[Path] = []
    size = 0
    for path in paths:
        try:
            n_bytes = path.stat().st_size
        except OSError:
            n_bytes = 0
        if current and (len(current) >= max_files or size + n_bytes > max_bytes):
            groups.append(current)
            current, size = [], 0
        current.append(path)
        size += n_bytes
    if current:
        groups.append(current)
    return groups


def _count_landed(summary: LandingSummary, landed: LandedFile, is_new_content: bool, is_new_path: bool) -> None:
    summary.new_paths += is_new_path
    if not is_new_content:
        summary.known_reports += 1
        return
    summary.new_reports += 1
    summary.new_report_ids.append(landed.report_id)
    summary.by_content_type[landed.content_type] = summary.by_content_type.get(landed.content_type, 0) + 1
    if landed.decode_error:
        summary.undecodable.append(f"{landed.file_name}: {landed.decode_error}")


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One write transaction: committed whole, or rolled back whole if anything raises."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _unchanged(name: str, stats: dict[str, tuple[str, int, int]], known_ids: set[str],
               known_paths: set[tuple]) -> bool:
    """The file's size and mtime are those recorded when it was last landed (and that landing committed)."""
    recorded = stats.get(name)
    if recorded is None:
        return False
    try:
        st = os.stat(name)
    except OSError:
        return False
    report_id, size, mtime_ns = recorded
    return (size, mtime_ns) == (st.st_size, st.st_mtime_ns) and report_id in known_ids \
        and (report_id, name) in known_paths


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
    workers: int | None = None,
) -> ParseSummary:
    """Parse every landed report not yet parsed by this parser version.

    Only the head of a huge text is read from the warehouse (the parser would cut
    it anyway and records an issue), so memory stays bounded per batch.
    """
    from ingest.batch import parse_batches
    from ingest.parse import MAX_PARSE_CHARS

    started_at, started = _now(), time.perf_counter()
    summary = ParseSummary()
    n_pending = len(pending_report_ids(con, parser_version))
    n_batches = -(-n_pending // batch_size)
    # A batch writes a report's row with its facts and issues in one transaction, so figures
    # or issues of this version without their report row can only be left by an older
    # writer: drop them once here (one scan per table) rather than delete per batch (a
    # scan of the growing tables per batch: quadratic in the corpus).
    with _transaction(con):
        for table in ("facts", "issues"):
            con.execute(
                f"delete from parsed.{table} as t where t.parser_version = ? and not exists "
                "(select 1 from parsed.reports as p where p.report_id = t.report_id and p.parser_version = ?) "
                # Only pending reports can have such rows: a run costs what it parses, not the warehouse size.
                "and t.report_id in (select l.report_id from raw.landed_files as l where not exists "
                "(select 1 from parsed.reports as p where p.report_id = l.report_id and p.parser_version = ?))",
                [parser_version, parser_version, parser_version],
            )

    # One streaming read of every pending text (a second cursor, so the writes
    # below do not end it) instead of a scan of raw.landed_files per batch.
    reader = con.cursor()
    reader.execute(
        """select l.report_id, substr(l.text, 1, ?), l.decode_error from raw.landed_files l
           where not exists (select 1 from parsed.reports p
                             where p.report_id = l.report_id and p.parser_version = ?)
           order by l.report_id""",
        [MAX_PARSE_CHARS + 1, parser_version],
    )

    def landed_batches() -> Iterator[list[tuple[str, str | None, str | None]]]:
        while rows := reader.fetchmany(batch_size):
            yield rows

    frame_sets = parse_batches(landed_batches(), parser_version, workers)
    for n_batch, frames in enumerate(progress(frame_sets) if progress else frame_sets):
        with _transaction(con):
            for table in ("reports", "facts", "issues"):
                _insert(con, f"parsed.{table}", frames[table])
            if n_batch == n_batches - 1:
                fault_point("parse")
        _add_batch(summary, frames)
    summary.seconds = time.perf_counter() - started
    con.execute(
        "insert into parsed.parse_runs values (?, ?, ?, ?, ?, ?, ?)",
        [parser_version, started_at, _now(), summary.parsed, summary.facts, summary.issues, summary.seconds],
    )
    return summary


def _add_batch(summary: ParseSummary, frames: dict[str, pl.DataFrame]) -> None:
    """Fold one written batch into the run summary."""
    reports, issues = frames["reports"], frames["issues"]
    summary.parsed += reports.height
    summary.facts += frames["facts"].height
    summary.issues += issues.height
    summary.report_ids.extend(reports["report_id"].to_list())
    for status, template, n in reports.group_by("status", "template").len().iter_rows():
        template = template or "none"
        summary.by_status[status] = summary.by_status.get(status, 0) + n
        summary.by_template[template] = summary.by_template.get(template, 0) + n
        key = (status, template)
        summary.by_status_template[key] = summary.by_status_template.get(key, 0) + n
    for code, severity, n in issues.group_by("code", "severity").len().iter_rows():
        summary.issue_codes[(code, severity)] = summary.issue_codes.get((code, severity), 0) + n
    failed = reports.filter(pl.col("status") == "failed").select("report_id", "failure_reason")
    summary.failures.extend((rid, reason or "") for rid, reason in failed.iter_rows())


def parser_version_in_force(con: duckdb.DuckDBPyConnection) -> str | None:
    """The parser version of the last parse run: the one whose rows should feed the marts."""
    row = con.execute("select parser_version from parsed.parse_runs order by finished_at desc limit 1").fetchone()
    return row[0] if row else None


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
