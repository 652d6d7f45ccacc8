"""A tiny, hand-made staged warehouse (docs/staged_tables.md) for the dbt and GE tests.

The real forms (ingest.forms.load_forms()) are written to parsed.form_rows / form_rules
like the pipeline does, plus one small fixture-only form `fixture_form` whose rules the
tests exercise. Fixture reports use `fixture_form`, so their verdicts do not depend on
what the real form YAML files declare.

Reports:
- GOOD: two parser versions (the newer one is in force); table + prose figures, one of them
  disagreeing (table wins); every fixture rule holds.
- BAD: the eq rule fails (5 received, 3 + 1 answered) and the le rule fails (7 > 5).
- PROSE: a narrative report with prose figures only.
- UNDECODABLE: landed bytes that could not be decoded and were never parsed.

`write_marts` writes synthetic marts directly, so the GE suites can be tested without dbt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

GOOD = "a" * 64
BAD = "b" * 64
PROSE = "c" * 64
UNDECODABLE = "d" * 64

FIXTURE_FORM = "fixture_form"
OLD_VERSION = "0.0.1"
NEW_VERSION = "0.0.2"
T0 = datetime(2025, 1, 1, 12, 0, 0)
T1 = datetime(2025, 2, 1, 12, 0, 0)

# (form_code, rule, op, severity, total key, part keys)
FIXTURE_RULES: list[tuple[str, str, str, str, str, tuple[str, ...]]] = [
    (FIXTURE_FORM, "fixture_request_balance", "eq", "error", "requests_received",
     ("requests_granted", "requests_partially_granted")),
    (FIXTURE_FORM, "fixture_channel_sum", "eq", "error", "proactive_published",
     ("proactive_published/website", "proactive_published/weibo")),
    (FIXTURE_FORM, "fixture_applicant_le", "le", "warning", "requests_received",
     ("requests_received@natural_person",)),
]


@dataclass(frozen=True)
class F:
    """One staged figure: (report, version, key, value, source, line)."""

    report_id: str
    version: str
    key: str
    value: float
    source: str = "table"
    line: int = 10
    unit: str = "件"
    qualifier: str = "exact"


FACTS: list[F] = [
    # GOOD, old parse: superseded, must not reach the marts.
    F(GOOD, OLD_VERSION, "requests_received", 999),
    # GOOD, parse in force.
    F(GOOD, NEW_VERSION, "requests_received", 10, line=20),
    F(GOOD, NEW_VERSION, "requests_received", 10, "narrative", line=3),
    F(GOOD, NEW_VERSION, "requests_granted", 6, line=21),
    F(GOOD, NEW_VERSION, "requests_partially_granted", 4, line=22),
    F(GOOD, NEW_VERSION, "requests_received@natural_person", 8, line=20),
    F(GOOD, NEW_VERSION, "proactive_published", 80, line=12, unit="条"),
    F(GOOD, NEW_VERSION, "proactive_published/website", 50, line=13, unit="条"),
    F(GOOD, NEW_VERSION, "proactive_published/weibo", 30, line=14, unit="条"),
    F(GOOD, NEW_VERSION, "proactive_total", 100, line=11, unit="条"),
    F(GOOD, NEW_VERSION, "proactive_total", 120, "narrative", line=2, unit="条"),
    F(GOOD, NEW_VERSION, "fees_collected", 1.25, line=30, unit="万元"),
    F(GOOD, NEW_VERSION, "fees_collected", 1.2, "narrative", line=4, unit="万元", qualifier="approx"),
    # BAD: 5 received but 3 + 1 answered; 7 natural persons out of 5.
    F(BAD, NEW_VERSION, "requests_received", 5, line=20),
    F(BAD, NEW_VERSION, "requests_granted", 3, line=21),
    F(BAD, NEW_VERSION, "requests_partially_granted", 1, line=22),
    F(BAD, NEW_VERSION, "requests_received@natural_person", 7, line=20),
    # PROSE: narrative only.
    F(PROSE, NEW_VERSION, "proactive_total", 1200, "narrative", line=5, unit="条", qualifier="approx"),
    F(PROSE, NEW_VERSION, "requests_received", 12, "narrative", line=6),
]

REGIONS = [
    # region_code, name, level, parent, prefecture, province, province_name
    ("410000", "河南省", "province", None, None, "410000", "河南省"),
    ("410400", "平顶山市", "prefecture", "410000", "410400", "410000", "河南省"),
    ("410425", "郏县", "county", "410400", "410400", "410000", "河南省"),
]


def split_key(key: str) -> tuple[str, str, str]:
    from ingest.forms import split_fact_key

    return split_fact_key(key)


def _form_catalog() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The real forms (possibly none yet) plus the fixture form."""
    from ingest.frames import form_rows_frame, form_rules_frame

    rows, rules = form_rows_frame(), form_rules_frame()
    keys = sorted({k for *_, total, parts in FIXTURE_RULES for k in (total, *parts)})
    extra_rows = []
    for n, key in enumerate(keys, start=1):
        ind, ch, app = split_key(key)
        extra_rows.append({
            "form_code": FIXTURE_FORM, "template": "new_table", "form_name": "fixture form",
            "legal_basis": "", "first_year": 2021, "last_year": None, "row_key": f"r{n}",
            "label": f"行{n}", "aliases": "", "section": "requests", "unit": "件",
            "indicator_code": ind, "channel_code": ch, "applicant_type": app,
            "equivalence": "exact", "note": "",
        })
    extra_rules = []
    for form, name, op, severity, total, parts in FIXTURE_RULES:
        ti, tc, ta = split_key(total)
        for no, part in enumerate(parts, start=1):
            pi, pc, pa = split_key(part)
            extra_rules.append({
                "form_code": form, "rule": name, "op": op, "severity": severity, "description": name,
                "total_indicator": ti, "total_channel": tc, "total_applicant": ta,
                "part_indicator": pi, "part_channel": pc, "part_applicant": pa, "part_no": no,
            })
    rows = pl.concat([rows, pl.DataFrame(extra_rows, schema=rows.schema)])
    rules = pl.concat([rules, pl.DataFrame(extra_rules, schema=rules.schema)])
    return rows, rules


