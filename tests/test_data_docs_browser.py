"""Data Docs of a small failing fixture, opened in headless Chromium: the screenshot exists,
has the window's size, is not blank, and the pages it shows name the failing expectation."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

FAILING = "old_2008:request_answers_sum"


def _script():
    spec = importlib.util.spec_from_file_location("screenshot_data_docs", ROOT / "scripts" / "screenshot_data_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shot(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("data_docs_browser")
    sheet, png = _script().build_and_screenshot(tmp, tmp / "data_docs.png")
    return tmp, sheet, png


def test_screenshot_has_the_window_size_and_is_not_blank(shot):
    from expectations.docs_screenshot import WINDOW, png_stats

    _, _, png = shot
    assert png.exists() and png.stat().st_size > 20_000
    stats = png_stats(png)
    assert (stats.width, stats.height) == WINDOW
    # A blank page decompresses to a handful of byte values; rendered text to nearly all 256.
    assert stats.distinct_bytes > 64
    assert stats.top_byte_share < 0.99


def test_sheet_frames_every_suite_and_the_failing_expectation(shot):
    from expectations import suite_names

    tmp, sheet, _ = shot
    html = sheet.read_text(encoding="utf-8")
    for name, _, _ in suite_names():
        assert f"<b>{name}</b>" in html
    assert f"FAILED: {FAILING}" in html
    frames = re.findall(r'<iframe src="file://([^"#]+)(?:#(section-\d+))?"', html)
    assert len(frames) == len(suite_names())
    (page, anchor), = [(p, a) for p, a in frames if "/validations/form_consistency/" in p]
    page_html = Path(page).read_text(encoding="utf-8")
    assert anchor and f'id="{anchor}"' in page_html
    # The framed section is the failing rule's, and the page says it failed.
    section = re.split(r'<div id="section-\d+" class="ge-section', page_html.split(f'id="{anchor}"', 1)[1])[0]
    assert FAILING in section and "unexpected values found" in section
