"""Aggregates behind the overview page, computed in DuckDB on a read-only connection.

Every query returns a handful of rows (one per province x year, per rule family, ...)
whatever the size of the corpus: nothing reads the fact table into Python.
A section whose mart is missing (or lacks a column) is `None`: the page says
"not available" instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

SCHEMA = "marts"
TREND_INDICATORS = ("requests_received", "requests_granted", "proactive")
TOP_FAILED_LIMIT = 15

Row = dict[str, Any]


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the page."""

    reports: int
    regions: int
    years: int
    year_min: int | None
    year_max: int | None
    facts: int | None
    share_error_clean: float | None  # of the reports with error-severity rules, share failing none
    reports_error_checked: int | None  # reports with at least one error-severity rule


@dataclass(frozen=True)
class Section:
    """Rows of one chart or table; `source` names the mart(s) they came from."""

    rows: list[Row]
    source: str
    variant: str = "default"
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OverviewData:
    headline: Headline | None
    coverage: Section | None
    form_mix: Section | None
    parse_status: Section | None
    rule_pass_rates: Section | None
    trends: Section | None
    top_failed: Section | None
    missing: list[str]  # marts the page would read that do not exist


def mart_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views in schema `marts`."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
    ).fetchall()
    return {r[0] for r in rows}


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Row]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def try_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row] | None:
    """Rows of `sql`, or None when the mart does not have the expected shape."""
    try:
        return fetch_rows(con, sql)
    except duckdb.Error:
        return None


