"""Write docs/img/overview.png: the overview page of a built warehouse, rendered by headless Chromium.

    .venv/bin/python scripts/screenshot_overview.py [--warehouse PATH] [--out docs/img/overview.png]

The warehouse (WAREHOUSE_PATH, default data/warehouse.duckdb; `make run` builds it) is copied
to a temporary folder first, so the live file is never locked; the page is written there too.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dagster_project.defs.resources import default_warehouse_path  # noqa: E402
from dagster_project.overview import generate  # noqa: E402
from dagster_project.overview.screenshot import screenshot  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", default=default_warehouse_path())
    parser.add_argument("--out", default=str(ROOT / "docs" / "img" / "overview.png"))
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2700)
    args = parser.parse_args(argv)
    warehouse = Path(args.warehouse)
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run `make run` first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="overview-") as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)
        page, _ = generate(copy, Path(tmp) / "site", source=str(warehouse))
        png = screenshot(page, Path(args.out), args.width, args.height)
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
