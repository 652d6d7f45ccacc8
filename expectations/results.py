"""What a suite run reports: plain dataclasses, JSON-friendly, no GE objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation of a suite, evaluated on one mart."""

    name: str  # stable short name, e.g. "value_non_negative" or a form rule's name
    expectation_type: str  # GE type, e.g. "expect_column_values_to_be_between"
    column: str | None
    severity: Severity
    success: bool
    unexpected_count: int = 0
    failing_report_ids: tuple[str, ...] = ()
    # One dict per failing row (report id, the offending value and its key columns), capped.
    failing_values: tuple[dict[str, Any], ...] = ()
    description: str = ""


@dataclass(frozen=True)
class SuiteResult:
    """A suite run on the mart it guards."""

    suite: str
    mart: str  # e.g. "marts.fct_indicator_value"
    expectations: tuple[ExpectationResult, ...] = field(default=())

    @property
    def success(self) -> bool:
        return all(e.success for e in self.expectations)

    @property
    def failed(self) -> tuple[ExpectationResult, ...]:
        return tuple(e for e in self.expectations if not e.success)

    @property
    def blocking(self) -> bool:
        """True when an error-severity expectation failed (warnings alone do not block)."""
        return any(e.severity == "error" for e in self.failed)

    @property
    def severity(self) -> Severity:
        """The severity a single check built on this suite should carry: error if anything
        blocking failed (or nothing failed), else warning."""
        return "error" if self.blocking or not self.failed else "warning"

    @property
    def failing_report_ids(self) -> tuple[str, ...]:
        return tuple(sorted({rid for e in self.failed for rid in e.failing_report_ids}))

    def of_severity(self, severity: Severity) -> SuiteResult:
        """The part of the suite whose expectations carry `severity` (one Dagster check each)."""
        return SuiteResult(self.suite, self.mart, tuple(e for e in self.expectations if e.severity == severity))

    def failures(self) -> list[dict[str, Any]]:
        """One flat row per failing row of a failed expectation: what a reader acts on."""
        return [{"expectation": e.name, "severity": e.severity, **row}
                for e in self.failed for row in e.failing_values]

    def to_metadata(self) -> dict[str, Any]:
        """A JSON-friendly summary, e.g. for Dagster asset-check metadata."""
        return {
            "suite": self.suite,
            "mart": self.mart,
            "success": self.success,
            "severity": self.severity,
            "n_expectations": len(self.expectations),
            "n_failed": len(self.failed),
            "failing_report_ids": list(self.failing_report_ids),
            "failed": [asdict(e) for e in self.failed],
        }
