"""Parser for the pre-2019 statistics table (政府信息公开情况统计表, form old_2008).

The form's rows, labels, wordings, units, columns and invariants come from
`ingest/forms/old_2008.yaml`: the 2008-era printings (six request channels,
本年 and 历年累计 side by side, local wordings such as 受理 and 否决) and the
2016 revision (four channels, the 回应解读 block) share one row list. The parser:

1. reads the text as cells (`ingest.layout`), whatever the flattening;
2. classifies every cell: form label (matched fuzzily after stripping
   numbering, parenthetical notes and punctuation), label with figures glued
   on, figure, unit, blank, header furniture, note (序号 cells), or other text;
3. takes the densest run of form labels followed by figures as the table, so
   prose above it that mentions the same words is ignored;
4. assigns labels to form rows in sequence (duplicate labels such as 被依法纠错数
   resolve to the next row in form order), tolerant to misnumbering, missing
   rows, extra local rows and present/absent unit cells;
5. finds the value columns (header, else row shapes) and reads each row's
   candidate readings; ambiguous rows (glued digits, lost or surplus cells) are
   settled by the form's invariants (`ingest.old_table_repair`), and rows with
   no unique reading emit no figure but a parse issue with the row's text.

Cumulative figures become facts of `<indicator><indicator_suffix>` as the
form's `cumulative` column declares (e.g. requests_received_cumulative), with
column_key "cumulative"; they never stand in for this year's figure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from ingest.forms import Form, FormRow, fact_key, get_form
from ingest.layout import Cell, read_cells
from ingest.models import Fact, ParseIssue, TableResult
from ingest.numbers import DASH_CELLS, MIN_DASHES_FOR_ZEROS, Number, ocr_digits, parse_number_cell
from ingest.old_table_repair import Figure, Reading, RowReadings, digit_splits, ordered, placements, resolve
from ingest.text import WORDING_CACHE_SIZE, differ_in_negation

FORM_CODE = "old_2008"

MATCH_THRESHOLD = 0.85  # minimum label similarity to call a cell a form row
TIE_MARGIN = 0.08  # candidates this close to the best are ties, resolved by form order
MAX_LABEL_CHARS = 60  # longer cells are prose, never a row label
MIN_TABLE_ROWS = 5  # fewer labelled figures than this is prose, not a table
SEGMENT_BREAK_TEXT = 3  # this many unmatched text cells in a row end a table run
MIN_COLUMN_MAJOR_ROWS = 4  # labels in a run before their cells, for a table flattened column by column
MAX_COLUMN_MAJOR_COLUMNS = 3  # value columns such a run may hold (本年, 历年累计, another period)

UNITS = ("万元", "人次", "元", "条", "件", "次", "人", "个", "篇", "项", "家", "份")
_UNIT_ALT = "|".join(UNITS)
_VALUE_RE = re.compile(
    rf"^(?P<pre>约|近)?(?P<num>\d[\d,]*(?:\.\d+)?|[零〇○一二两三四五六七八九十百千]+)"
    rf"(?P<post>余|多)?(?P<unit>{_UNIT_ALT})?(?P<post2>余|多)?$"
)
_GLUED_RE = re.compile(
    rf"^(?P<label>.*?[^\d\s.,])\s*(?P<unit>{_UNIT_ALT})?\s*(?P<digits>\d[\d.,\s]*?)(?P<approx>余|多)?"
    rf"\s*(?P<unit2>{_UNIT_ALT})?$"
)
# A label core that ends in figures (with an approximation word or unit after them).
_ENDS_IN_FIGURE = re.compile(rf"\d(?:余|多)?(?:{_UNIT_ALT})?$")

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]|\(\s*[一二三四五六七八九十\d]+\s*\)|[一二三四五六七八九十]+\)"
    r"|\d{1,2}\s*[.、,)](?!\d)|[①-⑳]|其中[::]?)"
)
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_QUOTES = re.compile(r"[“”\"'‘’《》<>「」〈〉\s]")
_TRAILING_PUNCT = re.compile(r"[::;;,,。.、!?]+$")
_HEADER_WORDS = frozenset(
    {"统计指标", "指标", "指标名称", "单位", "计量单位", "统计数", "统计数据", "代码", "甲", "乙", "丙",
     "项目", "内容", "序号", "备注", "数据"}
)
_FURNITURE = re.compile(r"^(?:填报单位|填报人|填表人|审核人|单位负责人|报出日期|制表|统计时间|.*统计表$)")


# Not frozen, for speed; treated as immutable (see ingest.layout.Cell).
@dataclass(slots=True, unsafe_hash=True)
class Token:
    """One classified cell (or several merged cells of a split label)."""

    kind: str  # label, glued, value, unit, blank, header, note, text
    cell: Cell
    text: str
    candidates: tuple[tuple[int, float], ...] = ()  # (row index, score) for labels
    number: Number | None = None
    unit: str | None = None
    digits: str = ""  # glued digits
    column: str | None = None  # header tokens naming a value column


@dataclass(slots=True)
class _Row:
    """A located form row with the tokens after its label."""

    row: FormRow
    label: Token
    rest: list[Token] = field(default_factory=list)


# ---------------------------------------------------------------- labels


@lru_cache(maxsize=65536)  # labels repeat across reports: normalise each wording once
def normalize_label(text: str) -> str:
    """Label core for matching: no numbering, notes in parentheses, quotes, spaces or end punctuation."""
    s = _QUOTES.sub("", text)
    for _ in range(3):  # "1.其中:" / "其中:1." / "(一)1."
        s2 = _NUMBERING.sub("", s)
        if s2 == s:
            break
        s = s2
    prev = None
    while prev != s:
        prev, s = s, _PARENS.sub("", s)
    s = re.sub(r"\([^)]*$", "", s)  # a note cut off by a line break
    s = re.sub(r"^[^(]*\)", "", s) if "(" not in s else s
    return _TRAILING_PUNCT.sub("", s)


@lru_cache(maxsize=1)
def _variants() -> tuple[tuple[int, str, frozenset[str]], ...]:
    """(row index, normalised label or alias, its characters) for every printed wording."""
    form = get_form(FORM_CODE)
    out: list[tuple[int, str, frozenset[str]]] = []
    for i, row in enumerate(form.rows):
        for label in (row.label, *row.aliases):
            core = normalize_label(label)
            out.append((i, core, frozenset(core)))
    return tuple(out)


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if differ_in_negation(a, b):
        return 0.0
    if min(len(a), len(b)) / max(len(a), len(b)) < 0.7:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # quick_ratio is an upper bound on ratio and much cheaper: most cells fail it.
    if matcher.quick_ratio() < MATCH_THRESHOLD:
        return 0.0
    return matcher.ratio()


@lru_cache(maxsize=65536)
def match_rows(core: str) -> tuple[tuple[int, float], ...]:
    """Form rows whose label (or alias) resembles this label core, best first."""
    if not core or len(core) > MAX_LABEL_CHARS:
        return ()
    best: dict[int, float] = {}
    chars = frozenset(core)
    n_chars = len(chars)
    for idx, variant, vchars in _variants():
        # Cheap filters before difflib: similar labels share most characters (and so
        # have character sets of similar size, checked first: most prose cells fail it).
        n_v = len(vchars)
        if 0.7 * max(n_chars, n_v) > min(n_chars, n_v) or len(chars & vchars) < 0.7 * max(n_chars, n_v):
            continue
        score = _similarity(core, variant)
        if score >= MATCH_THRESHOLD and score > best.get(idx, 0.0):
            best[idx] = score
    return tuple(sorted(best.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------- cells


def parse_value(text: str) -> tuple[Number, str | None] | None:
    """A figure cell: number, approximation and any unit printed with it."""
    s = text.replace(" ", "")
    m = _VALUE_RE.match(s)
    if not m:
        return None
    approx_text = (m["pre"] or "") + m["num"] + (m["post"] or m["post2"] or "")
    number = parse_number_cell(approx_text)
    if number is None:
        return None
    return number, m["unit"]


def _column_of(compact: str, form: Form) -> str | None:
    for col in form.columns:
        if compact == col["label"] or compact in col.get("aliases", ()):
            return col["key"]
    return None


_BLANK_CELL = Cell("", 0, 0, True)
_SPACES = re.compile(r"\s+")


def classify(cell: Cell, form: Form) -> Token:
    """What one cell is, read on its own."""
    if cell.blank:
        return Token("blank", cell, "")
    t = _classify_text(cell.text, form.code)
    return Token(t.kind, cell, t.text, t.candidates, t.number, t.unit, t.digits, t.column)


@lru_cache(maxsize=WORDING_CACHE_SIZE)  # the same cell text (labels, units, small figures) recurs across reports
def _classify_text(text: str, form_code: str) -> Token:
    """classify() of a cell text, with a placeholder cell (the caller puts the real one in)."""
    cell = _BLANK_CELL
    compact = _SPACES.sub("", text)
    column = _column_of(compact, get_form(form_code))
    if column or compact in _HEADER_WORDS or _FURNITURE.match(compact):
        return Token("header", cell, text, column=column)
    if compact in UNITS:
        return Token("unit", cell, text, unit=compact)
    value = parse_value(ocr_digits(compact))
    if value is not None:
        return Token("value", cell, text, number=value[0], unit=value[1])
    core = normalize_label(text)
    if not core:
        return Token("note", cell, text)
    # No form label ends in a digit, so trailing digits are figures glued to
    # the label; try that reading before fuzzy matching swallows the digits.
    # Single spaces are kept: "收到申请数 12 18" states two figures, "收到申请数1218" one run.
    glued = _GLUED_RE.match(_SPACES.sub(" ", text.strip())) if _ENDS_IN_FIGURE.search(core) else None
    if glued:
        cands = match_rows(normalize_label(glued["label"]))
        if cands:
            return Token("glued", cell, text, candidates=cands, unit=glued["unit"] or glued["unit2"],
                         digits=glued["digits"].strip(), number=Number(0, bool(glued["approx"])))
    cands = match_rows(core)
    if cands:
        return Token("label", cell, text, candidates=cands)
    return Token("text", cell, text)


def _merge_split_labels(tokens: list[Token]) -> list[Token]:
    """Rejoin a label broken over two lines/cells ("政府网站公开政府信" + "息数")."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind in ("label", "text"):
            j = i + 1
            while j < len(tokens) and tokens[j].kind == "blank":
                j += 1
            nxt = tokens[j] if j < len(tokens) else None
            # The tail may itself resemble a label ("申请数"): joining must then beat both halves.
            if nxt is not None and nxt.kind in ("text", "label") and len(nxt.text) <= 20:
                joined = tok.text + nxt.text
                cands = match_rows(normalize_label(joined))
                own = max(tok.candidates[0][1] if tok.candidates else 0.0,
                          nxt.candidates[0][1] if nxt.candidates else 0.0)
                if cands and cands[0][1] > own:
                    out.append(Token("label", tok.cell, joined, candidates=cands))
                    i = j + 1
                    continue
            k = _wrapped_around(tokens, i, j)
            if k is not None:
                joined = tok.text + tokens[k].text
                cands = match_rows(normalize_label(joined))
                own = max(tok.candidates[0][1] if tok.candidates else 0.0,
                          tokens[k].candidates[0][1] if tokens[k].candidates else 0.0)
                if cands and cands[0][1] > own:
                    out += [Token("label", tok.cell, joined, candidates=cands), tokens[j]]
                    i = k + 1
                    continue
        out.append(tok)
        i += 1
    return out


