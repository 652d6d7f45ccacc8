"""A tiny warehouse that exercises every suite: good data passes, bad data fails each one.

Written directly (no dbt), with the real form rules of ingest/forms/*.yaml in
parsed.form_rules, so the suites can be shown and tested in seconds: the tests, the Dagster
check test and scripts/screenshot_data_docs.py use it.

Reports (all of the old 2008 form, whose rules come from old_2008.yaml):
- GOOD: every figure consistent.
- BAD: consistent too, unless bad=True: then, like samples 000/001, its 申请答复数 is 0
  while the answer rows sum to 1, and it breaks every other suite (see write_fixture).
- UNREADABLE: a landed document that could not be decoded: no region, year or template.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

GOOD = "a" * 64
BAD = "b" * 64
UNREADABLE = "d" * 64
FORM = "old_2008"

# (report, fact key, value, unit, source line)
GOOD_FACTS: list[tuple[str, str, float, str, int]] = [
    (GOOD, "proactive_total", 100, "条", 12),
    (GOOD, "proactive_published/website", 80, "条", 13),
    (GOOD, "requests_received", 10, "件", 20),
    (GOOD, "requests_received/in_person", 4, "件", 21),
    (GOOD, "requests_received/online", 6, "件", 22),
    (GOOD, "requests_answered", 10, "件", 30),
    (GOOD, "requests_granted", 6, "件", 31),
    (GOOD, "requests_partially_granted", 4, "件", 32),
    (GOOD, "staff_total", 3, "人", 50),
    (GOOD, "staff_fulltime", 1, "人", 51),
    (GOOD, "staff_parttime", 2, "人", 52),
    (GOOD, "fees_collected", 1.25, "万元", 60),
    (BAD, "requests_received", 1, "件", 20),
    (BAD, "requests_received/online", 1, "件", 22),
    (BAD, "requests_answered", 1, "件", 30),
    (BAD, "requests_granted", 1, "件", 31),
    (BAD, "staff_total", 2, "人", 50),
    (BAD, "staff_fulltime", 1, "人", 51),
    (BAD, "staff_parttime", 1, "人", 52),
]

# (report, rule, passed, observed, expected, severity): the dbt verdicts the fct_quality_check suite reads.
GOOD_VERDICTS: list[tuple[str, str, bool, str, str, str]] = [
    (GOOD, "table_prose_agreement[requests_received]", True, "table: requests_received = 10; prose (line 3): 10",
     "prose states the table figure requests_received = 10", "warning"),
    (GOOD, "yoy_jump[requests_received]", True, "requests_received = 10 (2017), 8 (2016)",
     "a change below x10 or below 50 units", "warning"),
    (BAD, "table_prose_agreement[requests_received]", True, "table: requests_received = 1; prose (line 4): 1",
     "prose states the table figure requests_received = 1", "warning"),
]
BAD_VERDICTS: list[tuple[str, str, bool, str, str, str]] = [
    (BAD, "table_prose_agreement[requests_received]", False, "table: requests_received = 1; prose (line 4): 12",
     "prose states the table figure requests_received = 1", "warning"),
    (BAD, "yoy_jump[requests_received]", False, "requests_received = 1 (2019), 900 (2018)",
     "a change below x10 or below 50 units", "warning"),
]


def _facts(bad: bool) -> pd.DataFrame:
    from ingest.forms import split_fact_key

    rows = list(GOOD_FACTS)
    # A 增/减 row the 2019 form declares signed: negative and valid in good and bad data alike.
    rows.append((GOOD, "licensing_items_change", -3, "项", 70))
    if bad:
        rows = [r for r in rows if r[:2] not in {(BAD, "requests_answered"), (BAD, "staff_total")}]
        rows += [
            (BAD, "requests_answered", 0, "件", 30),  # 答复数 0, its rows sum to 1 (as in 000/001)
            (BAD, "staff_total", 3, "人", 50),  # 3 staff, 1 full-time + 1 part-time
            (BAD, "fees_collected", -1, "万元", 60),  # negative
            (BAD, "training_sessions", 2.5, "次", 55),  # fractional count
            (BAD, "trainees", 7, "箱", 56),  # not a unit of any form
            (BAD, "staff_parttime", 1, "人", 53),  # the key stated twice
        ]
    records = []
    for report_id, key, value, unit, line in rows:
        indicator, channel, applicant = split_fact_key(key)
        year = 2017 if report_id == GOOD else 2019
        records.append({
            "report_id": report_id, "region_code": "620621", "year": year, "indicator_code": indicator,
            "channel_code": channel, "applicant_type": applicant, "value": float(value), "unit": unit,
            "value_qualifier": "exact", "source": "table", "source_line": line, "source_text": f"{key} {value:g}",
        })
    return pd.DataFrame(records).astype({"year": "int32", "source_line": "int32"})


def _reports(bad: bool) -> pd.DataFrame:
    rows = [
        (GOOD, "good.txt", "620621", 2017, "old_table", FORM, "parsed", "民勤县人民政府"),
        (BAD, "bad.txt", "620621", 2019, "old_table", FORM, "parsed", "民勤县人民政府"),
        (UNREADABLE, "binary.bin", None, None, None, None, "failed", None),
    ]
    if bad:
        rows[1] = (BAD, "bad.txt", None, 2099, "spreadsheet", FORM, "parsed", "民勤县人民政府")
    return pd.DataFrame(rows, columns=["report_id", "file_name", "region_code", "year", "template", "form_code",
                                       "status", "issuer_name"]).astype({"year": "Int32"})


def _verdicts(bad: bool) -> pd.DataFrame:
    rows = [v for v in GOOD_VERDICTS if not (bad and v[0] == BAD)] + (BAD_VERDICTS if bad else [])
    return pd.DataFrame(rows, columns=["report_id", "rule", "passed", "observed", "expected", "severity"])


def write_fixture(path: str | Path, *, bad: bool = False) -> None:
    """Write marts.fct_indicator_value, marts.dim_report, marts.fct_quality_check and
    parsed.form_rules into a fresh DuckDB file.

    Good data passes every suite. bad=True breaks every suite, in report BAD only: the
    答复数 rule (request_answers_sum, as in samples 000 and 001), staff_sum, a negative value, a
    fractional count, an unknown unit, a duplicated key, a year out of range, an unknown
    template, an unresolved region (warning), a table/prose disagreement and a
    year-over-year jump (warnings).
    """
    from ingest.frames import form_rules_frame

    Path(path).unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts; create schema parsed")
        frames = {"marts.fct_indicator_value": _facts(bad), "marts.dim_report": _reports(bad),
                  "marts.fct_quality_check": _verdicts(bad),
                  "parsed.form_rules": form_rules_frame().to_pandas()}
        for table, frame in frames.items():
            con.register("_frame", frame)
            con.execute(f"create table {table} as select * from _frame")
            con.unregister("_frame")
    finally:
        con.close()
