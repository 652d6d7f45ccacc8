"""Report metadata: title, region, the year covered and the publication date.

The year covered is read from the title, else from the statistics period, else
from the body's dominant year. Publication and crawl dates, breadcrumbs and
the signature date are never taken for it: a 2017 report is published in 2018.
Only when nothing else names the year is it the year before the publication
date (recorded as year_from_publication_date).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from ingest.models import ParseIssue, ReportMeta
from ingest.numbers import ocr_digits, parse_cn_numeral
from ingest.regions import find_title, resolve_region_with_issues

MIN_YEAR, MAX_YEAR = 2000, 2040
_CN_DIGIT = "〇○零一二三四五六七八九"
_YEAR = rf"(\d{{4}}|[{_CN_DIGIT}]{{4}})"
_TITLE_YEAR = re.compile(_YEAR + r"\s*年")
_PERIOD_PATTERNS = (
    re.compile(r"统计期限(?:为|是)?(?:自|从)?\s*" + _YEAR + r"\s*年"),
    re.compile(r"起止时间(?:为|是)?\s*(?:自|从)?\s*" + _YEAR + r"\s*年"),
    re.compile(r"(?:统计|数据|报告)[^。]{0,12}?(?:时限|期限|时间|区间)[^。\d]{0,6}?" + _YEAR + r"\s*年\s*1\s*月\s*1\s*日"),
    re.compile(_YEAR + r"\s*年\s*1\s*月\s*1\s*日\s*(?:起|开始)?\s*(?:至|到|-|—|~)\s*(?:" + _YEAR
               + r"\s*年\s*)?12\s*月\s*31\s*日"),
    re.compile(r"^[((]?\s*" + _YEAR + r"\s*年度\s*[))]?$"),
)
_DATE_FIELDS = ("发布日期", "发布时间", "发文日期", "成文日期", "印发日期", "日期", "时间")
# The generic 日期/时间 fields count only when they are not part of a longer label (统计时间).
_HEADER_DATE = re.compile(
    r"(发布日期|发布时间|发文日期|成文日期|印发日期|(?<![\u4e00-\u9fff])日期|(?<![\u4e00-\u9fff])时间)"
    r"\s*[::]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)(?!\s*日?\s*(?:至|到|~|—))"
)
_BARE_NUMERIC_DATE = re.compile(
    r"^[(([【]?\s*(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[))\]】]?$"
)
_CN_DATE = rf"([\d{_CN_DIGIT}]{{4}})\s*年\s*([\d{_CN_DIGIT}十]{{1,3}})\s*月\s*([\d{_CN_DIGIT}十]{{1,3}})\s*日"
_BARE_DATE = re.compile(r"^[((]?\s*" + _CN_DATE + r"\s*[))]?$")
# A page header line: a date beside the source, view count or author (2019-03-29 15:30 来源:区政府办).
_PAGE_INFO = re.compile(r"来源|浏览|点击|访问|阅读|作者|字号|编辑")
_ANY_DATE = re.compile(r"(?<!\d)(\d{4})\s*([-/.年])\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
# Lines that carry portal furniture rather than report text.
_FURNITURE = re.compile(r">|索引号|发布日期|发文日期|成文日期|发布时间|浏览次数|访问量|打印|关闭窗口")
_REPORT_WORDS = re.compile(r"^\s*(?:度)?(?:的)?(?:政府信息公开|政务公开|信息公开|工作|年度报告)")


def _to_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = parse_cn_numeral(text)
    return int(value) if value is not None else None


def _plausible_year(text: str) -> int | None:
    year = _to_int(text)
    return year if year is not None and MIN_YEAR <= year <= MAX_YEAR else None


# A title year OCR misread (2O21, 2Ol9): digits with O/o/I/l among them, before 年.
_TITLE_YEAR_OCR = re.compile(r"(?<![\dA-Za-z])(2[\dOo][\dOoIl]{2})\s*年")
# Title years printed without 年: spaced out (2 0 2 0 年), in brackets (年度报告(2020)), or run
# into the report's name (宁陵县2020政府信息公开工作年度报告).
_TITLE_YEAR_BARE = (
    re.compile(r"(?<!\d)(\d \d \d \d)\s*年"),
    re.compile(r"\(\s*(\d{4})\s*(?:年度?)?\s*\)"),
    re.compile(r"(?<!\d)(\d{4})(?=\s*(?:年度)?\s*(?:政府信息公开|政务公开|信息公开))"),
)


def year_from_title(title: str) -> int | None:
    for m in _TITLE_YEAR.finditer(title):
        year = _plausible_year(m.group(1))
        if year:
            return year
    for m in _TITLE_YEAR_OCR.finditer(title):
        year = _plausible_year(ocr_digits(m.group(1)))
        if year:
            return year
    for pattern in _TITLE_YEAR_BARE:
        for m in pattern.finditer(title):
            year = _plausible_year(m.group(1).replace(" ", ""))
            if year:
                return year
    return None


def year_from_period(lines: list[str]) -> tuple[int, int] | None:
    """(year, line index) from a statistics-period statement."""
    for i, line in enumerate(lines):
        s = line.strip()
        if _FURNITURE.search(s):
            continue
        for pattern in _PERIOD_PATTERNS:
            m = pattern.search(s)
            if m:
                year = _plausible_year(m.group(1))
                if year:
                    return year, i
    return None


def year_from_body(lines: list[str], max_lines: int = 30) -> int | None:
    """The dominant year in the opening paragraphs, weighting years followed by report words.

    Only the opening is read because closing sections talk about next year's plans,
    and furniture lines (breadcrumbs, publish/crawl dates) are skipped.
    """
    votes: Counter[int] = Counter()
    seen = 0
    for line in lines:
        s = line.strip()
        if not s or _FURNITURE.search(s) or _BARE_DATE.match(s):
            continue
        seen += 1
        if seen > max_lines:
            break
        for m in _TITLE_YEAR.finditer(s):
            year = _plausible_year(m.group(1))
            if year is None or re.match(r"\s*\d{1,2}\s*月\s*\d{1,2}\s*日", s[m.end():]) and "至" not in s:
                continue  # a full date, most likely a signature or deadline
            votes[year] += 2 if _REPORT_WORDS.match(s[m.end():]) else 1
    if not votes:
        return None
    return max(votes, key=lambda y: (votes[y], y))


def _valid_date(y: int | None, m: int | None, d: int | None) -> date | None:
    if y is None or m is None or d is None or not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _cn_date(match: re.Match[str]) -> date | None:
    return _valid_date(*(_to_int(g) for g in match.groups()[:3]))


def published_date(lines: list[str], title_index: int | None) -> tuple[date, int] | None:
    """Publication date: header field, else a date under the title, else a dated signature."""
    best: tuple[int, date, int] | None = None
    for i, line in enumerate(lines[:60]):
        for m in _HEADER_DATE.finditer(line):
            d = _valid_date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
            rank = _DATE_FIELDS.index(m.group(1)) if m.group(1) in _DATE_FIELDS else len(_DATE_FIELDS)
            if d and (best is None or rank < best[0]):
                best = (rank, d, i)
    if best:
        return best[1], best[2]
    if title_index is not None:
        for i in range(title_index + 1, min(len(lines), title_index + 6)):
            if (d := _bare_date(lines[i]) or _page_info_date(lines[i])) is not None:
                return d, i
    tail = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()][-8:]
    for i, s in reversed(tail):
        if (d := _bare_date(s)) is not None:
            return d, i
    return None


def _page_info_date(line: str) -> date | None:
    """The one date on a page-header line that also gives the source or view count."""
    if not _PAGE_INFO.search(line) or re.search(r"成文|印发|生成|统计", line):
        return None
    dates = list(_ANY_DATE.finditer(line))
    if len(dates) != 1:
        return None
    y, _sep, m, d = dates[0].groups()
    return _valid_date(int(y), int(m), int(d))


def _bare_date(line: str) -> date | None:
    """A line holding only a date: 2020年1月15日, 二〇二〇年一月十五日, 2020-01-15, 2020/1/15."""
    s = line.strip()
    if m := _BARE_DATE.match(s):
        return _cn_date(m)
    if m := _BARE_NUMERIC_DATE.match(s):
        return _valid_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    return None


def extract_metadata(lines: list[str]) -> tuple[ReportMeta, list[ParseIssue]]:
    """Title, region, year covered (and where it was read) and publication date."""
    issues: list[ParseIssue] = []
    meta = ReportMeta()
    title = find_title(lines)
    if title:
        meta.title = title[1]
    year = year_from_title(title[1]) if title else None
    if year:
        meta.year, meta.year_source = year, "title"
    elif (period := year_from_period(lines)) is not None:
        meta.year, meta.year_source = period[0], "statistics_period"
    elif (body_year := year_from_body(lines)) is not None:
        meta.year, meta.year_source = body_year, "body"
        issues.append(ParseIssue("year_from_body", f"no title or statistics period; year {body_year} "
                                 "is the dominant year of the opening paragraphs", "info"))
    published = published_date(lines, title[0] if title else None)
    if meta.year is None and published:
        # The last resort: a report covers the year before it is published (the 条例 sets the
        # deadline in the first quarter of the next year; late reports come later, never earlier).
        meta.year, meta.year_source = published[0].year - 1, "publication_date"
        issues.append(ParseIssue(
            "year_from_publication_date",
            f"no year in title, statistics period or body; {meta.year} is the year before the "
            f"publication date {published[0].isoformat()}",
            "warning", published[1] + 1, lines[published[1]][:500],
        ))
    elif meta.year is None:
        issues.append(ParseIssue("year_unresolved", "no year found in title, statistics period, body or "
                                 "publication date", "warning"))

    meta.region, region_issues = resolve_region_with_issues(lines, meta.year)
    issues.extend(region_issues)

    if title and meta.year_source == "title":
        period = year_from_period(lines)
        if period and period[0] != meta.year:
            issues.append(ParseIssue(
                "year_conflict",
                f"title says {meta.year}, statistics period says {period[0]}; title kept",
                "warning", period[1] + 1, lines[period[1]][:500],
            ))

    if published:
        meta.published_on = published[0]
        if meta.year and published[0].year < meta.year:
            issues.append(ParseIssue(
                "published_before_year_end",
                f"published {published[0].isoformat()} before the end of the year covered ({meta.year})",
                "warning", published[1] + 1, lines[published[1]][:500],
            ))
    return meta, issues
