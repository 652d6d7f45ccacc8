"""Resources, configured by environment variables.

WAREHOUSE_PATH: the DuckDB file (default data/warehouse.duckdb under the project).
RAW_DIR: the folder of raw reports (default data/raw).
EXPORT_DIR: BI releases (Parquet + read-only DuckDB copy; default data/exports).
QUALITY_DOCS_DIR: Great Expectations Data Docs (default data/quality_docs).
PARSE_BATCH_SIZE: reports parsed and written per transaction (default 200).
PARSE_WORKERS: parser processes; 0 (default) lets ingest.warehouse.parse_pending decide.

Fault injection (scripts/kill_rerun.py, docs/operations.md): GOV_FAULT_PAUSE=land|parse,
GOV_FAULT_MARKER, GOV_FAULT_PAUSE_SECONDS, read by ingest.warehouse.fault_point.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE_POOL = "warehouse"  # every step that writes the DuckDB file; limit 1 (dagster.yaml)


def default_warehouse_path() -> str:
    return str(Path(os.environ.get("WAREHOUSE_PATH", PROJECT_ROOT / "data" / "warehouse.duckdb")).resolve())


def default_raw_dir() -> str:
    return str(Path(os.environ.get("RAW_DIR", PROJECT_ROOT / "data" / "raw")).resolve())


def default_export_dir() -> str:
    return str(Path(os.environ.get("EXPORT_DIR", PROJECT_ROOT / "data" / "exports")).resolve())


def default_quality_docs_dir() -> str:
    return str(Path(os.environ.get("QUALITY_DOCS_DIR", PROJECT_ROOT / "data" / "quality_docs")).resolve())


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


class WarehouseResource(dg.ConfigurableResource):
    """Where the warehouse and the raw reports live, and how parsing is batched."""

    path: str
    raw_dir: str
    quality_docs_dir: str
    export_dir: str
    parse_batch_size: int = 200
    parse_workers: int = 0

    def connect(self, read_only: bool = False):
        from ingest.warehouse import connect

        return connect(self.path, read_only=read_only)


def warehouse_from_env() -> WarehouseResource:
    return WarehouseResource(
        path=default_warehouse_path(),
        raw_dir=default_raw_dir(),
        quality_docs_dir=default_quality_docs_dir(),
        export_dir=default_export_dir(),
        parse_batch_size=max(1, _env_int("PARSE_BATCH_SIZE", 200)),
        parse_workers=_env_int("PARSE_WORKERS", 0),
    )
