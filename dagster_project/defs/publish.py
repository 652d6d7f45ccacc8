"""BI publication: Parquet exports and a read-only DuckDB catalog of them, swapped in atomically.

BI tools never open the live DuckDB file (DuckDB never waits for a lock, so a
reader on the live file would make the next refresh fail). They read a release:

    EXPORT_DIR/current/warehouse.duckdb            schema `marts`: one view per mart over its Parquet
    EXPORT_DIR/current/<mart>/<mart>_<year>.parquet  a mart with a year column: one file per year (`_unknown` for none)
    EXPORT_DIR/current/<mart>/<mart>_r<c>.parquet    else, with a report_id column: one file per first character of the id
    EXPORT_DIR/current/<mart>/<mart>.parquet       any other mart: one file
    EXPORT_DIR/current/release.json                row counts and per-file fingerprints of this release

A release is written into a hidden temporary folder, fsynced, renamed into
`releases/`, and `current` (a symlink) is then replaced in one rename(2). A
reader that resolves `current` once sees the previous release or the new one,
never a half-written one; the previous release stays until the swap, and the last
KEEP_RELEASES (and every release younger than KEEP_SECONDS) stay after it, so a
BI session opened on an older release keeps working for a day.

Publishing is incremental: each Parquet file's rows are fingerprinted in the
warehouse (count and sum of row hashes, per mart and year or id bucket), and a file whose
fingerprint the current release already has is hard-linked from it instead of
rewritten. One new report rewrites the files of its year and id bucket; the cost of a release
follows what changed, not the size of the warehouse.
"""


import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.defs.dbt import warehouse_dbt_models
from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource

MARTS_SCHEMA = "marts"
KEEP_RELEASES = 3
KEEP_SECONDS = 24 * 3600
PUBLISHED_DB = "warehouse.duckdb"
MANIFEST = "release.json"
PARTITION_COLUMN = "year"
# A mart without a year but with report ids (fct_quality_check, mart_report_quality) is split
# by the first character of the id (a sha256 in hex: 16 even buckets), so one new report
# rewrites a sixteenth of it rather than all of it.
BUCKET_COLUMN = "report_id"
_PLAIN_LABEL = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
# The dbt ledgers of the marts incremental by report (dbt var report_ledger_schema).
LEDGER_SCHEMA = "dbt_ledger"
FORMAT_VERSION = 3  # of the release layout; a change rewrites every file


@dataclass(frozen=True, slots=True)
class Release:
    name: str
    path: Path
    counts: dict[str, int]
    seconds: float
    files_written: int = 0
    files_linked: int = 0


@dataclass(frozen=True, slots=True)
class PartFile:
    """One Parquet file of a mart: its rows are the mart's rows of one year (or all of them)."""

    mart: str
    file: str  # relative to the release folder
    where: str  # SQL predicate selecting its rows ("true" for an unpartitioned mart)
    rows: int
    fingerprint: str


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree_and_freeze(root: Path) -> None:
    """fsync every file and folder below root (files first), then make them read-only."""
    for dirpath, _, files in os.walk(root, topdown=False):
        for name in files:
            path = Path(dirpath) / name
            _fsync(path)
            path.chmod(0o444)
        _fsync(Path(dirpath))
        Path(dirpath).chmod(0o555)


def _remove_tree(path: Path) -> None:
    """rmtree for a frozen (read-only) release: deleting entries needs write access to their folder."""
    if not path.exists():
        return
    for dirpath, _, _ in os.walk(path):
        Path(dirpath).chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def _columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = 'src' "
        "and table_schema = ? and table_name = ? order by ordinal_position", [MARTS_SCHEMA, mart]).fetchall()


def _partition_key(names: set[str]) -> str | None:
    """The SQL expression a mart's files are split by (None: one file)."""
    if PARTITION_COLUMN in names:
        return PARTITION_COLUMN
    if BUCKET_COLUMN in names:
        return f"substr({BUCKET_COLUMN}, 1, 1)"
    return None


def _part_file(mart: str, key: str, value: object) -> tuple[str, str]:
    """(file, SQL predicate) of the partition of `mart` where `key` equals `value`."""
    if value is None:
        label, where = "unknown", f"{key} is null"
    elif key == PARTITION_COLUMN:
        label, where = str(int(value)), f"{key} = {int(value)}"
    else:
        # A file name whatever the id (and distinct on a case-insensitive file system).
        label = value if value in _PLAIN_LABEL else f"u{ord(value):04x}"
        label, where = f"r{label}", f"{key} = '{_sql_str(value)}'"
    return f"{mart}/{mart}_{label}.parquet", where


