"""Parsed records to polars frames with the staged-table columns."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from ingest.forms import load_forms, split_fact_key
from ingest.models import ParsedReport

REPORT_SCHEMA = {
    "report_id": pl.String, "parser_version": pl.String, "status": pl.String,
    "failure_reason": pl.String, "title": pl.String, "region_code": pl.String,
    "region_name": pl.String, "region_level": pl.String, "issuer_name": pl.String,
    "issuer_kind": pl.String, "year": pl.Int32, "year_source": pl.String, "template": pl.String,
    "form_code": pl.String, "published_on": pl.Date, "n_facts": pl.Int32, "n_issues": pl.Int32,
    "parsed_at": pl.Datetime("us"),
}
FACT_SCHEMA = {
    "report_id": pl.String, "parser_version": pl.String, "indicator_code": pl.String,
    "channel_code": pl.String, "applicant_type": pl.String, "value": pl.Float64, "unit": pl.String,
    "value_qualifier": pl.String, "source": pl.String, "source_line": pl.Int32,
    "source_text": pl.String, "form_code": pl.String, "row_key": pl.String, "column_key": pl.String,
}
ISSUE_SCHEMA = {
    "report_id": pl.String, "parser_version": pl.String, "code": pl.String, "severity": pl.String,
    "message": pl.String, "source_line": pl.Int32, "source_text": pl.String,
}


def parsed_frames(reports: list[ParsedReport], parser_version: str) -> dict[str, pl.DataFrame]:
    """The reports, facts and issues frames of a batch, built column by column (a dict per
    figure cost ~5 % of a parse worker's time)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    report_cols: dict[str, list] = {k: [] for k in REPORT_SCHEMA}
    fact_cols: dict[str, list] = {k: [] for k in FACT_SCHEMA}
    issue_cols: dict[str, list] = {k: [] for k in ISSUE_SCHEMA}
    for rep in reports:
        m = rep.meta
        failure = next((i.message for i in rep.issues if i.severity == "error"), None) \
            if rep.status == "failed" else None
        for key, value in (
            ("report_id", rep.report_id), ("parser_version", parser_version), ("status", rep.status),
            ("failure_reason", failure), ("title", m.title), ("region_code", m.region.code),
            ("region_name", m.region.name), ("region_level", m.region.level),
            ("issuer_name", m.region.issuer_name), ("issuer_kind", m.region.issuer_kind),
            ("year", m.year), ("year_source", m.year_source), ("template", m.template),
            ("form_code", m.form_code), ("published_on", m.published_on), ("n_facts", len(rep.facts)),
            ("n_issues", len(rep.issues)), ("parsed_at", now),
        ):
            report_cols[key].append(value)
        n = len(rep.facts)
        fact_cols["report_id"].extend([rep.report_id] * n)
        fact_cols["parser_version"].extend([parser_version] * n)
        for f in rep.facts:
            fact_cols["indicator_code"].append(f.indicator_code)
            fact_cols["channel_code"].append(f.channel_code)
            fact_cols["applicant_type"].append(f.applicant_type)
            fact_cols["value"].append(float(f.value))
            fact_cols["unit"].append(f.unit)
            fact_cols["value_qualifier"].append(f.value_qualifier)
            fact_cols["source"].append(f.source)
            fact_cols["source_line"].append(f.source_line)
            fact_cols["source_text"].append(f.source_text)
            fact_cols["form_code"].append(f.form_code)
            fact_cols["row_key"].append(f.row_key)
            fact_cols["column_key"].append(f.column_key)
        for i in rep.issues:
            for key, value in (
                ("report_id", rep.report_id), ("parser_version", parser_version), ("code", i.code),
                ("severity", i.severity), ("message", i.message), ("source_line", i.source_line),
                ("source_text", i.source_text),
            ):
                issue_cols[key].append(value)
    return {
        "reports": pl.DataFrame(report_cols, schema=REPORT_SCHEMA),
        "facts": pl.DataFrame(fact_cols, schema=FACT_SCHEMA),
        "issues": pl.DataFrame(issue_cols, schema=ISSUE_SCHEMA),
    }


def form_rows_frame() -> pl.DataFrame:
    rows = []
    for form in load_forms().values():
        for r in form.rows:
            rows.append({
                "form_code": form.code, "template": form.template, "form_name": form.name,
                "legal_basis": form.legal_basis, "first_year": form.first_year,
                "last_year": form.last_year, "row_key": r.key, "label": r.label,
                "aliases": "|".join(r.aliases), "section": r.section, "unit": r.unit,
                "indicator_code": r.indicator_code, "channel_code": r.channel_code,
                "applicant_type": r.applicant_type, "equivalence": r.equivalence, "note": r.note,
            })
    schema = {"form_code": pl.String, "template": pl.String, "form_name": pl.String,
              "legal_basis": pl.String, "first_year": pl.Int32, "last_year": pl.Int32,
              "row_key": pl.String, "label": pl.String, "aliases": pl.String, "section": pl.String,
              "unit": pl.String, "indicator_code": pl.String, "channel_code": pl.String,
              "applicant_type": pl.String, "equivalence": pl.String, "note": pl.String}
    return pl.DataFrame(rows, schema=schema)


def form_rules_frame() -> pl.DataFrame:
    rows = []
    for form in load_forms().values():
        for rule in form.rules:
            ti, tc, ta = split_fact_key(rule.total)
            for n, part in enumerate(rule.parts, start=1):
                pi, pc, pa = split_fact_key(part)
                rows.append({
                    "form_code": form.code, "rule": rule.name, "op": rule.op, "severity": rule.severity,
                    "description": rule.description, "total_indicator": ti, "total_channel": tc,
                    "total_applicant": ta, "part_indicator": pi, "part_channel": pc,
                    "part_applicant": pa, "part_no": n, "min_parts": rule.min_parts,
                })
    schema = {"form_code": pl.String, "rule": pl.String, "op": pl.String, "severity": pl.String,
              "description": pl.String, "total_indicator": pl.String, "total_channel": pl.String,
              "total_applicant": pl.String, "part_indicator": pl.String, "part_channel": pl.String,
              "part_applicant": pl.String, "part_no": pl.Int32, "min_parts": pl.Int32}
    return pl.DataFrame(rows, schema=schema)


FORM_COLUMN_SCHEMA = {
    "form_code": pl.String, "table_key": pl.String, "column_key": pl.String, "label": pl.String,
    "aliases": pl.String, "applicant_type": pl.String, "indicator_suffix": pl.String,
    "equivalence": pl.String, "note": pl.String, "is_optional": pl.Boolean,
}


def form_columns_frame() -> pl.DataFrame:
    """Every column of every form, as its YAML declares it (grain: form, table, column).

    A column with an `indicator_suffix` (the old form's 历年累计) carries figures of their own
    indicator, `<row indicator><suffix>`, for every row of the form that feeds an indicator.
    """
    rows = []
    for form in load_forms().values():
        for c in form.columns:
            table = str(c.get("table"))
            own = form.table_column_sets(table)[0].columns  # the form's own set: the others are optional
            rows.append({
                "form_code": form.code, "table_key": c.get("table"), "column_key": c["key"],
                "label": c.get("label"), "aliases": "|".join(c.get("aliases") or ()),
                "applicant_type": c.get("applicant"), "indicator_suffix": c.get("indicator_suffix"),
                "equivalence": c.get("equivalence"), "note": c.get("note"),
                "is_optional": not str(c["key"]).startswith("_") and str(c["key"]) not in own,
            })
    return pl.DataFrame(rows, schema=FORM_COLUMN_SCHEMA)


def catalog_frames() -> dict[str, pl.DataFrame]:
    from ingest.regions import load_gazetteer

    return {"form_rows": form_rows_frame(), "form_rules": form_rules_frame(),
            "form_columns": form_columns_frame(), "regions": load_gazetteer()}
