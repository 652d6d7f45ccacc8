"""A headless-Chromium screenshot of the Data Docs: every suite's validation page, each
scrolled to its first failing expectation, on one sheet.

GE's Data Docs load Bootstrap and bootstrap-table from CDNs; offline they render unstyled
and the index page's tables (built by that JavaScript) stay empty, while the validation
pages are plain HTML and stay readable. So the sheet frames the validation pages, not the
index. Chromium runs as a subprocess (no Python browser dependency).
"""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from expectations.results import SuiteResult

WINDOW = (1400, 1800)
SECTION = re.compile(r'<div id="(section-\d+)" class="ge-section')
HEADING = re.compile(r"<h5[^>]*>\s*(.*?)\s*</h5>", re.S)


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("no Chromium found (install it: `make browser`)")


def validation_page(docs_dir: Path, suite: str) -> Path:
    """The newest validation-result page of a suite."""
    pages = sorted((docs_dir / "validations" / suite).glob("*/*/*.html"))
    if not pages:
        raise FileNotFoundError(f"no validation page for suite {suite} under {docs_dir}")
    return pages[-1]


def section_of(page_html: str, heading: str) -> str | None:
    """The id of the page section whose heading is `heading` (a column, or a rule's name)."""
    starts = [(m.start(), m.group(1)) for m in SECTION.finditer(page_html)]
    for n, (start, section_id) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(page_html)
        found = HEADING.search(page_html, start, end)
        if found and html.unescape(found.group(1)).strip() == heading:
            return section_id
    return None


@dataclass(frozen=True)
class Panel:
    suite: str
    page: Path
    anchor: str | None  # section of the first failing expectation
    failing: str | None  # that expectation's name


def panels(docs_dir: Path, results: list[SuiteResult]) -> list[Panel]:
    out = []
    for result in results:
        page = validation_page(docs_dir, result.suite)
        text = page.read_text(encoding="utf-8")
        first = next((e for e in result.failed if e.column and section_of(text, e.column)), None)
        out.append(Panel(result.suite, page, section_of(text, first.column) if first else None,
                         first.name if first else None))
    return out


def contact_sheet(docs_dir: Path, results: list[SuiteResult], out: Path) -> Path:
    """An HTML page framing each suite's validation page (2 columns), failing ones first."""
    ordered = sorted(panels(docs_dir, results), key=lambda p: (p.failing is None, p.suite))
    cells = []
    for p in ordered:
        src = p.page.resolve().as_uri() + (f"#{p.anchor}" if p.anchor else "")
        status = f"FAILED: {html.escape(p.failing)}" if p.failing else "passed"
        cells.append(f'<figure><figcaption><b>{html.escape(p.suite)}</b> — {status}</figcaption>'
                     f'<iframe src="{html.escape(src)}"></iframe></figure>')
    rows = (len(cells) + 1) // 2
    out.write_text(f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; font: 15px sans-serif; }}
h1 {{ font-size: 18px; margin: 8px 12px; }}
main {{ display: grid; grid-template-columns: 1fr 1fr; gap: 8px; padding: 0 8px; }}
figure {{ margin: 0; border: 1px solid #999; }}
figcaption {{ background: #eee; padding: 4px 8px; }}
iframe {{ width: 100%; height: {max(300, (WINDOW[1] - 60) // max(rows, 1) - 40)}px; border: 0; }}
</style></head><body>
<h1>Great Expectations Data Docs — {len(results)} suites, validation results (folder {html.escape(docs_dir.name)})</h1>
<main>{"".join(cells)}</main></body></html>""", encoding="utf-8")
    return out


def screenshot(url: str, png: Path, window: tuple[int, int] = WINDOW, timeout: float = 120) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    subprocess.run(
        [chromium_binary(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--allow-file-access-from-files", f"--screenshot={png}", f"--window-size={window[0]},{window[1]}", url],
        check=True, capture_output=True, timeout=timeout)
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot for {url}")
    return png


@dataclass(frozen=True)
class PngStats:
    width: int
    height: int
    distinct_bytes: int  # distinct byte values of the decompressed image data
    top_byte_share: float  # share of its most frequent byte value


def png_stats(png: Path) -> PngStats:
    """Size and a blankness measure of a PNG, without an imaging library."""
    import numpy as np

    data = png.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{png} is not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8)
    counts = np.bincount(raw, minlength=256)
    return PngStats(width, height, int((counts > 0).sum()), float(counts.max() / max(len(raw), 1)))
