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

`write_staged(path, extended=True)` adds the scenario the marts tests need (EXTENDED_REPORTS):
two real templates (old_2008, new_2019/new_2021), a government publishing the same report
three times (duplicates), departments and a township under their government, a province /
prefecture / county chain for roll-ups, a former code (密云县 → 密云区), a municipality without
prefecture level, consecutive years for the cross-year rules, and replicas of the five sample
governments for the coverage acceptance (民勤县 2017 present, its neighbours in 武威市 absent).
`add_reports` appends staged reports later (the incremental tests); `add_parse_runs` records
parse runs (parsed.parse_runs, empty by default: the most recent parse per report is in force).
Catalog: parsed.form_columns is the real forms' columns (ingest.frames.form_columns_frame).

`write_marts` writes synthetic marts directly, so the GE suites can be tested without dbt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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


def write_staged(path: str | Path, extended: bool = False) -> None:
    """Write the staged tables of the fixture into a fresh DuckDB file at `path`
    (with `extended`, also the marts scenario EXTENDED_REPORTS and its regions)."""
    from ingest.frames import FACT_SCHEMA, ISSUE_SCHEMA, REPORT_SCHEMA, form_columns_frame
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
    # former_names / aliases are list columns, as ingest.regions.load_gazetteer stages them.
    regions = pl.DataFrame(
        [(*r, True, 2000, None, r[0], [], []) for r in REGIONS], orient="row",
        schema={"region_code": pl.Utf8, "region_name": pl.Utf8, "region_level": pl.Utf8,
                "parent_code": pl.Utf8, "prefecture_code": pl.Utf8, "province_code": pl.Utf8,
                "province_name": pl.Utf8, "is_current": pl.Boolean, "valid_from_year": pl.Int32,
                "valid_to_year": pl.Int32, "current_code": pl.Utf8, "former_names": pl.List(pl.Utf8),
                "aliases": pl.List(pl.Utf8)})

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
        catalog = {"form_rows": form_rows, "form_rules": form_rules, "form_columns": form_columns_frame(),
                   "regions": regions}
        for table, frame in catalog.items():
            con.register("_frame", frame.to_arrow())
            con.execute(f"create or replace table parsed.{table} as select * from _frame")
            con.unregister("_frame")
    finally:
        con.close()
    if extended:
        _add_regions(path)
        add_reports(path, EXTENDED_REPORTS)


# ---- the extended scenario (marts tests) -----------------------------------------------

def rid(name: str) -> str:
    """A readable fixture report id: the sha256 of its name (report ids are sha256 hex)."""
    return hashlib.sha256(name.encode()).hexdigest()


EXTRA_REGIONS = [
    # region_code, name, level, parent, prefecture, province, province_name, is_current, current_code
    ("620000", "甘肃省", "province", None, None, "620000", "甘肃省", True, "620000"),
    ("620600", "武威市", "prefecture", "620000", "620600", "620000", "甘肃省", True, "620600"),
    ("620602", "凉州区", "county", "620600", "620600", "620000", "甘肃省", True, "620602"),
    ("620621", "民勤县", "county", "620600", "620600", "620000", "甘肃省", True, "620621"),
    ("620622", "古浪县", "county", "620600", "620600", "620000", "甘肃省", True, "620622"),
    ("620623", "天祝藏族自治县", "county", "620600", "620600", "620000", "甘肃省", True, "620623"),
    ("410402", "新华区", "county", "410400", "410400", "410000", "河南省", True, "410402"),
    ("110000", "北京市", "province", None, None, "110000", "北京市", True, "110000"),
    ("110100", "北京市", "prefecture", "110000", "110100", "110000", "北京市", True, "110100"),
    ("110101", "东城区", "county", "110100", "110100", "110000", "北京市", True, "110101"),
    ("110118", "密云区", "county", "110100", "110100", "110000", "北京市", True, "110118"),
    ("110228", "密云县", "county", "110200", "110200", "110000", "北京市", False, "110118"),
    ("430000", "湖南省", "province", None, None, "430000", "湖南省", True, "430000"),
    ("430400", "衡阳市", "prefecture", "430000", "430400", "430000", "湖南省", True, "430400"),
    ("430405", "珠晖区", "county", "430400", "430400", "430000", "湖南省", True, "430405"),
    ("140000", "山西省", "province", None, None, "140000", "山西省", True, "140000"),
    ("140900", "忻州市", "prefecture", "140000", "140900", "140000", "山西省", True, "140900"),
    ("140929", "岢岚县", "county", "140900", "140900", "140000", "山西省", True, "140929"),
    ("650000", "新疆维吾尔自治区", "province", None, None, "650000", "新疆维吾尔自治区", True, "650000"),
    ("652900", "阿克苏地区", "prefecture", "650000", "652900", "650000", "新疆维吾尔自治区", True, "652900"),
    ("652901", "阿克苏市", "county", "652900", "652900", "650000", "新疆维吾尔自治区", True, "652901"),
]


