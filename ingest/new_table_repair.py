"""Repairing table rows by the form's invariants (勾稽关系), never by guessing.

A printed row may carry fewer or more figures than its columns, or digits glued
together with no separator. This module lists the readings of such a row that
are consistent with the rules living inside the row (e.g. the applicant columns
sum to 总计), then narrows them with the rules that tie rows together (column
sums, 一+二 = (七)+四), and keeps every reading that survives. The caller emits
only cells equal in all surviving readings.

All members of a sum rule are counts or amounts, hence never negative; the
search uses that to prune (a part cannot exceed its total), so it stays
polynomial in practice and is capped everywhere.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

TOL = 1e-6
MAX_CANDIDATES = 400  # readings kept per row; beyond this the row is reported, not guessed
MAX_STEPS = 200_000  # search steps per row when splitting glued digits
MAX_JOINT = 4_000  # combinations of other rows tried per rule when narrowing a row
MAX_HOLES = 2  # lost cells per row that may be placed by the rules
MAX_EXTRA = 2  # extra cells per row that may be dropped by the rules; beyond, the cells are not the row's


class TooMany(Exception):
    """The row has more readings than may be tried."""


@dataclass(frozen=True, slots=True)
class SumRule:
    """values[total] == sum(values[parts]), by column position within one row."""

    total: int
    parts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Equation:
    """sum(lhs) == sum(rhs) over fact keys; every member is non-negative."""

    name: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


# Not frozen, for speed; treated as immutable (see ingest.layout.Cell).
@dataclass(slots=True, unsafe_hash=True)
class Candidate:
    """One reading of a row: a value (None = not stated) per column."""

    values: tuple[float | None, ...]
    inferred: frozenset[int] = frozenset()  # positions filled by a rule, not printed
    repair: str = ""  # what was done to get here; "" when read as printed

    @property
    def unresolved(self) -> int:
        return sum(1 for i in self.inferred if self.values[i] is None)


Printed = float | str | None  # a figure, a glued digit string, or a blank cell


# --------------------------------------------------------------------------- rules inside a row


def row_violated(values: Sequence[float | None], rules: Sequence[SumRule]) -> bool:
    """Whether stated values break a row rule (rules with an unstated member are checked as bounds)."""
    for r in rules:
        total = values[r.total]
        parts = [values[p] for p in r.parts]
        known = sum(p for p in parts if p is not None)
        if total is None:
            continue
        if all(p is not None for p in parts):
            if abs(total - known) > TOL * max(1.0, abs(total)):
                return True
        elif known > total + TOL:
            return True
    return False


def resolve_holes(values: list[float | None], holes: set[int], rules: Sequence[SumRule]) -> bool:
    """Fill lost cells that a row rule determines; False when a filled value would be negative."""
    changed = True
    while holes and changed:
        changed = False
        for r in rules:
            members = (r.total, *r.parts)
            unknown = [m for m in members if m in holes]
            if len(unknown) != 1 or any(values[m] is None for m in members if m not in holes):
                continue
            u = unknown[0]
            parts_sum = sum(values[p] or 0.0 for p in r.parts if p != u)
            v = parts_sum if u == r.total else (values[r.total] or 0.0) - parts_sum
            if v < -TOL:
                return False
            values[u] = round(v, 6)
            holes.discard(u)
            changed = True
    return True


# --------------------------------------------------------------------------- glued digits


_UNSET = object()


def _known(v: object) -> bool:
    return v is not _UNSET and v is not None


def close_rules(rules: Sequence[SumRule]) -> tuple[SumRule, ...]:
    """The row rules plus their differences: with 总计 = 自然人 + orgs and 小计 = orgs, 总计 = 自然人 + 小计."""
    out = list(rules)
    for a in rules:
        for b in rules:
            if a is not b and set(b.parts) < set(a.parts) and a.total not in b.parts:
                out.append(SumRule(a.total, (b.total, *(p for p in a.parts if p not in b.parts))))
    return tuple(dict.fromkeys(out))


@dataclass(slots=True)
class _Search:
    """Backtracking over the cells of one row whose digits may be glued.

    Values are set either where the digits are cut ("positioned") or ahead of the
    cut, when the rules imply them; an implied cell must then print exactly its value.
    """

    n: int
    rules: tuple[SumRule, ...]
    by_cell: tuple[tuple[SumRule, ...], ...]
    vals: list
    found: list[tuple[float | None, ...]]
    trail: list[int]
    steps: int = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS or len(self.found) > MAX_CANDIDATES:
            raise TooMany

    def undo(self, mark: int) -> None:
        while len(self.trail) > mark:
            self.vals[self.trail.pop()] = _UNSET

    def _broken(self, r: SumRule) -> bool:
        total = self.vals[r.total]
        if not _known(total):
            return False
        parts = [self.vals[p] for p in r.parts]
        known = [p for p in parts if _known(p)]
        s = sum(known)
        if len(known) == len(parts):
            return abs(total - s) > TOL * max(1.0, abs(total))
        return s > total + TOL

    def set(self, cell: int, value: float | None) -> bool:
        """Set a cell and everything the rules then imply; False (and nothing set) on a contradiction."""
        mark = len(self.trail)
        queue = [cell]
        self.vals[cell] = value
        self.trail.append(cell)
        while queue:
            c = queue.pop()
            for r in self.by_cell[c]:
                if self._broken(r):
                    self.undo(mark)
                    return False
                members = (r.total, *r.parts)
                unset = [m for m in members if self.vals[m] is _UNSET]
                if len(unset) != 1 or any(self.vals[m] is None for m in members):
                    continue
                u = unset[0]
                rest = sum(self.vals[p] for p in r.parts if p != u)
                v = rest if u == r.total else self.vals[r.total] - rest
                if v < -TOL:
                    self.undo(mark)
                    return False
                self.vals[u] = round(v, 6)
                self.trail.append(u)
                queue.append(u)
        return True

    def bound(self, cell: int) -> float | None:
        """Largest value an unset cell may take: a part never exceeds its total minus the other parts."""
        best: float | None = None
        for r in self.by_cell[cell]:
            total = self.vals[r.total]
            if cell == r.total or not _known(total):
                continue
            b = total - sum(self.vals[p] for p in r.parts if p != cell and _known(self.vals[p]))
            best = b if best is None else min(best, b)
        return best

    def width(self, first: int, count: int) -> int | None:
        """Most digits cells first..first+count-1 can print, when each of them is set or bounded."""
        out = 0
        for c in range(first, first + count):
            v = self.vals[c]
            b = v if _known(v) else self.bound(c)
            if b is None:
                return None
            out += len(str(max(0, math.floor(b + TOL))))
        return out

    def target(self, first: int, count: int) -> float | None:
        """What cells first..first+count-1 add up to, when their values or a rule's known total say so."""
        cells = range(first, first + count)
        fixed = sum(self.vals[c] for c in cells if _known(self.vals[c]))
        unset = {c for c in cells if self.vals[c] is _UNSET}
        if not unset:
            return fixed
        for r in self.by_cell[min(unset)]:
            if min(unset) == r.total or not _known(self.vals[r.total]):
                continue
            if {p for p in r.parts if self.vals[p] is _UNSET} == unset:
                return fixed + self.vals[r.total] - sum(self.vals[p] for p in r.parts if _known(self.vals[p]))
        return None