def _wrapped_around(tokens: list[Token], i: int, j: int) -> int | None:
    """The index of a label's tail printed after its figure, if tokens[i] may be such a head
    and tokens[j] its figure: one cell per line, a label wrapped over two lines in a row whose
    figure cell is centred between them (PDF text: 1.政府公报 / 0 / 公开政府信息数). The tail
    is short and starts no row of its own (no numbering)."""
    if j >= len(tokens) or tokens[j].kind != "value" or tokens[j].cell.line <= tokens[i].cell.line:
        return None
    k = j + 1
    while k < len(tokens) and _is_layout_blank(tokens[k]):
        k += 1
    if k >= len(tokens):
        return None
    tail = tokens[k]
    if (tail.kind not in ("text", "label") or len(tail.text) > 20 or tail.cell.line <= tokens[j].cell.line
            or _NUMBERING.match(tail.text.strip())):
        return None
    return k


def _drop_row_numbers(tokens: list[Token]) -> list[Token]:
    """A figure first on its line with a label right after it is a 序号 cell, not a figure."""
    out = list(tokens)
    for i, tok in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if (tok.kind == "value" and tok.cell.col == 0 and nxt.cell.line == tok.cell.line
                and nxt.kind in ("label", "glued") and tok.number is not None and not tok.unit):
            out[i] = Token("note", tok.cell, tok.text)
    return out