@dataclass(frozen=True)
class R:
    """One staged report of the extended scenario, with its figures as {fact key: value}."""

    name: str
    region: tuple[str | None, str | None, str]  # code, name, level (as the parser resolves it)
    issuer: str | None
    year: int
    template: str
    form_code: str | None
    published_on: date | None = None
    issuer_kind: str = "government"
    facts: dict[str, float] = field(default_factory=dict)
    prose: dict[str, float] = field(default_factory=dict)
    version: str = NEW_VERSION
    parsed_at: datetime = T1
    status: str = "parsed"

    @property
    def report_id(self) -> str:
        return rid(self.name)


MINQIN = ("620621", "民勤县", "county")
LIANGZHOU = ("620602", "凉州区", "county")
EXTENDED_REPORTS: list[R] = [
    # With the old form's 历年累计 column: requests_received_cumulative (column_key cumulative).
    R("minqin-2016", MINQIN, "民勤县人民政府", 2016, "old_table", "old_2008", date(2017, 3, 1),
      facts={"proactive_total": 100, "requests_received": 40, "requests_received_cumulative": 260,
             "requests_received/letter": 40,
             "requests_granted": 30, "requests_denied": 5, "requests_nonexistent": 3,
             "requests_not_this_agency": 2, "complaints_total": 1, "admin_review_total": 3,
             "admin_review_upheld": 2, "admin_review_corrected": 1, "admin_litigation_total": 1}),
    # The same 2017 report three times: the latest publication is primary.
    R("minqin-2017", MINQIN, "民勤县人民政府", 2017, "old_table", "old_2008", date(2018, 3, 1),
      facts={"proactive_total": 6328, "requests_received": 1, "requests_granted": 1}),
    R("minqin-2017-gbk", MINQIN, "民勤县", 2017, "old_table", "old_2008", date(2018, 2, 1),
      facts={"proactive_total": 6328, "requests_received": 1, "requests_granted": 1}),
    R("minqin-2017-undated", MINQIN, "民勤县人民政府办公室", 2017, "old_table", "old_2008", None,
      issuer_kind="general_office", facts={"proactive_total": 6328, "requests_received": 1}),
    R("minqin-education-2017", MINQIN, "民勤县教育局", 2017, "narrative", None, date(2018, 1, 5),
      issuer_kind="department", prose={"requests_received": 7}),
    R("minqin-xuebai-2017", ("620621", "民勤县", "township"), "民勤县薛百镇人民政府", 2017, "narrative", None,
      date(2018, 1, 9), prose={"requests_received": 2}),
    R("gulang-finance-2017", ("620622", "古浪县", "county"), "古浪县财政局", 2017, "narrative", None,
      date(2018, 1, 6), issuer_kind="department", prose={"requests_received": 3}),
    R("liangzhou-2020", LIANGZHOU, "凉州区人民政府", 2020, "new_table", "new_2019", date(2021, 1, 20),
      facts={"requests_received": 20, "requests_carried_over": 0, "requests_carried_forward": 4,
             "requests_denied_state_secret": 1, "requests_denied_third_party": 2, "requests_granted": 10}),
    R("liangzhou-2021", LIANGZHOU, "凉州区人民政府", 2021, "new_table", "new_2021", date(2022, 1, 20),
      facts={"requests_received": 30, "requests_carried_over": 6, "requests_carried_forward": 2,
             "requests_unable_to_provide_not_held": 5, "requests_received@natural_person": 25,
             "requests_granted": 12, "admin_review_total": 2, "admin_litigation_direct_total": 1,
             "admin_litigation_total": 1}),
    R("liangzhou-2022", LIANGZHOU, "凉州区人民政府", 2022, "new_table", "new_2021", date(2023, 1, 20),
      facts={"requests_received": 35, "requests_carried_over": 2, "requests_granted": 20}),
    R("wuwei-2021", ("620600", "武威市", "prefecture"), "武威市人民政府", 2021, "new_table", "new_2021",
      date(2022, 1, 25), facts={"requests_received": 100, "requests_granted": 60}),
    R("gansu-2021", ("620000", "甘肃省", "province"), "甘肃省人民政府", 2021, "narrative", None,
      date(2022, 2, 1), prose={"requests_received": 1000}),
    R("miyun-2012", ("110228", "密云县", "county"), "密云县人民政府", 2012, "old_table", "old_2008",
      date(2013, 3, 1), facts={"requests_received": 9}),
    R("dongcheng-2019", ("110101", "东城区", "county"), "东城区人民政府", 2019, "new_table", "new_2019",
      date(2020, 1, 15), facts={"requests_received": 50}),
    R("xinhua-2022", ("410402", "新华区", "county"), "新华区人民政府", 2022, "new_table", "new_2021",
      date(2023, 1, 15), facts={"requests_received": 8, "requests_granted": 3}),
    # Replicas of the other sample governments (coverage acceptance).
    R("zhuhui-2019", ("430405", "珠晖区", "county"), "珠晖区人民政府", 2019, "old_table", "old_2008",
      date(2020, 1, 20), facts={"requests_received": 5, "proactive_total": 10752}),
    R("kelan-2015", ("140929", "岢岚县", "county"), None, 2015, "narrative", None, None,
      issuer_kind="unknown"),
    R("aksu-2017", ("652900", "阿克苏地区", "prefecture"), "阿克苏地区行政公署", 2017, "narrative", None,
      date(2018, 3, 27), prose={"proactive_total": 79}),
]


