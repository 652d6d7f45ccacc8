"""Altair charts of the overview, rendered to standalone SVG by vl-convert (no JavaScript, no network)."""

from __future__ import annotations

import re
from typing import Any

import altair as alt

from dagster_project.overview.queries import Row

SI_LABEL = "datum.value == 0 ? '0' : format(datum.value, '~s')"  # "0", not "0k"
FONT = "Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif"
FULL_WIDTH = 1180
HALF_WIDTH = 500
STATUS_COLORS = {"parsed": "#2e7d32", "partial": "#f9a825", "failed": "#c62828", "unknown": "#9e9e9e"}
SEVERITY_COLORS = {"error": "#c62828", "warning": "#ef8f00", "unknown": "#9e9e9e"}
FORM_PALETTE = ["#1f5f99", "#5fa2dd", "#e07b39", "#8c6bb1", "#4c9a6a", "#b5b5b5", "#d4a017", "#7f7f7f"]
TREND_LABELS = {
    "requests_received": "Requests received (件)",
    "requests_granted": "Requests granted (件)",
    "proactive": "Proactively disclosed (条)",
}

TITLES = {
    "coverage": "Coverage: share of governments with their own report, by province and year",
    "coverage_count": "Reports per province and year",
    "form_mix": "Form mix by year",
    "parse_status": "Parse status by template",
    "rule_pass_rates": "Quality rules: share of checks passed",
    "trends": "Headline indicators: sum per year; bars: number of reports behind each point",
}


def theme_config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """One look for every chart: CJK-capable font, light axes, no view border."""
    return (
        chart.configure(font=FONT, background="white", padding={"left": 6, "right": 14, "top": 6, "bottom": 6})
        .configure_title(fontSize=15, fontWeight="bold", anchor="start", color="#1b2a3a", offset=12)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#34495e", titleColor="#34495e",
                        gridColor="#e8ecf0", domainColor="#b0bec5", tickColor="#b0bec5")
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom", direction="horizontal")
        .configure_view(stroke=None)
    )


