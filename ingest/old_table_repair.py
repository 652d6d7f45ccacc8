"""Choosing between readings of ambiguous statistics-table rows by the form's invariants.

A row of the old statistics table normally yields one reading: its figures in
column order. Some rows can be read several ways:

* digits glued to the label with no separator ("收到申请数1218": 12 | 18, 1 | 218,
  121 | 8, ...);
* fewer figures than columns, where a cell was lost rather than left blank
  (is the single figure this year's or the cumulative one?);
* more figures than columns (which of them are the row's?).

Each such row carries its candidate readings. A reading is a tuple with one
entry per value column (`None` where the reading states nothing). Readings
that break 本年 ≤ 历年累计 are never generated. The form's error-severity sum
rules then eliminate readings; a rule that would eliminate every reading of a
row is ignored for that row (the report itself breaks it, and a stated figure
is never changed to satisfy a rule). A row whose readings narrow to one is
resolved, its figures become known, and resolution repeats until nothing
changes. Rows left with several readings emit no figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from ingest.forms import Rule

_SPLIT_NUMBER = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")
MAX_SURPLUS_CELLS = 8  # beyond this many cells a row is not read (bounded search)


# Not frozen, for speed; treated as immutable (see ingest.layout.Cell).
@dataclass(slots=True, unsafe_hash=True)
class Figure:
    """One figure as read: value, approximation flag, printed unit, where it stands."""

    value: float
    approx: bool
    unit: str | None
    line: int
    text: str


Reading = tuple[Figure | None, ...]


@dataclass(slots=True)
class RowReadings:
    """The candidate readings of one located row, and why it has more than one."""

    key: str  # fact key of the row (indicator[/channel])
    readings: list[Reading]
    repair: str | None = None  # issue code recorded when a choice was made
    detail: str = ""  # what was ambiguous, for the issue message
    chosen: Reading | None = None
    options: list[Reading] = field(default_factory=list)


def values_of(reading: Reading) -> tuple[float | None, ...]:
    return tuple(None if f is None else f.value for f in reading)


def ordered(reading: Reading) -> bool:
    """本年 ≤ 历年累计 when both are stated (column 0 is this year, column 1 cumulative)."""
    vals = values_of(reading)
    return len(vals) < 2 or vals[0] is None or vals[1] is None or vals[0] <= vals[1]


def dedupe(readings: Sequence[Reading]) -> list[Reading]:
    """Readings with distinct values (two readings stating the same figures are one)."""
    seen: set[tuple[float | None, ...]] = set()
    out = []
    for r in readings:
        v = values_of(r)
        if v not in seen:
            seen.add(v)
            out.append(r)
    return out


def digit_splits(digits: str, n_cols: int) -> list[tuple[float, ...]]:
    """Readings of a run of glued digits as n_cols figures (本年 ≤ 累计 when two).

    Space-separated groups are taken as given; one unbroken run is cut at every
    position that leaves two well-formed numbers (no leading zeros).
    """
    parts = digits.replace(",", "").split()
    if len(parts) > 1:
        if len(parts) == n_cols and all(_SPLIT_NUMBER.match(p) for p in parts):
            vals = tuple(float(p) for p in parts)
            return [vals] if n_cols < 2 or vals[0] <= vals[1] else []
        return []
    run = parts[0] if parts else ""
    if n_cols == 1:
        return [(float(run),)] if _SPLIT_NUMBER.match(run) else []
    out = []
    for k in range(1, len(run)):
        a, b = run[:k], run[k:]
        if _SPLIT_NUMBER.match(a) and _SPLIT_NUMBER.match(b) and float(a) <= float(b):
            out.append((float(a), float(b)))
    return out


def placements(cells: Sequence[Figure | None], n_cols: int) -> list[Reading]:
    """Readings of a row's cells against n_cols columns.

    As many cells as columns: the positional reading. Fewer: every
    order-preserving placement of the cells into the columns. More: every
    order-preserving choice of n_cols cells. Readings breaking 本年 ≤ 累计 are dropped.
    """
    cells = list(cells)
    if len(cells) == n_cols:
        return [tuple(cells)]
    if len(cells) > MAX_SURPLUS_CELLS:
        return []
    if len(cells) < n_cols:
        out: list[Reading] = []
        for cols in combinations(range(n_cols), len(cells)):
            reading: list[Figure | None] = [None] * n_cols
            for c, fig in zip(cols, cells, strict=True):
                reading[c] = fig
            out.append(tuple(reading))
    else:
        out = [tuple(cells[i] for i in idx) for idx in combinations(range(len(cells)), n_cols)]
    return dedupe([r for r in out if ordered(r) and any(f is not None for f in r)])


# ---------------------------------------------------------------- invariants


def _rule_verdict(rule: Rule, key: str, value: float, known: dict[str, float],
                  printed: set[str]) -> bool | None:
    """Whether `key = value` keeps an eq rule true; None when other members are unknown.

    Rows the table does not print at all (the 2008-only request channels in a
    2016-style table) contribute nothing; rows printed blank stay unknown.
    """
    members = [rule.total, *rule.parts]
    if key not in members or not any(m in printed for m in members if m != key):
        return None
    total = 0.0
    for m in members:
        v = value if m == key else known.get(m, None if m in printed else 0.0)
        if v is None:
            return None
        total += v if m == rule.total else -v
    return abs(total) < 1e-6


def _fits(reading: Reading, key: str, rule: Rule, known: Sequence[dict[str, float]],
          printed: set[str]) -> bool:
    return all(_rule_verdict(rule, key, f.value, known[col], printed) is not False
               for col, f in enumerate(reading) if f is not None)


def narrow(readings: list[Reading], key: str, rules: Sequence[Rule], known: Sequence[dict[str, float]],
           printed: set[str]) -> list[Reading]:
    """Readings kept by the rules; a rule that would leave none is not applied to this row."""
    options = readings
    for rule in rules:
        if key not in (rule.total, *rule.parts):
            continue
        kept = [r for r in options if _fits(r, key, rule, known, printed)]
        if kept:
            options = kept
    return options


def resolve(rows: list[RowReadings], rules: Sequence[Rule], known: list[dict[str, float]],
            printed: set[str]) -> None:
    """Fix every row whose readings narrow to one; `known` (per column) is updated in place.

    Rows with one reading from the start are fixed first; then rows are narrowed
    repeatedly, each resolution feeding the next, until nothing changes.
    Sets `chosen` on resolved rows and `options` (the readings left) on the others.
    """
    eq_rules = [r for r in rules if r.op == "eq" and r.severity == "error"]

    def fix(row: RowReadings, reading: Reading) -> None:
        row.chosen = reading
        for col, f in enumerate(reading):
            if f is not None:
                known[col][row.key] = f.value

    pending = []
    for row in rows:
        row.readings = dedupe(row.readings)
        if len(row.readings) == 1:
            fix(row, row.readings[0])
        else:
            row.options = row.readings
            pending.append(row)
    progress = True
    while progress and pending:
        progress = False
        for row in list(pending):
            row.options = narrow(row.options, row.key, eq_rules, known, printed)
            if len(row.options) == 1:
                fix(row, row.options[0])
                pending.remove(row)
                progress = True