def _extended_rows(reports: list[R]) -> tuple[list[dict], list[dict]]:
    report_rows, fact_rows = [], []
    for r in reports:
        figures = [(k, v, "table") for k, v in r.facts.items()] + [(k, v, "narrative") for k, v in r.prose.items()]
        report_rows.append({
            "report_id": r.report_id, "parser_version": r.version, "status": r.status, "failure_reason": None,
            "title": f"{r.issuer or ''}{r.year}年政府信息公开工作年度报告", "region_code": r.region[0],
            "region_name": r.region[1], "region_level": r.region[2], "issuer_name": r.issuer,
            "issuer_kind": r.issuer_kind, "year": r.year, "year_source": "title", "template": r.template,
            "form_code": r.form_code, "published_on": r.published_on, "n_facts": len(figures), "n_issues": 0,
            "parsed_at": r.parsed_at,
        })
        for line, (key, value, source) in enumerate(figures, start=10):
            ind, ch, app = split_key(key)
            table = source == "table"
            fact_rows.append({
                "report_id": r.report_id, "parser_version": r.version, "indicator_code": ind, "channel_code": ch,
                "applicant_type": app, "value": float(value), "unit": "条" if ind.startswith("proactive") else "件",
                "value_qualifier": "exact", "source": source, "source_line": line, "source_text": f"{key} {value}",
                "form_code": r.form_code if table else None, "row_key": key if table else None,
                "column_key": column_key(ind) if table else None,
            })
    return report_rows, fact_rows


