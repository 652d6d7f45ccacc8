"""The overview page: SQL aggregates of a small temp warehouse, every chart section, the header numbers."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from dagster_project.overview import generate
from dagster_project.overview.charts import TITLES
from dagster_project.overview.queries import collect

# Two provinces; 郏县 has a report for 2021, its neighbour 鲁山县 (same prefecture) has none.
REGIONS = [
    # code, name, level, prefecture_code, prefecture_name, province_code, province_name
    ("410000", "河南省", "province", None, None, "410000", "河南省"),
    ("410400", "平顶山市", "prefecture", "410400", "平顶山市", "410000", "河南省"),
    ("410425", "郏县", "county", "410400", "平顶山市", "410000", "河南省"),
    ("410423", "鲁山县", "county", "410400", "平顶山市", "410000", "河南省"),
    ("620000", "甘肃省", "province", None, None, "620000", "甘肃省"),
    ("620621", "民勤县", "county", "620600", "武威市", "620000", "甘肃省"),
]
REPORTS = [
    # report_id, source_path, region_code, region_name, region_level, year, template, form_code, status
    ("r_jiaxian", "/raw/jiaxian_2021.txt", "410425", "郏县", "county", 2021, "new_table", "new_2021", "parsed"),
    ("r_minqin", "/raw/minqin_2017.txt", "620621", "民勤县", "county", 2017, "old_table", "old_2008", "parsed"),
    ("r_pds", "/raw/pds_2021.txt", "410400", "平顶山市", "prefecture", 2021, "narrative", None, "partial"),
    ("r_unknown", "/raw/unknown.txt", None, None, "unknown", 2020, None, None, "failed"),
]
FACTS = [
    # report_id, year, indicator, channel, applicant_type, value
    ("r_jiaxian", 2021, "requests_received", "all", "all", 14.0),
    ("r_jiaxian", 2021, "requests_received", "all", "natural_person", 14.0),  # a breakdown, not a new total
    ("r_jiaxian", 2021, "requests_granted", "all", "all", 10.0),
    ("r_jiaxian", 2021, "proactive_total", "all", "all", 2266.0),
    ("r_pds", 2021, "requests_received", "all", "all", 6.0),
    ("r_minqin", 2017, "requests_received", "all", "all", 5.0),
    ("r_minqin", 2017, "requests_received", "online", "all", 5.0),
    ("r_minqin", 2017, "proactive_published", "website", "all", 100.0),  # no proactive_total: channel sum
    ("r_minqin", 2017, "proactive_published", "wechat", "all", 20.0),
]
CHECKS = [
    # report_id, rule, passed, severity
    ("r_jiaxian", "request_balance[all]", True, "error"),
    ("r_jiaxian", "request_balance[natural_person]", False, "error"),
    ("r_jiaxian", "table_prose_agreement[requests_received]", False, "warning"),
    ("r_minqin", "request_balance[all]", True, "error"),
    ("r_minqin", "staff_sum", True, "error"),
    ("r_pds", "table_prose_agreement[proactive_total]", True, "warning"),
]
COVERAGE_YEARS = (2017, 2021)


def has_report(code: str, year: int) -> bool:
    return any(r[2] == code and r[5] == year for r in REPORTS)


def build_sample_warehouse(path: Path, with_new_marts: bool = True) -> Path:
    """The marts the page reads, in a fresh DuckDB file (mart_coverage and mart_report_quality optional)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute("""create table marts.dim_region (region_code varchar, region_name varchar,
            region_level varchar, prefecture_code varchar, prefecture_name varchar,
            province_code varchar, province_name varchar)""")
        con.executemany("insert into marts.dim_region values (?, ?, ?, ?, ?, ?, ?)", REGIONS)
        con.execute("""create table marts.dim_report (report_id varchar, source_path varchar,
            region_code varchar, region_name varchar, region_level varchar, year integer,
            template varchar, form_code varchar, status varchar)""")
        con.executemany("insert into marts.dim_report values (?, ?, ?, ?, ?, ?, ?, ?, ?)", REPORTS)
        con.execute("""create table marts.fct_indicator_value (report_id varchar, region_code varchar,
            year integer, indicator_code varchar, channel_code varchar, applicant_type varchar,
            value double, unit varchar)""")
        con.executemany(
            "insert into marts.fct_indicator_value values (?, null, ?, ?, ?, ?, ?, '件')", FACTS)
        con.execute("""create table marts.fct_quality_check (report_id varchar, rule varchar, passed boolean,
            observed varchar, expected varchar, severity varchar)""")
        con.executemany("insert into marts.fct_quality_check values (?, ?, ?, '', '', ?)", CHECKS)
        if with_new_marts:
            con.execute("""create table marts.mart_coverage (region_code varchar, region_name varchar,
                region_level varchar, province_code varchar, province_name varchar, prefecture_code varchar,
                prefecture_name varchar, year integer, has_own_report boolean)""")
            con.executemany(
                "insert into marts.mart_coverage values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c, n, lvl, pc, pn, fc, fn, y, has_report(c, y))
                 for c, n, lvl, fc, fn, pc, pn in REGIONS for y in COVERAGE_YEARS],
            )
            con.execute("""create table marts.mart_report_quality as
                select report_id, count(*) as n_rules_applicable, count(*) filter (where passed) as n_passed,
                       count(*) filter (where not passed and severity = 'error') as n_failed_error,
                       count(*) filter (where not passed and severity = 'warning') as n_failed_warning,
                       avg(passed::int) as quality_score
                from marts.fct_quality_check group by report_id""")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple[Path, HTMLParser]:
    root = tmp_path_factory.mktemp("overview")
    warehouse = build_sample_warehouse(root / "warehouse.duckdb")
    path, _ = generate(warehouse, root / "site")
    return path, HTMLParser(path.read_text(encoding="utf-8"))