def headline(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Headline | None:
    if "dim_report" not in tables:
        return None
    reports, regions, years, year_min, year_max = con.execute(
        f"""select count(*), count(distinct region_code), count(distinct year), min(year), max(year)
            from {SCHEMA}.dim_report"""
    ).fetchone()
    facts = None
    if "fct_indicator_value" in tables:
        facts = con.execute(f"select count(*) from {SCHEMA}.fct_indicator_value").fetchone()[0]
    share, checked = None, None
    if "fct_quality_check" in tables:
        checked, clean = con.execute(
            f"""select count(*), count(*) filter (where failed = 0) from (
                    select q.report_id, count(*) filter (where not q.passed) as failed
                    from {SCHEMA}.fct_quality_check q
                    semi join {SCHEMA}.dim_report r on r.report_id = q.report_id
                    where q.severity = 'error' group by q.report_id)"""
        ).fetchone()
        share = clean / checked if checked else None
    return Headline(reports, regions, years, year_min, year_max, facts, share, checked)


def region_provinces_sql(tables: set[str]) -> str:
    """region_code -> province_code, province_name: from dim_region, else from the code's first two digits."""
    if "dim_region" in tables:
        return f"""select region_code, any_value(province_code) as province_code,
                          any_value(province_name) as province_name
                   from {SCHEMA}.dim_region group by region_code"""
    return f"""select distinct region_code, left(region_code, 2) || '0000' as province_code,
                      left(region_code, 2) || '0000' as province_name
               from {SCHEMA}.dim_report where region_code is not null"""


def coverage(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Section | None:
    """Provinces x years: share of governments with their own report (or, lacking mart_coverage, report counts)."""
    if "mart_coverage" in tables:
        rows = try_rows(con, f"""
            select coalesce(province_name, '(unknown)') as province,
                   coalesce(province_code, '999999') as province_code,
                   year,
                   count(*) as governments,
                   count(*) filter (where has_own_report) as with_report,
                   avg(coalesce(has_own_report, false)::int) as value
            from {SCHEMA}.mart_coverage
            group by all order by province_code, year""")
        if rows is not None:
            return Section(rows, "marts.mart_coverage", variant="share")
    if "dim_report" not in tables:
        return None
    rows = try_rows(con, f"""
        with provinces as ({region_provinces_sql(tables)})
        select coalesce(p.province_name, '(unknown)') as province,
               coalesce(p.province_code, '999999') as province_code,
               r.year,
               count(*) as governments,
               count(*) as with_report,
               count(*)::double as value
        from {SCHEMA}.dim_report r left join provinces p using (region_code)
        where r.year is not null
        group by all order by province_code, year""")
    if rows is None:
        return None
    return Section(rows, "marts.dim_report", variant="count",
                   notes=["marts.mart_coverage not available: counts of reports per province and year"])


def form_mix(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Section | None:
    if "dim_report" not in tables:
        return None
    rows = try_rows(con, f"""
        select year,
               coalesce(template, 'unknown') || coalesce(' / ' || form_code, '') as form,
               count(*) as reports
        from {SCHEMA}.dim_report where year is not null
        group by all order by year, form""")
    return None if rows is None else Section(rows, "marts.dim_report")


def parse_status(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Section | None:
    if "dim_report" not in tables:
        return None
    rows = try_rows(con, f"""
        select coalesce(template, 'unknown') as template, coalesce(status, 'unknown') as status,
               count(*) as reports
        from {SCHEMA}.dim_report group by all order by template, status""")
    return None if rows is None else Section(rows, "marts.dim_report")


def rule_pass_rates(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Section | None:
    """Per rule family (`applicant_sum[x]` -> `applicant_sum`) and severity: share of checks passed."""
    if "fct_quality_check" not in tables:
        return None
    rows = try_rows(con, rf"""
        select regexp_replace(rule, '\[.*\]$', '') as rule,
               coalesce(severity, 'unknown') as severity,
               count(*) as checks,
               count(distinct report_id) as reports,
               count(*) filter (where passed) as passed,
               avg(passed::int) as pass_rate
        from {SCHEMA}.fct_quality_check
        group by all order by pass_rate, checks desc, rule""")
    return None if rows is None else Section(rows, "marts.fct_quality_check")


def trends(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Section | None:
    """Per year: the sum of each headline indicator and the number of reports stating it.

    requests_* are the report totals (channel `all`, applicant type `all`); `proactive` is
    proactive_total where stated, else proactive_published (its `all` row or the sum of its channels).
    """
    if "fct_indicator_value" not in tables:
        return None
    rows = try_rows(con, f"""
        with per_report as (
            select report_id, year,
                max(value) filter (where indicator_code = 'requests_received'
                                   and channel_code = 'all' and applicant_type = 'all') as requests_received,
                max(value) filter (where indicator_code = 'requests_granted'
                                   and channel_code = 'all' and applicant_type = 'all') as requests_granted,
                coalesce(
                    max(value) filter (where indicator_code = 'proactive_total'
                                       and channel_code = 'all' and applicant_type = 'all'),
                    max(value) filter (where indicator_code = 'proactive_published'
                                       and channel_code = 'all' and applicant_type = 'all'),
                    sum(value) filter (where indicator_code = 'proactive_published'
                                       and channel_code <> 'all' and applicant_type = 'all')
                ) as proactive
            from {SCHEMA}.fct_indicator_value
            where indicator_code in ('requests_received', 'requests_granted', 'proactive_total',
                                     'proactive_published')
              and year is not null
            group by report_id, year
        ),
        long as (
            unpivot per_report on requests_received, requests_granted, proactive
            into name indicator value value
        )
        select year, indicator, sum(value) as value, count(*) as reports
        from long where value is not null
        group by all order by indicator, year""")
    return None if rows is None else Section(rows, "marts.fct_indicator_value")


def top_failed(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Section | None:
    """The reports failing the most rules, errors first."""
    if not {"dim_report", "fct_quality_check"} <= tables:
        return None
    score = "null::double"
    join = ""
    if "mart_report_quality" in tables:
        score, join = "q.quality_score", f"left join {SCHEMA}.mart_report_quality q using (report_id)"
    sql = rf"""
        with failed as (
            select report_id,
                   count(*) filter (where severity = 'error') as failed_error,
                   count(*) filter (where severity <> 'error' or severity is null) as failed_warning,
                   count(*) as failed
            from {SCHEMA}.fct_quality_check where not passed
            group by report_id
        )
        select r.report_id, coalesce(r.region_name, '(unresolved)') as region, r.region_code, r.year,
               coalesce(r.template, 'unknown') as template, f.failed, f.failed_error, f.failed_warning,
               regexp_extract(r.source_path, '[^/\\]+$') as file_name, {score} as quality_score
        from failed f join {SCHEMA}.dim_report r using (report_id) {join}
        order by f.failed_error desc, f.failed desc, r.year, r.report_id
        limit {TOP_FAILED_LIMIT}"""
    rows = try_rows(con, sql)
    if rows is None and join:  # mart_report_quality of another shape: do without the score
        rows = try_rows(con, sql.replace(join, "").replace("q.quality_score", "null::double"))
    return None if rows is None else Section(rows, "marts.fct_quality_check, marts.dim_report")


READ_MARTS = ("dim_report", "dim_region", "fct_indicator_value", "fct_quality_check",
              "mart_coverage", "mart_report_quality")


def collect(con: duckdb.DuckDBPyConnection) -> OverviewData:
    """Every aggregate of the page, from one connection."""
    tables = mart_tables(con)
    return OverviewData(
        headline=headline(con, tables),
        coverage=coverage(con, tables),
        form_mix=form_mix(con, tables),
        parse_status=parse_status(con, tables),
        rule_pass_rates=rule_pass_rates(con, tables),
        trends=trends(con, tables),
        top_failed=top_failed(con, tables),
        missing=[m for m in READ_MARTS if m not in tables],
    )
