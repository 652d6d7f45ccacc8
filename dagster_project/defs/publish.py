"""BI publication: Parquet exports and a read-only DuckDB copy of the marts, swapped in atomically.

BI tools never open the live DuckDB file (DuckDB never waits for a lock, so a
reader on the live file would make the next refresh fail). They read a release:

    EXPORT_DIR/current/warehouse.duckdb          schema `marts`, every mart table
    EXPORT_DIR/current/<mart>/<mart>.parquet     one folder per mart
    EXPORT_DIR/current/release.json              row counts of this release

A release is written into a hidden temporary folder, fsynced, renamed into
`releases/`, and `current` (a symlink) is then replaced in one rename(2). A
reader that resolves `current` once sees the previous release or the new one,
never a half-written one; the previous release stays until the swap (and the
last KEEP_RELEASES stay after it, so a reader mid-query keeps its files).
"""


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
PUBLISHED_DB = "warehouse.duckdb"
MANIFEST = "release.json"


@dataclass(frozen=True, slots=True)
class Release:
    name: str
    path: Path
    counts: dict[str, int]
    seconds: float


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


def _write_release(warehouse_path: str, folder: Path) -> dict[str, int]:
    """The marts as tables of a new DuckDB file plus one Parquet folder per mart; returns row counts."""
    counts: dict[str, int] = {}
    con = duckdb.connect(str(folder / PUBLISHED_DB))
    try:
        con.execute(f"attach '{_sql_str(warehouse_path)}' as src (read_only)")
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'src' "
            "and table_schema = ? order by 1", [MARTS_SCHEMA]).fetchall()]
        con.execute(f"create schema {MARTS_SCHEMA}")
        for mart in marts:
            con.execute(f'create table {MARTS_SCHEMA}."{mart}" as select * from src.{MARTS_SCHEMA}."{mart}"')
            (folder / mart).mkdir()
            out = folder / mart / f"{mart}.parquet"
            con.execute(f"copy {MARTS_SCHEMA}.\"{mart}\" to '{_sql_str(str(out))}' (format parquet)")
            counts[mart] = con.execute(f'select count(*) from {MARTS_SCHEMA}."{mart}"').fetchone()[0]
        con.execute("detach src")
        con.execute("checkpoint")
    finally:
        con.close()
    return counts


def _sql_str(value: str) -> str:
    return value.replace("'", "''")


def publish_release(warehouse_path: str, target: Path, keep: int = KEEP_RELEASES) -> Release:
    """Write a new release from the warehouse's marts and make it `current` atomically."""
    started = time.perf_counter()
    target = Path(target)
    releases = target / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    for stale in releases.glob(".*.tmp"):  # a publish killed half-way
        _remove_tree(stale)
    name = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:6]}"
    staging = releases / f".{name}.tmp"
    staging.mkdir()
    try:
        counts = _write_release(warehouse_path, staging)
        manifest = {"release": name, "created_at": datetime.now(UTC).isoformat(), "marts": counts}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        _fsync_tree_and_freeze(staging)
        final = releases / name
        staging.rename(final)
        _fsync(releases)
    except BaseException:
        _remove_tree(staging)
        raise
    link_tmp = target / f".current.{uuid.uuid4().hex[:6]}.tmp"
    link_tmp.symlink_to(final.relative_to(target))
    os.replace(link_tmp, target / "current")  # atomic on POSIX: readers see old or new
    _fsync(target)
    _prune(releases, keep, final)
    return Release(name, final, counts, time.perf_counter() - started)


def _prune(releases: Path, keep: int, current: Path) -> None:
    done = sorted(p for p in releases.iterdir() if not p.name.startswith("."))
    for old in done[:-keep] if keep > 0 else []:
        if old != current:
            _remove_tree(old)


def current_release(export_dir: str | Path) -> Path:
    """The release `current` points at now, resolved once: read everything of one query from it."""
    return (Path(export_dir) / "current").resolve(strict=True)


def open_published(export_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """The BI connection: the current release's DuckDB copy, read-only, no file or network access."""
    path = current_release(export_dir) / PUBLISHED_DB
    con = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
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
    })