def _digit_sum(digits: str, pos: int) -> int:
    return sum(ord(c) - 48 for c in digits[pos:])


def _piece(digits: str) -> float | None:
    if not digits or (len(digits) > 1 and digits[0] == "0"):
        return None
    return float(int(digits))


def _segments(printed: Sequence[Printed], counts: Sequence[int]) -> list[tuple[Printed, int, int]]:
    out = []
    cell = 0
    for p, c in zip(printed, counts, strict=True):
        out.append((p, cell, c))
        cell += c
    return out


def _place(s: _Search, cell: int, v: float) -> bool:
    """Put a cut piece in a cell: set it, or check it against the value the rules already imply."""
    current = s.vals[cell]
    if current is _UNSET:
        return s.set(cell, v)
    return _known(current) and abs(current - v) <= TOL


def _fill_prefix(s: _Search, segs: list, k: int, digits: str, pos: int, cell: int, left: int) -> None:
    """Cut digits[pos:] into `left` cells from `cell` on, then go on with segment k + 1."""
    s.tick()
    mark = len(s.trail)
    if left == 1:
        v = _piece(digits[pos:])
        if v is not None and _place(s, cell, v):
            _fill(s, segs, k + 1)
        s.undo(mark)
        return
    room = len(digits) - pos - (left - 1)
    implied = s.vals[cell]
    if implied is not _UNSET:
        if not _known(implied) or implied < -TOL or abs(implied - round(implied)) > TOL:
            return
        text = str(round(implied))
        if len(text) <= room and digits.startswith(text, pos):
            _fill_prefix(s, segs, k, digits, pos + len(text), cell + 1, left - 1)
        return
    width = s.width(cell, left)
    if width is not None and len(digits) - pos > width:
        return  # the rest of the run is too long for the cells left, bounded as they are
    goal = s.target(cell, left)
    if goal is not None:
        if goal >= 10**room + 9 * left:
            return  # the rest of the run is too short to add up to what the rules need
        if abs(goal - round(goal)) < TOL and (round(goal) - _digit_sum(digits, pos)) % 9:
            return  # however cut, pieces of a digit run add up to its digit sum modulo 9
    bound = s.bound(cell)
    whole = goal is not None and abs(goal - round(goal)) < TOL
    for length in range(1, room + 1):
        if length > 1 and digits[pos] == "0":
            break
        v = float(int(digits[pos:pos + length]))
        if bound is not None and v > bound + TOL:
            break
        if left == 2 and whole and digits[pos + length:] != str(round(goal - v)):  # type: ignore[operator]
            continue  # two cells left that add up to `goal`: the second one is known
        if s.set(cell, v):
            _fill_prefix(s, segs, k, digits, pos + length, cell + 1, left - 1)
            s.undo(mark)


