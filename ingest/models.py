"""Typed records produced by the parsers.

Every parser returns these; `ingest.frames` turns lists of them into polars
frames whose columns match the staged tables the warehouse reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Template = Literal["old_table", "new_table", "narrative"]
Source = Literal["table", "narrative"]
Qualifier = Literal["exact", "approx"]
Severity = Literal["error", "warning", "info"]
Status = Literal["parsed", "partial", "failed"]

ALL = "all"  # channel_code / applicant_type when the figure has no split


@dataclass(frozen=True, slots=True)
class Fact:
    """One stated figure, with the line and text it was read from."""

    indicator_code: str
    value: float
    unit: str
    source: Source
    source_line: int  # 1-based line in the decoded raw text
    source_text: str
    channel_code: str = ALL
    applicant_type: str = ALL
    value_qualifier: Qualifier = "exact"
    form_code: str | None = None  # e.g. "old_2008", "new_2021"; None for prose
    row_key: str | None = None  # the form row the figure came from
    column_key: str | None = None  # the form column (e.g. "total", "cumulative")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.indicator_code, self.channel_code, self.applicant_type)


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """Something the parser could not read cleanly, or repaired, and why."""

    code: str  # short machine name, e.g. "row_value_count", "glued_digits_split"
    message: str
    severity: Severity = "warning"
    source_line: int | None = None
    source_text: str | None = None


@dataclass(frozen=True, slots=True)
class RegionMatch:
    code: str | None
    name: str | None
    level: str  # province, prefecture, county, township, department, unknown
    issuer_name: str | None = None  # the body that issued the report, as printed
    issuer_kind: str | None = None  # government, general_office, department, ...
    matched_text: str | None = None
    source_line: int | None = None


@dataclass(slots=True)
class ReportMeta:
    title: str | None = None
    region: RegionMatch = field(default_factory=lambda: RegionMatch(None, None, "unknown"))
    year: int | None = None
    year_source: str | None = None  # "title", "statistics_period", "body", ...
    template: Template = "narrative"
    form_code: str | None = None  # the precise statistical form recognised, if any
    published_on: date | None = None


@dataclass(slots=True)
class TableResult:
    """What a table parser found in one report."""

    form_code: str
    facts: list[Fact] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    rows_expected: int = 0
    rows_found: int = 0


@dataclass(slots=True)
class ParsedReport:
    report_id: str
    meta: ReportMeta
    facts: list[Fact] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    status: Status = "parsed"
