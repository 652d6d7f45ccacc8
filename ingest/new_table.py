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
   lists the readings that keep the rules inside the line (ingest.new_table_repair:
   a bounded search pruned by the invariants, no blind enumeration), then narrows
   them with the rules across lines (column sums, 一+二 = (七)+四);
4. emits only cells that are equal in every surviving reading, and records
   each repair or remaining ambiguity (with the row's raw text) as a ParseIssue.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import Literal

from ingest.forms import Form, FormRow, fact_key, load_forms, split_fact_key
from ingest.models import Fact, ParseIssue, TableResult
from ingest.new_table_repair import (
    MAX_EXTRA,
    Equation,
    Printed,
    Row,
    SumRule,
    equation_violated,
    narrow,
    row_candidates,
    row_violated,
)
from ingest.numbers import (
    BLANK_CELLS,
    CELL_UNITS,
    DASH_CELLS,
    MIN_DASHES_FOR_ZEROS,
    ocr_digits,
    parse_number_cell,
)
from ingest.text import WORDING_CACHE_SIZE, differ_in_negation

FORM_CODES = ("new_2021", "new_2019")
DERIVED_SECTION = "derived"
DERIVE_PREFIX = "derive_"

WINDOW = 12  # form lines ahead that a fuzzy label may match; farther needs an exact label
MIN_FAR_LABEL = 4  # shortest label allowed to jump beyond the window
FUZZY_MIN = 0.75  # SequenceMatcher ratio for a fuzzy label match
MIN_FIGURE_LINES = 4  # fewer lines with figures than this is not a 2019+ table
HEADER_LINES = 12  # lines above a table's first row where its column headings may stand
MIN_COLUMN_MAJOR_LABELS = 2  # line labels in a run before their cells, for a table flattened column by column
SOURCE_SLACK_LINES = 4  # lines other than its figures' that a line's source text may span (wrapped label, headings)
MAX_PAGE_NUMBER = 1000  # a bare number under a column below this may be a page number

TokKind = Literal["text", "num", "blank", "gap", "pad"]


# Not frozen, for speed; treated as immutable (see ingest.layout.Cell).
@dataclass(slots=True, unsafe_hash=True)
class Tok:
    kind: TokKind
    text: str
    line: int  # 0-based index into the normalised lines


@dataclass(frozen=True, slots=True)
class LineCell:
    column: str
    row: FormRow
    applicant: str  # applicant type this cell reports ("all" outside the matrix)

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
    label_text: str = ""  # the label as read (joined when it was wrapped over lines)

    @property
    def values(self) -> list[Tok]:
        return [t for t in self.toks if t.kind in ("num", "blank")]


# --------------------------------------------------------------------------- labels

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]|\(\s*[一二三四五六七八九十\d]+\s*\)|[一二三四五六七八九十]+\)"
    r"|\d{1,2}\s*[.、,)](?!\d)|[①-⑳])\s*"
)
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_NOISE = re.compile(r"[\s“”\"'‘’《》<>「」:;,。.、!?*#_~·]")