def _mart_parts(con: duckdb.DuckDBPyConnection, mart: str) -> list[PartFile]:
    """The files of one mart with their row counts and fingerprints, in one scan of the mart."""
    columns = _columns(con, mart)
    schema = _schema(columns)
    table = f'src.{MARTS_SCHEMA}."{mart}"'
    # The sum (not xor) of row hashes: identical rows must not cancel out.
    digest = "count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar"
    key = _partition_key({c for c, _ in columns})
    if key is None:
        rows, total = con.execute(f"select {digest} from {table} as t").fetchone()
        return [PartFile(mart, f"{mart}/{mart}.parquet", "true", rows, _fingerprint(schema, rows, total))]
    parts = []
    for value, rows, total in con.execute(
            f"select {key}, {digest} from {table} as t group by 1 order by 1").fetchall():
        file, where = _part_file(mart, key, value)
        parts.append(PartFile(mart, file, where, rows, _fingerprint(schema, rows, total)))
    return parts


def _schema(columns: list[tuple[str, str]]) -> str:
    return ",".join(f"{c}:{t}" for c, t in columns)


def _ledger_batch(con: duckdb.DuckDBPyConnection, mart: str) -> int | None:
    """The newest batch of the mart's dbt ledger (0 when empty); None when the mart has none."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_catalog = 'src' and table_schema = ? "
        "and table_name in (?, ?)", [LEDGER_SCHEMA, mart, f"{mart}__pending"]).fetchone()[0]
    if exists != 2:
        return None
    return con.execute(f'select coalesce(max(batch), 0) from src.{LEDGER_SCHEMA}."{mart}"').fetchone()[0]


def _ledger_state(batch: int, schema: str) -> dict:
    return {"batch": batch, "schema": hashlib.sha256(schema.encode()).hexdigest()[:16], "format": _format_key()}


def _ledger_changes(con: duckdb.DuckDBPyConnection, mart: str, batch: int | None, previous: Path | None,
                    previous_state: dict | None) -> dict[str, str] | None:
    """For a mart incremental by report (dbt/macros/report_ledger.sql): the files whose rows
    the dbt runs since the previous release may have changed.

    None when that cannot be told without a scan: no ledger, no ledger state in the previous
    release, a schema or format change, more than one writing dbt run since (only the last
    run's pending reports are kept), or reports that left the mart. The rows of a report in
    such a mart change only with its ledger fingerprint, so the files of the reports the last
    run recomputed (its `__pending` table: every report after a --full-refresh) are the only
    ones to rewrite, and the others are linked without reading the mart at all.
    """
    if batch is None or previous is None or previous_state is None:
        return None
    columns = _columns(con, mart)
    if previous_state != _ledger_state(previous_state.get("batch", -1), _schema(columns)) \
            or batch not in (previous_state["batch"], previous_state["batch"] + 1):
        return None
    pending = f'src.{LEDGER_SCHEMA}."{mart}__pending"'
    left, n_pending = con.execute(f"select count(*) - count(fingerprint), count(*) from {pending}").fetchone()
    if left:
        return None
    key = _partition_key({c for c, _ in columns})
    if key is None:
        return {f"{mart}/{mart}.parquet": "true"} if n_pending else {}
    try:
        if key == PARTITION_COLUMN:
            # A report's rows carry its year (dim_report.year): the files of its year now and of
            # its year in the previous release (a re-parse may have moved it) are rewritten.
            ids = f"(select report_id from {pending})"
            values = [r[0] for r in con.execute(
                f"select year from src.{MARTS_SCHEMA}.dim_report where report_id in {ids} union "
                f"select year from read_parquet('{_sql_str(str(previous / 'dim_report'))}/*.parquet') "
                f"where report_id in {ids}").fetchall()]
        else:
            values = [r[0] for r in con.execute(f"select distinct {key} from {pending}").fetchall()]
    except duckdb.Error:  # no dim_report here or in the previous release: scan instead
        return None
    return dict(_part_file(mart, key, v) for v in values)


def _format_key() -> str:
    """The release layout and the DuckDB whose hash fingerprints are made with."""
    return f"{FORMAT_VERSION}|{duckdb.__version__}"


def _fingerprint(schema: str, rows: int, hash_sum: str) -> str:
    """Same columns, row count and sum of row hashes (and the same DuckDB, whose hash it is): same rows."""
    text = f"{_format_key()}|{schema}|{rows}|{hash_sum}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _previous_manifest(target: Path) -> tuple[Path | None, dict]:
    """The current release's folder and its manifest (None and {} when there is none)."""
    try:
        current = current_release(target)
        manifest = json.loads((current / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, {}
    return current, manifest


@dataclass
class _Files:
    """What a release holds, built mart by mart: the manifest's per-file maps and counters."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    ledger: dict[str, dict] = field(default_factory=dict)
    written: int = 0
    linked: int = 0


def _write_parquet(warehouse_path: str, folder: Path, previous: Path | None, manifest: dict) -> _Files:
    """Parquet files of the marts, written or (unchanged) linked from the previous release."""
    out = _Files()
    con = duckdb.connect()
    try:
        con.execute(f"attach '{_sql_str(warehouse_path)}' as src (read_only)")
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'src' "
            "and table_schema = ? order by 1", [MARTS_SCHEMA]).fetchall()]
        for mart in marts:
            (folder / mart).mkdir()
            batch = _ledger_batch(con, mart)
            changed = _ledger_changes(con, mart, batch, previous, manifest.get("ledger", {}).get(mart))
            if changed is None:
                _publish_scanned(con, mart, folder, previous, manifest.get("files", {}), out)
            else:
                _publish_ledger_changes(con, mart, folder, previous, manifest, changed, batch, out)
            if batch is not None:
                out.ledger[mart] = _ledger_state(batch, _schema(_columns(con, mart)))
            if not any(f.split("/", 1)[0] == mart for f in out.fingerprints):
                # An empty mart: keep its columns in one empty file.
                empty = f"{mart}/{mart}.parquet"
                con.execute(f"copy (select * from src.{MARTS_SCHEMA}.\"{mart}\" limit 0) "
                            f"to '{_sql_str(str(folder / empty))}' (format parquet)")
                out.fingerprints[empty], out.rows[empty] = "empty", 0
                out.written += 1
        con.execute("detach src")
    finally:
        con.close()
    return out


def _copy_rows(con: duckdb.DuckDBPyConnection, mart: str, where: str, path: Path) -> int:
    """Write the mart's rows matching `where` to one Parquet file; returns their number."""
    return con.execute(f"copy (select * from src.{MARTS_SCHEMA}.\"{mart}\" where {where}) "
                       f"to '{_sql_str(str(path))}' (format parquet)").fetchone()[0]


def _publish_scanned(con: duckdb.DuckDBPyConnection, mart: str, folder: Path, previous: Path | None,
                     previous_files: dict[str, str], out: _Files) -> None:
    """Fingerprint every file of the mart (one scan) and write those the previous release lacks."""
    for part in _mart_parts(con, mart):
        out.fingerprints[part.file], out.rows[part.file] = part.fingerprint, part.rows
        if previous is not None and previous_files.get(part.file) == part.fingerprint:
            os.link(previous / part.file, folder / part.file)
            out.linked += 1
        else:
            _copy_rows(con, mart, part.where, folder / part.file)
            out.written += 1


def _publish_ledger_changes(con: duckdb.DuckDBPyConnection, mart: str, folder: Path, previous: Path,
                            manifest: dict, changed: dict[str, str], batch: int, out: _Files) -> None:
    """Rewrite the files the last dbt run may have changed; link the mart's other files."""
    for file, fingerprint in manifest.get("files", {}).items():
        if file.split("/", 1)[0] != mart or file in changed or fingerprint == "empty":
            continue
        os.link(previous / file, folder / file)
        out.fingerprints[file], out.rows[file] = fingerprint, manifest["file_rows"][file]
        out.linked += 1
    for file, where in sorted(changed.items()):
        n_rows = _copy_rows(con, mart, where, folder / file)
        out.written += 1
        if n_rows == 0:  # the partition emptied (its reports moved or left)
            (folder / file).unlink()
            continue
        # Not a content fingerprint: a later scan of this mart rewrites the file once.
        out.fingerprints[file] = f"ledger-{mart}-{batch}-{folder.name}"
        out.rows[file] = n_rows


def _write_catalog(db_path: Path, release: Path, counts: dict[str, int], files: dict[str, str]) -> None:
    """The release's DuckDB file: one view per mart over the release's own Parquet files (by absolute path)."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute(f"create schema {MARTS_SCHEMA}")
        for mart in counts:
            rel_files = sorted(f for f in files if f.split("/", 1)[0] == mart)
            paths = ", ".join(f"'{_sql_str(str(release / f))}'" for f in rel_files)
            con.execute(f'create view {MARTS_SCHEMA}."{mart}" as select * from read_parquet([{paths}])')
        con.execute("checkpoint")
    finally:
        con.close()


def _sql_str(value: str) -> str:
    return value.replace("'", "''")


def publish_release(warehouse_path: str, target: Path, keep: int = KEEP_RELEASES,
                    keep_seconds: float = KEEP_SECONDS) -> Release:
    """Write a new release from the warehouse's marts and make it `current` atomically."""
    started = time.perf_counter()
    target = Path(target)
    releases = target / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    for stale in releases.glob(".*.tmp"):  # a publish killed half-way
        _remove_tree(stale)
    name = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:6]}"
    staging, final = releases / f".{name}.tmp", releases / name
    staging.mkdir()
    previous, previous_manifest = _previous_manifest(target)
    try:
        out = _write_parquet(warehouse_path, staging, previous, previous_manifest)
        counts: dict[str, int] = {}
        for file, n_rows in out.rows.items():
            counts[file.split("/", 1)[0]] = counts.get(file.split("/", 1)[0], 0) + n_rows
        # Renamed before the catalog is written: its views name the files by their final path.
        # Until `current` points at it, no reader looks into this folder.
        staging.rename(final)
        _write_catalog(final / PUBLISHED_DB, final, counts, out.fingerprints)
        manifest = {"release": name, "created_at": datetime.now(UTC).isoformat(), "marts": counts,
                    "files": out.fingerprints, "file_rows": out.rows, "ledger": out.ledger,
                    "files_written": out.written, "files_linked": out.linked}
        (final / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        _fsync_tree_and_freeze(final)
        _fsync(releases)
    except BaseException:
        _remove_tree(staging)
        _remove_tree(final)
        raise
    link_tmp = target / f".current.{uuid.uuid4().hex[:6]}.tmp"
    link_tmp.symlink_to(final.relative_to(target))
    os.replace(link_tmp, target / "current")  # atomic on POSIX: readers see old or new
    _fsync(target)
    _prune(releases, keep, keep_seconds, final)
    return Release(name, final, counts, time.perf_counter() - started, out.written, out.linked)


def _prune(releases: Path, keep: int, keep_seconds: float, current: Path) -> None:
    """Drop releases beyond the last `keep` that are older than keep_seconds (a BI session
    opened on a release reads its Parquet files at query time)."""
    done = sorted(p for p in releases.iterdir() if not p.name.startswith("."))
    now = time.time()
    for old in done[:-keep] if keep > 0 else []:
        if old != current and now - old.stat().st_mtime >= keep_seconds:
            _remove_tree(old)


def current_release(export_dir: str | Path) -> Path:
    """The release `current` points at now, resolved once: read everything of one query from it."""
    return (Path(export_dir) / "current").resolve(strict=True)


def open_published(export_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """The BI connection: the current release's catalog, read-only; files outside the release
    and the network are out of reach (the views read the release's own Parquet files)."""
    release = current_release(export_dir)
    con = duckdb.connect(str(release / PUBLISHED_DB), read_only=True)
    con.execute("set allowed_directories = ?", [[str(release) + os.sep]])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


@dg.asset(
    key=dg.AssetKey(["bi", "exports"]),
    # After every mart (and its checks): a release is only ever made of a finished build.
    deps=[key for key in warehouse_dbt_models.keys if key.path[0] == MARTS_SCHEMA],
    group_name="publish",
    kinds={"parquet", "duckdb"},
    pool=WAREHOUSE_POOL,
)
def bi_exports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every mart as Parquet (one folder per mart) and a read-only DuckDB copy, released atomically."""
    target = Path(warehouse.export_dir)
    release = publish_release(warehouse.path, target)
    context.log.info(f"published {len(release.counts)} marts to {target / 'current'} ({release.name})")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(target / "current")),
        "release": release.name,
        "marts": dg.MetadataValue.json(release.counts),
        "rows_total": sum(release.counts.values()),
        "publish_seconds": round(release.seconds, 3),
        "files_written": release.files_written,
        "files_linked": release.files_linked,
    })
