"""Run the suites with Great Expectations on frames read from the warehouse (read-only).

GE 1.x cannot validate DuckDB through SQLAlchemy, so each suite validates a pandas frame
through a pandas data source with a whole-dataframe batch definition. GE is imported here,
lazily (it costs seconds); a missing GE raises, it never passes silently.
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb

from expectations.frames import DETAIL_COLUMNS, ROW
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


def _clear_pages(docs_dir: Path) -> None:
    """Drop the pages of earlier runs (an ephemeral context would leave them unlisted but on disk)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("validations", "expectations"):
        shutil.rmtree(docs_dir / sub, ignore_errors=True)
    (docs_dir / "index.html").unlink(missing_ok=True)


def _context(data_docs_dir: str | None) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir:
        _clear_pages(Path(data_docs_dir))
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


def _failing_values(result: dict[str, Any], check: Check, spec: SuiteSpec,
                    prepared: Prepared) -> list[dict[str, Any]]:
    """The failing rows: GE's unexpected index rows, each with the failing figures.

    A derived suite (details given) says it in the report's own terms (rule, indicator,
    stated, expected, source line); a mart suite gives the failing row's key columns.
    """
    rows = [{k: _plain(v) for k, v in row.items()} for row in result.get("unexpected_index_list") or []]
    details = prepared.details
    if details is None or details.empty:
        return rows
    mine = details[details["check"] == check.name].set_index(ROW)
    out = []
    for row in rows:
        if row.get(ROW) in mine.index:
            detail = mine.loc[row[ROW]]
            out.append({"report_id": row.get("report_id"),
                        **{k: _plain(detail[k]) for k in DETAIL_COLUMNS if k not in ("check", ROW, "report_id")}})
        else:
            out.append(row)
    return out


def _expectation_result(gx_result: Any, check: Check, spec: SuiteSpec, prepared: Prepared) -> ExpectationResult:
    config = gx_result.expectation_config
    result = gx_result.result or {}
    failing = [] if gx_result.success else _failing_values(result, check, spec, prepared)
    for row in failing:
        row.pop(ROW, None)
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


def _run_suite(context: Any, spec: SuiteSpec, prepared: Prepared) -> SuiteResult:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    asset = context.data_sources.add_pandas(f"{spec.name}_source").add_dataframe_asset(name=spec.mart)
    batch = asset.add_batch_definition_whole_dataframe("whole_mart")
    by_name = {check.name: check for check in prepared.checks}
    # Built whole and added once: suite.add_expectation re-serialises the suite every call.
    suite = context.suites.add(gx.ExpectationSuite(
        name=spec.name, meta={"mart": spec.mart},
        expectations=[_expectation(check, gxe) for check in prepared.checks]))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{spec.name}_validation", data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=f"{spec.name}_checkpoint",
        validation_definitions=[validation],
        # No UpdateDataDocsAction: the checkpoint stores its result; the docs are built once at the end.
        actions=[],
        result_format={"result_format": "COMPLETE",
                       "unexpected_index_column_names": list(spec.index_columns)},
    ))
    run = checkpoint.run(batch_parameters={"dataframe": prepared.frame})
    (validation_result,) = run.run_results.values()
    results = tuple(
        _expectation_result(r, by_name[r.expectation_config.meta["check"]], spec, prepared)
        for r in validation_result.results
    )
    undeclared = {r.severity for r in results} - set(spec.severities)
    if undeclared:
        raise ValueError(f"suite {spec.name}: severities {sorted(undeclared)} not declared in its SuiteSpec")
    return SuiteResult(suite=spec.name, mart=spec.mart, expectations=results)


def run_suites(warehouse_path: str, data_docs_dir: str | None = None,
               only: tuple[str, ...] | None = None) -> list[SuiteResult]:
    """Validate every suite (or those in `only`) on the warehouse (opened read-only); build
    Data Docs if asked."""
    unknown = set(only or ()) - {spec.name for spec in SUITES}
    if unknown:
        raise ValueError(f"unknown suites {sorted(unknown)}")
    if not Path(warehouse_path).exists():
        raise FileNotFoundError(f"no warehouse at {warehouse_path}")
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        prepared = [(spec, spec.prepare(con)) for spec in SUITES if only is None or spec.name in only]
    finally:
        con.close()
    context = _context(data_docs_dir)
    results = [_run_suite(context, spec, prep) for spec, prep in prepared]
    if data_docs_dir:
        context.build_data_docs(site_names=[DOCS_SITE])
    return results
