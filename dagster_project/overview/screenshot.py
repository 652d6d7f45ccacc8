"""Screenshots of the page with headless Chromium (a subprocess; no JavaScript is needed by the page)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The first Chromium-like browser on PATH (Debian's /usr/bin/chromium on CI)."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(page: Path, png: Path, width: int = 1400, height: int = 2400, timeout: float = 120) -> Path:
    """Render `page` (a local HTML file) at width x height CSS pixels into `png`."""
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError(f"no Chromium on PATH (tried {', '.join(CHROMIUM_NAMES)}); `make browser`")
    png = png.resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    # A private profile: parallel screenshots never share (and lock) one.
    with tempfile.TemporaryDirectory(prefix="overview-chromium-") as profile:
        subprocess.run(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             f"--screenshot={png}", f"--window-size={width},{height}", page.resolve().as_uri()],
            check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
    if not png.exists():
        raise RuntimeError(f"{browser} wrote no screenshot to {png}")
    return png
