"""Reading numbers as reports print them: digits, full-width digits, Chinese
numerals, thousands separators and approximations (余/多/近/约)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from ingest.text import WORDING_CACHE_SIZE

CN_DIGITS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_CN_NUM = re.compile(f"[{CN_DIGITS}]+")
_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")

# Cells that mean "nothing stated" in a flattened table.
BLANK_CELLS = frozenset({"", "-", "—", "——", "/", "\\", "无", "空", "——/", "--", "---", "— —"})
# A table whose figure rows print no 0 but at least MIN_DASHES_FOR_ZEROS dashes writes zero as
# a dash: that is the report's convention, and both table parsers read it so (with an issue).
# A table printing both means something else by a dash (not applicable, not stated): no figure.
DASH_CELLS = frozenset({"-", "—", "——", "--", "---", "— —"})
MIN_DASHES_FOR_ZEROS = 5


# Not frozen, for speed; treated as immutable (see ingest.layout.Cell).
@dataclass(slots=True, unsafe_hash=True)
class Number:
    value: float
    approx: bool = False


def is_blank_cell(cell: str) -> bool:
    return cell.strip() in BLANK_CELLS


def parse_cn_numeral(text: str) -> float | None:
    """Chinese numeral (二千三百, 一万二千, 二〇一二) to a number, via cn2an."""
    import cn2an

    text = text.replace("○", "〇").replace("两", "二")
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        try:
            # Digit-by-digit form (二〇一二), which "smart" mode rejects; cn2an warns (rather
            # than raises) on text it cannot read, and None already says so.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                return float(cn2an.transform(text, "cn2an"))
        except (ValueError, KeyError, IndexError):
            return None


# OCR misreads 0 as O/o and 1 as l/I inside a run of digits (1O752, l2); such a cell, with at
# least one true digit, is that number. Only whole cells: a label never reads as digits.
_OCR_DIGIT_RUN = re.compile(r"[\dOoIl]*\d[\dOoIl]*")
_OCR_DIGITS = str.maketrans("OoIl", "0011")


def ocr_digits(cell: str) -> str:
    """The cell with O/o/I/l read as 0/1 when it is a digit run OCR misread, else unchanged."""
    return cell.translate(_OCR_DIGITS) if _OCR_DIGIT_RUN.fullmatch(cell) and not cell.isdigit() else cell


# Units a table cell may print after its figure (14件, 104.17万元); the form states the unit.
CELL_UNITS = r"(?:条|件|次|人次|人|个|篇|项|元|万元)"


@lru_cache(maxsize=WORDING_CACHE_SIZE)  # pure and called for every cell: the same cells recur
def parse_number_cell(cell: str) -> Number | None:
    """A table cell holding exactly one number (possibly with 万/余 etc.)."""
    s = cell.strip().replace(" ", "")
    if not s:
        return None
    approx = bool(re.search(r"[余多近约]", s))
    s2 = re.sub(r"^[约近]|[余多]$|[余多](?=[条件次人个篇万元])", "", s)
    s2 = re.sub(CELL_UNITS + "$", "", s2)
    m = _ARABIC.fullmatch(s2)
    if m:
        return Number(float(s2.replace(",", "")), approx)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)万", s2)
    if m:
        return Number(float(m.group(1)) * 10_000, approx)
    if _CN_NUM.fullmatch(s2):
        v = parse_cn_numeral(s2)
        if v is not None:
            return Number(v, approx)
    return None
