"""Decoding raw bytes and normalising report text.

Normalisation keeps the line structure intact (one output line per input
line) so that every figure can point at its line in the decoded text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Code points that mean "blank cell" or layout noise in flattened tables.
_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff"), " ")
_DASHES = str.maketrans({"－": "-", "—": "—", "―": "—", "–": "-"})
# Tables drawn with box-drawing characters (some PDF and Word-to-text converters): the
# vertical rules become pipes and the horizontal ones dashes, so that a drawn row reads as a
# pipe row (│a│b│ -> |a|b|) and a drawn rule as a markdown separator (├──┼──┤ -> |--|--|).
# NFKC leaves these characters alone; no report prints them outside a drawn table.
_BOX_VERTICALS = "│┃║╎╏┆┇┊┋┌┐└┘├┤┬┴┼┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬╒╓╕╖╘╙╛╜╞╟╡╢╤╥╧╨╪╫┍┎┑┒┕┖┙┚┝┞┟┠┡┢┥┦┧┨┩┪┭┮┯┰┱┲┵┶┷┸┹┺┽┾┿╀╁╂╃╄╅╆╇╈╉╊╭╮╯╰"
_BOX_RULES = "─━═╌╍┄┅┈┉"
_BOX_DRAWING = {**dict.fromkeys(map(ord, _BOX_VERTICALS), "|"), **dict.fromkeys(map(ord, _BOX_RULES), "-")}
_AFTER_NFKC = {**_DASHES, **_BOX_DRAWING}
# str.translate looks every character of a Chinese text up in its table (~0.2 ms a report);
# a regex finds the few characters to replace at C speed, and most texts hold none.
_SPACE_LIKE_CHARS = re.compile("[" + "".join(map(chr, _SPACE_LIKE)) + "]")
_AFTER_NFKC_CHARS = re.compile("[" + re.escape("".join(map(chr, _AFTER_NFKC))) + "]")

# Entries of each per-process cache keyed by wording (lines, cells, labels). Recurring wording
# (labels, headings, furniture) stays hot; lines found in one report only cycle out. Bounded so
# a parse worker stays near 0.5 GB however many reports it parses (131072 reached 1.6 GB).
WORDING_CACHE_SIZE = 32_768

REPLACEMENT = "\ufffd"  # what a byte sequence that could not be decoded becomes
_HTML_HINT = re.compile(r"<\s*(html|body|table|tr|td|div|p|br)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str | None
    encoding: str | None
    error: str | None  # why the bytes could not be read as a report, if so


def _plausible(ch: str) -> bool:
    """A character a Chinese report is made of: ASCII, CJK ideographs and punctuation, full-width forms."""
    o = ord(ch)
    return (32 <= o < 127 or ch in "\t\n\r" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0x3400 <= o <= 0x4DBF)


def utf16_byte_order(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when BOM-less bytes with NULs read as UTF-16 text, else None.

    Reports always hold ASCII digits and newlines, whose UTF-16 form has NUL bytes; a
    binary file has NULs too, but does not decode to Chinese text in either byte order.
    """
    sample = data[:65536]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    best, best_share = None, 0.95  # at least 95% plausible characters
    for order in ("utf-16-le", "utf-16-be"):
        text = sample.decode(order, errors="replace")
        share = sum(map(_plausible, text)) / len(text)
        if share > best_share:
            best, best_share = order, share
    return best


# Control bytes that never occur in text (tab, newlines, vertical tab, form feed excepted).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or b > 13)


def looks_binary(data: bytes) -> bool:
    """Heuristic: NUL bytes (outside UTF-16) or many control bytes mean a binary file."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_byte_order(data):
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) * 0.05


def _decode_utf16(data: bytes, encoding: str) -> DecodedText:
    text = _try_decode(data, encoding, lenient=False) or _try_decode(data, encoding, lenient=True)
    if text is None:
        return DecodedText(None, encoding, f"undecodable {encoding.upper()}: too many invalid code units")
    return DecodedText(text.removeprefix("\ufeff"), encoding, None)


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a raw report, detecting its encoding; never raises."""
    if not data.strip():
        return DecodedText(None, None, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return DecodedText(data[3:].decode("utf-8", errors="replace"), "utf-8-sig", None)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(data, "utf-16")
    order = utf16_byte_order(data)
    if order is not None:
        return _decode_utf16(data, order)
    if looks_binary(data):
        return DecodedText(None, None, "binary content (NUL or control bytes), not a text report")
    # Strict first; then the same codec tolerating a few bad bytes (a file cut mid-character,
    # a corrupted byte), which beats mis-reading the whole file as another encoding. The
    # replacement characters stay in the text and the parser records them as an issue.
    for codec, lenient in (("utf-8", False), ("utf-8", True), ("gb18030", False), ("gb18030", True)):
        text = _try_decode(data, codec, lenient)
        if text is not None:
            return DecodedText(text, codec, None)
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return DecodedText(None, None, "no text encoding fits these bytes")
    return DecodedText(data.decode(best.encoding, errors="replace"), best.encoding, None)


MAX_BAD_BYTE_SHARE = 0.002  # lenient decoding accepts at most 1 bad sequence per 500 bytes


def _try_decode(data: bytes, codec: str, lenient: bool) -> str | None:
    if not lenient:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            return None
    text = data.decode(codec, errors="replace")
    bad = text.count(REPLACEMENT) - data.decode(codec, errors="ignore").count(REPLACEMENT)
    return text if bad <= max(1, len(data) * MAX_BAD_BYTE_SHARE) else None


def is_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:20_000]))