def svg_texts(node) -> list[str]:
    return [t.text() for t in node.css("text")]


CHART_SECTIONS = {
    "coverage": TITLES["coverage"],
    "form_mix": TITLES["form_mix"],
    "parse_status": TITLES["parse_status"],
    "rule_pass_rates": TITLES["rule_pass_rates"],
    "trends": TITLES["trends"],
}


@pytest.mark.parametrize("section", list(CHART_SECTIONS))
def test_every_chart_is_an_inline_svg_with_its_title(page, section):
    _, tree = page
    node = tree.css_first(f'section[data-section="{section}"]')
    assert node is not None, section
    svg = node.css_first("svg")
    assert svg is not None, f"{section}: no <svg>"
    assert CHART_SECTIONS[section] in svg_texts(svg)
    assert "not available" not in node.text()


def test_page_needs_no_script_and_no_network(page):
    path, tree = page
    html = path.read_text(encoding="utf-8")
    assert not tree.css("script")
    assert not re.search(r'(src|href)="https?://', html)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "inline SVGs share an id"


def test_header_numbers(page):
    _, tree = page
    kpis = {k.css_first(".label").text(): k.css_first(".value").text() for k in tree.css(".kpi")}
    assert kpis["报告 Reports"] == str(len(REPORTS))
    assert kpis["地区 Regions"] == str(len({r[2] for r in REPORTS if r[2]}))
    assert kpis["年度 Years"] == str(len({r[5] for r in REPORTS}))
    assert kpis["数据点 Facts"] == str(len(FACTS))
    error_checked = {c[0] for c in CHECKS if c[3] == "error"}
    error_failed = {c[0] for c in CHECKS if c[3] == "error" and not c[2]}
    share = (len(error_checked) - len(error_failed)) / len(error_checked)
    assert kpis["无错误 Error-free"] == f"{share:.1%}"


