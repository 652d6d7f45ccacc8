"""Run the suites with Great Expectations on frames read from the warehouse (read-only).

GE 1.x cannot validate DuckDB through SQLAlchemy, so each suite validates a pandas frame
through a pandas data source with a whole-dataframe batch definition. GE is imported here,
lazily (it costs seconds); a missing GE raises, it never passes silently.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations.results import ExpectationResult, SuiteResult
from expectations.suites import SUITES, Check, Prepared, SuiteSpec

MAX_FAILING_VALUES = 50  # enough to act on; keeps check metadata small
DOCS_SITE = "quality_docs"


def _plain(value: Any) -> Any:
    """numpy scalars / NaN -> JSON-friendly Python values."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _context(data_docs_dir: str | None) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir:
        Path(data_docs_dir).mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(site_name=DOCS_SITE, site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(data_docs_dir).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


def _expectation(check: Check, gxe: Any) -> Any:
    from great_expectations.expectations.metadata_types import FailureSeverity

    expectation = check.build(gxe)
    expectation.severity = FailureSeverity.CRITICAL if check.severity == "error" else FailureSeverity.WARNING
    expectation.meta = {**(expectation.meta or {}), "check": check.name, "severity": check.severity}
    return expectation


def _failing_values(result: dict[str, Any], check: Check, details: pd.DataFrame | None) -> list[dict[str, Any]]:
    rows = [{k: _plain(v) for k, v in row.items()} for row in result.get("unexpected_index_list") or []]
    if check.rule and details is not None and not details.empty:
        form_code, rule = check.rule
        mine = details[(details["form_code"] == form_code) & (details["rule"] == rule)].set_index("report_id")
        for row in rows:
            row.pop(f"{form_code}:{rule}", None)  # the wide column's name; `deviation` says it plainly
            if row.get("report_id") in mine.index:
                detail = mine.loc[row["report_id"]]
                row.update(total=_plain(detail["total"]), parts_sum=_plain(detail["parts_sum"]),
                           deviation=_plain(detail["deviation"]))
    return rows


def _expectation_result(gx_result: Any, check: Check, details: pd.DataFrame | None) -> ExpectationResult:
    config = gx_result.expectation_config
    result = gx_result.result or {}
    failing = [] if gx_result.success else _failing_values(result, check, details)
    ids = sorted({str(r["report_id"]) for r in failing if r.get("report_id") is not None})
    if not gx_result.success and gx_result.exception_info and gx_result.exception_info.get("raised_exception"):
        # An expectation that could not run is a failure, never a silent pass.
        failing = [{"exception": str(gx_result.exception_info.get("exception_message"))}]
    return ExpectationResult(
        name=check.name,
        expectation_type=config.type,
        column=config.kwargs.get("column"),
        severity="error" if check.severity == "error" else "warning",
        success=bool(gx_result.success),
        unexpected_count=int(result.get("unexpected_count") or 0),
        failing_report_ids=tuple(ids),
        failing_values=tuple(failing[:MAX_FAILING_VALUES]),
        description=config.description or "",
    )


def _run_suite(context: Any, spec: SuiteSpec, prepared: Prepared, with_docs: bool) -> SuiteResult:
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.checkpoint import UpdateDataDocsAction

    asset = context.data_sources.add_pandas(f"{spec.name}_source").add_dataframe_asset(name=spec.mart)
    batch = asset.add_batch_definition_whole_dataframe("whole_mart")
    suite = context.suites.add(gx.ExpectationSuite(name=spec.name, meta={"mart": spec.mart}))
    by_name: dict[str, Check] = {}
    for check in prepared.checks:
        suite.add_expectation(_expectation(check, gxe))
        by_name[check.name] = check
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{spec.name}_validation", data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=f"{spec.name}_checkpoint",
        validation_definitions=[validation],
        actions=[UpdateDataDocsAction(name="update_docs", site_names=[DOCS_SITE])] if with_docs else [],
        result_format={"result_format": "COMPLETE",
                       "unexpected_index_column_names": list(spec.index_columns)},
    ))
    run = checkpoint.run(batch_parameters={"dataframe": prepared.frame})
    (validation_result,) = run.run_results.values()
    results = tuple(
        _expectation_result(r, by_name[r.expectation_config.meta["check"]], prepared.details)
        for r in validation_result.results
    )
    return SuiteResult(suite=spec.name, mart=spec.mart, expectations=results)


def run_suites(warehouse_path: str, data_docs_dir: str | None = None) -> list[SuiteResult]:
    """Validate every suite on the warehouse (opened read-only); build Data Docs if asked."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        prepared = [(spec, spec.prepare(con)) for spec in SUITES]
    finally:
        con.close()
    context = _context(data_docs_dir)
    results = [_run_suite(context, spec, prep, bool(data_docs_dir)) for spec, prep in prepared]
    if data_docs_dir:
        context.build_data_docs(site_names=[DOCS_SITE])
    return results
