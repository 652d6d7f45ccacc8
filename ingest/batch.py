"""Parsing many landed reports into staged-table frames, batch by batch.

The warehouse writer (`ingest.warehouse.parse_pending`) hands this module
batches of landed rows and writes each frame set it gets back in one
transaction. Keeping the CPU-bound part here, with no database handle, lets it
run in worker processes: a spawn-safe process pool parses batches while the
caller fetches the next ones and writes the finished ones, in input order, with
a bounded number of batches in flight (memory stays flat whatever the corpus size).

Spawned workers re-import the caller's main module: a script that parses in
parallel must keep its work under `if __name__ == "__main__":` (Dagster, pytest
and `python -m` entry points already do).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

import polars as pl

LandedRow = tuple[str, str | None, str | None]  # report_id, text, decode_error

# Below this many reports a pool costs more (spawn + imports, ~1-2 s per worker) than it saves.
MIN_PARALLEL_REPORTS = 400
IN_FLIGHT_PER_WORKER = 2


def parse_rows(rows: list[LandedRow], parser_version: str) -> dict[str, pl.DataFrame]:
    """Parse one batch; returns the reports, facts and issues frames."""
    from ingest.frames import parsed_frames
    from ingest.parse import parse_report

    return parsed_frames([parse_report(rid, text, err) for rid, text, err in rows], parser_version)


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def choose_workers(requested: int | None, head: list[list[LandedRow]], exhausted: bool) -> int:
    """Workers to use: as requested (None or 0 = decide), else every core unless the input is tiny."""
    if requested:
        return max(1, requested)
    n_reports = sum(len(b) for b in head)
    if exhausted and (len(head) <= 1 or n_reports < MIN_PARALLEL_REPORTS):
        return 1
    return available_cores()


# A worker's cyclic garbage collector: parsing allocates many short-lived containers, and with
# the default threshold (700) each full collection walks every object of the wording caches,
# which cost ~10 % of a worker's time. Reference counting still frees everything acyclic.
WORKER_GC_THRESHOLD = (50_000, 20, 100)


def _warm() -> None:
    """Worker start: import the parsers and load the gazetteer and forms once."""
    from ingest.forms import load_forms
    from ingest.parse import parse_report

    gc.set_threshold(*WORKER_GC_THRESHOLD)
    load_forms()
    parse_report("warm-up", "某县2020年政府信息公开工作年度报告")


def parse_batches(
    batches: Iterable[list[LandedRow]], parser_version: str, workers: int | None = None
) -> Iterator[dict[str, pl.DataFrame]]:
    """Parse batches in order, yielding one frame set per input batch.

    workers=None (or 0) picks every available core when there are several batches
    and parses in this process for tiny inputs; workers=1 is always serial.
    """
    it = iter(batches)
    # Peek far enough to tell a tiny input from a large one without reading it all.
    head = list(islice(it, 2))
    probe = next(it, None)
    exhausted = probe is None
    if probe is not None:
        head.append(probe)
    n = choose_workers(workers, head, exhausted)
    rest = (b for src in (head, it) for b in src)
    if n == 1:
        for batch in rest:
            yield parse_rows(batch, parser_version)
        return
    yield from _parallel(rest, parser_version, n)


def _parallel(batches: Iterator[list[LandedRow]], parser_version: str, workers: int) -> Iterator[dict[str, pl.DataFrame]]:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_warm)
    pending: deque[Future] = deque()
    limit = workers * IN_FLIGHT_PER_WORKER
    try:
        for batch in batches:
            pending.append(pool.submit(parse_rows, batch, parser_version))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
