"""Profile the database side of a refresh on a large corpus, parsing stubbed out.

    .venv/bin/python -m bench.profile_io --n 10000 [--workdir DIR]

Lands the corpus under cProfile, then runs parse_pending with a fake parser that
returns frames of realistic size instantly, timing each written batch: a per-batch
time that grows with the batch number is a quadratic step (each batch scanning
what earlier batches wrote). Prints the top functions and the batch-time curve.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import time
from pathlib import Path

import polars as pl

FACTS_PER_REPORT = 120  # about what the corpus yields per table report


def fake_parse_rows(rows: list, parser_version: str) -> dict[str, pl.DataFrame]:
    """Frames shaped like the parser's, with FACTS_PER_REPORT facts per report, no parsing."""
    from datetime import UTC, datetime

    from ingest.frames import FACT_SCHEMA, ISSUE_SCHEMA, REPORT_SCHEMA

    now = datetime.now(UTC).replace(tzinfo=None)
    ids = [r[0] for r in rows]
    reports = pl.DataFrame({"report_id": ids, "parser_version": parser_version, "status": "parsed",
                            "template": "old_table", "year": 2015, "parsed_at": now},
                           schema_overrides={"year": pl.Int32}).with_columns(
        [pl.lit(None, dtype=t).alias(c) for c, t in REPORT_SCHEMA.items()
         if c not in ("report_id", "parser_version", "status", "template", "year", "parsed_at")]
    ).select(list(REPORT_SCHEMA)).cast(REPORT_SCHEMA)
    n = len(ids) * FACTS_PER_REPORT
    facts = pl.DataFrame({
        "report_id": [i for i in ids for _ in range(FACTS_PER_REPORT)], "parser_version": parser_version,
        "indicator_code": [f"ind_{k % FACTS_PER_REPORT}" for k in range(n)], "channel_code": "all",
        "applicant_type": "all", "value": [float(k % 97) for k in range(n)], "unit": "件",
        "value_qualifier": "exact", "source": "table", "source_line": [k % 300 for k in range(n)],
        "source_text": "一、本年新收政府信息公开申请数量\t1\t2\t3", "form_code": "old_2008", "row_key": "r",
        "column_key": "this_year"}).cast(FACT_SCHEMA)
    issues = pl.DataFrame(schema=ISSUE_SCHEMA)
    return {"reports": reports, "facts": facts, "issues": issues}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.profile_io", description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/gov_bench"))
    args = ap.parse_args(argv)

    import ingest.batch as batch
    from bench.run import ensure_corpus
    from ingest.warehouse import connect, land_directory, parse_pending

    corpus = args.workdir / f"corpus_{args.n}_s{args.seed}"
    ensure_corpus(args.n, corpus, args.seed, None)
    run = args.workdir / f"profile_{args.n}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    con = connect(run / "warehouse.duckdb")

    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    land_directory(con, corpus / "raw")
    prof.disable()
    print(f"landing {args.n}: {time.perf_counter() - started:.1f} s")
    _top(prof)

    batch.parse_rows = fake_parse_rows  # serial path calls the module attribute
    times: list[float] = []
    last = [time.perf_counter()]

    def progress(frames):
        for f in frames:
            yield f
            now = time.perf_counter()
            times.append(now - last[0])
            last[0] = now

    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    parse_pending(con, workers=1, progress=progress)
    prof.disable()
    print(f"writing parsed frames for {args.n} (fake parser): {time.perf_counter() - started:.1f} s")
    _top(prof)
    k = max(1, len(times) // 10)
    curve = [round(sum(times[i: i + k]) / len(times[i: i + k]) * 1000, 1) for i in range(0, len(times), k)]
    print(f"ms per batch, by tenth of the run (flat = linear, rising = quadratic): {curve}")
    con.close()


def _top(prof: cProfile.Profile, n: int = 12) -> None:
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(n)
    print("\n".join(out.getvalue().splitlines()[:n + 12]))


if __name__ == "__main__":
    main()
