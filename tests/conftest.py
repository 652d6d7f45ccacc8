"""Shared fixtures. The dbt manifest is built here, at test time, if it is missing or stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TRUTH = ROOT / "data" / "truth" / "samples.json"  # copy of ../shared/seeds/truth.json
TRUTH_SCORER = ROOT / "scripts" / "check_truth.py"  # copy of ../shared/tools/check_truth.py
RAW_SAMPLES = ROOT / "data" / "raw"


def _manifest_stale() -> bool:
    manifest = ROOT / "dbt" / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for p in (ROOT / "dbt").rglob("*") if p.suffix in {".sql", ".yml", ".yaml", ".csv"}
               and "target" not in p.parts and "logs" not in p.parts]
    return any(p.stat().st_mtime > built for p in sources)


def pytest_configure(config):
    if (ROOT / "dbt" / "dbt_project.yml").exists() and _manifest_stale():
        env = {**os.environ, "WAREHOUSE_PATH": os.environ.get("WAREHOUSE_PATH", str(ROOT / "data" / "warehouse.duckdb"))}
        dbt = Path(sys.executable).parent / "dbt"
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", ".", "--target-path", "target"],
                       cwd=ROOT / "dbt", env=env, check=True)


@pytest.fixture(scope="session")
def truth() -> dict:
    """Hand-read figures of the samples (the project's copy of the shared truth file)."""
    data = json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    return sorted(RAW_SAMPLES.glob("*.txt"))
