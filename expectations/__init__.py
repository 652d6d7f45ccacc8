"""Great Expectations suites guarding the marts, as code.

`run_suites(warehouse_path, data_docs_dir=None)` validates each suite on frames screened
read-only out of the DuckDB warehouse and returns plain dataclasses (no GE objects), so a
Dagster asset check can put the failing report ids into its metadata.
"""

from pathlib import Path

from expectations.results import ExpectationResult, SuiteResult

__all__ = ["ExpectationResult", "SuiteResult", "run_suites", "suite_names"]


def run_suites(warehouse_path: str, data_docs_dir: str | None = None,
               only: tuple[str, ...] | None = None, screened: bool = True,
               ledger_path: str | Path | None = None) -> list[SuiteResult]:
    """Validate every suite (or the suites named in `only`); build Data Docs if a folder is given.

    GE validates the rows DuckDB screened out of each whole mart as possibly failing, with the
    mart's counts restored; screened=False hands GE the whole marts (the slow reference).
    `ledger_path`: where the per-report screens are kept (expectations/ledger.py; default
    beside the warehouse, ":memory:" for none).
    """
    # Imported here: GE takes seconds to import, and importing this package must stay cheap.
    from expectations.runner import run_suites as _run

    return _run(warehouse_path, data_docs_dir, only, screened, ledger_path)


def suite_names() -> list[tuple[str, str, tuple[str, ...]]]:
    """(suite, guarded mart, severities) of every suite, without importing GE."""
    from expectations.suites import SUITES

    return [(s.name, s.mart, s.severities) for s in SUITES]