def tokenize(lines: list[str], start: int = 0, end: int | None = None, column_major: bool = False) -> list[Token]:
    """The classified cells of lines[start:end]; with column_major, a table flattened column by
    column is put back row by row (interleave_column_major)."""
    form = get_form(FORM_CODE)
    tokens = _merge_split_labels(_drop_row_numbers([classify(c, form) for c in read_cells(lines, start, end)]))
    return interleave_column_major(tokens, form) if column_major else tokens


def _is_layout_blank(tok: Token) -> bool:
    """An empty line or cell (not a printed blank mark such as ——)."""
    return tok.kind == "blank" and not tok.cell.mark


def _label_run(tokens: list[Token], i: int) -> tuple[list[list[Token]], int]:
    """From a label at i: each label with the notes and units after it, until the first figure
    or printed blank mark (empty lines skipped); and the index where the run ends."""
    segments: list[list[Token]] = []
    j = i
    while j < len(tokens):
        tok = tokens[j]
        if tok.kind == "label":
            segments.append([tok])
        elif tok.kind in ("note", "unit"):
            segments[-1].append(tok)
        elif not _is_layout_blank(tok):
            break
        j += 1
    return segments, j


def _cell_run(tokens: list[Token], j: int) -> tuple[list[Token], int]:
    """From j: the figures and blank marks that follow (empty lines skipped), and where they end."""
    cells: list[Token] = []
    k = j
    while k < len(tokens) and tokens[k].kind in ("value", "blank"):
        if not _is_layout_blank(tokens[k]):
            cells.append(tokens[k])
        k += 1
    return cells, k


def _is_page_number(tok: Token, lines_alone: set[int]) -> bool:
    """A bare whole number alone on its line: what a page footer prints."""
    return (tok.kind == "value" and tok.cell.line in lines_alone and tok.text.strip().isdigit()
            and int(tok.text) < 1000)


def _fit(owners: list[list[Token]], cells: list[Token], lines_alone: set[int]) -> list[Token] | None:
    """The cells, when they fill whole value columns of these rows (less a page number under
    the column: one cell too many, a bare number alone on its line)."""
    if not owners:
        return None
    if len(cells) % len(owners) == 1 and _is_page_number(cells[-1], lines_alone):
        cells = cells[:-1]
    width = len(cells) // len(owners)
    return cells if not len(cells) % len(owners) and 1 <= width <= MAX_COLUMN_MAJOR_COLUMNS else None