def _fill(s: _Search, segs: list, k: int) -> None:
    if k == len(segs):
        if all(v is not _UNSET for v in s.vals):
            s.found.append(tuple(s.vals))
        return
    printed, cell, count = segs[k]
    if not isinstance(printed, str):  # a figure or blank, already placed
        _fill(s, segs, k + 1)
        return
    if count == 1:
        _fill_prefix(s, segs, k, printed, 0, cell, 1)
        return
    # The last cell of a glued run first (it is often the run's total and bounds the rest).
    last = cell + count - 1
    for size in range(1, len(printed) - count + 2):
        s.tick()
        mark = len(s.trail)
        v = _piece(printed[-size:])
        if v is not None and _place(s, last, v):
            _fill_prefix(s, segs, k, printed[:-size], 0, cell, count - 1)
        s.undo(mark)


def _distributions(total: int, caps: list[int]) -> Iterator[tuple[int, ...]]:
    """Ways to share `total` extra cells among glued tokens, each at most its cap."""
    if not caps:
        if total == 0:
            yield ()
        return
    for first in range(min(total, caps[0]) + 1):
        for rest in _distributions(total - first, caps[1:]):
            yield (first,) + rest


def glued_splits(printed: Sequence[Printed], n: int, rules: tuple[SumRule, ...]) -> list[tuple[float | None, ...]]:
    """Readings of a row whose digit strings may each hold several cells, consistent with the row rules.

    A str in `printed` is a run of digits that may be one figure or several glued
    ones; floats and None are single cells. Raises TooMany past the caps.
    """
    glued = [i for i, p in enumerate(printed) if isinstance(p, str)]
    closed = close_rules(rules)
    by_cell = tuple(tuple(r for r in closed if c == r.total or c in r.parts) for c in range(n))
    found: list[tuple[float | None, ...]] = []
    search = _Search(n, closed, by_cell, [_UNSET] * n, found, [])
    for extra in _distributions(n - len(printed), [len(printed[i]) - 1 for i in glued]):  # type: ignore[arg-type]
        counts = [1] * len(printed)
        for g, e in zip(glued, extra, strict=True):
            counts[g] += e
        segs = _segments(printed, counts)
        search.undo(0)
        before = len(found)
        if all(isinstance(p, str) or _place(search, cell, p) for p, cell, _ in segs):  # type: ignore[arg-type]
            _fill(search, segs, 0)
        cut = [c for p, cell, count in segs if count > 1 for c in range(cell, cell + count)]
        found[before:] = [v for v in found[before:] if _verified(v, cut, by_cell)]
    return list(dict.fromkeys(found))


def _verified(values: tuple[float | None, ...], cut: list[int], by_cell: tuple[tuple[SumRule, ...], ...]) -> bool:
    """Every cell cut out of a digit run that a row rule covers is in a rule whose members are all stated.

    The search keeps the readings that break no rule, and a rule with an unstated member only
    bounds its parts: '14' beside blank cells splits into 1 and 4 under a total of 14 as
    readily as the 14 stands whole with a cell lost. Where a rule covers the cell, the cut is
    read only when a whole rule vouches for it; a cell no rule covers (the columns of
    第二十条 tables) is cut as the digits allow, as no rule could say more.
    """
    return all(not by_cell[c] or any(all(values[m] is not None for m in (r.total, *r.parts)) for r in by_cell[c])
               for c in cut)


# --------------------------------------------------------------------------- readings of one row