def test_coverage_counts_the_neighbour_without_a_report(tmp_path):
    con = duckdb.connect(str(build_sample_warehouse(tmp_path / "w.duckdb")), read_only=True)
    try:
        data = collect(con)
    finally:
        con.close()
    assert data.coverage.variant == "share"
    cells = {(r["province"], r["year"]): r for r in data.coverage.rows}
    henan = [r for r in REGIONS if r[5] == "410000"]
    cell = cells[("河南省", 2021)]
    assert cell["governments"] == len(henan)
    assert cell["with_report"] == sum(has_report(r[0], 2021) for r in henan)
    assert not has_report("410423", 2021) and cell["value"] < 1
    assert cells[("甘肃省", 2017)]["with_report"] == 1
    # Trends sum report totals only: a breakdown by applicant or channel is not added again.
    trend = {(r["indicator"], r["year"]): r for r in data.trends.rows}
    assert trend[("requests_received", 2021)]["value"] == 14 + 6
    assert trend[("requests_received", 2021)]["reports"] == 2
    assert trend[("requests_received", 2017)]["value"] == 5
    assert trend[("proactive", 2017)]["value"] == 100 + 20  # channel sum where no total is stated
    assert trend[("proactive", 2021)]["value"] == 2266
    rules = {(r["rule"], r["severity"]): r for r in data.rule_pass_rates.rows}
    assert rules[("request_balance", "error")]["checks"] == 3
    assert rules[("request_balance", "error")]["passed"] == 2


def test_top_failed_table_lists_the_worst_report_first(page):
    _, tree = page
    rows = tree.css('section[data-section="top_failed"] table tr')
    assert len(rows) == 1 + len({c[0] for c in CHECKS if not c[2]})
    first = [td.text() for td in rows[1].css("td")]
    assert "郏县" in first and "jiaxian_2021.txt" in first
    assert "/raw/" not in rows[1].text()  # the file name, not the path


def test_missing_marts_degrade_to_not_available(tmp_path):
    warehouse = build_sample_warehouse(tmp_path / "w.duckdb", with_new_marts=False)
    con = duckdb.connect(str(warehouse))
    con.execute("drop table marts.fct_quality_check")
    con.close()
    path, data = generate(warehouse, tmp_path / "site")
    assert {"mart_coverage", "mart_report_quality", "fct_quality_check"} <= set(data.missing)
    tree = HTMLParser(path.read_text(encoding="utf-8"))
    coverage = tree.css_first('section[data-section="coverage"]')
    assert TITLES["coverage_count"] in svg_texts(coverage.css_first("svg"))  # fell back to dim_report
    for section in ("rule_pass_rates", "top_failed"):
        node = tree.css_first(f'section[data-section="{section}"]')
        assert "not available" in node.text() and node.css_first("svg") is None
    assert tree.css_first('section[data-section="trends"] svg') is not None


def test_asset_writes_the_page_and_reports_its_path(tmp_path, monkeypatch):
    from dagster_project.defs.overview import OVERVIEW_KEY, overview_page
    from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource

    assert overview_page.op.pool == WAREHOUSE_POOL
    deps = set(overview_page.asset_deps[OVERVIEW_KEY])
    assert {dg.AssetKey(["marts", "dim_report"]), dg.AssetKey(["marts", "fct_quality_check"])} <= deps
    monkeypatch.setenv("OVERVIEW_DIR", str(tmp_path / "site"))
    warehouse = WarehouseResource(path=str(build_sample_warehouse(tmp_path / "w.duckdb")),
                                  raw_dir=str(tmp_path), quality_docs_dir=str(tmp_path), export_dir=str(tmp_path))
    result = overview_page(context=dg.build_asset_context(), warehouse=warehouse)
    page = Path(result.metadata["path"].value)
    assert page == tmp_path / "site" / "index.html" and page.stat().st_size > 10_000
    assert f"| {len(REPORTS)} |" in result.metadata["headline"].value
