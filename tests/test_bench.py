"""The benchmark's report (bench/run.py): verdicts against issue #7's targets, the table."""

from __future__ import annotations

import re

from bench.run import SizeResult, host_speed, markdown, verdicts


def size(n: int, full: float, incremental_runs: list[float]) -> SizeResult:
    median = sorted(incremental_runs)[(len(incremental_runs) - 1) // 2]
    return SizeResult(
        n=n, parse_reports_per_s_core=150.0, parse_vs_scan=40.0, full_refresh_s=full,
        stages={"landing": full * 0.1, "parsing": full * 0.6, "dbt_build": full * 0.3},
        incremental={"landing": 1.0, "dbt_build": median - 1.0}, incremental_s=median,
        incremental_runs=incremental_runs, peak_rss_bytes=3 * 1024**3, peak_pss_bytes=3 * 1024**3,
        accuracy=1.0, accuracy_checks="10/10",
    )


def test_the_one_report_target_is_judged_on_the_median_run():
    results = [size(1_000, 30.0, [20.0, 21.0, 22.0]), size(100_000, 590.0, [33.0, 28.0, 29.0])]
    got = dict(verdicts(results))
    one = got["one new report into a 100k warehouse < 30 s"]
    assert one.startswith("met: 29 s at N=100000")
    assert "median of 3 runs, 28-33 s" in one
    results[1] = size(100_000, 590.0, [31.0, 28.0, 32.0])
    assert dict(verdicts(results))["one new report into a 100k warehouse < 30 s"].startswith("GAP: 31 s")


def test_the_table_lists_every_one_report_run_and_the_host_speed():
    results = [size(1_000, 30.0, [20.5, 21.0, 19.5])]
    meta = {"stamp": "x", "cores": 2, "load_start": 0.1, "load_end": 0.2, "workers": "all", "seed": 1,
            "host_speed": "0.80-0.90"}
    text = markdown(results, meta)
    assert "every run: 20.5, 21, 19.5 s" in text
    assert "Host speed probe (a fixed Python loop, s; lower is faster): 0.80-0.90" in text
    assert re.fullmatch(r"\d+\.\d\d-\d+\.\d\d", host_speed(rounds=2))