def _pair_cells(segments: list[list[Token]], cells: list[Token], form: Form, lines_alone: set[int]) -> list[Token] | None:
    """The run rebuilt row by row, when its cells fit its labels: each value column in turn,
    one cell per label when the table marks empty cells (——), else (or failing that) one cell
    per label of a row with an indicator (group headers print no cell). A unit column printed
    between the labels and the figures goes with the rows that have an indicator, or is dropped."""
    with_figures = [seg for seg in segments if form.rows[seg[0].candidates[0][0]].indicator_code]
    owners, fitted = segments, None
    if any(c.kind == "blank" for c in cells):
        fitted = _fit(segments, cells, lines_alone)
    if fitted is None:
        owners, fitted = with_figures, _fit(with_figures, cells, lines_alone)
    if fitted is None:
        return None
    last = segments[-1]
    units = [t for t in last[1:] if t.kind == "unit"]
    if len(units) >= 2:  # the unit column, after the label column
        segments = [*segments[:-1], [t for t in last if t.kind != "unit"]]
    unit_of = {id(seg[0]): unit for seg, unit in zip(with_figures, units, strict=True)} \
        if len(units) >= 2 and len(units) == len(with_figures) else {}
    cells_of = {id(seg[0]): fitted[i::len(owners)] for i, seg in enumerate(owners)}
    out: list[Token] = []
    for seg in segments:
        out.extend(seg)
        if id(seg[0]) in unit_of:
            out.append(unit_of[id(seg[0])])
        out.extend(cells_of.get(id(seg[0]), ()))
    return out


def _column_major_run(segments: list[list[Token]], cells: list[Token], lines_alone: set[int],
                      after_heading: Callable[[], bool], column_major: bool) -> bool:
    """Whether a label run and the cells after it can be a table flattened column by column:
    each label alone on its line, units between labels after few of them (a one-cell-per-line
    row-major table prints one after every row's label; a unit column comes after the label
    column), and enough of both. Row-major tables never print MIN_COLUMN_MAJOR_ROWS labels
    without a cell between them and then as many cells (an old table has three value columns
    at most); once a run is read so, the short run of a last page (two rows or more, under the
    repeated column headings) is read so too."""
    if len(cells) < 2 or any(seg[0].cell.line not in lines_alone for seg in segments):
        return False
    if 2 * sum(t.kind == "unit" for seg in segments[:-1] for t in seg) > len(segments):
        return False
    if len(segments) >= MIN_COLUMN_MAJOR_ROWS and len(cells) >= MIN_COLUMN_MAJOR_ROWS:
        return True
    return column_major and after_heading()


def _after_heading(out: list[Token]) -> bool:
    """Whether the last token so far (empty lines aside) is a column heading."""
    for tok in reversed(out):
        if not _is_layout_blank(tok):
            return tok.kind == "header"
    return False


def _has_label_run(tokens: list[Token], first: int, last: int) -> bool:
    """Whether MIN_COLUMN_MAJOR_ROWS labels follow one another with no cell between them."""
    run = 0
    for tok in tokens[first: last + 1]:
        if tok.kind == "label":
            run += 1
            if run >= MIN_COLUMN_MAJOR_ROWS:
                return True
        elif tok.kind in ("value", "glued") or (tok.kind == "blank" and tok.cell.mark):
            run = 0
    return False


def interleave_column_major(tokens: list[Token], form: Form) -> list[Token]:
    """A table flattened column by column (text extracted from a PDF page by page): a run of
    row labels with no figure, then their cells. Each cell is put back after its label, so
    the rows read as printed (_column_major_run says which runs may be such a table, and
    _pair_cells whether the cells fit); any other run is left as it stands."""
    lines_alone: set[int] | None = None  # lines holding one token, counted at the first run
    column_major = False
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind != "label":
            out.append(tokens[i])
            i += 1
            continue
        segments, j = _label_run(tokens, i)
        if len(segments) < 2:  # a label with its cells right after it: the common case
            out.extend(tokens[i:j])
            i = j
            continue
        if lines_alone is None:
            per_line = Counter(t.cell.line for t in tokens)
            lines_alone = {line for line, n in per_line.items() if n == 1}
        cells, k = _cell_run(tokens, j)
        paired = (_pair_cells(segments, cells, form, lines_alone)
                  if _column_major_run(segments, cells, lines_alone, lambda: _after_heading(out), column_major)
                  else None)
        if paired is None:
            out.extend(tokens[i:j])
            i = j
        else:
            out.extend(paired)
            column_major = True
            i = k
    return out


# ---------------------------------------------------------------- table location


def _row_has_figure(tokens: list[Token], i: int) -> bool:
    for tok in tokens[i + 1:]:
        if tok.kind in ("blank", "unit", "note"):
            continue
        return tok.kind == "value"
    return False


def find_table(tokens: list[Token]) -> tuple[int, int] | None:
    """Token span [first, last] of the densest run of labelled figures, or None."""
    best: tuple[int, int, int] | None = None  # (score, first, last)
    first = last = -1
    score = text_run = 0
    for i, tok in enumerate(tokens):
        if tok.kind in ("label", "glued"):
            if first < 0:
                first = i
            last = i
            text_run = 0
            if tok.kind == "glued" or _row_has_figure(tokens, i):
                score += 1
        elif tok.kind == "text" and not _row_has_figure(tokens, i):
            # A row the form does not know (五、申诉数 件 0) is still a table row: only text
            # without a figure (prose, notes) ends a run.
            text_run += 1
            if text_run >= SEGMENT_BREAK_TEXT and first >= 0:
                if best is None or score > best[0]:
                    best = (score, first, last)
                first, score = -1, 0
    if first >= 0 and (best is None or score > best[0]):
        best = (score, first, last)
    if best is None or best[0] < MIN_TABLE_ROWS:
        return None
    first = best[1]
    # A prose heading that repeats a row label ("(一)收到申请数" above a
    # paragraph) can sit just before the table: leading labels followed by
    # unmatched text are not table rows.
    while first < best[2] and _followed_by_text(tokens, first):
        first = next(i for i in range(first + 1, best[2] + 1) if tokens[i].kind in ("label", "glued"))
    return first, best[2]


