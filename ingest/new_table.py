"""Parser for the 2019+ annual-report tables (forms new_2019 and new_2021).

Everything about the forms (row labels, columns, applicant types, units,
indicator codes, invariants) comes from `ingest/forms/new_*.yaml`. The parser:

1. turns the text into tokens: label text, figures and blank-cell markers,
   whatever the flattening (tabs, pipes, aligned spaces, one cell per line,
   HTML rows); page footers and markdown separator rows are dropped;
2. walks the tokens, matching label text against the form's printed lines in
   form order (fuzzy, tolerant to misnumbering and missing lines), and gives
   each line the figures that follow its label;
3. when a line has more or fewer figures than columns, or digits are glued,
   enumerates placements/splits and keeps those that satisfy the form's rules,
   solving each table jointly (column rules often settle one row's doubt);
4. emits only cells that are equal in every surviving candidate, and records
   each repair or remaining ambiguity as a ParseIssue.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import Literal

from ingest.forms import Form, FormRow, fact_key, load_forms, split_fact_key
from ingest.models import Fact, ParseIssue, TableResult
from ingest.numbers import BLANK_CELLS, parse_number_cell

FORM_CODES = ("new_2021", "new_2019")
DERIVED_SECTION = "derived"
DERIVE_PREFIX = "derive_"

WINDOW = 12  # form lines ahead that a fuzzy label may match; farther needs an exact label
MIN_FAR_LABEL = 4  # shortest label allowed to jump beyond the window
FUZZY_MIN = 0.75  # SequenceMatcher ratio for a fuzzy label match
MIN_FIGURE_LINES = 4  # fewer lines with figures than this is not a 2019+ table
MAX_CANDIDATES = 5000  # per line; beyond this the line is reported, not guessed
MAX_SPLITS = 300_000  # glued-digit splits tried per line
MAX_JOINT = 50_000  # assignments tried when solving a table jointly
TOL = 1e-6

TokKind = Literal["text", "num", "blank", "gap"]


@dataclass(frozen=True, slots=True)
class Tok:
    kind: TokKind
    text: str
    line: int  # 0-based index into the normalised lines


@dataclass(frozen=True, slots=True)
class LineCell:
    column: str
    row: FormRow
    applicant: str  # applicant type this cell reports ("all" outside the matrix)
    optional: bool = False

    @property
    def key(self) -> str:
        return fact_key(self.row.indicator_code or "", self.row.channel_code, self.applicant)


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One printed line of a form table: its label variants and its cells."""

    key: str
    section: str
    labels: tuple[str, ...]  # normalised label and aliases
    cells: tuple[LineCell, ...]  # empty for group headers


