"""Reading flattened tables: from text lines to a sequence of cells.

Reports reach us as text in which a table has been flattened in one of a few
ways, often mixed within one file:

* one cell per line (Word/HTML copy-paste), blank cells as empty lines or as
  lines holding only a marker ("—", "/", "-", a non-breaking space);
* tab-separated rows (HTML tables, which `ingest.text.normalize_text` turns
  into tab-separated lines, and spreadsheet pastes);
* pipe rows (markdown, PDF/OCR conversions) with separator rows ``|---|``,
  placeholder headers (``| Col1 | Col2 |``) and page footers (``— 4 —``);
* space-aligned columns (two or more spaces between cells).

This module is form-agnostic: it knows nothing of labels or indicators. It
turns lines into `Cell`s that keep their 1-based line number, drops layout
noise, and marks blank cells, so that form parsers can walk the cells in
reading order. Public API: `Cell`, `read_cells`, `split_line`, `line_kind`,
`is_blank_marker`, `is_page_footer`, `is_separator_row`,
`is_placeholder_header`, `uses_blank_line_separators`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.numbers import BLANK_CELLS
from ingest.text import WORDING_CACHE_SIZE

# Cells that only mark "nothing here"; dashes of any length count.
_BLANK_RE = re.compile(r"^[\s\-—_/\\~]*$")
# "— 4 —", "- 4 -", "-4-", "第 4 页", "第4页 共10页", "4 / 10"
_FOOTER_RE = re.compile(
    r"^(?:[-—]+\s*\d{1,4}\s*[-—]+|第\s*\d{1,4}\s*页(?:\s*[,,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}\s*页?)$"
)
_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
# Header cells invented by PDF/OCR converters when the real header was lost.
_PLACEHOLDER_RE = re.compile(r"^(?:col(?:umn)?|列|unnamed:?)\s*_?\d+$", re.IGNORECASE)
_SPACE_GAP = re.compile(r"\s{2,}")


# Hashable but not frozen, like the other values parsers make by the hundred per report
# (tokens, figures, sentences): a frozen dataclass builds each field through object.__setattr__,
# ~6x slower (7 % of parse time). Treat them as immutable all the same: caches hand them out.
@dataclass(slots=True, unsafe_hash=True)
class Cell:
    """One table cell in reading order.

    `text` is the stripped cell text ("" when blank); `line` is 1-based; `col`
    is the cell's position within its physical line (0 for one-cell lines);
    `blank` is True for empty cells and blank markers; `mark` is a blank marker as printed
    ("—", "/", …; "" for an empty cell).
    """

    text: str
    line: int
    col: int = 0
    blank: bool = False
    mark: str = ""


def is_blank_marker(text: str) -> bool:
    """True for an empty cell or one holding only a "nothing stated" marker."""
    s = text.strip()
    return s in BLANK_CELLS or bool(_BLANK_RE.match(s))


def is_page_footer(text: str) -> bool:
    """Page numbers that PDF conversions leave inside tables ("— 4 —", "第4页")."""
    return bool(_FOOTER_RE.match(text.strip()))


def is_separator_row(line: str) -> bool:
    """Markdown separator rows such as ``|---|:---:|``."""
    s = line.strip()
    return bool(s) and "-" in s and bool(_SEPARATOR_RE.match(s))


def is_placeholder_header(text: str) -> bool:
    """Converter-made header cells ("Col1", "Column 2", "Unnamed: 0")."""
    return bool(_PLACEHOLDER_RE.match(text.strip()))


@lru_cache(maxsize=WORDING_CACHE_SIZE)
def line_kind(line: str) -> str:
    """How one line is laid out: "empty", "tab", "pipe", "spaces" or "cell"."""
    s = line.strip()
    if not s:
        return "empty"
    if "\t" in s:
        return "tab"
    if s.startswith("|") or s.endswith("|") or s.count("|") >= 2:
        return "pipe"
    # Two or more spaces between non-space text; long prose with double
    # spaces is rare enough, and a prose "cell" would match no label anyway.
    if _SPACE_GAP.search(s):
        return "spaces"
    return "cell"


def split_line(line: str) -> list[str]:
    """Split one line into its cell texts (stripped), according to its kind.

    Empty cells are kept as "" so column positions survive.
    """
    kind = line_kind(line)
    s = line.strip()
    if kind == "empty":
        return []
    if kind == "tab":
        return [c.strip() for c in line.strip("\r\n").split("\t")]
    if kind == "pipe":
        if s.startswith("|"):
            s = s[1:]
        if s.endswith("|"):
            s = s[:-1]
        return [c.strip() for c in s.split("|")]
    if kind == "spaces":
        return [c.strip() for c in _SPACE_GAP.split(s)]
    return [s]


def uses_blank_line_separators(lines: list[str], start: int = 0, end: int | None = None) -> bool:
    """True when empty lines in lines[start:end] separate cells rather than mark blank cells.

    Pasted documents often put an empty line after every line; then an empty
    line is layout, not a blank cell. Decided by how many non-empty lines are
    followed by an empty one.
    """
    end = len(lines) if end is None else min(end, len(lines))
    filled = [i for i in range(start, end) if lines[i].strip()]
    if len(filled) < 2:
        return True
    followed = sum(1 for i in filled[:-1] if i + 1 < end and not lines[i + 1].strip())
    return followed >= 0.6 * (len(filled) - 1)


def _is_noise(text: str) -> bool:
    return is_page_footer(text) or is_placeholder_header(text)


_BARE_NUMBER = re.compile(r"\d{1,3}")
_ROW_KINDS = frozenset({"tab", "pipe", "spaces"})


def is_stray_page_number(lines: list[str], i: int, start: int = 0, end: int | None = None) -> bool:
    """A lone small number between two multi-cell rows: a PDF page number, not a cell.

    In a row layout every figure sits on its row's line, so a number alone on
    its own line between rows belongs to no row.
    """
    if not _BARE_NUMBER.fullmatch(lines[i].strip()):
        return False
    end = len(lines) if end is None else end
    prev = next((lines[j] for j in range(i - 1, start - 1, -1) if lines[j].strip()), None)
    nxt = next((lines[j] for j in range(i + 1, end) if lines[j].strip()), None)
    return prev is not None and nxt is not None and line_kind(prev) in _ROW_KINDS \
        and line_kind(nxt) in _ROW_KINDS


def read_cells(lines: list[str], start: int = 0, end: int | None = None) -> list[Cell]:
    """Cells of lines[start:end] in reading order (0-based slice, 1-based `Cell.line`).

    Drops separator rows, page footers and placeholder header cells. Empty
    lines become blank cells only where the block does not use empty lines as
    separators and the neighbouring lines are one-cell lines (in row layouts
    an empty line is never a cell).
    """
    end = len(lines) if end is None else min(end, len(lines))
    separators = uses_blank_line_separators(lines, start, end)
    cells: list[Cell] = []
    prev_kind = "cell"
    for i in range(start, end):
        line = lines[i]
        kind = line_kind(line)
        if kind == "empty":
            # A line of only non-breaking spaces is normalised to spaces: in a
            # one-cell-per-line block it is a blank cell, as is a bare empty line
            # when empty lines are not separators.
            explicit = bool(line) and not line.strip()
            if prev_kind == "cell" and (explicit or not separators):
                cells.append(Cell("", i + 1, 0, True))
            continue
        if kind == "cell" and is_stray_page_number(lines, i, start, end):
            continue
        prev_kind = kind
        cells.extend(Cell(text, i + 1, col, blank, mark) for col, text, blank, mark in _line_cells(line))
    return cells


@lru_cache(maxsize=WORDING_CACHE_SIZE)  # table lines (labels, headers, furniture) recur across reports
def _line_cells(line: str) -> tuple[tuple[int, str, bool, str], ...]:
    """(column, text, blank, mark) of the cells of one non-empty line, layout noise dropped."""
    if line_kind(line) == "pipe" and is_separator_row(line):
        return ()
    texts = split_line(line)
    filled = [t for t in texts if not is_blank_marker(t)]
    if filled and all(_is_noise(t) for t in filled):
        return ()  # a page-footer or placeholder-header row, empty cells included
    out = []
    for col, text in enumerate(texts):
        if _is_noise(text):
            continue
        blank = is_blank_marker(text)
        out.append((col, "" if blank else text, blank, text.strip() if blank else ""))
    return tuple(out)


# ------------------------------------------------------------------ delimited rows

# A comma- or semicolon-separated table (a spreadsheet saved as CSV, then pasted). NFKC folds the
# full-width ,/; of prose and labels into the same characters, so a line is a delimited row only
# when its cells end in a run of bare figures (or blank marks) after a label that does not end in
# a digit (主动公开信息3,200 is a thousands separator, not two cells), and only in a text that has
# at least MIN_DELIMITED_ROWS such lines with the same delimiter.
_DELIMITERS = (",", ";")
_BARE_FIGURE = re.compile(r"-?\d+(?:\.\d+)?")  # cells are stripped of spaces and quotes first
MIN_DELIMITED_ROWS = 5


def _delimited_cells(line: str, delimiter: str) -> list[str] | None:
    """The cells of a line that reads as a delimited table row, else None."""
    if delimiter not in line or "\t" in line or "|" in line:
        return None
    cells = [c.strip().strip("\"'").strip() for c in line.split(delimiter)]
    first = next((i for i, c in enumerate(cells) if _BARE_FIGURE.fullmatch(c)), None)
    if first is None or not all(_BARE_FIGURE.fullmatch(c) or is_blank_marker(c) for c in cells[first:]):
        return None
    label = next((c for c in reversed(cells[:first]) if c), "")
    if not label:
        # A row of figures alone (the 复议/诉讼 table's one row): several cells, and not the
        # digit groups of one number (12,345,678).
        return cells if len(cells) >= 4 and not all(len(c) == 3 for c in cells[1:]) else None
    return None if label[-1].isdigit() else cells


def delimited_rows_as_tabs(lines: list[str]) -> list[str]:
    """Rows of a comma- or semicolon-separated table rewritten with tabs (the layout the table
    readers know); the text unchanged when it holds no such table."""
    for delimiter in _DELIMITERS:
        rows = {i: cells for i, line in enumerate(lines) if (cells := _delimited_cells(line, delimiter))}
        if len(rows) >= MIN_DELIMITED_ROWS:
            lines = ["\t".join(rows[i]) if i in rows else line for i, line in enumerate(lines)]
    return lines