@lru_cache(maxsize=65536)  # table labels repeat across reports: normalise each wording once
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
    # A negation flips the meaning in one character (予以公开 / 不予公开): never fuzzy across it.
    if abs(len(text) - len(label)) <= max(2, len(label) // 3) and not differ_in_negation(text, label):
        ratio = SequenceMatcher(None, text, label).ratio()
        if ratio >= FUZZY_MIN:
            return ratio
    return 0.0


# --------------------------------------------------------------------------- form specs


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
        columns = form.table_columns(first.section)
        if line in grouped:
            by_column = {r.key.split(".", 1)[1]: r for r in grouped[line]}
            cells = tuple(LineCell(c["key"], by_column[c["key"]], "all") for c in columns if c["key"] in by_column)
            specs.append(LineSpec(line, first.section, _labels(first.label, *first.aliases), cells))
        elif first.indicator_code is None:
            specs.append(LineSpec(line, first.section, _labels(first.label, *first.aliases), ()))
        else:
            cells = tuple(LineCell(c["key"], first, c.get("applicant", "all")) for c in columns)
            specs.append(LineSpec(line, first.section, _labels(first.label, *first.aliases), cells))
    return tuple(specs)


ColumnSet = frozenset[str]  # the column keys a table prints (LineCell.column)


@cache
def column_sets(form_code: str, section: str) -> tuple[ColumnSet, ...]:
    """The column sets a section's table is printed with (Form.column_sets), the form's own first."""
    return tuple(frozenset(s.columns) for s in load_forms()[form_code].table_column_sets(section))


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
_BLANK_MARK = r"(?:[/\\]|-{1,3}|—{1,2})"
_TRAILING_NUMS = re.compile(
    rf"^(?P<text>.*?[^\d\s.,+\-/\\—–])(?:\s*(?P<first>{_NUM})|\s+(?P<first_blank>{_BLANK_MARK}))"
    rf"(?P<rest>(?:\s+(?:{_NUM}|{_BLANK_MARK}))*)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _is_blank(piece: str) -> bool:
    return piece.strip() in BLANK_CELLS and piece.strip() != ""


# A figure followed by its unit in the cell ('14件', '104.17万元'): the unit is the form's.
_UNIT_SUFFIXED = re.compile(rf"({_NUM}){CELL_UNITS}")
_ZERO_CHARACTERS = frozenset("〇零○")  # a zero written as a character, alone in its cell


def _value_piece(piece: str) -> str | None:
    """A figure as printed, normalised ('减3' -> '-3', '14件' -> '14', '〇' -> '0', OCR's '1O' ->
    '10'); None when the piece is not a figure."""
    piece = ocr_digits(piece)
    m = _CHANGE_RE.match(piece)
    if m:
        return ("-" if m.group(1).startswith("减") else "") + m.group(2)
    if _NUM_RE.fullmatch(piece):
        return piece
    m = _UNIT_SUFFIXED.fullmatch(piece)
    if m:
        return m.group(1)
    return "0" if piece in _ZERO_CHARACTERS else None


# '14 件': a unit parted from its figure by a space (as spreadsheets and PDF exports align them).
_SPACED_UNIT = re.compile(rf"(\d)\s+(?={CELL_UNITS}(?:\s|$))")


# A numbered label after a single space inside one piece of text: cells joined by single spaces
# (PDF text) put a group label and its first row's label together (三、本年度办理结果 (一) 予以公开).
_NUMBERED_AFTER_SPACE = re.compile(
    r"\s+(?=(?:[一二三四五六七八九十]+、|\(\s*[一二三四五六七八九十]+\s*\)|\d{1,2}\s*\.(?!\d))\s*[\u4e00-\u9fff])")


def _text_toks(text: str, line: int) -> list[Tok]:
    return [Tok("text", part, line) for part in _NUMBERED_AFTER_SPACE.split(text) if part]


def _piece_tokens(piece: str, line: int) -> list[Tok]:
    parts = _SPACED_UNIT.sub(r"\1", piece).split()
    if parts and all(_is_blank(p) or _value_piece(p) is not None for p in parts):
        return [Tok("blank", p, line) if _is_blank(p) else Tok("num", _value_piece(p) or p, line) for p in parts]
    m = _TRAILING_NUMS.match(piece)
    if m and _CJK.search(m.group("text")):
        cells = [m.group("first") or m.group("first_blank"), *m.group("rest").split()]
        return _text_toks(m.group("text").strip(), line) + [
            Tok("blank", c, line) if _is_blank(c) else Tok("num", _value_piece(c) or c, line) for c in cells]
    return _text_toks(piece, line)


def tokenize(lines: list[str]) -> list[Tok]:
    """Tokens of every line, in reading order; empty lines become 'gap' tokens."""
    toks: list[Tok] = []
    for i, raw in enumerate(lines):
        if not raw.strip():
            # normalize_text leaves no line of spaces only (it drops spaces ending a line): an
            # empty line, whether it was empty or held spaces or a non-breaking space, is a gap,
            # read as a blank cell where that fills a row (_trim_gaps).
            toks.append(Tok("gap", "", i))
            continue
        if _FOOTER.match(raw) or _MD_SEPARATOR.match(raw):
            continue
        toks.extend(_line_tokens(raw, i))
    return toks


_CELL_SEP = re.compile(r"[\t|]")
_PIECE_SEP = re.compile(r"\s{2,}")


def _line_tokens(raw: str, i: int) -> list[Tok]:
    """Tokens of one line (see _line_token_kinds), on line i."""
    return [Tok(kind, text, i) for kind, text in _line_token_kinds(raw)]


@lru_cache(maxsize=WORDING_CACHE_SIZE)  # table lines recur across reports: tokenise each wording once
def _line_token_kinds(raw: str) -> tuple[tuple[TokKind, str], ...]:
    """(kind, text) of the tokens of one line. In a tab or pipe table an empty cell between
    two figures is a blank cell; empty cells between a label and its first figure may be
    blank cells or label columns (merged group labels), so they become 'pad' tokens that
    fill a row only when it lacks cells (see _cell_values)."""
    return tuple((t.kind, t.text) for t in _line_toks(raw))


def _line_toks(raw: str) -> list[Tok]:
    i = 0  # a placeholder: _line_tokens puts in the real line number
    out: list[Tok] = []
    empties = 0
    for cell in _CELL_SEP.split(raw):
        cell_toks = [t for piece in _PIECE_SEP.split(cell.strip()) if piece for t in _piece_tokens(piece, i)]
        if not cell_toks:
            empties += 1
            continue
        if empties and out and cell_toks[0].kind in ("num", "blank"):
            kind = "blank" if out[-1].kind in ("num", "blank") else "pad" if out[-1].kind in ("text", "pad") else ""
            if kind:
                out.extend(Tok(kind, "", i) for _ in range(empties))  # type: ignore[arg-type]
        empties = 0
        out.extend(cell_toks)
    return out


# --------------------------------------------------------------------------- reading lines


@lru_cache(maxsize=4096)  # few texts recur here: a small cache is enough
def _spec_scores(norm: str, form_code: str) -> tuple[tuple[float, float, float], ...]:
    """Per form line: (best score, best score of a long label, best exact score) for a text."""
    out = []
    for spec in line_specs(form_code):
        near = far_long = exact = 0.0
        for label in spec.labels:
            sc = label_score(norm, label)
            near = max(near, sc)
            if sc >= 1.0 and len(label) >= MIN_FAR_LABEL:
                far_long = max(far_long, sc)
            if sc >= 2.0:
                exact = max(exact, sc)
        out.append((near, far_long, exact))
    return tuple(out)


@lru_cache(maxsize=WORDING_CACHE_SIZE)  # the same label at the same form position recurs across reports
def _best_spec(text: str, form_code: str, pos: int, figures_follow: bool) -> tuple[int, float] | None:
    """The form line a text cell names, searching forward from `pos`.

    Beyond WINDOW lines ahead only an unmistakable label counts: a long one contained
    in the text, or one equal to the text and followed directly by figures (a short
    label such as 总计 is also a column heading, which no figures follow).
    """
    norm = normalize_label(text)
    if not norm:
        return None
    scores = _spec_scores(norm, form_code)
    best: tuple[int, float] | None = None
    for j in range(pos, len(scores)):
        near, far_long, exact = scores[j]
        score = near if j - pos < WINDOW else max(far_long, exact if figures_follow else 0.0)
        if score > 0 and (best is None or score > best[1] + 1e-9):
            best = (j, score)
    return best


def _is_column_heading(text: str, form_code: str) -> bool:
    """A column heading (or part of one) as printed: no line's numbering."""
    return not _NUMBERING.match(text) and _heading_word(normalize_label(text), form_code)


@cache
def _one_line_table(spec: LineSpec, form_code: str) -> bool:
    """Whether the line is the only one with figures in its table (the 复议/诉讼 table)."""
    return sum(1 for s in line_specs(form_code) if s.section == spec.section and s.cells) == 1


@lru_cache(maxsize=WORDING_CACHE_SIZE)
def _heading_word(norm: str, form_code: str) -> bool:
    """A column heading, or part of one wrapped over lines (结果 / 维持, 商业 / 企业)."""
    return bool(norm) and any(norm in h for h in header_words(form_code))


def _figures_follow(toks: list[Tok]) -> list[bool]:
    """Per token: whether the next token that is not an empty line is a figure or a blank cell."""
    out = [False] * len(toks)
    nxt = False
    for i in range(len(toks) - 1, -1, -1):
        out[i] = nxt
        if toks[i].kind not in ("gap", "pad"):
            nxt = toks[i].kind in ("num", "blank")
    return out


MAX_LABEL_PIECES = 3  # a PDF wraps a label cell onto at most this many lines


def _joined_label_hit(pieces: list[str], text: str, form_code: str, pos: int) -> tuple[int, float] | None:
    """The form line named by a label wrapped over several lines ('5.要求行政机关确' / '认或重新出具
    已获' / '取信息'), read from the pieces before the one the figures follow. Only a near,
    nearly exact match counts (each piece alone names nothing)."""
    for n in range(1, min(MAX_LABEL_PIECES, len(pieces)) + 1):
        joined = "".join(pieces[-n:]) + text
        hit = _best_spec(joined, form_code, pos, True)
        if hit is not None and hit[0] - pos < WINDOW and hit[1] >= 1.0:
            return hit
    return None


def read_lines(toks: list[Tok], form_code: str) -> list[LineRead]:
    """Assign figures to form lines by walking labels in form order."""
    specs = line_specs(form_code)
    headers = header_words(form_code)
    follow = _figures_follow(toks)
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

    pieces: list[str] = []  # text cells since the last figure: maybe a label split over lines
    piece_line = 0  # the line of the first of them
    # Figures after text naming no line, kept until the next text: one cell per line, a label
    # wrapped over two lines in a row whose figures are centred between them (PDF text:
    # 四、结转下年 / 0 0 0 0 0 0 0 / 度继续办理), the head then the figures then the tail.
    orphans: list[Tok] = []
    orphan_head: list[str] = []
    orphan_line = 0

    def find(text: str, figures_follow: bool) -> tuple[int, float] | None:
        hit = _best_spec(text, form_code, pos, figures_follow)
        if hit is None and pieces and figures_follow and normalize_label(text) not in headers:
            hit = _joined_label_hit(pieces, text, form_code, pos)
        return hit

    for i, tok in enumerate(toks):
        if tok.kind == "text" and orphans:
            hit = _wrapped_label_hit(orphan_head, tok.text, form_code, pos, follow[i])
            if hit is not None:
                pos_before = pos
                current = LineRead(specs[hit[0]], orphan_line, list(orphans))
                pos = hit[0] + 1
                orphans.clear()
                pieces.clear()
                continue
            if _is_column_heading(orphan_head[-1], form_code):
                # Figures under column headings before the table's label: the 复议/诉讼 table
                # printed column by column, its merged heading (行政复议) centred above its
                # columns. Its figures and headings go on until that label.
                if _is_column_heading(tok.text, form_code):
                    continue
                hit = find(tok.text, follow[i])
                if hit is not None and _one_line_table(specs[hit[0]], form_code):
                    pos_before = pos
                    current = LineRead(specs[hit[0]], tok.line, list(orphans), label_text=tok.text)
                    pos = hit[0] + 1
                    orphans.clear()
                    pieces.clear()
                    continue
            orphans.clear()
        if tok.kind == "text":
            if not pieces:
                piece_line = tok.line
            hit = find(tok.text, follow[i])
            if hit is not None:
                if current is not None and current.spec is specs[hit[0]] and not current.values:
                    pieces.append(tok.text)
                    continue  # label continued on the next line
                finish()
                hit = find(tok.text, follow[i])  # finish() may have moved back
            pieces.append(tok.text)
            if hit is not None:
                j, _ = hit
                pos_before = pos
                current = LineRead(specs[j], tok.line, label_text=tok.text)
                pos = j + 1
                continue
            norm = normalize_label(tok.text)
            if current is not None and (not current.values or not norm or _heading_word(norm, form_code)):
                continue  # column headings (whole or wrapped) or a split label between label and figures
            finish()
        elif current is not None and (current.spec.cells or tok.kind not in ("num", "blank")):
            current.toks.append(tok)
        elif tok.kind in ("num", "blank") and (pieces or orphans):
            # (A group header takes no figures: those after it and a label's head are orphans too.)
            if current is not None:
                finish()
            if not orphans:
                orphan_head, orphan_line = list(pieces), piece_line
            orphans.append(tok)
        if tok.kind in ("num", "blank"):
            pieces.clear()
    finish()
    return [r for r in reads if r.spec.cells]


def _wrapped_label_hit(head: list[str], tail: str, form_code: str, pos: int, tail_figures_follow: bool
                       ) -> tuple[int, float] | None:
    """The form line a label wrapped around its figures names (read_lines: head, figures,
    tail): a near line that the tail joined to the last text cells before the figures names
    nearly exactly, better than the tail alone."""
    own = _best_spec(tail, form_code, pos, tail_figures_follow)
    for n in range(1, min(MAX_LABEL_PIECES, len(head)) + 1):
        hit = _best_spec("".join(head[-n:]) + tail, form_code, pos, True)
        if hit is not None and hit[0] - pos < WINDOW and hit[1] >= 1.0 and (own is None or hit[1] > own[1]):
            return hit
    return None


# --------------------------------------------------------------------------- readings


def _number(tok: Tok) -> float | None:
    # parse_number_cell reads unsigned figures; 本年增/减 columns may print a sign.
    sign = -1.0 if tok.text.startswith("-") else 1.0
    n = parse_number_cell(tok.text.lstrip("+-"))
    return None if n is None else sign * n.value


def _trim_gaps(toks: list[Tok], n: int, lead_is_layout: bool = False) -> list[Tok] | None:
    """One cell per line with empty lines as blank cells: read gaps as blanks if that fills the line
    (without the gaps before the first cell when those are layout: _leading_gaps_are_layout)."""
    first = next((i for i, t in enumerate(toks) if t.kind != "gap"), len(toks)) if lead_is_layout else 0
    last = max((i for i, t in enumerate(toks) if t.kind != "gap"), default=-1)
    run = toks[first: last + 1]
    lines = [t.line for t in run if t.kind != "gap"]
    if len(run) == n and len(lines) == len(set(lines)):
        return [Tok("blank", "", t.line) if t.kind == "gap" else t for t in run]
    return None


def _printed(vals: list[Tok]) -> list[Printed] | None:
    """Cells as the repair search takes them: digit runs (maybe glued), other figures, blanks."""
    out: list[Printed] = []
    for t in vals:
        if t.kind == "blank":
            out.append(None)
        elif t.text.isdigit() and len(t.text) > 1:
            out.append(t.text)
        else:
            v = _number(t)
            if v is None:
                return None
            out.append(v)
    return out


def _fill_pads(toks: list[Tok], n: int) -> list[Tok] | None:
    """Empty tab/pipe cells before a line's first figure read as blank cells, nearest first,
    when the figures alone do not fill the line."""
    vals = [t for t in toks if t.kind in ("num", "blank")]
    pads = [i for i, t in enumerate(toks) if t.kind == "pad"]
    need = n - len(vals)
    if need <= 0 or len(pads) < need:
        return None
    use = set(pads[-need:])
    return [Tok("blank", "", t.line) if i in use else t for i, t in enumerate(toks)
            if i in use or t.kind in ("num", "blank")]


def _full_rows_print(reads: list[LineRead], columns: ColumnSet, prints: Callable[[LineRead], bool]) -> bool:
    """Whether the rows that print a cell (figure or blank mark) for every column mostly show
    `prints` (at least as many of them as not, and one at least): what a table's complete
    rows do tells whether the same thing on an incomplete row is layout or a lost cell."""
    shown = not_shown = 0
    for read in reads:
        n = len(_cells_for(read.spec, columns))
        if n == 0 or len(read.values) != n:
            continue
        if prints(read):
            shown += 1
        else:
            not_shown += 1
    return shown > 0 and shown >= not_shown


def _leading_gaps_are_layout(reads: list[LineRead], columns: ColumnSet) -> bool:
    """Whether, in this table, the empty lines between a row's label and its first cell are layout.

    Flattened one cell per line with its empty cells kept, a row whose label leaves a label
    column empty (the 1./2./3. sub-item column of the 2021 form's matrix, empty on the other
    rows) prints an empty line before its figures. Read as a blank figure, it slides the row
    one column right, and when a column was also lost the row still fills and keeps its sum
    rules. Rows whose figures alone fill every column tell: they print that empty line too
    only when it is layout.
    """
    return _full_rows_print(reads, columns,
                            lambda read: next(t for t in read.toks if t.kind != "pad").kind == "gap")


def _pads_are_layout(reads: list[LineRead], columns: ColumnSet) -> bool:
    """Whether, in this table, the empty tab/pipe cells between a row's label and its first cell
    are a label column (the 2021 matrix's sub-item column, merged group labels) rather than
    blank cells: when the rows that print every column print such an empty cell too, a row
    that lacks a cell has lost one; it is not the empty cell before its figures.
    """
    return _full_rows_print(reads, columns, lambda read: any(t.kind == "pad" for t in read.toks))


def _cell_values(read: LineRead, n: int, pads: bool = False, lead_is_layout: bool = False) -> list[Tok]:
    vals = read.values
    if n == 1 and len(vals) > 1:
        # A one-column line (行政许可 | 39732 | — | —): its one figure, whatever blank cells
        # stand around it (cells the form does not have).
        figures = [t for t in vals if t.kind == "num"]
        if len(figures) == 1:
            return figures
    if len(vals) < n:
        filled = _trim_gaps([t for t in read.toks if t.kind != "pad"], n, lead_is_layout)
        if filled is not None:
            return filled
        filled = _fill_pads(read.toks, n) if pads else None
        if filled is not None:
            return filled
    return vals


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


@cache
def equations(form_code: str) -> tuple[Equation, ...]:
    """The form's sum rules over printed figures: derived figures replaced by their parts."""
    rules = keyed_rules(form_code)
    derived = {r.total: r.parts for r in rules if r.derive and r.op == "eq"}

    def expand(keys: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p for k in keys for p in derived.get(k, (k,)))

    return tuple(Equation(r.name, expand((r.total,)), expand(r.parts))
                 for r in rules if not r.derive and r.op == "eq")


@cache
def row_rules(keys: tuple[str, ...], form_code: str) -> tuple[SumRule, ...]:
    """The form's sum rules that live inside one row, by column position."""
    index = {k: i for i, k in enumerate(keys)}
    out = []
    for eq in equations(form_code):
        if len(eq.lhs) == 1 and all(k in index for k in (*eq.lhs, *eq.rhs)):
            out.append(SumRule(index[eq.lhs[0]], tuple(index[p] for p in eq.rhs)))
    return tuple(out)


# --------------------------------------------------------------------------- solving a table


@dataclass(slots=True)
class Slot:
    """A line being solved: its cells, its readings, and why it needed repair."""

    read: LineRead
    cells: tuple[LineCell, ...]
    row: Row
    kind: str  # "", "extra", "missing", "unreadable", "too_many"
    cell_texts: tuple[str, ...] = ()


def _cells_for(spec: LineSpec, columns: ColumnSet) -> tuple[LineCell, ...]:
    return tuple(c for c in spec.cells if c.column in columns)


def _slot(read: LineRead, columns: ColumnSet, form_code: str, pads: bool = False,
          lead_is_layout: bool = False) -> Slot:
    cells = _cells_for(read.spec, columns)
    keys = tuple(c.key for c in cells)
    vals = _cell_values(read, len(cells), pads, lead_is_layout)
    printed = _printed(vals)
    texts = tuple(t.text for t in vals)
    if printed is None:
        return Slot(read, cells, Row(keys, []), "unreadable", texts)
    cands, kind = row_candidates(printed, len(cells), row_rules(keys, form_code), texts)
    return Slot(read, cells, Row(keys, cands), kind, texts)


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """Which column set a section's table prints: as its rows' figure counts say, and as its
    headings say (None when no heading is found); `named`: the columns whose heading is found."""

    rows: ColumnSet
    headings: ColumnSet | None
    named: frozenset[str] = frozenset()


def _headings_choice(sets: tuple[ColumnSet, ...], named: set[str]) -> ColumnSet | None:
    """The set the column headings printed above the table point at: fewest headings of columns
    it lacks, then most headings of its columns, then fewest columns without a heading
    (headings are lost more often than invented); None when no heading is found."""
    if not named:
        return None
    return min(sets, key=lambda s: (len(named - s), -len(named & s), len(s - named)))


def _column_choice(reads: list[LineRead], toks: list[Tok], form_code: str) -> dict[str, ColumnChoice]:
    """Per section, the column set its table prints (the form's own, with the 小计 column,
    or the legal persons merged: Form.column_sets).

    Rows whose figure count is that of one set decide by majority; a tie (glued digits, or
    no row telling) goes to the set the headings point at, else to the form's own.
    """
    form = load_forms()[form_code]
    out: dict[str, ColumnChoice] = {}
    for section in {r.spec.section for r in reads}:
        sets = column_sets(form_code, section)
        if len(sets) == 1:
            out[section] = ColumnChoice(sets[0], None)
            continue
        rows = [r for r in reads if r.spec.section == section]
        labels = {n: str(c["key"]) for c in form.table_columns(section)
                  for n in _labels(str(c["label"]), *c.get("aliases", ()))}
        # Headings stand above the first line with cells: row labels below (3.其他, (七)总计)
        # are not headings.
        first = min(r.label_line for r in rows) - HEADER_LINES
        body = min((r.label_line for r in rows if r.spec.cells), default=first)
        named = {labels[n] for t in toks if t.kind == "text" and first <= t.line < body
                 and (n := normalize_label(t.text)) in labels}
        headings = _headings_choice(sets, named)
        spec = next((r.spec for r in rows if r.spec.cells), rows[0].spec)
        counts = [sum(len(r.values) == len(_cells_for(spec, s)) for r in rows) for s in sets]
        tied = [s for s, n in zip(sets, counts, strict=True) if n == max(counts)]
        out[section] = ColumnChoice(headings if headings in tied else tied[0], headings, frozenset(named))
    return out


def _broken_rows(slots: list[Slot], form_code: str) -> int:
    """Rows with no reading, or none keeping the rules inside the row."""
    return sum(1 for s in slots if not s.row.candidates
               or all(row_violated(c.values, row_rules(s.row.keys, form_code)) for c in s.row.candidates))


def _section_slots(reads: list[LineRead], choice: ColumnChoice, form_code: str,
                   pads: bool = False) -> list[Slot]:
    """Slots of one table; the other column sets are tried when most rows break the row rules,
    or when the headings point at another set than the rows. Kept: the set breaking fewest
    rows, then lacking fewest columns whose heading is found (a 小计 heading), then repairing
    fewest rows (six figures are one lost cell under seven columns, not three extra ones under
    three), then the headings' set, then the rows'.

    (A conversion that lost the 总计 column of a table with a 小计 column prints as
    many figures per row as a table without 小计: the row sums, else the headings, tell.)
    """

    def slots_for(columns: ColumnSet) -> list[Slot]:
        lead = _leading_gaps_are_layout(reads, columns)
        return [_slot(read, columns, form_code, pads, lead) for read in reads]

    def ranked(columns: ColumnSet, slots: list[Slot]) -> tuple[int, int, int, int, list[Slot]]:
        preference = 0 if columns == choice.headings else 1 if columns == choice.rows else 2
        return (_broken_rows(slots, form_code), len(choice.named - columns), sum(1 for s in slots if s.kind),
                preference, slots)

    sets = column_sets(form_code, reads[0].spec.section)
    if len(sets) == 1:
        return slots_for(sets[0])
    best = ranked(choice.rows, slots_for(choice.rows))
    headings_disagree = choice.headings is not None and choice.headings != choice.rows
    if 2 * best[0] <= len(reads) and not headings_disagree:
        return best[4]
    for columns in sets:
        if columns != choice.rows:
            other = ranked(columns, slots_for(columns))
            if other[:4] < best[:4]:
                best = other
    return best[4]


def _unsettled(slots: list[Slot], form_code: str) -> tuple[int, int]:
    """(rows with no single reading, rules broken by the settled rows) after solving."""
    values: dict[str, float | None] = {}
    for s in slots:
        if len(s.row.candidates) == 1:
            values.update(zip(s.row.keys, s.row.candidates[0].values, strict=True))
    open_rows = sum(1 for s in slots if len(s.row.candidates) != 1)
    broken = sum(1 for eq in equations(form_code)
                 if any(k in values for k in (*eq.lhs, *eq.rhs)) and equation_violated(eq, values))
    return open_rows, broken


def _solved_slots(reads: list[LineRead], choice: ColumnChoice, form_code: str) -> list[Slot]:
    """Slots of one table, solved. Where empty tab/pipe cells stand between labels and
    figures, the reading that takes them for blank cells is kept only when it settles
    more rows without breaking more rules (they may be merged label columns instead)."""
    slots = _section_slots(reads, choice, form_code)
    solve(slots, form_code)
    if not any(t.kind == "pad" for r in reads for t in r.toks) or _pads_are_layout(reads, choice.rows):
        return slots
    padded = _section_slots(reads, choice, form_code, pads=True)
    solve(padded, form_code)
    plain_score, padded_score = _unsettled(slots, form_code), _unsettled(padded, form_code)
    if padded_score[1] <= plain_score[1] and padded_score[0] < plain_score[0]:
        return padded
    return slots


def solve(slots: list[Slot], form_code: str) -> None:
    """Narrow every slot's readings by the rules across rows, then prefer fully placed readings."""
    narrow([s.row for s in slots], equations(form_code))
    for s in slots:
        if len(s.row.candidates) > 1:
            fewest = min(c.unresolved for c in s.row.candidates)
            s.row.candidates = [c for c in s.row.candidates if c.unresolved == fewest]


# --------------------------------------------------------------------------- facts


def _source(read: LineRead, lines: list[str]) -> tuple[int, str]:
    """The line the figures stand on (with its label when they share it), 1-based."""
    value_lines = sorted({t.line for t in read.values})
    if len(value_lines) == 1:
        return value_lines[0] + 1, lines[value_lines[0]].strip()[:500]
    span = range(read.label_line, (value_lines[-1] if value_lines else read.label_line) + 1)
    if len(span) > len(value_lines) + SOURCE_SLACK_LINES:
        # Figures far from their label (a table flattened column by column): the label (whole,
        # when it was wrapped) and the figures' own lines, not the other rows' cells between.
        label = read.label_text or lines[read.label_line].strip()
        text = " | ".join([label, *(lines[i].strip() for i in value_lines if lines[i].strip())])
        return read.label_line + 1, text[:500]
    text = " | ".join(lines[i].strip() for i in span if lines[i].strip())
    return read.label_line + 1, text[:500]


def _issue(code: str, message: str, read: LineRead, lines: list[str], severity: str = "warning") -> ParseIssue:
    line, text = _source(read, lines)
    return ParseIssue(code, message, severity, line, text)  # type: ignore[arg-type]


def _approx_flags(slot: Slot) -> list[bool]:
    n = len(slot.cells)
    if len(slot.cell_texts) != n:
        return [False] * n
    return [bool(re.search(r"[余多约近]", t)) for t in slot.cell_texts]


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:g}" if abs(v) < 1e15 else str(v)


def _emit(slot: Slot, form_code: str, lines: list[str]) -> tuple[list[Fact], list[ParseIssue]]:
    read = slot.read
    kept = slot.row.candidates
    facts: list[Fact] = []
    issues: list[ParseIssue] = []
    count = f"{read.spec.key}: {len(slot.cell_texts)} cells under {len(slot.cells)} columns"
    if not kept:
        what = {"unreadable": "a cell is not a number", "too_many": "too many possible readings to try",
                "extra": f"more than {MAX_EXTRA} cells beyond its columns (cells of other rows)"
                }.get(slot.kind, "no reading fits the columns")
        issues.append(_issue("row_unreadable", f"{count}, {what}; no figure emitted", read, lines))
        return facts, issues
    approx = _approx_flags(slot)
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
        readings = "; ".join("[" + ", ".join(_fmt(v) for v in c.values) + "]" for c in kept[:6])
        issues.append(_issue(
            "row_ambiguous",
            f"{count}; {len(kept)} readings satisfy the form's rules equally ({readings}); "
            f"no figure for column(s) {ambiguous}",
            read, lines))
    elif repairs:
        chosen = ", ".join(_fmt(v) for v in kept[0].values)
        code = "glued_digits_split" if any("glued" in r for r in repairs) else "row_cells_repaired"
        issues.append(_issue(
            code,
            f"{count}; {'; '.join(repairs)}; chose [{chosen}], the only reading consistent with the form's rules",
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


# --------------------------------------------------------------------------- column by column


def _is_heading(tok: Tok, headers: frozenset[str]) -> bool:
    """A column heading: a header word printed without a line's numbering (总计 and 其他 also
    name lines, printed 7.总计, 3.其他)."""
    return tok.kind == "text" and normalize_label(tok.text) in headers and not _NUMBERING.match(tok.text)


@lru_cache(maxsize=WORDING_CACHE_SIZE)
def _run_label_scores(text: str, form_code: str) -> tuple[float, ...]:
    """Per form line, how well a label cell alone on its line names it: as label_score, or as
    the head of the label wrapped over lines (5.要求行政机关确 / 认或重新出具已获取 / 信息). A
    short label merely inside the text names nothing (其他 in 2.其他法律 / 法规禁止公开)."""
    norm = normalize_label(text)
    if not norm:
        return (0.0,) * len(line_specs(form_code))
    out = []
    for spec in line_specs(form_code):
        best = 0.0
        for label in spec.labels:
            score = label_score(norm, label)
            if 1.0 <= score < 2.0 and len(label) < MIN_FAR_LABEL and label in norm:
                score = 0.0
            if len(norm) >= MIN_FAR_LABEL and label.startswith(norm):
                score = max(score, 1.0 + len(norm) / len(label))  # as a label it contains
            best = max(best, score)
        out.append(best)
    return tuple(out)


def _unclosed(text: str) -> bool:
    """Whether a text leaves a parenthesis open (a label's note wrapped onto the next line)."""
    return text.count("(") > text.count(")")


def _label_head(text: str, spec: LineSpec) -> bool:
    """Whether a text is the head of one of a line's labels, or the whole of it."""
    norm = normalize_label(text)
    return len(norm) >= MIN_FAR_LABEL and any(label.startswith(norm) for label in spec.labels)


def _whole_label_specs(tok: Tok, form_code: str) -> tuple[int, ...]:
    """The form lines (indexes) a text cell names best as a label, or its wrapped head."""
    scores = _run_label_scores(tok.text, form_code)
    best = max(scores)
    return tuple(j for j, s in enumerate(scores) if s == best) if best > 0 else ()


PENDING = -1  # a numbered label's head naming no line yet (3.危及“三 / 安全一稳定”)
MAX_LABEL_EXCESS = 8  # characters a wrapped label may run beyond the form's longest (a note, a misprint)


@cache
def _longest_label(form_code: str) -> int:
    return max(len(label) for spec in line_specs(form_code) for label in spec.labels)


def _continues(item: tuple[int, Tok], tok: Tok, options: tuple[int, ...], score: float, form_code: str) -> bool:
    """Whether a label piece is the tail of the run's last label: a piece naming no line (其他情形)
    or the same line (a line is not labelled twice in a row), one the joined label names
    better than the piece alone, one after a head naming no line yet or leaving a note open
    ((区分处理的, 只计这 / 一情形, 不计其他情形))."""
    last, head = item
    if len(normalize_label(head.text + tok.text)) > _longest_label(form_code) + MAX_LABEL_EXCESS:
        return False  # longer than any label: prose, not a wrapped label
    if last == PENDING or not options or _unclosed(head.text):
        return True
    joined = _run_label_scores(head.text + tok.text, form_code)[last]
    own = _run_label_scores(tok.text, form_code)[options[0]]
    return (joined > score and (joined > own or last in options)) \
        or _label_head(head.text + tok.text, line_specs(form_code)[last])


def _label_run(toks: list[Tok], i: int, form_code: str, alone: set[int]) -> tuple[list[tuple[int, Tok]], int]:
    """Line labels each alone on its line from toks[i], with no figure between them: (form line
    index, label token) in printed order, and the index after the run. A label naming several
    lines (其他) takes the first one not taken, after the last one taken if it can; a label
    wrapped over lines (5.要求行政机关确认或重新 / 出具已获取信息) is joined (`_continues`), and
    named by the whole of it. A label's numbering (3., (四)) always starts a new label; one
    that names no line (PENDING) must be named once joined, or the run cannot pair."""
    specs = line_specs(form_code)
    headers = header_words(form_code)
    run: list[tuple[int, Tok]] = []
    score = 0.0  # of the last label
    taken: set[int] = set()
    j = i
    while j < len(toks):
        tok = toks[j]
        if tok.kind == "gap" or (tok.kind == "text" and not normalize_label(tok.text)):
            j += 1  # an empty line, or the closing quote of a wrapped label
            continue
        if tok.kind != "text" or tok.line not in alone or _is_heading(tok, headers):
            break
        options = _whole_label_specs(tok, form_code)
        numbered = bool(_NUMBERING.match(tok.text))
        if run and not numbered and _continues(run[-1], tok, options, score, form_code):
            last, head = run[-1]
            text = head.text + tok.text
            # The whole label may name another line than its head did ((六) 其他处 / 理: 其他处
            # holds 其他, a line of its own).
            scores = _run_label_scores(text, form_code)
            better = max((k for k in range(len(scores)) if k == last or k not in taken),
                         key=lambda k: (scores[k], k == last))
            taken.discard(last)
            if scores[better] > 0:
                taken.add(better)
            else:
                better = PENDING
            run[-1] = (better, Tok("text", text, head.line))
            score = scores[better] if better != PENDING else 0.0
            j += 1
            continue
        options = tuple(k for k in options if k not in taken)
        section = next((specs[k].section for k, _ in run if k != PENDING), None)
        if options and section is not None and specs[options[0]].section != section:
            break
        if not options:
            if not numbered:
                break
            run.append((PENDING, tok))
            score = 0.0
            j += 1
            continue
        last = max((k for k, _ in run), default=PENDING)
        k = next((k for k in options if k > last), options[0])
        taken.add(k)
        run.append((k, tok))
        score = _run_label_scores(tok.text, form_code)[k]
        j += 1
    return run, j


def _cell_run(toks: list[Tok], j: int, form_code: str, alone: set[int]) -> tuple[list[Tok], int]:
    """Cells each alone on its line from toks[j], column headings (whole or wrapped) and empty
    lines skipped."""
    cells: list[Tok] = []
    while j < len(toks):
        tok = toks[j]
        if tok.kind in ("num", "blank") and tok.line in alone:
            cells.append(tok)
        elif tok.kind != "gap" and not (tok.kind == "text" and _is_column_heading(tok.text, form_code)):
            break
        j += 1
    return cells, j


def _column_major_rows(run: list[tuple[int, Tok]], cells: list[Tok], form_code: str) -> list[Tok] | None:
    """The run's labels in form order, each followed by its cells, when the cells fill whole
    columns of the rows that take figures (a bare page number under the last column aside) and
    most rows then keep the sum rules inside them; None otherwise."""
    specs = line_specs(form_code)
    if any(k == PENDING for k, _ in run):
        return None  # a label no line was found for: which rows the cells are cannot be told
    ordered = sorted(run, key=lambda kt: kt[0])
    rows = [k for k, _ in ordered if specs[k].cells]
    if len(rows) < MIN_COLUMN_MAJOR_LABELS:
        return None
    if len(cells) % len(rows) == 1 and cells[-1].kind == "num" and cells[-1].text.isdigit() \
            and int(cells[-1].text) < MAX_PAGE_NUMBER:
        cells = cells[:-1]
    width = len(cells) // len(rows)
    fits = [s for s in column_sets(form_code, specs[rows[0]].section)
            if all(len(_cells_for(specs[k], s)) == width for k in rows)]
    if not fits or width * len(rows) != len(cells):
        return None
    by_row = {k: [cells[c * len(rows) + n] for c in range(width)] for n, k in enumerate(rows)}
    broken = 0
    for k, row_cells in by_row.items():
        keys = tuple(c.key for c in _cells_for(specs[k], fits[0]))
        broken += row_violated([_number(t) for t in row_cells], row_rules(keys, form_code))
    if 2 * broken > len(rows):
        return None  # the figures do not pair so: leave the text as printed
    out: list[Tok] = []
    for k, label in ordered:
        out.append(label)
        out.extend(by_row.get(k, ()))
    return out


def interleave_column_major(toks: list[Tok], form_code: str) -> list[Tok] | None:
    """A table flattened column by column (PDF text extracted column by column, page by page):
    a run of line labels with no figure between them (the label columns, each top to bottom),
    then the value columns, each top to bottom, under their headings or not. The value
    columns print the rows in form order, whatever order the label columns came out in (a
    matrix prints its group labels in one column and its numbered items in another), so each
    row's cells are put back after its label in form order and the lines read as printed.
    None when no run so pairs."""
    counts = Counter(t.line for t in toks if t.kind != "gap")
    alone = {line for line, n in counts.items() if n == 1}
    if sum(1 for t in toks if t.kind in ("num", "blank") and t.line in alone) < 2 * MIN_COLUMN_MAJOR_LABELS:
        return None  # not two rows of two cells each alone on its line (a narrative quoting labels)
    out: list[Tok] = []
    changed = False
    i = 0
    while i < len(toks):
        run, j = _label_run(toks, i, form_code, alone)
        if len(run) < MIN_COLUMN_MAJOR_LABELS:
            out.append(toks[i])
            i += 1
            continue
        cells, k = _cell_run(toks, j, form_code, alone)
        rows = _column_major_rows(run, cells, form_code) if cells else None
        if rows is None:
            # Not such a table from here: the real one may start at a later label of the run.
            out.append(toks[i])
            i += 1
            continue
        out.extend(rows)
        changed = True
        i = k
    return out if changed else None


def _column_major_suspect(reads: list[LineRead], form_code: str) -> bool:
    """Whether the lines read look like a table flattened column by column: fewer than half the
    form's lines with figures read, or a line with more than twice its cells (the last label
    before a column's figures)."""
    with_cells = sum(1 for s in line_specs(form_code) if s.cells)
    return 2 * len(reads) < with_cells or any(len(r.values) > 2 * len(r.spec.cells) for r in reads)


# --------------------------------------------------------------------------- entry point


def _plausible(read: LineRead, form_code: str) -> bool:
    """A line whose figures could fill its columns (at least half of them are printed, in the
    column set with fewest)."""
    n = min(len(_cells_for(read.spec, s)) for s in column_sets(form_code, read.spec.section))
    return 2 * len(read.values) >= n or any(len(t.text) >= n for t in read.values if t.kind == "num")


def _distinctive_hits(toks: list[Tok], form_code: str) -> int:
    """Distinctive labels of a form seen in the text: the first criterion of which form it prints."""
    marks = distinctive_labels(form_code)
    seen = {normalize_label(t.text) for t in toks if t.kind == "text" and len(t.text) <= 60}
    return sum(1 for s in seen if s in marks or any(m in s and len(m) >= 4 for m in marks))


def parse_form(lines: list[str], form_code: str, toks: list[Tok] | None = None,
               reads: list[LineRead] | None = None) -> TableResult:
    """Read one named form from normalised lines (no detection); toks and reads as already read."""
    form = load_forms()[form_code]
    toks = tokenize(lines) if toks is None else toks
    reads = read_lines(toks, form_code) if reads is None else reads
    choices = _column_choice(reads, toks, form_code)
    result = TableResult(form_code, rows_expected=sum(1 for s in line_specs(form_code) if s.cells),
                         rows_found=len(reads))
    by_section: dict[str, list[LineRead]] = {}
    for read in reads:
        by_section.setdefault(read.spec.section, []).append(read)
    for section, section_reads in by_section.items():
        slots = _solved_slots(section_reads, choices[section], form_code)
        for slot in slots:
            facts, issues = _emit(slot, form_code, lines)
            result.facts.extend(facts)
            result.issues.extend(issues)
    result.facts.extend(_derived_facts(result.facts, form))
    missing = [s.key for s in line_specs(form_code) if s.cells and s.key not in {r.spec.key for r in reads}]
    if missing and reads:
        result.issues.append(ParseIssue(
            "rows_not_found", f"{form_code}: {len(missing)} form line(s) not found: {', '.join(missing[:20])}",
            "info"))
    return result


_ZERO_FIGURE = re.compile(r"0+(?:\.0+)?")


def dashes_for_zeros(reads: list[LineRead]) -> set[int]:
    """The dash cells (token ids) that stand for zeros: those of lines printing no more cells
    than their columns (a dash beyond them marks a cell the form does not have, 行政许可 |
    39732 | —), when the lines print no 0 and at least MIN_DASHES_FOR_ZEROS such dashes.
    Empty otherwise."""
    values = [t for r in reads for t in r.values]
    if any(t.kind == "num" and _ZERO_FIGURE.fullmatch(t.text) for t in values):
        return set()
    dashes = {id(t) for r in reads if len(r.values) <= len(r.spec.cells)
              for t in r.values if t.kind == "blank" and t.text.strip() in DASH_CELLS}
    return dashes if len(dashes) >= MIN_DASHES_FOR_ZEROS else set()


def parse_new_table(lines: list[str]) -> TableResult | None:
    """The 2019+ statistics tables of a report, or None when it prints none."""
    toks = tokenize(lines)
    # The form is the one with the most distinctive labels, then the most lines with figures:
    # lines are read (the costly step) only for the forms tied on labels.
    hits = {code: _distinctive_hits(toks, code) for code in FORM_CODES}
    scored = []
    for code in FORM_CODES:
        if hits[code] == max(hits.values()):
            reads = read_lines(toks, code)
            scored.append(((hits[code], len(reads)), code, reads))
    _, code, reads = max(scored, key=lambda s: s[0])
    if _column_major_suspect(reads, code) and (regrouped := interleave_column_major(toks, code)) is not None:
        toks, reads = regrouped, read_lines(regrouped, code)
    plausible = [r for r in reads if _plausible(r, code)]
    # A 2019+ table prints figure lines in the request matrix, or in at least two of its other
    # tables (第二十条, 复议/诉讼): a matrix that cannot be read (columns merged, an image) must
    # not cost the figures of the tables around it.
    other_sections = {r.spec.section for r in plausible} - {"requests"}
    if len(plausible) < MIN_FIGURE_LINES or (
            sum(r.spec.section == "requests" for r in plausible) < 2 and len(other_sections) < 2):
        return None
    dashes = dashes_for_zeros(plausible)
    if dashes:
        toks = [Tok("num", "0", t.line) if id(t) in dashes else t for t in toks]
        reads = read_lines(toks, code)
    result = parse_form(lines, code, toks, reads)
    if dashes:
        result.issues.append(ParseIssue(
            "dashes_read_as_zeros", f"{code}: the table prints no 0 and {len(dashes)} dash cells: each dash is "
            "read as 0", "info"))
    return result if result.facts else None
