"""Scoring parsed reports against a corpus truth without a warehouse.

Mirrors what check_truth.py reads from the marts: the report row (region,
year, template) and one figure per fact key, the table figure winning over
the prose one (int_facts_resolved). For fast tests and parser diagnostics.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ingest.forms import fact_key
from ingest.models import ParsedReport

REPORT_FIELDS = ("region_code", "region_name", "year", "template")


@dataclass(slots=True)
class Score:
    held: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    miss_kinds: Counter = field(default_factory=Counter)  # (field or indicator, layout) -> count

    @property
    def share(self) -> float:
        return self.held / self.total if self.total else 0.0


def resolved_facts(report: ParsedReport) -> dict[str, float]:
    """fact key -> value, table before narrative (as the marts resolve them)."""
    out: dict[str, float] = {}
    for source in ("table", "narrative"):
        for f in report.facts:
            if f.source == source:
                out.setdefault(fact_key(f.indicator_code, f.channel_code, f.applicant_type), f.value)
    return out


def score_report(name: str, want: dict, got: ParsedReport, score: Score) -> None:
    layout = want.get("generator", {}).get("layout", "?")
    row = {"region_code": got.meta.region.code, "region_name": got.meta.region.name,
           "year": got.meta.year, "template": got.meta.template}
    for f in REPORT_FIELDS:
        if f not in want:
            continue
        score.total += 1
        if str(row[f]) == str(want[f]):
            score.held += 1
        else:
            score.misses.append(f"{name} [{layout}]: {f} = {row[f]!r}, want {want[f]!r}")
            score.miss_kinds[(f, layout)] += 1
    facts = resolved_facts(got)
    for key, value in want.get("facts", {}).items():
        score.total += 1
        if key in facts and abs(facts[key] - float(value)) <= 1e-6:
            score.held += 1
            continue
        score.misses.append(f"{name} [{layout}]: {key} = {facts.get(key)!r}, want {value}")
        score.miss_kinds[(key.split("@")[0].split("/")[0], layout)] += 1
