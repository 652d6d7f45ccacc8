"""Run the suites with Great Expectations on frames read from the warehouse (read-only).

GE 1.x cannot validate DuckDB through SQLAlchemy, so each suite validates a pandas frame
through a pandas data source with a whole-dataframe batch: the candidate rows DuckDB
screened out of the whole mart (frames.py, ledger.py). GE decides which of them fail. Each
result is then completed (`_complete`) before it is stored for the Data Docs:

- the whole mart's row counts and percentages (`_rescale`), not the candidates';
- for an expectation validating several rules at once (the form rules, one expectation per
  form and severity: `Check.members`), its failing rows split by the rule each names, so
  every rule is reported as its own result;
- the failing rows with the suite's index columns, looked up in the frame by their position.
  GE would look each cell up one by one (~0.5 ms a failing row); the stored copy keeps the
  first MAX_DOCS_ROWS of them (the Data Docs show ten per value). The check metadata keeps
  the first MAX_FAILING_VALUES rows and every failing report id, read from the frame's column:
  only the rows kept are turned into dicts (45k failing cross-check rows at 100k reports).

GE is imported here, lazily (it costs seconds); a missing GE raises, it never passes silently.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from expectations.frames import DETAIL_COLUMNS, MEMBER, ROW, Counts, read_table, rule_specs
from expectations.ledger import attach_ledger, default_ledger_path, refresh_ledger
from expectations.results import ExpectationResult, SuiteResult
from expectations.suites import SUITES, Check, Prepared, SuiteSpec

MAX_FAILING_VALUES = 50  # enough to act on; keeps check metadata small
DOCS_SITE = "quality_docs"
# Every unexpected row (by its position in the frame: `_complete` adds the index columns), but
# no `df.filter(items=[...])` query: it names rows of an in-memory frame no reader of the Data
# Docs has, and it grows with every failing row (2,285 positions at 10k reports).
RESULT_FORMAT: dict[str, Any] = {"result_format": "COMPLETE", "return_unexpected_index_query": False}
MAX_DOCS_ROWS = 5000  # failing rows kept in a stored result; beyond, the Data Docs say "Sampled"
# DuckDB may take 80 % of RAM by default; screening a whole 100k-report mart the first time
# (ledger.py) then peaks at ~3 GB. Bounded, it spills a little and the stage stays near 1 GB.
DUCKDB_MEMORY_LIMIT = "1GB"


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


def ge_context(data_docs_dir: str | None) -> Any:
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
    if getattr(expectation, "mostly", 1) != 1:
        # Validating only the candidate rows gives GE's verdict on the whole mart only when one
        # unexpected row fails the expectation; a `mostly` would need the rows left out.
        raise ValueError(f"{check.name}: `mostly` is not supported")
    expectation.severity = FailureSeverity.CRITICAL if check.severity == "error" else FailureSeverity.WARNING
    expectation.meta = {**(expectation.meta or {}), "check": check.name, "severity": check.severity}
    return expectation


def _failing_values(rows: list[dict[str, Any]], name: str, prepared: Prepared) -> list[dict[str, Any]]:
    """The failing rows of the check (or rule) `name`, each with the failing figures.

    A derived suite (details given) says it in the report's own terms (rule, indicator,
    stated, expected, source line); a mart suite gives the failing row's key columns.
    """
    rows = [{k: _plain(v) for k, v in row.items()} for row in rows]
    details = prepared.details
    if details is None or details.empty or not rows:
        return rows
    mine = details[details["check"] == name]
    by_row = {int(r): n for n, r in enumerate(mine[ROW])}
    columns = [k for k in DETAIL_COLUMNS if k not in ("check", ROW, "report_id")]
    values = {k: mine[k].to_numpy() for k in columns}
    out = []
    for row in rows:
        n = by_row.get(row[ROW]) if row.get(ROW) is not None else None
        out.append(row if n is None else
                   {"report_id": row.get("report_id"), **{k: _plain(values[k][n]) for k in columns}})
    return out


@dataclass(frozen=True)
class Failing:
    """What the check metadata needs of an expectation's failing rows (see `_complete`)."""

    rows: list[dict[str, Any]]  # the first MAX_FAILING_VALUES failing rows, in GE's order
    report_ids: tuple[str, ...]  # of every failing row, sorted
    count: int = 0  # every failing row
    # Per rule of a check with members (Check.members): its own failing rows.
    by_member: dict[str, Failing] = field(default_factory=dict)


