"""Parallel batch parsing gives exactly the serial result, in input order."""

from __future__ import annotations

import polars as pl

from ingest.batch import MIN_PARALLEL_REPORTS, choose_workers, parse_batches
from ingest.corpus import build_report

VOLATILE = ("parsed_at",)  # wall-clock stamp of the parse, the one column allowed to differ


def _batches(n: int, size: int) -> list[list[tuple[str, str | None, str | None]]]:
    rows = []
    for i in range(n):
        r = build_report(i, 21)
        rows.append((f"id{i:03d}", r.data().decode(r.encoding), None))
    rows.append(("undecodable", None, "binary content"))
    return [rows[i: i + size] for i in range(0, len(rows), size)]


def _stable(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {k: f.drop([c for c in VOLATILE if c in f.columns]) for k, f in frames.items()}


def test_parallel_equals_serial_and_keeps_order():
    batches = _batches(15, 4)
    serial = [_stable(f) for f in parse_batches(batches, "test", workers=1)]
    parallel = [_stable(f) for f in parse_batches(batches, "test", workers=2)]
    assert len(serial) == len(parallel) == len(batches)
    for batch, s, p in zip(batches, serial, parallel, strict=True):
        assert s["reports"]["report_id"].to_list() == [rid for rid, _, _ in batch]
        for table in ("reports", "facts", "issues"):
            assert s[table].equals(p[table]), table
    assert sum(f["facts"].height for f in serial) > 100


def test_tiny_input_stays_serial_and_large_input_uses_cores():
    one = [[("a", "x", None)]]
    assert choose_workers(None, one, exhausted=True) == 1
    assert choose_workers(3, one, exhausted=True) == 3
    big = [[("a", "x", None)] * MIN_PARALLEL_REPORTS] * 3
    assert choose_workers(None, big, exhausted=False) >= 1
    assert choose_workers(None, big[:2], exhausted=True) == choose_workers(None, big, exhausted=False)


def test_lazy_input_is_consumed_in_order_without_reading_ahead_everything():
    pulled = []

    def gen():
        for i, b in enumerate(_batches(5, 2)):
            pulled.append(i)
            yield b

    out = parse_batches(gen(), "test", workers=1)
    first = next(out)
    assert first["reports"].height == 2
    assert len(pulled) <= 3  # the peek reads at most three batches before the first result
    rest = list(out)
    assert len(rest) == len(pulled) - 1 == 2
