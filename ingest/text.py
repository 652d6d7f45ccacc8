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

_HTML_HINT = re.compile(r"<\s*(html|body|table|tr|td|div|p|br)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str | None
    encoding: str | None
    error: str | None  # why the bytes could not be read as a report, if so


def looks_binary(data: bytes) -> bool:
    """Heuristic: NUL bytes (outside UTF-16) or many control bytes mean a binary file."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a raw report, detecting its encoding; never raises."""
    if not data.strip():
        return DecodedText(None, None, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return DecodedText(data[3:].decode("utf-8", errors="replace"), "utf-8-sig", None)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16", None)
        except UnicodeDecodeError as exc:
            return DecodedText(None, "utf-16", f"undecodable UTF-16: {exc}")
    if looks_binary(data):
        return DecodedText(None, None, "binary content (NUL or control bytes), not a text report")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", None)
    except UnicodeDecodeError:
        pass
    # GB18030 is a superset of GBK and GB2312: try it before asking a detector,
    # because detectors often confuse short Chinese texts with Big5 or Shift-JIS.
    try:
        return DecodedText(data.decode("gb18030"), "gb18030", None)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return DecodedText(None, None, "no text encoding fits these bytes")
    return DecodedText(data.decode(best.encoding, errors="replace"), best.encoding, None)


def is_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:20_000]))


def html_to_text(html: str) -> str:
    """Strip markup, keeping table rows as tab-separated lines and blocks as lines."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    for tag in ("script", "style", "noscript", "head"):
        for node in tree.css(tag):
            node.decompose()
    for tr in tree.css("tr"):
        cells = [c.text(separator="", strip=True) for c in tr.css("td, th")]
        tr.replace_with("\n" + "\t".join(cells) + "\n")
    for br in tree.css("br"):
        br.replace_with("\n")
    for block in tree.css("p, div, h1, h2, h3, h4, h5, h6, li, table, section, article"):
        block.insert_before("\n")
        block.insert_after("\n")
    body = tree.body or tree.root
    text = body.text(separator="") if body is not None else ""
    lines = [ln.rstrip() for ln in text.split("\n")]
    # Collapse runs of blank lines the markup produced, keeping one.
    out: list[str] = []
    for ln in lines:
        if ln.strip() or (out and out[-1].strip()):
            out.append(ln)
    return "\n".join(out)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalize_line(line: str) -> str:
    """Full-width to half-width, odd spaces to spaces, traditional to simplified."""
    line = line.translate(_SPACE_LIKE)
    line = unicodedata.normalize("NFKC", line)
    return line.translate(_DASHES)


def normalize_text(text: str) -> list[str]:
    """Split into lines (1-based numbering = index + 1) and normalise each one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_html(text):
        text = html_to_text(text)
    simplified = to_simplified(text)
    return [normalize_line(ln) for ln in simplified.split("\n")]