def _report(report_id: str, version: str, parsed_at: datetime, *, template: str, form_code: str | None,
            region: tuple[str | None, str | None, str], year: int) -> dict:
    n_facts = sum(1 for f in FACTS if f.report_id == report_id and f.version == version)
    return {
        "report_id": report_id, "parser_version": version, "status": "parsed", "failure_reason": None,
        "title": f"{year}年政府信息公开工作年度报告", "region_code": region[0], "region_name": region[1],
        "region_level": region[2], "issuer_name": "郏县人民政府", "issuer_kind": "government",
        "year": year, "year_source": "title", "template": template, "form_code": form_code,
        "published_on": date(year + 1, 1, 20), "n_facts": n_facts, "n_issues": 0, "parsed_at": parsed_at,
    }


def _fact_row(f: F) -> dict:
    ind, ch, app = split_key(f.key)
    table = f.source == "table"
    return {
        "report_id": f.report_id, "parser_version": f.version, "indicator_code": ind, "channel_code": ch,
        "applicant_type": app, "value": float(f.value), "unit": f.unit, "value_qualifier": f.qualifier,
        "source": f.source, "source_line": f.line, "source_text": f"{f.key} {f.value}",
        "form_code": FIXTURE_FORM if table else None, "row_key": f.key if table else None,
        "column_key": "total" if table else None,
    }


