"""Parsing many landed reports into staged-table frames, batch by batch.

The warehouse writer (`ingest.warehouse.parse_pending`) hands this module
batches of landed rows and writes each frame set it gets back in one
transaction. Keeping the CPU-bound part here, with no database handle, lets it
run in worker processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import polars as pl

LandedRow = tuple[str, str | None, str | None]  # report_id, text, decode_error


def parse_rows(rows: list[LandedRow], parser_version: str) -> dict[str, pl.DataFrame]:
    """Parse one batch; returns the reports, facts and issues frames."""
    from ingest.frames import parsed_frames
    from ingest.parse import parse_report

    return parsed_frames([parse_report(rid, text, err) for rid, text, err in rows], parser_version)


def parse_batches(
    batches: Iterable[list[LandedRow]], parser_version: str, workers: int = 1
) -> Iterator[dict[str, pl.DataFrame]]:
    """Parse batches in order, yielding one frame set per batch."""
    for batch in batches:
        yield parse_rows(batch, parser_version)