def row_candidates(printed: Sequence[Printed], n: int, rules: tuple[SumRule, ...], labels: Sequence[str]
                   ) -> tuple[list[Candidate], str]:
    """Readings of a row's printed cells under n columns, and the kind of repair needed.

    `labels` are the printed texts of the cells (for the repair notes). Kinds: ""
    (as printed), "extra", "missing", "too_many".
    """
    k = len(printed)
    plain = [float(p) if isinstance(p, str) else p for p in printed]
    if k == n:
        return [Candidate(tuple(plain))], ""
    out: list[Candidate] = []
    try:
        if k > n:
            if k - n > MAX_EXTRA:
                return [], "extra"  # most cells not the row's (the rest of a column): no reading
            if math.comb(k, k - n) > MAX_CANDIDATES * 10:
                return [], "too_many"
            for drop in itertools.combinations(range(k), k - n):
                kept = tuple(v for i, v in enumerate(plain) if i not in drop)
                dropped = ", ".join(labels[i] or "blank" for i in drop)
                out.append(Candidate(kept, repair=f"dropped extra cell(s) {dropped}"))
            return _prefer_consistent(out, rules), "extra"
        text = " ".join(p for p in printed if isinstance(p, str) and len(p) > 1)
        for values in glued_splits(printed, n, rules):
            out.append(Candidate(values, repair=f"split glued digits {text!r}"))
        missing = n - k
        if missing <= MAX_HOLES and math.comb(n, missing) <= MAX_CANDIDATES:
            for holes in itertools.combinations(range(n), missing):
                it = iter(plain)
                values = [None if i in holes else next(it) for i in range(n)]
                open_holes = set(holes)
                if not resolve_holes(values, open_holes, rules):
                    continue
                cols = ", ".join(str(h + 1) for h in holes)
                out.append(Candidate(tuple(values), frozenset(holes), f"lost cell placed at column {cols}"))
    except TooMany:
        return [], "too_many"
    return _prefer_consistent(out, rules), "missing"


def _prefer_consistent(cands: list[Candidate], rules: tuple[SumRule, ...]) -> list[Candidate]:
    """Readings that keep the row rules, fewest unresolved lost cells first; all readings if none keeps them."""
    good = [c for c in cands if not row_violated(c.values, rules)]
    if not good:
        return _distinct(cands)
    fewest = min(c.unresolved for c in good)
    return _distinct([c for c in good if c.unresolved == fewest])


def _distinct(cands: list[Candidate]) -> list[Candidate]:
    seen: dict[tuple[float | None, ...], Candidate] = {}
    for c in cands:
        seen.setdefault(c.values, c)
    return list(seen.values())


# --------------------------------------------------------------------------- rules across rows


def equation_violated(eq: Equation, values: dict[str, float | None]) -> bool:
    """Broken by the stated values: sides differ, or a known side is exceeded by the other's known part."""
    left = [values.get(k) for k in eq.lhs]
    right = [values.get(k) for k in eq.rhs]
    l_known = sum(v for v in left if v is not None)
    r_known = sum(v for v in right if v is not None)
    l_all = all(v is not None for v in left)
    r_all = all(v is not None for v in right)
    if l_all and r_all:
        return abs(l_known - r_known) > TOL * max(1.0, abs(l_known))
    if l_all:
        return r_known > l_known + TOL
    if r_all:
        return l_known > r_known + TOL
    return False


@dataclass(slots=True)
class Row:
    """A row being solved: the fact key of each column and its surviving readings."""

    keys: tuple[str, ...]
    candidates: list[Candidate]


def narrow(rows: list[Row], equations: Sequence[Equation]) -> None:
    """Drop readings that break a cross-row rule every other reading keeps (to a fixpoint).

    A reading is dropped only when some reading of the same row satisfies the rule
    (with some reading of the other open rows): when none does, the report itself
    breaks the rule and the rule says nothing about this row.
    """
    owner: dict[str, int] = {k: i for i, r in enumerate(rows) for k in r.keys}
    involved = [sorted({owner[k] for k in (*eq.lhs, *eq.rhs) if k in owner}) for eq in equations]
    changed = True
    rounds = 0
    while changed and rounds < 8:
        changed = False
        rounds += 1
        base: dict[str, float | None] = {}
        for r in rows:
            if len(r.candidates) == 1:
                base.update(zip(r.keys, r.candidates[0].values, strict=True))
        for eq, members in zip(equations, involved, strict=True):
            open_rows = [i for i in members if len(rows[i].candidates) > 1]
            for i in open_rows:
                others = [j for j in open_rows if j != i]
                if math.prod(len(rows[j].candidates) for j in others) > MAX_JOINT:
                    continue
                kept = [c for c in rows[i].candidates if _supported(eq, base, rows, i, c, others)]
                if kept and len(kept) < len(rows[i].candidates):
                    rows[i].candidates = kept
                    changed = True
                    if len(kept) == 1:
                        base.update(zip(rows[i].keys, kept[0].values, strict=True))


def _supported(eq: Equation, base: dict[str, float | None], rows: list[Row], i: int, cand: Candidate,
               others: list[int]) -> bool:
    values = dict(base)
    values.update(zip(rows[i].keys, cand.values, strict=True))
    for combo in itertools.product(*(rows[j].candidates for j in others)):
        for j, c in zip(others, combo, strict=True):
            values.update(zip(rows[j].keys, c.values, strict=True))
        if not equation_violated(eq, values):
            return True
    return False