_DROPPED_TAGS = ("script", "style", "noscript", "head", "template", "svg", "iframe", "object")
_BLOCK_TAGS = ("p, div, h1, h2, h3, h4, h5, h6, li, ul, ol, table, thead, tbody, section, article, "
               "header, footer, blockquote, pre, caption, dt, dd, form, hr")


def _cell_text(node) -> str:
    """A table cell on one line: inner line breaks and runs of blanks become one space."""
    return " ".join(node.text(separator="").split())


def html_to_text(html: str) -> str:
    """Strip markup: each <tr> becomes one line of tab-separated cells, blocks and <br> become lines.

    Scripts, styles and comments are dropped; entities are decoded.
    """
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    for tag in _DROPPED_TAGS:
        for node in tree.css(tag):
            node.decompose()
    # A <br> inside a cell separates words, not rows.
    for br in tree.css("td br, th br"):
        br.replace_with(" ")
    for tr in tree.css("tr"):
        cells = [_cell_text(c) for c in tr.css("td, th")]
        tr.replace_with("\n" + "\t".join(cells) + "\n")
    for br in tree.css("br"):
        br.replace_with("\n")
    for block in tree.css(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    body = tree.body or tree.root
    text = body.text(separator="") if body is not None else ""
    lines = [ln.rstrip(" \u3000\xa0") for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    # Collapse runs of blank lines the markup produced, keeping one.
    out: list[str] = []
    for ln in lines:
        if ln.strip() or (out and out[-1].strip()):
            out.append(ln)
    return "\n".join(out).strip("\n")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalize_chars(text: str) -> str:
    """Full-width to half-width, odd spaces to spaces, box-drawing rules to pipes and dashes
    (no newline is produced or removed)."""
    text = _SPACE_LIKE_CHARS.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    return _AFTER_NFKC_CHARS.sub(lambda m: _AFTER_NFKC[ord(m.group())], text)


# Spaces ending a line (after normalize_chars, every odd space is U+0020). Tabs are kept: a
# trailing tab is an empty cell of a tab-separated row.
_TRAILING_SPACES = re.compile(r" +$", re.MULTILINE)


# Characters that negate a label: 同意公开数 / 不同意公开数, 予以公开 / 不予公开, 信息存在 / 信息不存在.
_NEGATION = frozenset("不非否未无没")


def differ_in_negation(a: str, b: str) -> bool:
    """True when one label is negated and the other not: one character apart, opposite meanings,
    so never to be matched fuzzily."""
    return bool(_NEGATION.intersection(a)) != bool(_NEGATION.intersection(b))


_INNER_TAB_RUN = re.compile(r"(?<=[^\t\n])\t+(?=[^\t\n])")
_TAB_RUN = re.compile(r"\t+")
# Inner separators a text must hold, all doubled, before two tabs are read as one.
MIN_DOUBLED_SEPARATORS = 6


def undouble_tab_separators(text: str) -> str:
    """Halve every run of tabs when no two filled cells anywhere are one tab apart.

    Some exports put two tabs between cells (an empty spacer column after every column). Read
    as they stand, every other cell is empty and a form's columns fall apart. Where even one
    pair of neighbouring cells is a single tab apart, the tabs are the table's own and are kept:
    a real empty column leaves single tabs around its neighbours in other rows.
    """
    if "\t\t" not in text:
        return text
    runs = [len(m) for m in _INNER_TAB_RUN.findall(text)]
    if len(runs) < MIN_DOUBLED_SEPARATORS or any(n % 2 for n in runs):
        return text
    return _TAB_RUN.sub(lambda m: "\t" * (len(m.group()) // 2), text)


# A letter-spaced line (a centred heading in a PDF or Word export: 郏 县 人 民 政 府 2 0 2 1 年 …):
# single characters and figures, each followed by spaces. Its spaces are dropped, so the title
# and its year read as words. A row of figures (0 0 5 0) or of labels of several characters
# (收到申请数 5 0 5) is no such line: four single Chinese characters at least, nothing longer.
_LETTER_SPACED_HINT = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff] ")
_LETTER_SPACED = re.compile(
    r"^ *(?:(?:[\u4e00-\u9fff]|\d+|[()、《》:,.\[\]]) +){5,}(?:[\u4e00-\u9fff]|\d+|[()、《》:,.\[\]]) *$", re.M)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _collapse(match: re.Match[str]) -> str:
    line = match.group(0)
    return line.replace(" ", "") if len(_CJK.findall(line)) >= 4 else line


def collapse_letter_spacing(text: str) -> str:
    """Letter-spaced lines without their spaces (see _LETTER_SPACED); other lines as they are."""
    if not _LETTER_SPACED_HINT.search(text):
        return text
    return _LETTER_SPACED.sub(_collapse, text)


def normalize_text(text: str) -> list[str]:
    """Split into lines (1-based numbering = index + 1), traditional to simplified, each normalised.

    The whole text is normalised at once, not line by line (~5 % of parse time in per-line
    calls): NFKC maps no character to a newline and composes nothing across one, so the
    lines are the same either way. Spaces ending a line are dropped, so a line holding only
    spaces (full-width indentation, a space left by a PDF or Word export) is blank, as it
    reads: the table readers take blank lines as row and block boundaries.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_html(text):
        text = html_to_text(text)
    text = collapse_letter_spacing(normalize_chars(to_simplified(text)))
    return _TRAILING_SPACES.sub("", undouble_tab_separators(text)).split("\n")