def _followed_by_text(tokens: list[Token], i: int) -> bool:
    for tok in tokens[i + 1:]:
        if tok.kind in ("blank", "note"):
            continue
        return tok.kind == "text"
    return False


def _span_lines(tokens: list[Token], first: int, last: int) -> tuple[int, int]:
    """0-based line slice covering the table, through the last row's figures."""
    end_line = tokens[last].cell.line
    for tok in tokens[last + 1:]:
        if tok.kind in ("value", "unit", "blank", "note"):
            end_line = tok.cell.line
            continue
        break
    return tokens[first].cell.line - 1, end_line


# ---------------------------------------------------------------- row assignment


def _assign(tokens: list[Token], form: Form, issues: list[ParseIssue], lines: list[str]) -> list[_Row]:
    """Give each label token a form row, preferring the next unused row in form order."""
    rows: list[_Row] = []
    used: set[int] = set()
    pos = -1
    current: _Row | None = None
    for tok in tokens:
        if tok.kind in ("label", "glued"):
            best = tok.candidates[0][1]
            eligible = [idx for idx, s in tok.candidates if s >= best - TIE_MARGIN and idx not in used]
            ahead = sorted(idx for idx in eligible if idx > pos)
            choice = ahead[0] if ahead else (eligible[0] if eligible else None)
            if choice is None:
                # A repeated label: the copy that carries figures wins.
                earlier = next((r for r in rows if form.rows.index(r.row) == tok.candidates[0][0]), None)
                if earlier is not None and not any(t.kind == "value" for t in earlier.rest):
                    earlier.label, earlier.rest = tok, []
                    current = earlier
                    continue
                issues.append(_line_issue("duplicate_table_row", "row label repeated; later copy ignored",
                                          tok.cell.line, lines))
                current = None
                continue
            used.add(choice)
            pos = choice
            current = _Row(form.rows[choice], tok)
            rows.append(current)
        elif tok.kind == "text":
            issues.append(_line_issue("unmatched_table_line", f"table cell matches no row of {FORM_CODE}: "
                                      f"{tok.text[:80]}", tok.cell.line, lines, "info"))
            current = None
        elif tok.kind == "header":
            current = None
        elif current is not None:
            current.rest.append(tok)
    return rows


def _line_issue(code: str, message: str, line: int, lines: list[str], severity: str = "warning") -> ParseIssue:
    return ParseIssue(code, message, severity, line, lines[line - 1].strip()[:500])  # type: ignore[arg-type]


# ---------------------------------------------------------------- columns and figures


def _value_count(row: _Row) -> int:
    return sum(1 for t in row.rest if t.kind == "value")


def _slot_count(row: _Row, has_unit: bool) -> int:
    """Cells after the label that can hold a figure (figures and blanks; the unit cell not counted)."""
    rest = _drop_label_only_lines(row)
    cells = sum(1 for t in rest if t.kind in ("value", "blank", "unit"))
    return cells - 1 if has_unit and cells else cells


def detect_columns(tokens: list[Token], rows: list[_Row], other_periods: int = 0) -> tuple[int, bool]:
    """(number of value columns, whether a unit column exists) from headers, else from row shapes.

    Without a header naming the columns, a table has two value columns when
    most rows with a figure have two cells for figures (blank cells count: a
    历年累计 column is often empty for this year's rows).
    """
    header_cols = {t.column for t in tokens if t.kind == "header" and t.column}
    has_unit_header = any(t.kind == "header" and re.sub(r"\s", "", t.text) in ("单位", "计量单位") for t in tokens)
    with_unit = sum(1 for r in rows if any(t.kind == "unit" or (t.kind == "value" and t.unit) for t in r.rest))
    has_unit = has_unit_header or (bool(rows) and with_unit * 10 >= len(rows) * 3)
    with_values = [r for r in rows if _value_count(r) > 0]
    if "cumulative" in header_cols:
        n_cols = 2
    elif header_cols or other_periods:
        n_cols = 1  # a second figure column headed 上年数 or 2013年 is no 历年累计
    else:
        two = sum(1 for r in with_values if _value_count(r) >= 2 or _slot_count(r, has_unit) >= 2)
        n_cols = 2 if with_values and two * 2 >= len(with_values) else 1
    return n_cols, has_unit


def _drop_label_only_lines(row: _Row) -> list[Token]:
    """Row tokens without the empty cells of a physical row that holds only part of the label.

    A label broken over two table rows (PDF conversions) leaves the first
    row's unit and figure cells empty; those are not the row's figures.
    """
    lines = {t.cell.line for t in row.rest}
    if len(lines | {row.label.cell.line}) < 2:
        return row.rest
    keep_lines = {t.cell.line for t in row.rest if t.kind in ("value", "unit")}
    multi = {t.cell.line for t in [row.label, *row.rest] if t.cell.col > 0}
    return [t for t in row.rest
            if not (t.kind == "blank" and t.cell.line in multi and t.cell.line not in keep_lines)]