def _result(name: str, description: str, gx_result: Any, failing: Failing, check: Check,
            prepared: Prepared, passed: bool, unexpected_count: int) -> ExpectationResult:
    config = gx_result.expectation_config
    # Each failing row maps to one value, so the first MAX_FAILING_VALUES rows give the values kept.
    values = [] if passed else _failing_values(failing.rows[:MAX_FAILING_VALUES], name, prepared)
    for row in values:
        row.pop(ROW, None)
    if not gx_result.success and gx_result.exception_info and gx_result.exception_info.get("raised_exception"):
        # An expectation that could not run is a failure, never a silent pass.
        passed = False
        values = [{"exception": str(gx_result.exception_info.get("exception_message"))}]
    return ExpectationResult(
        name=name,
        expectation_type=config.type,
        column=config.kwargs.get("column"),
        severity="error" if check.severity == "error" else "warning",
        success=passed,
        unexpected_count=unexpected_count,
        failing_report_ids=() if passed else failing.report_ids,
        failing_values=tuple(values[:MAX_FAILING_VALUES]),
        description=description,
    )


def _expectation_results(gx_result: Any, failing: Failing, check: Check,
                         prepared: Prepared) -> list[ExpectationResult]:
    """The check's result, or with members one result per rule: its failing rows are those
    of GE's failing rows that name it."""
    if not check.members:
        config = gx_result.expectation_config
        count = int((gx_result.result or {}).get("unexpected_count") or 0)
        return [_result(check.name, config.description or "", gx_result, failing, check, prepared,
                        bool(gx_result.success), count)]
    none = Failing([], ())
    return [_result(m.name, m.description, gx_result, part, check, prepared, part.count == 0, part.count)
            for m in check.members for part in [failing.by_member.get(m.name, none)]]