def write_staged(path: str | Path) -> None:
    """Write the staged tables of the fixture into a fresh DuckDB file at `path`."""
    from ingest.frames import FACT_SCHEMA, ISSUE_SCHEMA, REPORT_SCHEMA
    from ingest.warehouse import connect

    county = ("410425", "郏县", "county")
    reports = pl.DataFrame([
        _report(GOOD, OLD_VERSION, T0, template="new_table", form_code=FIXTURE_FORM, region=county, year=2023),
        _report(GOOD, NEW_VERSION, T1, template="new_table", form_code=FIXTURE_FORM, region=county, year=2023),
        _report(BAD, NEW_VERSION, T1, template="new_table", form_code=FIXTURE_FORM, region=county, year=2022),
        _report(PROSE, NEW_VERSION, T1, template="narrative", form_code=None, region=(None, None, "unknown"),
                year=2016),
    ], schema=REPORT_SCHEMA)
    facts = pl.DataFrame([_fact_row(f) for f in FACTS], schema=FACT_SCHEMA)
    issues = pl.DataFrame([{
        "report_id": PROSE, "parser_version": NEW_VERSION, "code": "no_table", "severity": "info",
        "message": "no statistics table found", "source_line": None, "source_text": None,
    }], schema=ISSUE_SCHEMA)
    form_rows, form_rules = _form_catalog()
    regions = pl.DataFrame(
        [(*r, True, 2000, None, r[0]) for r in REGIONS], orient="row",
        schema={"region_code": pl.Utf8, "region_name": pl.Utf8, "region_level": pl.Utf8,
                "parent_code": pl.Utf8, "prefecture_code": pl.Utf8, "province_code": pl.Utf8,
                "province_name": pl.Utf8, "is_current": pl.Boolean, "valid_from_year": pl.Int32,
                "valid_to_year": pl.Int32, "current_code": pl.Utf8})

    Path(path).unlink(missing_ok=True)
    con = connect(path)
    try:
        for rid, name, err in [(GOOD, "good.txt", None), (BAD, "bad.txt", None), (PROSE, "prose.txt", None),
                               (UNDECODABLE, "binary.bin", "binary content")]:
            text = None if err else "报告正文"
            con.execute("insert into raw.landed_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [rid, f"/in/{name}", name, 16, None if err else "utf-8", err, text, b"\x00" * 16, T0])
            con.execute("insert into raw.landed_paths values (?, ?, ?, ?)", [rid, f"/in/{name}", name, T0])
        # The same content seen again under another name: one report, two paths.
        con.execute("insert into raw.landed_paths values (?, ?, ?, ?)", [GOOD, "/in/copy.txt", "copy.txt", T1])
        frames = {"parsed.reports": reports, "parsed.facts": facts, "parsed.issues": issues}
        for table, frame in frames.items():
            con.register("_frame", frame.to_arrow())
            con.execute(f"insert into {table} select * from _frame")
            con.unregister("_frame")
        for table, frame in {"form_rows": form_rows, "form_rules": form_rules, "regions": regions}.items():
            con.register("_frame", frame.to_arrow())
            con.execute(f"create or replace table parsed.{table} as select * from _frame")
            con.unregister("_frame")
    finally:
        con.close()


# ---- synthetic marts for the GE suites -------------------------------------------------

def _fct_row(report_id: str, key: str, value: float, unit: str = "件", *, qualifier: str = "exact",
             source: str = "table", year: int = 2023) -> dict:
    ind, ch, app = split_key(key)
    return {"report_id": report_id, "region_code": "410425", "year": year, "indicator_code": ind,
            "channel_code": ch, "applicant_type": app, "value": float(value), "unit": unit,
            "value_qualifier": qualifier, "source": source, "source_line": 1, "source_text": key}


def write_marts(path: str | Path, *, bad: bool = False) -> None:
    """Write marts.fct_indicator_value, marts.dim_report and parsed.form_rules directly.

    Good data satisfies every suite. Bad data breaks each suite in report BAD only:
    a negative value, a fractional count, an unknown unit, a duplicated key, a year out of
    range, an unknown template, an unresolved region (warning) and the fixture eq rule
    (5 received, 3 + 1 answered).
    """
    fct = [
        _fct_row(GOOD, "requests_received", 10), _fct_row(GOOD, "requests_granted", 6),
        _fct_row(GOOD, "requests_partially_granted", 4), _fct_row(GOOD, "fees_collected", 1.25, "万元"),
        _fct_row(BAD, "requests_received", 4, year=2022), _fct_row(BAD, "requests_granted", 3, year=2022),
        _fct_row(BAD, "requests_partially_granted", 1, year=2022),
        _fct_row(BAD, "requests_received@natural_person", 4, year=2022),
    ]
    reports = [
        {"report_id": GOOD, "region_code": "410425", "year": 2023, "template": "new_table",
         "form_code": FIXTURE_FORM, "status": "parsed"},
        {"report_id": BAD, "region_code": "410425", "year": 2022, "template": "new_table",
         "form_code": FIXTURE_FORM, "status": "parsed"},
        {"report_id": UNDECODABLE, "region_code": None, "year": None, "template": None,
         "form_code": None, "status": "failed"},
    ]
    if bad:
        fct[4]["value"] = 5.0  # eq rule: 5 received, 3 + 1 answered
        fct[7]["unit"] = "箱"  # not a unit of any form
        fct.append(dict(fct[5]))  # duplicate key
        fct.append(_fct_row(BAD, "fees_collected", -1, "万元", year=2022))  # negative
        fct.append(_fct_row(BAD, "staff_total", 2.5, "人", year=2022))  # fractional head count
        reports[1].update(year=2099, template="spreadsheet", region_code=None)
    _, form_rules = _form_catalog()
    fct_schema = {"report_id": pl.Utf8, "region_code": pl.Utf8, "year": pl.Int32, "indicator_code": pl.Utf8,
                  "channel_code": pl.Utf8, "applicant_type": pl.Utf8, "value": pl.Float64, "unit": pl.Utf8,
                  "value_qualifier": pl.Utf8, "source": pl.Utf8, "source_line": pl.Int32,
                  "source_text": pl.Utf8}
    report_schema = {"report_id": pl.Utf8, "region_code": pl.Utf8, "year": pl.Int32, "template": pl.Utf8,
                     "form_code": pl.Utf8, "status": pl.Utf8}
    Path(path).unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts; create schema parsed")
        for table, frame in {"marts.fct_indicator_value": pl.DataFrame(fct, schema=fct_schema),
                             "marts.dim_report": pl.DataFrame(reports, schema=report_schema),
                             "parsed.form_rules": form_rules}.items():
            con.register("_frame", frame.to_arrow())
            con.execute(f"create table {table} as select * from _frame")
            con.unregister("_frame")
    finally:
        con.close()