@dataclass(slots=True)
class LineRead:
    spec: LineSpec
    label_line: int
    toks: list[Tok] = field(default_factory=list)

    @property
    def values(self) -> list[Tok]:
        return [t for t in self.toks if t.kind in ("num", "blank")]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading of a line: a value (or None = not stated) per column."""

    values: tuple[float | None, ...]
    inferred: frozenset[int] = frozenset()  # positions filled by an invariant, not printed
    repair: str = ""  # what was done to get here; "" when read as printed


# --------------------------------------------------------------------------- labels

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]|\(\s*[一二三四五六七八九十\d]+\s*\)|[一二三四五六七八九十]+\)"
    r"|\d{1,2}\s*[.、,)](?!\d)|[①-⑳])\s*"
)
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_NOISE = re.compile(r"[\s“”\"'‘’《》<>「」:;,。.、!?*#_~·]")


def normalize_label(text: str) -> str:
    """Label core: numbering, parenthetical notes, quotes, punctuation and spaces removed."""
    s = text.strip()
    while True:
        stripped = _NUMBERING.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    s = _PARENS.sub("", s)
    return _NOISE.sub("", s)


def label_score(text: str, label: str) -> float:
    """How well a normalised text cell matches a normalised label (0 = not at all)."""
    if not text or not label:
        return 0.0
    if text == label:
        return 2.0
    if label in text:
        # Long texts merely mentioning the label are prose, not a table cell.
        if len(text) > len(label) + max(8, len(label)):
            return 0.0
        return 1.0 + len(label) / len(text)
    if text in label and len(text) >= 4 and len(text) * 2 >= len(label):
        return len(text) / len(label)
    if abs(len(text) - len(label)) <= max(2, len(label) // 3):
        ratio = SequenceMatcher(None, text, label).ratio()
        if ratio >= FUZZY_MIN:
            return ratio
    return 0.0


# --------------------------------------------------------------------------- form specs


def _columns(form: Form, table: str) -> list[dict]:
    return [c for c in form.columns if c.get("table") == table and not str(c["key"]).startswith("_")]


def _labels(*texts: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in (normalize_label(t) for t in texts) if n))


@cache
def line_specs(form_code: str) -> tuple[LineSpec, ...]:
    """The form's printed lines in order, built from the YAML rows and columns."""
    form = load_forms()[form_code]
    specs: list[LineSpec] = []
    grouped: dict[str, list[FormRow]] = {}
    order: list[tuple[str, FormRow]] = []
    for row in form.rows:
        if row.section == DERIVED_SECTION:
            continue
        if "." in row.key:
            line = row.key.split(".", 1)[0]
            if line not in grouped:
                grouped[line] = []
                order.append((line, row))
            grouped[line].append(row)
        else:
            order.append((row.key, row))
    for line, first in order:
        columns = _columns(form, first.section)
        if line in grouped:
            by_column = {r.key.split(".", 1)[1]: r for r in grouped[line]}
            cells = tuple(LineCell(c["key"], by_column[c["key"]], "all") for c in columns if c["key"] in by_column)
            specs.append(LineSpec(line, first.section, _labels(first.label, *first.aliases), cells))
        elif first.indicator_code is None:
            specs.append(LineSpec(line, first.section, _labels(first.label, *first.aliases), ()))
        else:
            cells = tuple(LineCell(c["key"], first, c.get("applicant", "all"), bool(c.get("optional")))
                          for c in columns)
            specs.append(LineSpec(line, first.section, _labels(first.label, *first.aliases), cells))
    return tuple(specs)


@cache
def header_words(form_code: str) -> frozenset[str]:
    """Normalised column headings: text that may sit between a line label and its figures."""
    form = load_forms()[form_code]
    words = set()
    for c in form.columns:
        words.update(_labels(str(c["label"]), *c.get("aliases", ())))
    return frozenset(words)


@cache
def distinctive_labels(form_code: str) -> frozenset[str]:
    """Labels printed by this form and by no other new_table form (tells the forms apart)."""

    def all_labels(code: str) -> set[str]:
        form = load_forms()[code]
        out = set(header_words(code))
        for r in form.rows:
            if r.section != DERIVED_SECTION:
                out.update(_labels(r.label, *r.aliases))
        return out

    mine = all_labels(form_code)
    for other in FORM_CODES:
        if other != form_code:
            mine -= all_labels(other)
    return frozenset(mine)


# --------------------------------------------------------------------------- tokens

