"""The overview page: one static HTML file with inline SVG charts (opens from disk, offline)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb

from dagster_project.overview import charts
from dagster_project.overview.queries import Headline, OverviewData, Row, Section, collect

PAGE_NAME = "index.html"
PAGE_TITLE = "政府信息公开工作年度报告 · 数据仓库概览"

CSS = """
:root { --ink:#1b2a3a; --muted:#5d6d7e; --line:#e3e8ee; --bg:#f4f6f9; --accent:#1f5f99; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font-family:"Noto Sans CJK SC","Noto Sans",system-ui,"DejaVu Sans",sans-serif; font-size:14px; }
header { background:linear-gradient(120deg,#16324f,#1f5f99); color:#fff; padding:28px 40px 30px; }
header h1 { margin:0 0 4px; font-size:26px; font-weight:700; letter-spacing:.5px; }
header .sub { margin:0 0 22px; color:#cfe0f1; font-size:13px; }
.kpis { display:grid; grid-template-columns:repeat(5,1fr); gap:14px; }
.kpi { background:rgba(255,255,255,.12); border-radius:10px; padding:14px 18px; }
.kpi .value { font-size:28px; font-weight:700; line-height:1.2; }
.kpi .label { font-size:13px; color:#dbe8f5; }
.kpi .detail { font-size:12px; color:#b7cde3; margin-top:2px; }
main { max-width:1320px; margin:0 auto; padding:24px 40px 40px; }
section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:18px 22px 20px;
          margin-bottom:22px; overflow-x:auto; }
section h2 { margin:0 0 2px; font-size:18px; }
section h2 .en { color:var(--muted); font-weight:400; font-size:14px; margin-left:8px; }
section .note { margin:2px 0 12px; color:var(--muted); font-size:12.5px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:22px; }
.grid2 section { margin-bottom:22px; }
.na { color:#a94442; background:#fbeeee; border-radius:6px; padding:10px 14px; display:inline-block; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); }
th { background:#f0f3f7; color:#34495e; font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
td.err { color:#c62828; font-weight:600; }
td code { font-size:12px; color:#34495e; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:8px 0 28px; }
"""


@dataclass(frozen=True)
class ChartSpec:
    """One chart section: its id, headings, the data it shows and how to draw it."""

    key: str
    heading: str
    heading_en: str
    note: str


SPECS = {
    "coverage": ChartSpec("coverage", "覆盖率", "Coverage",
                          "Share of the governments of the gazetteer (province, prefecture, county) "
                          "that have their own report for the year; the number in a cell counts them."),
    "form_mix": ChartSpec("form_mix", "报告格式", "Form mix by year",
                          "Reports per year by template and statistical form."),
    "parse_status": ChartSpec("parse_status", "解析状态", "Parse status by template",
                              "parsed: every table read; partial: some figures missing; failed: nothing read."),
    "rule_pass_rates": ChartSpec("rule_pass_rates", "勾稽关系检查", "Quality-rule pass rates",
                                 "Share of checks passed per rule (variants such as applicant_sum[x] grouped), "
                                 "coloured by severity; the label gives the number of checks."),
    "trends": ChartSpec("trends", "主要指标趋势", "Headline indicator trends",
                        "Sum over the reports of each year; the bars (and n) count the reports stating the figure. "
                        "Proactive: proactive_total, else proactive_published."),
}


def fmt_int(n: int | None) -> str:
    return "–" if n is None else f"{n:,}"


def fmt_share(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def year_span(h: Headline) -> str:
    if h.year_min is None:
        return "no years"
    return str(h.year_min) if h.year_min == h.year_max else f"{h.year_min}–{h.year_max}"


def headline_items(h: Headline | None) -> list[tuple[str, str, str]]:
    """(value, label, detail) of each header number."""
    if h is None:
        return [("–", "报告 Reports", "marts.dim_report not available")]
    return [
        (fmt_int(h.reports), "报告 Reports", "documents ingested"),
        (fmt_int(h.regions), "地区 Regions", "distinct region codes"),
        (fmt_int(h.years), "年度 Years", year_span(h)),
        (fmt_int(h.facts), "数据点 Facts", "rows of fct_indicator_value" if h.facts is not None
         else "not available"),
        (fmt_share(h.share_error_clean), "无错误 Error-free",
         f"all error rules pass (n={fmt_int(h.reports_error_checked)})"
         if h.reports_error_checked else "no error rule checked"),
    ]


def headline_markdown(h: Headline | None) -> str:
    """The header numbers as a Markdown table (Dagster metadata preview)."""
    lines = ["| number | value |", "| --- | --- |"]
    lines += [f"| {label} ({detail}) | {value} |" for value, label, detail in headline_items(h)]
    return "\n".join(lines)


def not_available(what: str) -> str:
    return f'<p class="na">not available: {escape(what)}</p>'


def chart_section(spec: ChartSpec, section: Section | None, draw: Callable[[Section], str], missing: str) -> str:
    if section is None:
        body = not_available(missing)
    elif not section.rows:
        body = f'<p class="na">no rows yet in {escape(section.source)}</p>'
    else:
        body = draw(section)
    notes = [spec.note, *(section.notes if section else [])]
    note_html = "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    return (f'<section id="{spec.key}" data-section="{spec.key}"><h2>{escape(spec.heading)}'
            f'<span class="en">{escape(spec.heading_en)}</span></h2>{note_html}{body}</section>')


def top_failed_table(rows: list[Row]) -> str:
    has_score = any(r.get("quality_score") is not None for r in rows)
    head = ("<tr><th>地区 Region</th><th>code</th><th class='num'>year</th><th>template</th>"
            "<th class='num'>failed rules</th><th class='num'>error</th><th class='num'>warning</th>"
            + ("<th class='num'>quality score</th>" if has_score else "") + "<th>source file</th></tr>")
    body = []
    for r in rows:
        score = r.get("quality_score")
        cells = [
            f"<td>{escape(str(r['region']))}</td>",
            f"<td>{escape(str(r['region_code'] or ''))}</td>",
            f"<td class='num'>{escape(str(r['year'] if r['year'] is not None else ''))}</td>",
            f"<td>{escape(str(r['template']))}</td>",
            f"<td class='num'>{r['failed']}</td>",
            f"<td class='num{' err' if r['failed_error'] else ''}'>{r['failed_error']}</td>",
            f"<td class='num'>{r['failed_warning']}</td>",
            *([f"<td class='num'>{'' if score is None else f'{score:.2f}'}</td>"] if has_score else []),
            f"<td><code>{escape(str(r['file_name'] or ''))}</code></td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def top_failed_section(section: Section | None) -> str:
    heading = ('<h2>失败规则最多的报告<span class="en">Reports with the most failed rules</span></h2>'
               '<p class="note">Error-severity failures first; a failed rule flags a report, it does not '
               'hide its figures.</p>')
    if section is None:
        body = not_available("marts.dim_report and marts.fct_quality_check are needed")
    elif not section.rows:
        body = '<p class="note">No report fails any rule.</p>'
    else:
        body = top_failed_table(section.rows)
    return f'<section id="top_failed" data-section="top_failed">{heading}{body}</section>'


def render_html(data: OverviewData, source: str, generated_at: datetime | None = None) -> str:
    """The whole page, charts rendered to inline SVG."""
    generated_at = generated_at or datetime.now(UTC)
    kpis = "".join(
        f'<div class="kpi"><div class="value">{escape(v)}</div><div class="label">{escape(label)}</div>'
        f'<div class="detail">{escape(detail)}</div></div>'
        for v, label, detail in headline_items(data.headline)
    )
    sections = [
        chart_section(SPECS["coverage"], data.coverage,
                      lambda s: charts.to_svg(charts.coverage_chart(s.rows, s.variant), "coverage"),
                      "marts.mart_coverage and marts.dim_report are missing"),
        '<div class="grid2">'
        + chart_section(SPECS["form_mix"], data.form_mix,
                        lambda s: charts.to_svg(charts.form_mix_chart(s.rows), "form_mix"),
                        "marts.dim_report is missing")
        + chart_section(SPECS["parse_status"], data.parse_status,
                        lambda s: charts.to_svg(charts.parse_status_chart(s.rows), "parse_status"),
                        "marts.dim_report is missing")
        + "</div>",
        chart_section(SPECS["rule_pass_rates"], data.rule_pass_rates,
                      lambda s: charts.to_svg(charts.rule_pass_rates_chart(s.rows), "rule_pass_rates"),
                      "marts.fct_quality_check is missing"),
        chart_section(SPECS["trends"], data.trends,
                      lambda s: charts.to_svg(charts.trends_chart(s.rows), "trends"),
                      "marts.fct_indicator_value is missing"),
        top_failed_section(data.top_failed),
    ]
    missing = (f" · marts not available: {', '.join(data.missing)}" if data.missing else "")
    return (
        "<!doctype html>\n"
        f'<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{escape(PAGE_TITLE)}</title>'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{escape(PAGE_TITLE)}</h1>"
        f'<p class="sub">Government information disclosure annual reports · warehouse overview · '
        f"generated {generated_at:%Y-%m-%d %H:%M} UTC from {escape(source)}{escape(missing)}</p>"
        f'<div class="kpis">{kpis}</div></header>'
        f"<main>{''.join(sections)}</main>"
        "<footer>Static page: every chart is an inline SVG rendered by Vega-Lite (vl-convert); "
        "no JavaScript, no network.</footer></body></html>\n"
    )


def write_atomically(html: str, out_dir: Path) -> Path:
    """Write out_dir/index.html through a temporary file and one rename: readers never see half a page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / PAGE_NAME
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".index-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def build_overview(con: duckdb.DuckDBPyConnection, out_dir: Path, source: str) -> tuple[Path, OverviewData]:
    """Aggregate from `con`, render, write; returns the page path and the aggregates."""
    data = collect(con)
    return write_atomically(render_html(data, source), out_dir), data


def generate(warehouse_path: str | Path, out_dir: str | Path, source: str | None = None) -> tuple[Path, OverviewData]:
    """Open the warehouse read-only, write the page, close. `source` names the warehouse on the page."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return build_overview(con, Path(out_dir), source or str(warehouse_path))
    finally:
        con.close()
