"""BI publication: Parquet exports and a read-only DuckDB catalog of them, swapped in atomically.

BI tools never open the live DuckDB file (DuckDB never waits for a lock, so a
reader on the live file would make the next refresh fail). They read a release:

    EXPORT_DIR/current/warehouse.duckdb            schema `marts`: one view per mart over its Parquet
    EXPORT_DIR/current/<mart>/<mart>.parquet       a mart without a year column
    EXPORT_DIR/current/<mart>/<mart>_<year>.parquet  a mart with one: one file per year (`_unknown` for none)
    EXPORT_DIR/current/release.json                row counts and per-file fingerprints of this release

A release is written into a hidden temporary folder, fsynced, renamed into
`releases/`, and `current` (a symlink) is then replaced in one rename(2). A
reader that resolves `current` once sees the previous release or the new one,
never a half-written one; the previous release stays until the swap, and the last
KEEP_RELEASES (and every release younger than KEEP_SECONDS) stay after it, so a
BI session opened on an older release keeps working for a day.

Publishing is incremental: each Parquet file's rows are fingerprinted in the
warehouse (count and sum of row hashes, per mart and year), and a file whose
fingerprint the current release already has is hard-linked from it instead of
rewritten. One new report rewrites the files of its year; the cost of a release
follows what changed, not the size of the warehouse.
"""


import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
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
FORMAT_VERSION = 2  # of the release layout; a change rewrites every file


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


def _mart_parts(con: duckdb.DuckDBPyConnection, mart: str) -> list[PartFile]:
    """The files of one mart with their row counts and fingerprints, in one scan of the mart."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = 'src' "
        "and table_schema = ? and table_name = ? order by ordinal_position", [MARTS_SCHEMA, mart]).fetchall()
    schema = ",".join(f"{c}:{t}" for c, t in columns)
    table = f'src.{MARTS_SCHEMA}."{mart}"'
    # The sum (not xor) of row hashes: identical rows must not cancel out.
    digest = "count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar"
    if PARTITION_COLUMN not in {c for c, _ in columns}:
        rows, total = con.execute(f"select {digest} from {table} as t").fetchone()
        return [PartFile(mart, f"{mart}/{mart}.parquet", "true", rows, _fingerprint(schema, rows, total))]
    parts = []
    for year, rows, total in con.execute(
            f"select {PARTITION_COLUMN}, {digest} from {table} as t group by 1 order by 1").fetchall():
        label = "unknown" if year is None else str(year)
        where = f"{PARTITION_COLUMN} is null" if year is None else f"{PARTITION_COLUMN} = {int(year)}"
        parts.append(PartFile(mart, f"{mart}/{mart}_{label}.parquet", where, rows, _fingerprint(schema, rows, total)))
    return parts


def _fingerprint(schema: str, rows: int, hash_sum: str) -> str:
    """Same columns, row count and sum of row hashes (and the same DuckDB, whose hash it is): same rows."""
    text = f"{FORMAT_VERSION}|{duckdb.__version__}|{schema}|{rows}|{hash_sum}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _previous_files(target: Path) -> tuple[Path | None, dict[str, str]]:
    """The current release's folder and its file -> fingerprint map (empty when there is none)."""
    try:
        current = current_release(target)
        manifest = json.loads((current / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, {}
    return current, manifest.get("files", {})


def _write_parquet(warehouse_path: str, folder: Path, previous: Path | None,
                   previous_files: dict[str, str]) -> tuple[dict[str, int], dict[str, str], int, int]:
    """Parquet files of the marts, written or (unchanged) linked from the previous release;
    returns row counts per mart, fingerprint per file, files written and files linked."""
    counts: dict[str, int] = {}
    files: dict[str, str] = {}
    written = linked = 0
    con = duckdb.connect()
    try:
        con.execute(f"attach '{_sql_str(warehouse_path)}' as src (read_only)")
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'src' "
            "and table_schema = ? order by 1", [MARTS_SCHEMA]).fetchall()]
        for mart in marts:
            (folder / mart).mkdir()
            parts = _mart_parts(con, mart)
            counts[mart] = sum(p.rows for p in parts)
            for part in parts:
                files[part.file] = part.fingerprint
                out = folder / part.file
                if previous is not None and previous_files.get(part.file) == part.fingerprint:
                    os.link(previous / part.file, out)
                    linked += 1
                    continue
                con.execute(f"copy (select * from src.{MARTS_SCHEMA}.\"{mart}\" where {part.where}) "
                            f"to '{_sql_str(str(out))}' (format parquet)")
                written += 1
            if not parts:  # an empty mart with a year column: keep its columns in one empty file
                empty = f"{mart}/{mart}.parquet"
                con.execute(f"copy (select * from src.{MARTS_SCHEMA}.\"{mart}\" limit 0) "
                            f"to '{_sql_str(str(folder / empty))}' (format parquet)")
                files[empty] = "empty"
                written += 1
        con.execute("detach src")
    finally:
        con.close()
    return counts, files, written, linked


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
    previous, previous_files = _previous_files(target)
    try:
        counts, files, written, linked = _write_parquet(warehouse_path, staging, previous, previous_files)
        # Renamed before the catalog is written: its views name the files by their final path.
        # Until `current` points at it, no reader looks into this folder.
        staging.rename(final)
        _write_catalog(final / PUBLISHED_DB, final, counts, files)
        manifest = {"release": name, "created_at": datetime.now(UTC).isoformat(), "marts": counts,
                    "files": files, "files_written": written, "files_linked": linked}
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
    return Release(name, final, counts, time.perf_counter() - started, written, linked)


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
