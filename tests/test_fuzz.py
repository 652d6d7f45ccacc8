"""Fuzzing the parse glue with mutated real-looking reports (hypothesis).

Every input, however mangled, must end as figures or as a recorded issue / failed
status with a reason, write cleanly into the staged-table frames, and take bounded time.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.frames import parsed_frames
from ingest.landing import land_bytes
from ingest.parse import parse_report
from ingest.text import normalize_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "raw").glob("*.txt"))]
SECONDS_PER_INPUT = 10.0  # generous under a loaded CI box; a sample parses in ~0.05 s

NOISE = "0123456789一二三四五六七八九十百千万零〇|\t\n 　-—－.,，。:：%()（）年月日件条次人"
FUZZ = settings(max_examples=80, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, float, float, str]:
    kind = draw(st.sampled_from(["delete", "insert", "truncate", "duplicate_line", "garbage"]))
    where = draw(st.floats(0, 1))
    span = draw(st.floats(0, 0.2))
    payload = draw(st.text(alphabet=NOISE, min_size=1, max_size=40))
    return kind, where, span, payload


def mutate(text: str, mutations: list[tuple[str, float, float, str]], garbage: bytes) -> str:
    for kind, where, span, payload in mutations:
        at = int(where * len(text))
        if kind == "delete":
            text = text[:at] + text[at + int(span * len(text)):]
        elif kind == "insert":
            text = text[:at] + payload + text[at:]
        elif kind == "truncate":
            text = text[:at]
        elif kind == "duplicate_line":
            lines = text.split("\n")
            i = int(where * (len(lines) - 1))
            lines.insert(i, lines[i] + payload)
            text = "\n".join(lines)
        else:  # bytes decoded the way a wrong guess would decode them
            text = text[:at] + garbage.decode("gb18030", errors="replace") + text[at:]
    return text


def assert_recorded(report, text: str | None) -> None:
    """The outcome is facts, or issues, or failed with a reason; and it fits the staged tables."""
    assert report.status in ("parsed", "partial", "failed")
    assert report.facts or report.issues, "an input left neither figures nor a recorded issue"
    if report.status == "failed":
        assert any(i.severity == "error" and i.message for i in report.issues)
    n_lines = len(normalize_text(text)) if text else 0
    for fact in report.facts:
        assert math.isfinite(fact.value)
        assert fact.indicator_code
        assert 1 <= fact.source_line <= n_lines, (fact.source_line, n_lines)
    frames = parsed_frames([report], "fuzz")
    assert frames["reports"].height == 1
    reason = frames["reports"]["failure_reason"][0]
    assert (reason is not None) == (report.status == "failed")
    assert frames["facts"].height == len(report.facts)


@FUZZ
@given(sample=st.sampled_from(range(len(SAMPLES))),
       mutations=st.lists(mutation(), min_size=1, max_size=6),
       garbage=st.binary(min_size=1, max_size=64))
def test_mutated_reports_never_escape(sample: int, mutations, garbage: bytes):
    text = mutate(SAMPLES[sample], mutations, garbage)
    started = time.perf_counter()
    report = parse_report(f"fuzz{sample}", text, None)
    assert time.perf_counter() - started < SECONDS_PER_INPUT
    assert_recorded(report, text)


@FUZZ
@given(sample=st.sampled_from(range(len(SAMPLES))),
       encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]),
       cut=st.floats(0, 1), noise=st.binary(max_size=32), at=st.floats(0, 1))
def test_mangled_bytes_land_and_parse_to_an_outcome(sample: int, encoding: str, cut: float, noise: bytes,
                                                    at: float):
    """Whole files: encode, truncate mid-character, splice random bytes in; then land and parse."""
    data = SAMPLES[sample].encode(encoding)
    data = data[: max(1, int(cut * len(data)))]
    pos = int(at * len(data))
    data = data[:pos] + noise + data[pos:]
    landed = land_bytes(data, f"/raw/fuzz.{encoding}.txt")
    assert (landed.text is None) == (landed.decode_error is not None)
    started = time.perf_counter()
    report = parse_report(landed.report_id, landed.text, landed.decode_error)
    assert time.perf_counter() - started < SECONDS_PER_INPUT
    assert_recorded(report, landed.text)
    if landed.text is None:
        assert report.status == "failed"


@pytest.mark.parametrize("text", ["", "\n\n\n", "|||\t\t\t", "一二三", "2019年", "<html><body></body></html>",
                                  "\x00\x01\x02", "9" * 5000, "第" * 3000 + "\n" * 3000])
def test_degenerate_texts(text: str):
    assert_recorded(parse_report("degenerate", text, None), text)


def test_an_exception_inside_a_parser_becomes_a_failed_report(monkeypatch):
    import ingest.parse as glue

    def boom(lines):
        raise ValueError("synthetic parser bug")

    monkeypatch.setattr(glue, "parse_new_table", boom)
    monkeypatch.setattr(glue, "parse_old_table", boom)
    report = parse_report("boom", SAMPLES[0], None)
    assert report.status == "failed"
    assert "synthetic parser bug" in report.issues[0].message
    assert_recorded(report, SAMPLES[0])