def _drop_layout_blanks(rows: list[_Row], tokens: list[Token]) -> list[_Row]:
    """Rows without the empty cells of a tab/pipe column that no row fills, left of the figures.

    An HTML table flattened one tab per grid column prints a label or unit cell spanning two
    columns as the cell and an empty one (指标\t\t单位\t\t统计数): read as a figure column,
    that empty cell pushed every figure out of the form's columns. A column is layout when no
    row prints a figure or unit in it, no header names a value column there, and the row's
    figures stand to its right (an empty 历年累计 column after the figures stays a column).
    """
    filled = {t.cell.col for r in rows for t in r.rest if t.kind in ("value", "unit")}
    filled |= {t.cell.col for t in tokens if t.kind == "header" and t.column}
    out = []
    for r in rows:
        right = max((t.cell.col for t in r.rest if t.kind == "value" and t.cell.line == r.label.cell.line),
                    default=-1)
        rest = [t for t in r.rest if not (t.kind == "blank" and t.cell.col not in filled
                                          and t.cell.line == r.label.cell.line and 0 < t.cell.col < right)]
        out.append(r if len(rest) == len(r.rest) else _Row(r.row, r.label, rest))
    return out


def _row_slots(row: _Row, n_cols: int, has_unit: bool, keep: int | None = None) -> tuple[list[Token], str | None]:
    """The row's figure and blank cells in order, and its unit: the unit cell dropped, and trailing
    blanks beyond `keep` cells (default n_cols; the table's width where it prints extra columns,
    whose blanks hold positions: 1 | 0 | — under 本年 | 上年 | 增减)."""
    unit = None
    cells: list[Token] = []
    for t in _drop_label_only_lines(row):
        if t.kind == "unit":
            unit = unit or t.unit
        elif t.kind in ("value", "blank"):
            cells.append(t)
    if has_unit and unit is None and len(cells) > n_cols and cells[0].kind == "blank":
        cells = cells[1:]  # the blank unit cell
    while len(cells) > (keep or n_cols) and cells[-1].kind == "blank":
        cells.pop()
    return cells, unit


def _unit_and_value(row: FormRow, number: Number, printed: str | None) -> tuple[float, str]:
    unit = printed or row.unit
    if unit == "元":  # the warehouse keeps money in 万元
        return number.value / 10_000, "万元"
    return number.value, unit


def _row_text(row: _Row, lines: list[str]) -> str:
    """The row as printed: its line when it stands on one, else its cells joined."""
    cells = [row.label, *(t for t in row.rest if t.kind in ("unit", "value"))]
    if len({t.cell.line for t in cells}) == 1:
        return lines[row.label.cell.line - 1].strip()[:500]
    return " | ".join(t.text for t in cells if t.text)[:500]


def _source_text(row: _Row, lines: list[str], figure: Token) -> str:
    if row.label.cell.line == figure.cell.line:
        return lines[figure.cell.line - 1].strip()[:500]
    parts = [row.label.text] + [t.text for t in row.rest if t.kind in ("unit", "value") and t.text]
    return " | ".join(parts)[:500]


def _figure(row: _Row, tok: Token, unit: str | None, lines: list[str]) -> Figure | None:
    if tok.kind != "value" or tok.number is None:
        return None
    value, out_unit = _unit_and_value(row.row, tok.number, tok.unit or unit)
    return Figure(value, tok.number.approx, out_unit, tok.cell.line, _source_text(row, lines, tok))


def _fact(row: _Row, column: str, suffix: str, fig: Figure) -> Fact:
    r = row.row
    indicator = (r.indicator_code or "") + suffix
    return Fact(
        indicator_code=indicator,
        value=fig.value,
        unit=fig.unit or r.unit,
        source="table",
        source_line=fig.line,
        source_text=fig.text,
        channel_code=r.channel_code,
        applicant_type=r.applicant_type,
        value_qualifier="approx" if fig.approx else "exact",
        form_code=FORM_CODE,
        row_key=r.key,
        column_key=column,
    )


# ---------------------------------------------------------------- readings of one row


def _fmt(reading: Reading) -> str:
    return ", ".join("-" if f is None else f"{f.value:g}" for f in reading)


def _glued_readings(row: _Row, n_cols: int, lines: list[str]) -> RowReadings:
    """Readings of a label with its figure(s) glued on; later cells carry any remaining columns."""
    label = row.label
    rest = [t for t in row.rest if t.kind in ("value", "blank")]
    own = 1 if any(t.kind == "value" for t in rest) else n_cols
    approx = bool(label.number and label.number.approx)
    text = lines[label.cell.line - 1].strip()[:500]
    tail = [_figure(row, t, label.unit, lines) for t in rest[:n_cols - own]]
    tail += [None] * (n_cols - own - len(tail))
    readings: list[Reading] = []
    for split in digit_splits(label.digits, own):
        figs: list[Figure | None] = []
        for v in split:
            value, unit = _unit_and_value(row.row, Number(v, approx), label.unit)
            figs.append(Figure(value, approx, unit, label.cell.line, text))
        reading = (*figs, *tail)
        if ordered(reading):
            readings.append(reading)
    several = own > 1 or len(label.digits.split()) > 1
    return RowReadings(_row_key(row.row), readings, "glued_digits_split" if several else "glued_label_figure",
                       f"digits '{label.digits}'")


def heading_tokens(tokens: list[Token], first_row_line: int) -> list[Token]:
    """The tokens of the table's heading: from its first header cell (指标, 单位, 本年数) to the
    first row (one heading cell per line in some layouts, one line of cells in others)."""
    first_head = min((t.cell.line for t in tokens if t.kind == "header" and t.cell.line < first_row_line),
                     default=first_row_line)
    return [t for t in tokens if first_head <= t.cell.line < first_row_line]