def scope_ids(svg: str, prefix: str) -> str:
    """Prefix every id of one SVG, so several inline SVGs on a page never share a gradient or clip path."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for ident in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{ident}"', f'id="{prefix}-{ident}"')
        svg = svg.replace(f"url(#{ident})", f"url(#{prefix}-{ident})")
        svg = svg.replace(f'href="#{ident}"', f'href="#{prefix}-{ident}"')
    return svg


def to_svg(chart: alt.TopLevelMixin, prefix: str) -> str:
    import vl_convert

    svg = vl_convert.vegalite_to_svg(theme_config(chart).to_json())
    svg = scope_ids(svg, prefix)
    # Scale down with the page on narrow screens; keep the aspect ratio.
    return svg.replace("<svg ", f'<svg data-chart="{prefix}" style="max-width:100%;height:auto" ', 1)


def data(rows: list[Row]) -> alt.Data:
    return alt.Data(values=[{k: _json_value(v) for k, v in r.items()} for r in rows])


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return float(value) if hasattr(value, "__float__") else str(value)


def count_axis(max_value: float) -> alt.Axis:
    """Integer ticks for small counts (no 0.5 report), SI-abbreviated ones for large."""
    if max_value <= 6:
        return alt.Axis(values=list(range(int(max_value) + 1)), format="d")
    return alt.Axis(labelExpr=SI_LABEL)


def max_stack(rows: list[Row], key: str, value: str) -> float:
    """The largest total of `value` over rows sharing `key` (the height of the tallest stacked bar)."""
    totals: dict[Any, float] = {}
    for r in rows:
        totals[r[key]] = totals.get(r[key], 0) + (r[value] or 0)
    return max(totals.values(), default=0)


def coverage_chart(rows: list[Row], variant: str) -> alt.Chart:
    """Heatmap provinces x years; the text in a cell is the number of governments with a report."""
    provinces = list(dict.fromkeys(r["province"] for r in rows))
    years = sorted({r["year"] for r in rows})
    cell_w = max(18, min(56, FULL_WIDTH // max(len(years), 1)))
    base = alt.Chart(data(rows)).encode(
        x=alt.X("year:O", title="year", sort=years, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("province:N", title=None, sort=provinces),
    )
    if variant == "share":
        color = alt.Color("value:Q", title="share of governments with a report",
                          scale=alt.Scale(scheme="blues", domain=[0, 1]),
                          legend=alt.Legend(format=".0%", gradientLength=260, titleLimit=400))
        title = TITLES["coverage"]
    else:
        top = max((r["value"] for r in rows), default=0)
        color = alt.Color("value:Q", title="reports", scale=alt.Scale(scheme="blues", domain=[0, max(top, 1)]),
                          legend=alt.Legend(gradientLength=260, format="~s",
                                            **({"values": list(range(int(top) + 1))} if top <= 6 else {})))
        title = TITLES["coverage_count"]
    threshold = 0.5 if variant == "share" else max((r["value"] for r in rows), default=0) / 2
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(color=color)
    text = base.transform_filter("datum.with_report > 0").mark_text(fontSize=10).encode(
        text=alt.Text("with_report:Q", format="~s"),
        color=alt.condition(f"datum.value > {threshold}", alt.value("white"), alt.value("#1b2a3a")),
    )
    return alt.layer(rect, text, title=title).properties(
        width=cell_w * len(years), height=alt.Step(20))


def form_mix_chart(rows: list[Row]) -> alt.Chart:
    forms = sorted({r["form"] for r in rows})
    return alt.Chart(data(rows), title=TITLES["form_mix"]).mark_bar().encode(
        x=alt.X("year:O", title="year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(reports):Q", title="reports", axis=count_axis(max_stack(rows, "year", "reports"))),
        color=alt.Color("form:N", title="template / form", sort=forms, legend=alt.Legend(columns=3, labelLimit=150),
                        scale=alt.Scale(domain=forms, range=FORM_PALETTE[: max(len(forms), 1)]
                                        if len(forms) <= len(FORM_PALETTE) else None)),
        order=alt.Order("form:N"),
    ).properties(width=HALF_WIDTH, height=260)


def parse_status_chart(rows: list[Row]) -> alt.Chart:
    statuses = [s for s in STATUS_COLORS if any(r["status"] == s for r in rows)]
    statuses += sorted({r["status"] for r in rows} - set(statuses))
    colors = [STATUS_COLORS.get(s, "#607d8b") for s in statuses]
    bars = alt.Chart(data(rows)).mark_bar().encode(
        y=alt.Y("template:N", title=None, sort="ascending"),
        x=alt.X("sum(reports):Q", title="reports", axis=count_axis(max_stack(rows, "template", "reports"))),
        color=alt.Color("status:N", title="status", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=colors)),
        order=alt.Order("status_order:Q"),
    ).transform_calculate(status_order=f"indexof({statuses!r}, datum.status)")
    return alt.layer(bars, title=TITLES["parse_status"]).properties(width=HALF_WIDTH, height=alt.Step(44))


def rule_pass_rates_chart(rows: list[Row]) -> alt.Chart:
    order = [f"{r['rule']} ({r['severity']})" for r in rows]
    severities = sorted({r["severity"] for r in rows}, key=lambda s: (s not in SEVERITY_COLORS, s))
    base = alt.Chart(data(rows)).transform_calculate(
        label="datum.rule + ' (' + datum.severity + ')'",
        text="format(datum.pass_rate, '.0%') + '  of ' + format(datum.checks, ',')",
    ).encode(y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)))
    track = base.mark_bar(height={"band": 0.75}, color="#eef1f4").encode(x=alt.datum(1))
    bars = base.mark_bar(height={"band": 0.75}).encode(
        x=alt.X("pass_rate:Q", title="share of checks passed", scale=alt.Scale(domain=[0, 1.18]),
                axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1])),
        color=alt.Color("severity:N", title="severity", sort=severities,
                        scale=alt.Scale(domain=severities,
                                        range=[SEVERITY_COLORS.get(s, "#607d8b") for s in severities])),
    )
    labels = base.mark_text(align="left", dx=6, fontSize=11, color="#34495e").encode(
        x=alt.datum(1), text="text:N")
    return alt.layer(track, bars, labels, title=TITLES["rule_pass_rates"]).properties(
        width=FULL_WIDTH - 420, height=alt.Step(20))


def trends_chart(rows: list[Row]) -> alt.Chart:
    """One panel per indicator: the yearly sum as a line, the number of reports behind it as bars below."""
    years = sorted({r["year"] for r in rows})
    width = (FULL_WIDTH - 140) // len(TREND_LABELS)
    x = alt.X("year:O", title=None, sort=years, scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=0, labelOverlap=True))
    max_reports = max((r["reports"] for r in rows), default=0)
    panels = []
    for indicator, label in TREND_LABELS.items():
        subset = data([r for r in rows if r["indicator"] == indicator])
        base = alt.Chart(subset).encode(
            x=x.axis(labels=False, ticks=False, domain=False),  # the years stand under the bars
            y=alt.Y("value:Q", title=None, axis=alt.Axis(labelExpr=SI_LABEL), scale=alt.Scale(zero=True)),
        )
        layers = [base.mark_line(color="#1f5f99", strokeWidth=2),
                  base.mark_circle(color="#1f5f99", size=60, opacity=1)]
        if len(years) <= 8:
            layers.append(base.transform_calculate(n="'n=' + format(datum.reports, '~s')").mark_text(
                dy=-12, fontSize=10, color="#5d6d7e").encode(text="n:N"))
        line = alt.layer(*layers, title=alt.TitleParams(label, fontSize=13)).properties(width=width, height=170)
        bars = alt.Chart(subset).mark_bar(color="#b8c7d6").encode(
            x=x,
            y=alt.Y("reports:Q", title="reports", axis=alt.Axis(values=[0, max_reports], format="~s"),
                    scale=alt.Scale(domain=[0, max(max_reports, 1)])),
        ).properties(width=width, height=44)
        panels.append(alt.vconcat(line, bars, spacing=6))
    return alt.hconcat(*panels, spacing=36, title=TITLES["trends"]).resolve_scale(y="independent")