def column_key(indicator: str) -> str:
    """The form column a fixture table figure is read from: 历年累计 for a cumulative code."""
    return "cumulative" if indicator.endswith("_cumulative") else "total"


def add_reports(path: str | Path, reports: list[R]) -> None:
    """Land and stage `reports` (a new parse of a landed report only adds its parse rows)."""
    from ingest.frames import FACT_SCHEMA, REPORT_SCHEMA
    from ingest.warehouse import connect

    report_rows, fact_rows = _extended_rows(reports)
    con = connect(path)
    try:
        landed = {r[0] for r in con.execute("select report_id from raw.landed_files").fetchall()}
        for r in reports:
            if r.report_id in landed:
                continue
            landed.add(r.report_id)
            name = f"{r.name}.txt"
            con.execute("insert into raw.landed_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [r.report_id, f"/in/{name}", name, 64, "utf-8", None, "报告正文", b"x" * 64, T0])
            con.execute("insert into raw.landed_paths values (?, ?, ?, ?)", [r.report_id, f"/in/{name}", name, T0])
        for table, rows, schema in [("parsed.reports", report_rows, REPORT_SCHEMA),
                                    ("parsed.facts", fact_rows, FACT_SCHEMA)]:
            if rows:
                con.register("_frame", pl.DataFrame(rows, schema=schema).to_arrow())
                con.execute(f"insert into {table} select * from _frame")
                con.unregister("_frame")
    finally:
        con.close()


def add_parse_runs(path: str | Path, runs: list[tuple[str, datetime]]) -> None:
    """Append parse runs (parser_version, finished_at) to parsed.parse_runs, as
    ingest.warehouse.parse_pending does at the end of each run."""
    from ingest.warehouse import connect

    con = connect(path)
    try:
        con.executemany("insert into parsed.parse_runs values (?, ?, ?, 0, 0, 0, 0.0)",
                        [(version, finished_at, finished_at) for version, finished_at in runs])
    finally:
        con.close()


def _add_regions(path: str | Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.executemany(
            "insert into parsed.regions (region_code, region_name, region_level, parent_code, prefecture_code,"
            " province_code, province_name, is_current, valid_from_year, valid_to_year, current_code)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*r[:7], r[7], 2000, None if r[7] else 2015, r[8]) for r in EXTRA_REGIONS])
        con.execute("update parsed.regions set aliases = ['天祝', '天祝县'] where region_code = '620623'")
        con.execute("update parsed.regions set former_names = ['密云县'] where region_code = '110118'")
    finally:
        con.close()


# ---- dbt on the fixture ------------------------------------------------------------------

def run_dbt(warehouse: str | Path, target: str | Path, *args: str, timeout: int = 300) -> str:
    """`dbt <args>` on `warehouse`, with its own target and log folders; returns stdout.
    Raises AssertionError with the log tail when dbt fails."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    dbt = Path(sys.executable).parent / "dbt"
    target = Path(target)
    proc = subprocess.run(
        [str(dbt), *args, "--project-dir", "dbt", "--profiles-dir", "dbt",
         "--target-path", str(target), "--log-path", str(target.parent / "logs")],
        cwd=root, env={**os.environ, "WAREHOUSE_PATH": str(Path(warehouse).resolve())},
        capture_output=True, text=True, timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    return proc.stdout


_BUILT: dict[str, tuple[Path, Path]] = {}


def built_extended() -> tuple[Path, Path]:
    """(warehouse, target folder) after one `dbt build` of the extended fixture, shared by every
    test module of the session (each dbt invocation costs seconds)."""
    import tempfile

    if "extended" not in _BUILT:
        tmp = Path(tempfile.mkdtemp(prefix="dbt_fixture_"))
        warehouse = tmp / "warehouse.duckdb"
        write_staged(warehouse, extended=True)
        run_dbt(warehouse, tmp / "target", "build")
        _BUILT["extended"] = (warehouse, tmp / "target")
    return _BUILT["extended"]


def query(warehouse: str | Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
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
