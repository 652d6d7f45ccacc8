"""Overview page of the warehouse: SQL aggregates of the marts -> Altair charts as SVG -> one static HTML file.

Pure functions, no Dagster: `generate(warehouse_path, out_dir)` is all a script or an asset needs.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster_project.overview.page import PAGE_NAME, build_overview, generate, headline_markdown, render_html
from dagster_project.overview.queries import READ_MARTS, OverviewData, collect

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_overview_dir() -> str:
    """OVERVIEW_DIR, default data/overview under the project."""
    return str(Path(os.environ.get("OVERVIEW_DIR", PROJECT_ROOT / "data" / "overview")).resolve())


__all__ = ["PAGE_NAME", "READ_MARTS", "OverviewData", "build_overview", "collect", "default_overview_dir",
           "generate", "headline_markdown", "render_html"]
