"""Great Expectations suites as Dagster asset checks on the marts they guard.

One check per suite x severity (`ge_<suite>_errors`, `ge_<suite>_warnings`), so a check's
severity is fixed: an ERROR check failed means a rule of a form's 勾稽关系 (or a hard
invariant) is broken somewhere; a WARN check failed flags a figure worth a second look.
Checks never block the downstream assets (see docs/quality.md): every stated figure is kept
as stated; a failed rule flags reports, it does not hide or change them. All suites run in
one step (GE is slow to import) that also builds the Data Docs into
WarehouseResource.quality_docs_dir. Each check covers the whole mart on every run: DuckDB
screens the rows that could fail and GE validates those (docs/quality.md, "How the suites
scale"); the per-report screens are kept beside the warehouse (`<warehouse>.ge_ledger.duckdb`,
written by this step, which holds the warehouse pool), so a run re-screens only the reports
that changed.
"""


from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource
from expectations import suite_names

SEVERITY_WORDS = {"error": "errors", "warning": "warnings"}
DAGSTER_SEVERITY = {"error": dg.AssetCheckSeverity.ERROR, "warning": dg.AssetCheckSeverity.WARN}
MAX_MARKDOWN_ROWS = 20


def mart_key(mart: str) -> dg.AssetKey:
    """"marts.fct_indicator_value" -> the dbt asset key ["marts", "fct_indicator_value"]."""
    return dg.AssetKey(mart.split("."))


def check_name(suite: str, severity: str) -> str:
    return f"ge_{suite}_{SEVERITY_WORDS[severity]}"


@dataclass(frozen=True)
class SuiteCheck:
    suite: str
    severity: str
    spec: dg.AssetCheckSpec


SUITE_CHECKS: dict[tuple[str, str], SuiteCheck] = {
    (suite, severity): SuiteCheck(suite, severity, dg.AssetCheckSpec(
        name=check_name(suite, severity),
        asset=mart_key(mart),
        description=f"Great Expectations suite `{suite}` on {mart}: its {severity}-severity expectations",
        blocking=False,
    ))
    for suite, mart, severities in suite_names()
    for severity in severities
}


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def markdown_summary(result: Any, severity: str, docs_index: str) -> str:
    """What failed, in the report's own figures, as a Markdown table (capped)."""
    word = SEVERITY_WORDS[severity]
    head = f"**{result.suite}** on `{result.mart}` ({word}): "
    if not result.expectations:
        return head + f"no {severity}-severity expectation applies to this warehouse."
    if result.success:
        return head + f"all {len(result.expectations)} expectations passed. Data Docs: `{docs_index}`"
    lines = [head + f"{len(result.failed)} of {len(result.expectations)} expectations failed, "
                    f"{len(result.failing_report_ids)} report(s). Data Docs: `{docs_index}`", "",
             "| expectation | report | rule | indicator | stated | expected | line |",
             "|---|---|---|---|---|---|---|"]
    failures = result.failures()
    for row in failures[:MAX_MARKDOWN_ROWS]:
        stated = row.get("stated", row.get("value"))
        lines.append("| " + " | ".join(_cell(v) for v in (
            row["expectation"], (row.get("report_id") or "")[:12], row.get("rule", ""),
            row.get("indicator", row.get("indicator_code", "")), stated, row.get("expected", ""),
            row.get("source_line"))) + " |")
    if len(failures) > MAX_MARKDOWN_ROWS:
        lines.append(f"\n… and {len(failures) - MAX_MARKDOWN_ROWS} more rows (see `failures`).")
    return "\n".join(lines)


def check_result(result: Any, severity: str, docs_dir: str) -> dg.AssetCheckResult:
    """One suite x severity as an asset-check result with the failing reports and figures."""
    check = SUITE_CHECKS[(result.suite, severity)]
    part = result.of_severity(severity)
    docs_index = str(Path(docs_dir) / "index.html")
    return dg.AssetCheckResult(
        check_name=check.spec.name,
        asset_key=check.spec.asset_key,
        passed=part.success,
        severity=DAGSTER_SEVERITY[severity],
        description=f"{len(part.failed)} of {len(part.expectations)} {severity} expectations failed",
        metadata={
            "suite": result.suite,
            "n_expectations": len(part.expectations),
            "n_failed": len(part.failed),
            "failed_expectations": dg.MetadataValue.json([e.name for e in part.failed]),
            "failing_report_ids": dg.MetadataValue.json(list(part.failing_report_ids)),
            "failures": dg.MetadataValue.json(part.failures()),
            "summary": dg.MetadataValue.md(markdown_summary(part, severity, docs_index)),
            "data_docs": dg.MetadataValue.path(docs_index),
            "data_docs_url": dg.MetadataValue.url(Path(docs_index).resolve().as_uri()),
        },
    )


@dg.multi_asset_check(specs=[c.spec for c in SUITE_CHECKS.values()], pool=WAREHOUSE_POOL, can_subset=False)
def quality_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Run every suite once, build the Data Docs, report one check per suite x severity."""
    from expectations import run_suites

    results = run_suites(warehouse.path, warehouse.quality_docs_dir)
    context.log.info(f"Great Expectations Data Docs: {Path(warehouse.quality_docs_dir) / 'index.html'}")
    for result in results:
        for suite, severity in SUITE_CHECKS:
            if suite == result.suite:
                yield check_result(result, severity, warehouse.quality_docs_dir)
