"""Resources, configured by environment variables.

WAREHOUSE_PATH: the DuckDB file (default data/warehouse.duckdb under the project).
RAW_DIR: the folder of raw reports (default data/raw).
EXPORT_DIR: BI releases (Parquet + read-only DuckDB copy; default data/exports).
QUALITY_DOCS_DIR: Great Expectations Data Docs (default data/quality_docs).
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


class WarehouseResource(dg.ConfigurableResource):
    """Where the warehouse and the raw reports live."""

    path: str
    raw_dir: str
    quality_docs_dir: str
    export_dir: str

    def connect(self, read_only: bool = False):
        from ingest.warehouse import connect

        return connect(self.path, read_only=read_only)


def warehouse_from_env() -> WarehouseResource:
    return WarehouseResource(
        path=default_warehouse_path(),
        raw_dir=default_raw_dir(),
        quality_docs_dir=default_quality_docs_dir(),
        export_dir=default_export_dir(),
    )