_FOOTER = re.compile(r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d+\s*页(?:\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NUM = r"(?:约|近)?[+-]?\d[\d,]*(?:\.\d+)?(?:余|多)?"
_NUM_RE = re.compile(_NUM)
_CHANGE_RE = re.compile(r"^(增加?|减少?)(\d[\d,]*(?:\.\d+)?)$")
_TRAILING_NUMS = re.compile(rf"^(?P<text>.*?[^\d\s.,+\-])\s*(?P<nums>{_NUM}(?:\s+{_NUM})*)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _is_blank(piece: str) -> bool:
    return piece.strip() in BLANK_CELLS and piece.strip() != ""


def _value_piece(piece: str) -> str | None:
    """A figure as printed, normalised ('减3' -> '-3'); None when the piece is not a figure."""
    m = _CHANGE_RE.match(piece)
    if m:
        return ("-" if m.group(1).startswith("减") else "") + m.group(2)
    if _NUM_RE.fullmatch(piece):
        return piece
    return None


def _piece_tokens(piece: str, line: int) -> list[Tok]:
    parts = piece.split()
    if parts and all(_is_blank(p) or _value_piece(p) is not None for p in parts):
        return [Tok("blank", p, line) if _is_blank(p) else Tok("num", _value_piece(p) or p, line) for p in parts]
    m = _TRAILING_NUMS.match(piece)
    if m and _CJK.search(m.group("text")):
        return [Tok("text", m.group("text"), line)] + [Tok("num", p, line) for p in m.group("nums").split()]
    return [Tok("text", piece, line)]


def tokenize(lines: list[str]) -> list[Tok]:
    """Tokens of every line, in reading order; empty lines become 'gap' tokens."""
    toks: list[Tok] = []
    for i, raw in enumerate(lines):
        if not raw.strip():
            # A line of spaces only (a non-breaking space before normalisation) is a blank cell.
            toks.append(Tok("blank" if raw and "\t" not in raw and raw.strip(" ") == "" else "gap", "", i))
            continue
        if _FOOTER.match(raw) or _MD_SEPARATOR.match(raw):
            continue
        for cell in re.split(r"[\t|]", raw):
            for piece in re.split(r"\s{2,}", cell.strip()):
                if piece:
                    toks.extend(_piece_tokens(piece, i))
    return toks


# --------------------------------------------------------------------------- reading lines


def _best_spec(text: str, specs: tuple[LineSpec, ...], pos: int) -> tuple[int, float] | None:
    norm = normalize_label(text)
    if not norm:
        return None
    best: tuple[int, float] | None = None
    for j in range(pos, len(specs)):
        far = j - pos >= WINDOW
        score = 0.0
        for label in specs[j].labels:
            s = label_score(norm, label)
            if far and (s < 1.0 or len(label) < MIN_FAR_LABEL):
                s = 0.0
            score = max(score, s)
        if score > 0 and (best is None or score > best[1] + 1e-9):
            best = (j, score)
    return best


def read_lines(toks: list[Tok], form_code: str) -> list[LineRead]:
    """Assign figures to form lines by walking labels in form order."""
    specs = line_specs(form_code)
    headers = header_words(form_code)
    reads: list[LineRead] = []
    current: LineRead | None = None
    pos = 0
    pos_before = 0

    def finish() -> None:
        nonlocal current, pos
        if current is None:
            return
        if current.values:
            reads.append(current)
        elif current.spec.cells or pos - pos_before > WINDOW:
            # A label with no figures (prose mention, or a heading far ahead) must not
            # move the form position, or the real table lines behind it would be lost.
            pos = pos_before
        current = None

    for tok in toks:
        if tok.kind == "text":
            hit = _best_spec(tok.text, specs, pos)
            if hit is not None:
                j, _ = hit
                if current is not None and current.spec is specs[j] and not current.values:
                    continue  # label continued on the next line
                finish()
                pos_before = pos
                current = LineRead(specs[j], tok.line)
                pos = j + 1
                continue
            norm = normalize_label(tok.text)
            if current is not None and (not current.values or norm in headers or not norm):
                continue  # column headings or a split label between label and figures
            finish()
        elif current is not None:
            current.toks.append(tok)
    finish()
    return [r for r in reads if r.spec.cells]


# --------------------------------------------------------------------------- candidates


def _number(tok: Tok) -> tuple[float, bool] | None:
    # parse_number_cell reads unsigned figures; 本年增/减 columns may print a sign.
    sign = -1.0 if tok.text.startswith("-") else 1.0
    n = parse_number_cell(tok.text.lstrip("+-"))
    return None if n is None else (sign * n.value, n.approx)


def digit_splits(digits: str, pieces: int) -> Iterator[tuple[str, ...]]:
    """Ways to cut a digit string into `pieces` numbers without leading zeros."""
    if pieces == 1:
        if digits == "0" or not digits.startswith("0"):
            yield (digits,)
        return
    if digits.startswith("0"):
        for rest in digit_splits(digits[1:], pieces - 1):
            yield ("0",) + rest
        return
    for cut in range(1, len(digits) - pieces + 2):
        for rest in digit_splits(digits[cut:], pieces - 1):
            yield (digits[:cut],) + rest


def _trim_gaps(toks: list[Tok], n: int) -> list[Tok] | None:
    """One cell per line with empty lines as blank cells: read gaps as blanks if that fills the line."""
    last = max((i for i, t in enumerate(toks) if t.kind != "gap"), default=-1)
    run = toks[: last + 1]
    lines = [t.line for t in run if t.kind != "gap"]
    if len(run) == n and len(lines) == len(set(lines)):
        return [Tok("blank", "", t.line) if t.kind == "gap" else t for t in run]
    return None


def line_candidates(read: LineRead, n: int, fits: Callable[[tuple[float | None, ...]], bool] | None = None
                    ) -> tuple[list[Candidate], str]:
    """Readings of a line's figures under n columns, and the kind of repair needed.

    `fits` tells whether a full reading satisfies the rules inside the line; glued-digit
    splits are filtered by it as they are enumerated, since a long glued row has far
    more splits than could be kept.
    """
    vals = read.values
    if len(vals) < n:
        filled = _trim_gaps(read.toks, n)
        if filled is not None:
            vals = filled
    parsed: list[float | None] = []
    for t in vals:
        if t.kind == "blank":
            parsed.append(None)
        else:
            num = _number(t)
            if num is None:
                return [], "unreadable"
            parsed.append(num[0])
    k = len(parsed)
    if k == n:
        return [Candidate(tuple(parsed))], ""
    out: list[Candidate] = []
    if k > n:
        for drop in itertools.combinations(range(k), k - n):
            kept = tuple(v for i, v in enumerate(parsed) if i not in drop)
            dropped = ", ".join(vals[i].text or "blank" for i in drop)
            out.append(Candidate(kept, repair=f"dropped extra cell(s) {dropped}"))
            if len(out) > MAX_CANDIDATES:
                return [], "too_many"
        return out, "extra"
    missing = n - k
    splits = _split_candidates(vals, parsed, missing, fits or (lambda _: True))
    if splits is None:
        return [], "too_many"
    out.extend(splits)
    if missing <= 2:
        for holes in itertools.combinations(range(n), missing):
            it = iter(parsed)
            values = tuple(None if i in holes else next(it) for i in range(n))
            out.append(Candidate(values, frozenset(holes), f"missing cell(s) at column(s) {list(holes)}"))
    if len(out) > MAX_CANDIDATES:
        return [], "too_many"
    return out, "missing"


def _split_candidates(vals: list[Tok], parsed: list[float | None], missing: int,
                      fits: Callable[[tuple[float | None, ...]], bool]) -> list[Candidate] | None:
    """Splits of glued digit tokens adding `missing` cells that fit the line; None if too many to try."""
    glued = [i for i, t in enumerate(vals) if t.kind == "num" and t.text.isdigit() and len(t.text) > 1]
    out: list[Candidate] = []
    tried = 0
    text = " ".join(vals[i].text for i in glued)
    for extra in _distributions(missing, [len(vals[i].text) - 1 for i in glued]):
        options = []
        for i, t in enumerate(vals):
            if i in glued and extra[glued.index(i)]:
                options.append(list(digit_splits(t.text, extra[glued.index(i)] + 1)))
            else:
                options.append([(parsed[i],)])
        for combo in itertools.product(*options):
            tried += 1
            if tried > MAX_SPLITS:
                return None
            values = tuple(float(v) if isinstance(v, str) else v for piece in combo for v in piece)
            if fits(values):
                out.append(Candidate(values, repair=f"split glued digits {text!r}"))
    return out


def _distributions(total: int, caps: list[int]) -> Iterator[tuple[int, ...]]:
    """Ways to share `total` extra pieces among glued tokens, each at most its cap."""
    if not caps:
        if total == 0:
            yield ()
        return
    for first in range(min(total, caps[0]) + 1):
        for rest in _distributions(total - first, caps[1:]):
            yield (first,) + rest


# --------------------------------------------------------------------------- invariants


@dataclass(frozen=True, slots=True)
class KeyedRule:
    name: str
    op: str
    total: str
    parts: tuple[str, ...]
    derive: bool


def _norm_key(key: str) -> str:
    return fact_key(*split_fact_key(key))


@cache
def keyed_rules(form_code: str) -> tuple[KeyedRule, ...]:
    form = load_forms()[form_code]
    return tuple(
        KeyedRule(r.name, r.op, _norm_key(r.total), tuple(_norm_key(p) for p in r.parts),
                  r.name.startswith(DERIVE_PREFIX))
        for r in form.rules
    )


def _with_derived(values: dict[str, float | None], rules: tuple[KeyedRule, ...]) -> dict[str, float | None]:
    out = dict(values)
    for r in rules:
        if r.derive:
            parts = [out.get(p) for p in r.parts]
            out[r.total] = sum(parts) if all(p is not None for p in parts) else None  # type: ignore[misc]
    return out


def violations(values: dict[str, float | None], rules: tuple[KeyedRule, ...]) -> int:
    """Checkable rules broken by these values (rules with an unstated figure are skipped)."""
    full = _with_derived(values, rules)
    bad = 0
    for r in rules:
        if r.derive:
            continue
        total = full.get(r.total)
        parts = [full.get(p) for p in r.parts]
        if total is None or any(p is None for p in parts):
            continue
        if r.op == "eq":
            bad += abs(total - sum(parts)) > TOL * max(1.0, abs(total))  # type: ignore[arg-type]
        else:
            bad += any(p > total + TOL for p in parts)  # type: ignore[operator]
    return bad


def _resolve_inferred(cand: Candidate, keys: list[str], rules: tuple[KeyedRule, ...]) -> Candidate:
    """Fill lost cells that a rule within the line determines (e.g. total = sum of columns)."""
    if not cand.inferred:
        return cand
    values = list(cand.values)
    holes = set(cand.inferred)
    index = {k: i for i, k in enumerate(keys)}
    changed = True
    while holes and changed:
        changed = False
        for r in rules:
            if r.derive or r.op != "eq" or r.total not in index or not all(p in index for p in r.parts):
                continue
            members = [index[r.total]] + [index[p] for p in r.parts]
            unknown = [m for m in members if m in holes]
            if len(unknown) != 1 or any(values[m] is None for m in members if m not in holes):
                continue
            u = unknown[0]
            parts_sum = sum(values[index[p]] or 0.0 for p in r.parts if index[p] != u)
            v = parts_sum if u == index[r.total] else (values[index[r.total]] or 0.0) - parts_sum
            if v < -TOL:
                return Candidate(tuple(values), frozenset(), "impossible")
            values[u] = round(v, 6)
            holes.discard(u)
            changed = True
    return Candidate(tuple(values), cand.inferred, cand.repair if not holes else cand.repair + " (unresolved)")


@dataclass(slots=True)
class Slot:
    """A line being solved: its keys per column and its surviving candidates."""

    read: LineRead
    cells: tuple[LineCell, ...]
    keys: list[str]
    candidates: list[Candidate]
    kind: str  # "", "extra", "missing", "unreadable", "too_many"


def _unresolved(c: Candidate) -> int:
    return sum(1 for i in c.inferred if c.values[i] is None) + (1000 if c.repair.endswith("impossible") else 0)


def _prune_within(slot: Slot, rules: tuple[KeyedRule, ...]) -> None:
    """Keep the candidates that best satisfy the rules living inside this one line."""
    if len(slot.candidates) <= 1:
        return
    local = tuple(r for r in rules if not r.derive and {r.total, *r.parts} <= set(slot.keys))
    scored = {}
    for c in slot.candidates:
        score = (_unresolved(c), violations(dict(zip(slot.keys, c.values, strict=True)), local))
        scored.setdefault(c.values, (score, c))
    best = min(s for s, _ in scored.values())
    slot.candidates = [c for s, c in scored.values() if s == best]


def solve(slots: list[Slot], rules: tuple[KeyedRule, ...]) -> list[list[Candidate]]:
    """Per slot, the candidates that appear in some best joint assignment."""
    fixed: dict[str, float | None] = {}
    open_slots = []
    for s in slots:
        if len(s.candidates) == 1:
            fixed.update(zip(s.keys, s.candidates[0].values, strict=True))
        elif s.candidates:
            open_slots.append(s)
    survivors: list[list[Candidate]] = [list(s.candidates) for s in slots]
    if not open_slots:
        return survivors
    size = math.prod(len(s.candidates) for s in open_slots)
    best_score: tuple[int, int] | None = None
    best: list[tuple[Candidate, ...]] = []
    if size <= MAX_JOINT:
        for combo in itertools.product(*(s.candidates for s in open_slots)):
            values = dict(fixed)
            for s, c in zip(open_slots, combo, strict=True):
                values.update(zip(s.keys, c.values, strict=True))
            score = (sum(_unresolved(c) for c in combo), violations(values, rules))
            if best_score is None or score < best_score:
                best_score, best = score, [combo]
            elif score == best_score:
                best.append(combo)
        for s, kept in zip(open_slots, zip(*best, strict=True), strict=True):
            survivors[slots.index(s)] = list(dict.fromkeys(kept))
        return survivors
    # Too many joint readings: judge each line against the settled lines only.
    for s in open_slots:
        scored = [((_unresolved(c), violations({**fixed, **dict(zip(s.keys, c.values, strict=True))}, rules)), c)
                  for c in s.candidates]
        low = min(sc for sc, _ in scored)
        survivors[slots.index(s)] = [c for sc, c in scored if sc == low]
    return survivors


# --------------------------------------------------------------------------- facts


def _source(read: LineRead, lines: list[str]) -> tuple[int, str]:
    """The line the figures stand on (with its label when they share it), 1-based."""
    value_lines = sorted({t.line for t in read.values})
    if len(value_lines) == 1:
        return value_lines[0] + 1, lines[value_lines[0]].strip()[:500]
    span = range(read.label_line, (value_lines[-1] if value_lines else read.label_line) + 1)
    text = " | ".join(lines[i].strip() for i in span if lines[i].strip())
    return read.label_line + 1, text[:500]


def _issue(code: str, message: str, read: LineRead, lines: list[str], severity: str = "warning") -> ParseIssue:
    line, text = _source(read, lines)
    return ParseIssue(code, message, severity, line, text)  # type: ignore[arg-type]


def _approx_flags(read: LineRead, n: int) -> list[bool]:
    vals = read.values
    if len(vals) != n:
        return [False] * n
    return [bool(re.search(r"[余多约近]", t.text)) for t in vals]


def _cells_for(spec: LineSpec, with_optional: bool) -> tuple[LineCell, ...]:
    return tuple(c for c in spec.cells if with_optional or not c.optional)


def _slots(reads: list[LineRead], with_optional: bool, rules: tuple[KeyedRule, ...]) -> list[Slot]:
    slots = []
    for read in reads:
        cells = _cells_for(read.spec, with_optional)
        keys = [c.key for c in cells]
        local = tuple(r for r in rules if not r.derive and {r.total, *r.parts} <= set(keys))

        def fits(values: tuple[float | None, ...], keys: list[str] = keys, local=local) -> bool:
            return violations(dict(zip(keys, values, strict=True)), local) == 0

        cands, kind = line_candidates(read, len(cells), fits)
        slots.append(Slot(read, cells, keys, cands, kind))
    return slots


def _uses_optional(reads: list[LineRead]) -> dict[str, bool]:
    """Per section: whether most lines print the optional columns (e.g. a 小计 column)."""
    out: dict[str, bool] = {}
    for section in {r.spec.section for r in reads}:
        rows = [r for r in reads if r.spec.section == section]
        full = len(rows[0].spec.cells)
        base = len(_cells_for(rows[0].spec, False))
        if full == base:
            out[section] = False
            continue
        n_full = sum(len(r.values) == full for r in rows)
        out[section] = n_full > sum(len(r.values) == base for r in rows)
    return out


def _emit(slot: Slot, kept: list[Candidate], form_code: str, lines: list[str]) -> tuple[list[Fact], list[ParseIssue]]:
    read = slot.read
    facts: list[Fact] = []
    issues: list[ParseIssue] = []
    if not kept:
        what = {"unreadable": "a cell is not a number", "too_many": "too many possible readings"}.get(
            slot.kind, "no reading fits the columns")
        issues.append(_issue("row_unreadable",
                             f"{read.spec.key}: {len(read.values)} cells under {len(slot.cells)} columns, {what}; "
                             "no figure emitted", read, lines))
        return facts, issues
    approx = _approx_flags(read, len(slot.cells))
    line, text = _source(read, lines)
    ambiguous = []
    for i, cell in enumerate(slot.cells):
        options = {c.values[i] for c in kept}
        if len(options) != 1:
            ambiguous.append(cell.column)
            continue
        value = options.pop()
        if value is None:
            continue
        facts.append(Fact(
            indicator_code=cell.row.indicator_code or "", value=value, unit=cell.row.unit, source="table",
            source_line=line, source_text=text, channel_code=cell.row.channel_code,
            applicant_type=cell.applicant, value_qualifier="approx" if approx[i] else "exact",
            form_code=form_code, row_key=cell.row.key, column_key=cell.column,
        ))
    repairs = sorted({c.repair for c in kept if c.repair})
    if ambiguous:
        issues.append(_issue(
            "row_ambiguous",
            f"{read.spec.key}: {len(read.values)} cells under {len(slot.cells)} columns; {len(kept)} readings "
            f"satisfy the form's rules equally ({'; '.join(repairs)}); no figure for column(s) {ambiguous}",
            read, lines))
    elif repairs:
        chosen = ", ".join("-" if v is None else f"{v:g}" for v in kept[0].values)
        code = "glued_digits_split" if any("glued" in r for r in repairs) else "row_cells_repaired"
        issues.append(_issue(
            code,
            f"{read.spec.key}: {len(read.values)} cells under {len(slot.cells)} columns; "
            f"{'; '.join(repairs)}; chose [{chosen}], the only reading consistent with the form's rules",
            read, lines, "info"))
    return facts, issues


def _derived_facts(facts: list[Fact], form: Form) -> list[Fact]:
    """Sums the form declares (derive_* rules), from figures read; never from missing ones."""
    by_key = {fact_key(f.indicator_code, f.channel_code, f.applicant_type): f for f in facts}
    rows = {r.indicator_code: r for r in form.rows if r.section == DERIVED_SECTION}
    out = []
    for r in keyed_rules(form.code):
        ind, channel, applicant = split_fact_key(r.total)
        if not r.derive or ind not in rows or not all(p in by_key for p in r.parts):
            continue
        parts = [by_key[p] for p in r.parts]
        out.append(Fact(
            indicator_code=ind, value=sum(p.value for p in parts), unit=rows[ind].unit, source="table",
            source_line=parts[0].source_line, source_text=parts[0].source_text, channel_code=channel,
            applicant_type=applicant,
            value_qualifier="approx" if any(p.value_qualifier == "approx" for p in parts) else "exact",
            form_code=form.code, row_key=rows[ind].key, column_key="derived",
        ))
    return out


# --------------------------------------------------------------------------- entry point


def _plausible(read: LineRead) -> bool:
    """A line whose figures could fill its columns (at least half of them are printed)."""
    n = len(_cells_for(read.spec, False))
    return 2 * len(read.values) >= n or any(len(t.text) >= n for t in read.values if t.kind == "num")


def _form_score(toks: list[Tok], reads: list[LineRead], form_code: str) -> tuple[int, int]:
    """(distinctive labels seen, lines with figures): which form the report prints."""
    marks = distinctive_labels(form_code)
    seen = {normalize_label(t.text) for t in toks if t.kind == "text" and len(t.text) <= 60}
    hits = sum(1 for s in seen if s in marks or any(m in s and len(m) >= 4 for m in marks))
    return hits, len(reads)


def parse_form(lines: list[str], form_code: str, toks: list[Tok] | None = None) -> TableResult:
    """Read one named form from normalised lines (no detection)."""
    form = load_forms()[form_code]
    toks = tokenize(lines) if toks is None else toks
    reads = read_lines(toks, form_code)
    optional = _uses_optional(reads)
    rules = keyed_rules(form_code)
    result = TableResult(form_code, rows_expected=sum(1 for s in line_specs(form_code) if s.cells),
                         rows_found=len(reads))
    by_section: dict[str, list[LineRead]] = {}
    for read in reads:
        by_section.setdefault(read.spec.section, []).append(read)
    for section, section_reads in by_section.items():
        slots = _slots(section_reads, optional.get(section, False), rules)
        for slot in slots:
            slot.candidates = [_resolve_inferred(c, slot.keys, rules) for c in slot.candidates]
            _prune_within(slot, rules)
        for slot, kept in zip(slots, solve(slots, rules), strict=True):
            facts, issues = _emit(slot, kept, form_code, lines)
            result.facts.extend(facts)
            result.issues.extend(issues)
    result.facts.extend(_derived_facts(result.facts, form))
    missing = [s.key for s in line_specs(form_code) if s.cells and s.key not in {r.spec.key for r in reads}]
    if missing and reads:
        result.issues.append(ParseIssue(
            "rows_not_found", f"{form_code}: {len(missing)} form line(s) not found: {', '.join(missing[:20])}",
            "info"))
    return result


def parse_new_table(lines: list[str]) -> TableResult | None:
    """The 2019+ statistics tables of a report, or None when it prints none."""
    toks = tokenize(lines)
    scored = []
    for code in FORM_CODES:
        reads = read_lines(toks, code)
        scored.append((_form_score(toks, reads, code), code, reads))
    _, code, reads = max(scored, key=lambda s: s[0])
    plausible = [r for r in reads if _plausible(r)]
    if len(plausible) < MIN_FIGURE_LINES or sum(r.spec.section == "requests" for r in plausible) < 2:
        return None
    result = parse_form(lines, code, toks)
    return result if result.facts else None