# Value-column headings of another period than the year reported: 上年数 | 本年数, 去年同期.
_OTHER_PERIOD = re.compile(r"^(?:上一?年度?|去年|上年同期|去年同期|上期|同期)(?:数|统计数|数据|实际)?$")
_YEAR_HEADING = re.compile(r"^((?:19|20)\d{2})年度?(?:数|统计数|数据)?$")


def value_headings(tokens: list[Token], first_row_line: int) -> list[str]:
    """The value-column headings in order: a form column's key (this_year, cumulative) or
    "other" for another period (上年数, 去年同期). Year headings: without a 本年 heading the
    latest year is this year's and the others are other periods (2013年 | 2014年); beside one,
    every year heading is another period."""
    heads: list[tuple[str, int]] = []
    for t in heading_tokens(tokens, first_row_line):
        compact = _SPACES.sub("", t.text)
        if t.kind == "header" and t.column:
            heads.append((t.column, 0))
        elif _OTHER_PERIOD.match(compact):
            heads.append(("other", 0))
        elif m := _YEAR_HEADING.match(compact):
            heads.append(("year", int(m.group(1))))
    latest = None if any(key == "this_year" for key, _ in heads) else max(
        (y for key, y in heads if key == "year"), default=None)
    return [key if key != "year" else ("this_year" if y == latest else "other") for key, y in heads]


def column_positions(headings: list[str]) -> dict[str, int] | None:
    """Where the form's value columns stand among a row's figure cells, when the headings place
    them otherwise than this year's first and 历年累计 second (上年数 | 本年数, 历年累计 | 本年数);
    None when they do not."""
    positions = {key: i for i, key in reversed(list(enumerate(headings))) if key != "other"}
    default = {key: i for i, key in enumerate(("this_year", "cumulative")) if key in positions}
    return None if "this_year" not in positions or positions == default else positions


def table_width(rows: list[_Row], n_cols: int, has_unit: bool) -> int:
    """Figure cells of the table's typical row: more than n_cols when it prints columns the form lacks."""
    widths = Counter(len(_row_slots(r, n_cols, has_unit)[0]) for r in rows
                     if r.label.kind == "label" and r.row.indicator_code and _value_count(r))
    return max(widths.most_common(1)[0][0], n_cols) if widths else n_cols


def _row_readings(row: _Row, n_cols: int, has_unit: bool, lines: list[str],
                  width: int | None = None, positions: list[int | None] | None = None) -> RowReadings | None:
    """Candidate readings of one located row; None when it states no figure at all.

    A row as wide as the table's typical row is read by position, even where
    the table prints extra value columns the form lacks (上年, 备注): those are
    a column, not stray cells. Where the headings place the form's columns elsewhere
    (`positions`: 上年数 | 本年数, 历年累计 | 本年数), only a row of the full width is read.
    """
    if row.label.kind == "glued":
        return _glued_readings(row, n_cols, lines)
    cells, unit = _row_slots(row, n_cols, has_unit, width)
    if not any(t.kind == "value" for t in cells):
        return None
    figs = [_figure(row, t, unit, lines) for t in cells]
    key = _row_key(row.row)
    if positions:
        if len(cells) == width:
            return RowReadings(key, [tuple(None if p is None else figs[p] for p in positions)])
        return RowReadings(key, [], "row_value_count", f"{len(cells)} cell(s) for {width} column(s) placed by "
                                                        "their headings")
    if len(cells) == n_cols or len(cells) == (width or n_cols):
        return RowReadings(key, [tuple(figs[:n_cols])])  # as printed, even where it breaks a rule
    readings = placements(figs, n_cols)
    code = "row_value_count" if len(cells) > n_cols else "row_value_placement"
    return RowReadings(key, readings, code, f"{len(cells)} cell(s) for {n_cols} column(s)")


# ---------------------------------------------------------------- main entry


def _row_key(row: FormRow) -> str:
    return fact_key(row.indicator_code or "", row.channel_code, row.applicant_type)


def _columns(form: Form, n_cols: int) -> list[tuple[str, str]]:
    """(column key, indicator suffix) of the first n_cols value columns declared by the form."""
    return [(c["key"], c.get("indicator_suffix", "")) for c in form.columns][:n_cols]