def _percent(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole > 0 else None


def _rescale(result: dict[str, Any], counts: Counts) -> None:
    """Put the whole mart's counts into a result GE computed on the candidate rows.

    The rows left out pass the expectation, so the unexpected rows are the same; only the
    row counts and the percentages change, computed as GE's _format_map_output does.
    """
    if "element_count" not in result:
        return
    unexpected, element = result.get("unexpected_count"), counts.element_count
    result["element_count"] = element
    total = _percent(unexpected, element) if unexpected is not None else None
    if counts.nonnull_count is None:  # GE reports no missing count (not-null expectations)
        result["unexpected_percent"] = total
        return
    nonnull = counts.nonnull_count
    result.update(missing_count=element - nonnull, missing_percent=None, unexpected_percent_total=None,
                  unexpected_percent_nonmissing=None, unexpected_percent=None)
    if unexpected is not None and element > 0:
        nonmissing = _percent(unexpected, nonnull)
        result.update(missing_percent=_percent(element - nonnull, element), unexpected_percent_total=total,
                      unexpected_percent_nonmissing=nonmissing, unexpected_percent=nonmissing)


def _row_columns(config: Any, index_columns: tuple[str, ...]) -> list[str]:
    """The columns GE gives a failing row when asked for index columns: for each column the
    expectation reads, that column then the index columns (each once, first place kept)."""
    kwargs = config.kwargs
    domain = kwargs.get("column_list") or [kwargs.get("column")]
    return list(dict.fromkeys(c for d in domain for c in (d, *index_columns)))


def _report_ids(frame: Any, positions: list[int] | Any, columns: list[str]) -> tuple[str, ...]:
    """The report ids of the failing rows at `positions`, sorted (none if the rows have none)."""
    if "report_id" not in columns or not len(positions):
        return ()
    found = (_plain(v) for v in frame["report_id"].to_numpy()[positions])
    return tuple(sorted({str(v) for v in found if v is not None}))


def _records(frame: Any, positions: list[int] | Any, columns: list[str]) -> list[dict[str, Any]]:
    return frame.iloc[positions][columns].to_dict("records") if len(positions) else []


def _by_member(frame: Any, positions: list[int], columns: list[str]) -> dict[str, Failing]:
    """The failing rows split by the rule they name (the frame's MEMBER column)."""
    if not positions:
        return {}
    at = np.asarray(positions, dtype="int64")
    named = frame[MEMBER].to_numpy()[at]
    out = {}
    for name in dict.fromkeys(named):
        mine = at[named == name]
        out[str(name)] = Failing(_records(frame, mine[:MAX_FAILING_VALUES], columns),
                                 _report_ids(frame, mine, columns), len(mine))
    return out


def _complete(gx_result: Any, frame: Any, spec: SuiteSpec, counts: Counts | None, check: Check) -> Failing:
    """Complete one GE result (see the module doc) and return what the check needs of its failing rows."""
    result = gx_result.result
    positions = result.get("unexpected_index_list") or []
    columns = _row_columns(gx_result.expectation_config, spec.index_columns)
    n_partial = len(result.get("partial_unexpected_index_list") or [])
    # Only the rows someone reads become dicts: the stored sample, GE's partial list, the values kept.
    rows = _records(frame, positions[:max(MAX_DOCS_ROWS, n_partial, MAX_FAILING_VALUES)], columns)
    by_member = _by_member(frame, positions, columns) if check.members else {}
    if "unexpected_index_list" in result:
        result["unexpected_index_column_names"] = list(spec.index_columns)
        result["unexpected_index_list"] = rows[:MAX_DOCS_ROWS]
        result["partial_unexpected_index_list"] = rows[:n_partial]
        result["unexpected_list"] = (result.get("unexpected_list") or [])[:MAX_DOCS_ROWS]
    if counts is not None:
        _rescale(result, counts[check.name])
    return Failing(rows[:MAX_FAILING_VALUES], _report_ids(frame, positions, columns), len(positions), by_member)


def validate_suite(context: Any, spec: SuiteSpec, prepared: Prepared) -> tuple[Any, list[Failing]]:
    """GE's validation result of a suite on its frame, completed and stored for the Data Docs,
    and what the check needs of each expectation's failing rows."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    frame = prepared.frame.reset_index(drop=True)  # positions are GE's unexpected indices
    asset = context.data_sources.add_pandas(f"{spec.name}_source").add_dataframe_asset(name=spec.mart)
    batch = asset.add_batch_definition_whole_dataframe("whole_mart").get_batch(batch_parameters={"dataframe": frame})
    # Built whole and added once: suite.add_expectation re-serialises the suite every call.
    suite = context.suites.add(gx.ExpectationSuite(
        name=spec.name, meta={"mart": spec.mart},
        expectations=[_expectation(check, gxe) for check in prepared.checks]))
    # batch.validate rather than a checkpoint: the result is stored once, completed (a
    # checkpoint stores it first, and its freshness checks re-read the suite).
    validation_result = batch.validate(suite, result_format=RESULT_FORMAT)
    by_name = {check.name: check for check in prepared.checks}
    rows = [_complete(r, frame, spec, prepared.counts, by_name[r.expectation_config.meta["check"]])
            for r in validation_result.results]
    run_id = RunIdentifier(run_time=datetime.now(UTC))
    validation_result.meta.update(run_id=run_id, validation_time=run_id.run_time,
                                  batch_parameters={"dataframe": "<DATAFRAME>"})
    suite_id = ExpectationSuiteIdentifier(name=spec.name)
    key = ValidationResultIdentifier(expectation_suite_identifier=suite_id, run_id=run_id, batch_identifier=batch.id)
    context.validation_results_store.store_validation_results(validation_result, key, suite_id)
    return validation_result, rows


def _run_suite(context: Any, spec: SuiteSpec, prepared: Prepared) -> SuiteResult:
    validation_result, rows = validate_suite(context, spec, prepared)
    by_name = {check.name: check for check in prepared.checks}
    results = tuple(
        result
        for r, failing in zip(validation_result.results, rows, strict=True)
        for result in _expectation_results(r, failing, by_name[r.expectation_config.meta["check"]], prepared)
    )
    undeclared = {r.severity for r in results} - set(spec.severities)
    if undeclared:
        raise ValueError(f"suite {spec.name}: severities {sorted(undeclared)} not declared in its SuiteSpec")
    return SuiteResult(suite=spec.name, mart=spec.mart, expectations=results)


def prepare_suites(con: duckdb.DuckDBPyConnection, only: tuple[str, ...] | None = None,
                   screened: bool = True) -> list[tuple[SuiteSpec, Prepared]]:
    """Each suite (or those in `only`) with its frame: the screened candidates, or with
    screened=False the whole mart (the reference the screening is tested against)."""
    return [(spec, spec.prepare(con, screened)) for spec in SUITES if only is None or spec.name in only]


def refresh_screening(con: duckdb.DuckDBPyConnection, ledger_path: str | Path) -> None:
    """Attach the screening ledger (ledger.py) and screen the reports that changed since."""
    attach_ledger(con, ledger_path)
    refresh_ledger(con, rule_specs(read_table(con, "parsed.form_rules")))


def run_suites(warehouse_path: str, data_docs_dir: str | None = None,
               only: tuple[str, ...] | None = None, screened: bool = True,
               ledger_path: str | Path | None = None) -> list[SuiteResult]:
    """Validate every suite (or those in `only`) on the warehouse (opened read-only); build
    Data Docs if asked. The screening ledger is `ledger_path` (default: beside the
    warehouse; ledger.IN_MEMORY: none kept, every report screened)."""
    unknown = set(only or ()) - {spec.name for spec in SUITES}
    if unknown:
        raise ValueError(f"unknown suites {sorted(unknown)}")
    if not Path(warehouse_path).exists():
        raise FileNotFoundError(f"no warehouse at {warehouse_path}")
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        con.execute(f"set memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        if screened:
            refresh_screening(con, default_ledger_path(warehouse_path) if ledger_path is None else ledger_path)
        prepared = prepare_suites(con, only, screened)
    finally:
        con.close()
    context = ge_context(data_docs_dir)
    results = [_run_suite(context, spec, prep) for spec, prep in prepared]
    if data_docs_dir:
        context.build_data_docs(site_names=[DOCS_SITE])
    return results
