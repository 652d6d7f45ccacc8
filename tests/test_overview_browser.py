"""The overview page in headless Chromium: a screenshot that is the right size and not blank.

Needs Chromium and a CJK font (`make browser`, run by `make test`); without them the test fails.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from dagster_project.overview import generate
from dagster_project.overview.screenshot import find_chromium, screenshot
from tests.test_overview import build_sample_warehouse

WIDTH, HEIGHT = 1400, 2400
HEADER_RGB = (0x16, 0x32, 0x4F)  # the left end of the header gradient (page.CSS)


def decode_png(data: bytes) -> np.ndarray:
    """8-bit RGB(A), non-interlaced PNG -> array (height, width, channels). No Pillow needed."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    stride = width * bpp
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int64)
        if kind == 0:
            row = line
        elif kind == 1:  # Sub: running sum per channel
            row = np.cumsum(line.reshape(width, bpp), axis=0).reshape(stride) & 0xFF
        elif kind == 2:  # Up
            row = (line + prev) & 0xFF
        else:  # Average, Paeth: sequential along the row
            row = np.array(unfilter_sequential(line.tolist(), prev.tolist(), bpp, int(kind)), dtype=np.int64)
        out[y] = row
        prev = row
    return out.reshape(height, width, bpp)


def unfilter_sequential(line: list[int], prev: list[int], bpp: int, kind: int) -> list[int]:
    row = [0] * len(line)
    for i, x in enumerate(line):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        if kind == 3:
            row[i] = (x + ((a + b) >> 1)) & 0xFF
            continue
        c = prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        row[i] = (x + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    return row


def test_png_decoder_round_trips_every_filter():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    rows = []
    for y, kind in enumerate((0, 1, 2, 3, 4)):
        cur, up = pixels[y].reshape(-1).astype(int), (pixels[y - 1].reshape(-1).astype(int) if y else None)
        up = up if up is not None else np.zeros_like(cur)
        left = np.concatenate([np.zeros(3, dtype=int), cur[:-3]])
        upleft = np.concatenate([np.zeros(3, dtype=int), up[:-3]])
        if kind == 0:
            pred = np.zeros_like(cur)
        elif kind == 1:
            pred = left
        elif kind == 2:
            pred = up
        elif kind == 3:
            pred = (left + up) // 2
        else:
            p = left + up - upleft
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upleft))
        rows.append(bytes([kind]) + bytes(((cur - pred) & 0xFF).astype(np.uint8)))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 7, 5, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    assert np.array_equal(decode_png(png), pixels)


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> Path:
    assert find_chromium(), "Chromium is missing: `make browser` installs it"
    root = tmp_path_factory.mktemp("overview_browser")
    page, _ = generate(build_sample_warehouse(root / "warehouse.duckdb"), root / "site")
    return screenshot(page, root / "overview.png", WIDTH, HEIGHT)


def test_a_cjk_font_is_installed():
    fc_list = shutil.which("fc-list")
    assert fc_list, "fontconfig is missing"
    fonts = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=True).stdout
    assert fonts.strip(), "no CJK font: Chinese labels would render as boxes (`make browser`)"


def test_screenshot_has_the_window_size_and_is_not_blank(shot):
    pixels = decode_png(shot.read_bytes())[:, :, :3]
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    # The header is drawn (dark blue), the page below it is not one flat colour.
    assert np.abs(pixels[5, 5].astype(int) - HEADER_RGB).max() <= 8, pixels[5, 5]
    body = pixels[400:].reshape(-1, 3)
    colours = np.unique(body[:: 31], axis=0)
    assert len(colours) > 100, f"only {len(colours)} colours: the charts did not render"
    white = (body == 255).all(axis=1).mean()
    assert 0.2 < white < 0.95, f"{white:.0%} white"
    # Chart colours are present: the blues of the heatmap and the red of the error rules.
    assert ((body[:, 2] > 150) & (body[:, 0] < 60)).any()
    assert ((body[:, 0] > 180) & (body[:, 1] < 60) & (body[:, 2] < 60)).any()
