"""Build the Great Expectations Data Docs for a small failing fixture and screenshot them.

    .venv/bin/python scripts/screenshot_data_docs.py [--png docs/img/data_docs.png]

Writes the fixture warehouse (expectations/fixture.py, bad variant) and its Data Docs to a
temp folder, frames every suite's validation page (each scrolled to its first failing
expectation) on one sheet, and saves a headless-Chromium screenshot of it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_and_screenshot(work: Path, png: Path) -> tuple[Path, Path]:
    """(sheet html, png): the fixture's Data Docs under `work`, screenshot to `png`."""
    from expectations import run_suites
    from expectations.docs_screenshot import contact_sheet, screenshot
    from expectations.fixture import write_fixture

    warehouse, docs = work / "fixture.duckdb", work / "quality_docs"
    write_fixture(warehouse, bad=True)
    results = run_suites(str(warehouse), str(docs))
    sheet = contact_sheet(docs, results, work / "data_docs_sheet.html")
    return sheet, screenshot(sheet.as_uri(), png)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "img" / "data_docs.png")
    args = parser.parse_args()
    from expectations.docs_screenshot import png_stats

    with tempfile.TemporaryDirectory(prefix="data_docs_") as tmp:
        sheet, png = build_and_screenshot(Path(tmp), args.png.resolve())
        stats = png_stats(png)
    print(f"wrote {png} ({stats.width}x{stats.height}, {png.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