def parse_old_table(lines: list[str]) -> TableResult | None:
    """Facts of the old-form statistics table in these normalised lines, or None if there is none."""
    form = get_form(FORM_CODE)
    doc_tokens = tokenize(lines)
    span = find_table(doc_tokens)
    # No table of labelled figures, or one whose labels stand in runs without figures: maybe
    # a table flattened column by column, read again row by row (only then: most reports
    # print rows, and the check is one pass over the table's tokens).
    column_major = span is None or _has_label_run(doc_tokens, *span)
    if column_major:
        doc_tokens = interleave_column_major(doc_tokens, form)
        span = find_table(doc_tokens)
    if span is None:
        return None
    start, end = _span_lines(doc_tokens, *span)
    # Re-read just the table: whether empty lines are blank cells is decided locally.
    tokens = tokenize(lines, start, end, column_major)
    # Header cells are classified alone (no neighbour decides them): take those of the 30 lines above.
    header_tokens = [t for t in doc_tokens if t.kind == "header" and max(0, start - 30) < t.cell.line <= start]

    issues: list[ParseIssue] = []
    rows = _drop_layout_blanks(_assign(tokens, form, issues, lines), header_tokens + tokens)
    dashes = _dashes_for_zeros(rows)
    if dashes:
        # The report writes zero as a dash (new_table.dashes_for_zeros): read its rows again so.
        tokens = [classify(Cell("0", t.cell.line, t.cell.col), form) if id(t) in dashes else t for t in tokens]
        issues = [ParseIssue("dashes_read_as_zeros", f"the table prints no 0 and {len(dashes)} dash cells in "
                             "its rows: each dash is read as 0", "info", start + 1)]
        rows = _drop_layout_blanks(_assign(tokens, form, issues, lines), header_tokens + tokens)
    first_row_line = min((r.label.cell.line for r in rows), default=start + 1)
    headings = value_headings([t for t in doc_tokens if max(0, start - 30) < t.cell.line <= start] + tokens,
                              first_row_line)
    n_cols, has_unit = detect_columns(header_tokens + tokens, rows, headings.count("other"))
    columns = _columns(form, n_cols)

    width = table_width(rows, n_cols, has_unit)
    placed = column_positions(headings)
    positions = [placed.get(key) for key, _ in columns] if placed else None
    if positions and max(p for p in positions if p is not None) >= width:
        positions = None  # the headings name more columns than the rows print
    if width > n_cols or positions:
        where = ("placed by their headings: " + ", ".join(f"{key} is column {p + 1}" for (key, _), p
                                                           in zip(columns, positions, strict=True) if p is not None)
                 if positions else "read by position")
        issues.append(ParseIssue("extra_value_columns" if width > n_cols else "value_columns_placed",
                                 f"the table prints {width} value column(s) for the form's {n_cols}; {where}",
                                 "info", start + 1))
    located = [(row, _row_readings(row, n_cols, has_unit, lines, width, positions))
               for row in rows if row.row.indicator_code]
    readable = [(row, rr) for row, rr in located if rr is not None]
    printed = {_row_key(row.row) for row, _ in located}
    resolve([rr for _, rr in readable], form.rules, [{} for _ in columns], printed)

    facts: list[Fact] = []
    for row, rr in readable:
        if rr.chosen is None:
            issues.append(_ambiguous_issue(row, rr, lines))
            continue
        if rr.repair:
            issues.append(_repair_issue(row, rr, len(rr.readings) > 1, lines))
        for (column, suffix), fig in zip(columns, rr.chosen, strict=True):
            if fig is not None:
                facts.append(_fact(row, column, suffix, fig))

    found = {r.row.key for r in rows if r.row.indicator_code}
    data_rows = [r for r in form.rows if r.indicator_code]
    missing = [r.key for r in data_rows if r.key not in found]
    if missing:
        issues.append(ParseIssue("form_rows_not_found", f"{len(missing)} row(s) of {FORM_CODE} not in the "
                                 f"table: {', '.join(missing)}", "info", start + 1))
    return TableResult(FORM_CODE, facts, issues, rows_expected=len(data_rows), rows_found=len(found))


def _dashes_for_zeros(rows: list[_Row]) -> set[int]:
    """The dash cells (token ids) of the form's data rows when those rows print no 0 and at
    least MIN_DASHES_FOR_ZEROS dashes: then a dash is the report's zero. Empty otherwise."""
    data = [r for r in rows if r.row.indicator_code]
    if any(t.kind == "value" and t.number is not None and t.number.value == 0 for r in data for t in r.rest):
        return set()
    # Only in a table of one figure column: beside 本年, a dash under 历年累计 often means "not
    # counted" (staff, training), and beyond the form's columns it marks a cell the form does
    # not have.
    def figure_cells(r: _Row) -> int:
        return sum(t.kind == "value" or (t.kind == "blank" and t.cell.mark in DASH_CELLS) for t in r.rest)
    if any(figure_cells(r) > 1 for r in data):
        return set()
    dashes = {id(t) for r in data for t in r.rest if t.kind == "blank" and t.cell.mark in DASH_CELLS}
    return dashes if len(dashes) >= MIN_DASHES_FOR_ZEROS else set()


def _repair_issue(row: _Row, rr: RowReadings, chosen_by_rules: bool, lines: list[str]) -> ParseIssue:
    assert rr.chosen is not None
    if rr.repair == "glued_label_figure":
        message = f"row {row.row.key}: figure glued to its label, read as {_fmt(rr.chosen)}"
    else:
        why = ("the only reading consistent with 本年 ≤ 累计 and the form's sums" if chosen_by_rules
               else "the only reading with 本年 ≤ 累计")
        message = f"row {row.row.key}: {rr.detail} read as {_fmt(rr.chosen)} ({why})"
    return ParseIssue(rr.repair or "row_repaired", message, "info", row.label.cell.line, _row_text(row, lines))


def _ambiguous_issue(row: _Row, rr: RowReadings, lines: list[str]) -> ParseIssue:
    readings = "; ".join(_fmt(r) for r in rr.readings) or "none"
    fitting = "; ".join(_fmt(r) for r in rr.options) or "none"
    code = "glued_digits_ambiguous" if row.label.kind == "glued" else "row_reading_ambiguous"
    message = (f"row {row.row.key}: {rr.detail} have no unique reading (readings: {readings}; consistent with "
               f"the form's sums: {fitting}); no figure emitted")
    return ParseIssue(code, message, "warning", row.label.cell.line, _row_text(row, lines))
