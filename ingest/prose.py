"""Figures stated in sentences (every template), e.g. 共受理政府信息公开申请14件.

Each rule ties a keyword to the number right after it (only fixed filler
words such as 共/共计/为 may stand between), inside one clause. That is what
keeps figures about something else in the same sentence (查阅点接收…4963条,
专项经费3万元, 再就业培训448人) from being read as the indicator. Sentences
about cumulative totals since the 条例 took effect are only read when they
also state this year's figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.models import ALL, Fact, ParseIssue
from ingest.numbers import parse_cn_numeral

# --------------------------------------------------------------------- building blocks

_CN = "零〇○一二两三四五六七八九十百千万"
# A number with its unit; 余/多/近/约 (and 逾/超过) make it approximate.
_NUM = (
    r"(?P<pre>约|近|将近|接近|逾|超过)?"
    rf"(?P<num>(?<![\d.])\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]+)\s*"
    r"(?P<post>余|多)?\s*(?P<unit>{units})"
)
# Only these words may stand between a keyword and its number.
_FILL = r"(?:的)?(?:数量|总数|总量|数)?(?:共|共计|合计|总计|累计|计|达|达到|为|是|有)?(?:了)?\s*"
# Any few characters within one clause (no digits, so no other figure in between).
_GAP = r"[^,,。;;:\d]{{0,{n}}}?"
_NEG = r"(?:未|没有|无|暂无|尚未|均未|从未)(?!法|正当|需|须|经)"
_REQ = (
    r"(?:政府信息公开申请|信息公开申请|公开申请|政府信息依申请公开(?:申请|事项)?"
    r"|依申请公开(?:政府信息)?(?:的)?(?:申请|事项)?|申请公开(?:政府信息)?(?:的)?(?:申请|事项)?)"
)
_PROACTIVE = r"主动公开(?:了)?(?:政府|政务)?(?:各类|各项|相关)?(?:政府|政务)?信息"
_TRAINING = (
    r"(?:各类|各种|各级)?(?:政府信息公开|政务公开|信息公开)?(?:工作)?(?:业务|专题|专项)?培训"
    r"(?:班|会|会议|活动)?"
)
_CUMULATIVE = re.compile(r"以来|历年|至今|迄今|累计")
_THIS_YEAR = r"其中|本年|今年|当年|全年|年内"
_TABLE_LINE = re.compile(r"\t|\|.*\|")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|[((][一二三四五六七八九十]+[))]|\d+\s*[、.])")
_NOTHING = re.compile(r"^\s*[((]?(?:无|暂无|没有|无相关情况|无此类情况|无相关数据)[))]?\s*[。.]?\s*$")


def _rx(template: str, units: str) -> re.Pattern[str]:
    return re.compile(
        template.replace("{N}", _NUM.replace("{units}", units))
        .replace("{F}", _FILL)
        .replace("{REQ}", _REQ)
        .replace("{PRO}", _PROACTIVE)
        .replace("{TRAIN}", _TRAINING)
        .replace("{G}", _GAP.format(n=16))
        .replace("{LONG}", _GAP.format(n=30))
        .replace("{NEG}", _NEG)
    )


@dataclass(frozen=True, slots=True)
class Rule:
    """One way of stating an indicator in a sentence."""

    indicator: str
    unit: str  # unit of the emitted fact
    patterns: tuple[re.Pattern[str], ...]
    exclude: re.Pattern[str] | None = None  # clause words meaning it is about something else
    requires: re.Pattern[str] | None = None  # sentence words that must be present
    zero: bool = False  # the pattern states a zero (no number group)
    channel_words: tuple[tuple[str, str], ...] = ()  # (regex, channel) split by channel
    scale_yuan: bool = False  # money printed in 元 is converted to 万元


_REQUEST_CHANNELS = (
    (r"当面|现场", "in_person"),
    (r"传真", "fax"),
    (r"电子邮件|电子邮箱|邮箱", "email"),
    (r"网络|网上|在线|互联网|网站|线上", "online"),
    (r"信函|邮寄|来信|书面", "letter"),
)
_PROACTIVE_CHANNELS = (
    (r"公报", "gazette"),
    (r"网站|网页", "website"),
    (r"微博", "weibo"),
    (r"微信|公众号", "wechat"),
)
_OPEN = re.compile(r"公开")
_REQUEST_CONTEXT = re.compile(r"申请|答复")

RULES: tuple[Rule, ...] = (
    Rule(
        "proactive_total", "条",
        (_rx(r"{PRO}{F}{N}", "条|件"), _rx(r"主动公开(?:了)?{F}{N}(?:各类|各项)?(?:政府|政务)?信息", "条")),
        exclude=re.compile(r"规范性文件|查阅|解读|各(?:县|区|市|乡|镇|部门|单位|街道|成员)|下属"),
        channel_words=_PROACTIVE_CHANNELS,
    ),
    Rule(
        "requests_received", "件",
        (
            _rx(r"(?:受理|收到|接到|接收|新收)(?:了)?{G}{REQ}{F}{N}", "件|份|宗|个"),
            _rx(r"(?:受理|收到|接到|新收)(?:了)?{F}{N}{G}{REQ}", "件|份|宗|个"),
            _rx(r"{REQ}(?:数量|总数|共计|共|合计)(?:为|是|达)?\s*{N}", "件|份|宗|个"),
        ),
        exclude=re.compile(r"查阅点|查阅室|查阅场所|大厅|窗口|服务中心|备案|热线|工单|信访|咨询|结转|复议|诉讼"),
        channel_words=_REQUEST_CHANNELS,
    ),
    Rule(
        "requests_received", "件",
        (_rx(r"{NEG}(?:收到|受理|接到|发生|产生|出现|有)?{G}{REQ}", "件"),),
        exclude=re.compile(r"复议|诉讼|费|\d+\s*件|查阅点|备案"),
        zero=True,
    ),
    Rule(
        "requests_carried_over", "件",
        (_rx(r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?{F}{N}", "件"),),
    ),
    Rule(
        "requests_carried_forward", "件",
        (
            _rx(r"结转(?:至|到)?下(?:一)?年(?:度)?(?:继续办理)?(?:的)?(?:申请)?{F}{N}", "件"),
            _rx(r"{N}{G}结转(?:至|到)?下(?:一)?年", "件"),
        ),
    ),
    Rule(
        "requests_granted", "件",
        (
            _rx(r"(?<!不)(?<!部分)(?:同意公开|予以公开|全部公开)(?:答复)?(?:的)?(?:申请)?{F}{N}", "件"),
            _rx(r"{N}{G}(?:为|属于|予以|均为|均予以|全部予以)[“\"‘']?(?:同意公开|予以公开)(?![^,,。;;]*部分)",
                "件"),
        ),
        exclude=re.compile(r"不予公开|不同意|部分"),
        requires=_REQUEST_CONTEXT,
    ),
    Rule(
        "requests_partially_granted", "件",
        (_rx(r"(?:同意部分公开|部分公开|部分予以公开)(?:答复)?(?:的)?(?:申请)?{F}{N}", "件"),),
        requires=_REQUEST_CONTEXT,
    ),
    Rule(
        "admin_review_total", "件",
        (
            _rx(r"(?:行政)?复议(?:申请|案件)?{F}{N}", "件|起|宗|次|个"),
            _rx(r"(?:收到|发生|提起|引起|涉及|被申请)(?:了)?{F}{N}{G}(?:行政)?复议", "件|起|宗|次"),
        ),
        exclude=re.compile(r"纠错|维持|撤销|驳回|其他情形|尚未审结|结果|诉讼|起诉"),
    ),
    Rule("admin_review_total", "件", (_rx(r"{NEG}{G}复议", "件"),),
         exclude=re.compile(r"\d+\s*[件起宗]"), zero=True),
    Rule(
        "admin_litigation_total", "件",
        (
            _rx(r"(?:行政)?诉讼(?:案件)?{F}{N}", "件|起|宗|次|个"),
            _rx(r"(?:提起|发生|引起|涉及|被提起)(?:了)?(?:行政)?诉讼{F}{N}", "件|起|宗|次"),
            _rx(r"(?:收到|发生|提起|引起|涉及)(?:了)?{F}{N}{G}(?:行政)?诉讼", "件|起|宗|次"),
        ),
        exclude=re.compile(r"纠错|维持|撤销|驳回|其他情形|尚未审结|结果|复议"),
    ),
    Rule("admin_litigation_total", "件", (_rx(r"{NEG}{G}诉讼", "件"),),
         exclude=re.compile(r"\d+\s*[件起宗]"), zero=True),
    Rule(
        "fees_collected", "万元",
        (_rx(r"(?<![未不无])收取(?:了)?{G}费(?:用)?{F}{N}", "万元|元"),),
        exclude=re.compile(r"行政事业性|经费"),
        scale_yuan=True,
    ),
    Rule(
        "fees_collected", "万元",
        (
            _rx(r"(?:{NEG}|不)(?:曾)?收取(?:过)?{LONG}费", "元"),
            _rx(r"免收{LONG}费", "元"),
            _rx(r"{NEG}(?:收费|费用收取|收取费用)", "元"),
        ),
        exclude=re.compile(r"行政事业性|\d+(?:\.\d+)?\s*(?:万元|元)"),
        zero=True,
    ),
    Rule(
        "staff_fulltime", "人",
        (_rx(r"专职(?:工作)?(?:人员)?{F}{N}(?!次)", "人|名"),),
        exclude=re.compile(r"培训|参加|接待|查阅"),
        requires=_OPEN,
    ),
    Rule(
        "staff_parttime", "人",
        (_rx(r"兼职(?:工作)?(?:人员)?{F}{N}(?!次)", "人|名"),),
        exclude=re.compile(r"培训|参加|接待|查阅"),
        requires=_OPEN,
    ),
    Rule(
        "staff_total", "人",
        (
            _rx(r"(?<!专职)(?<!兼职)(?<!专职工作)(?<!兼职工作)(?:工作人员|从业人员)(?:共)?{F}{N}(?!次)", "人|名"),
            _rx(r"从事{G}信息公开{G}人员{F}{N}(?!次)", "人|名"),
        ),
        exclude=re.compile(r"培训|参加|接待|查阅|窗口"),
        requires=_OPEN,
    ),
    Rule(
        "training_sessions", "次",
        (
            _rx(r"(?:举办|组织|开展|召开)(?:了)?{TRAIN}(?:共)?{F}{N}", "次|期|场|个|班"),
            _rx(r"(?:举办|组织|开展|召开)(?:了)?{F}{N}{TRAIN}", "次|期|场"),
        ),
        requires=re.compile(r"政务公开|信息公开"),
    ),
    Rule(
        "trainees", "人次",
        (
            _rx(r"(?:培训|参训|受训)(?:人员|干部|人数)?{F}{N}", "人次|人|名"),
            _rx(r"{N}(?:参加|参与|接受)(?:了)?(?:培训|学习培训)", "人次|人|名"),
        ),
        exclude=re.compile(r"就业|失业|农民|劳动力|技能"),
        requires=re.compile(r"政务公开|信息公开"),
    ),
)

# Headings whose section reads just "无" state a zero for these indicators.
_HEADING_ZEROS = (
    (re.compile(r"复议"), "admin_review_total"),
    (re.compile(r"诉讼"), "admin_litigation_total"),
    (re.compile(r"收费|费用"), "fees_collected"),
    (re.compile(r"^(?!.*(?:复议|诉讼|收费)).*依申请公开"), "requests_received"),
)
_UNIT_OF = {rule.indicator: rule.unit for rule in RULES}


# --------------------------------------------------------------------- sentences


@dataclass(frozen=True, slots=True)
class Sentence:
    line_no: int  # 1-based
    text: str


def iter_sentences(lines: list[str]) -> Iterator[Sentence]:
    """Prose sentences with their line; table rows (tabs, pipes) are the table parsers' job."""
    for i, line in enumerate(lines):
        if not line.strip() or _TABLE_LINE.search(line):
            continue
        for part in re.split(r"(?<=[。;;!?!?])", line):
            if part.strip():
                yield Sentence(i + 1, part.strip())


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, start) for c in ",,;;。:") + 1
    rights = [p for c in ",,;;。" if (p := text.find(c, end)) != -1]
    return left, min(rights) if rights else len(text)


def _number(match: re.Match[str]) -> tuple[float, bool] | None:
    raw = match.group("num").replace(",", "")
    value = float(raw) if raw[0].isdigit() else parse_cn_numeral(raw)
    if value is None:
        return None
    approx = bool(match.group("pre") or match.group("post"))
    return value, approx


def _is_other_year(sentence: str, upto: int, year: int | None) -> bool:
    """True when the last year the sentence names before the figure is not the report's."""
    if year is None:
        return False
    years = re.findall(r"((?:19|20)\d{2})\s*年", sentence[:upto])
    return bool(years) and int(years[-1]) != year


def _is_cumulative(sentence: str, clause: str, start: int, year: int | None) -> bool:
    """A since-the-条例 total, unless the clause (or the sentence) pins it to this year."""
    if not _CUMULATIVE.search(sentence[:start] + clause):
        return False
    this_year = _THIS_YEAR + (rf"|{year}\s*年" if year else r"|(?:19|20)\d{2}\s*年")
    if re.search(this_year, clause) and not re.search(r"以来|历年|至今|迄今", clause):
        return False
    pinned = rf"(?:全部|均|都)(?:为|是|属于|系)(?:{year}|本|今|当)\s*年" if year else r"(?:全部|均|都)(?:为|是)(?:本|今|当)年"
    return not re.search(pinned, sentence)


def _channel(clause: str, words: tuple[tuple[str, str], ...]) -> str | None:
    """The one channel a clause names (None if none); 'all' if several or 等."""
    named = {code for pattern, code in words if re.search(pattern, clause)}
    if not named:
        return None
    if len(named) > 1 or "等" in clause:
        return ALL
    return named.pop()


def _facts_in_sentence(sentence: Sentence, rule: Rule, year: int | None) -> Iterator[Fact]:
    text = sentence.text
    if rule.requires and not rule.requires.search(text):
        return
    for pattern in rule.patterns:
        for m in pattern.finditer(text):
            left, right = _clause_bounds(text, m.start(), m.end())
            clause = text[left:right]
            if rule.exclude and rule.exclude.search(clause):
                continue
            if _is_other_year(text, m.start(), year) or _is_cumulative(text, clause, left, year):
                continue
            if rule.zero:
                value, approx = 0.0, False
            else:
                number = _number(m)
                if number is None:
                    continue
                value, approx = number
                if rule.scale_yuan and m.group("unit") == "元":
                    value = value / 10_000
            channel = ALL
            indicator = rule.indicator
            if rule.channel_words:
                named = _channel(clause, rule.channel_words)
                if named and named != ALL:
                    channel = named
                    if indicator == "proactive_total":
                        indicator = "proactive_published"
            yield Fact(
                indicator_code=indicator, value=value, unit=rule.unit, source="narrative",
                source_line=sentence.line_no, source_text=text, channel_code=channel,
                value_qualifier="approx" if approx else "exact",
            )


def _heading_zeros(lines: list[str]) -> Iterator[Fact]:
    """'无' alone under a heading such as 六、复议、诉讼和申诉情况 states a zero."""
    heading: tuple[int, str] | None = None
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if _NOTHING.match(s) and heading is not None:
            for pattern, indicator in _HEADING_ZEROS:
                if pattern.search(heading[1]):
                    yield Fact(indicator, 0.0, _UNIT_OF[indicator], "narrative", i + 1,
                               f"{heading[1]} {s}")
            heading = None
            continue
        heading = (i, s) if _HEADING.match(s) and len(s) <= 40 else None


def extract_prose_facts(lines: list[str], year: int | None = None) -> tuple[list[Fact], list[ParseIssue]]:
    """Contract indicators stated in sentences: one fact per key (the first), conflicts as issues."""
    found: list[Fact] = []
    for sentence in iter_sentences(lines):
        for rule in RULES:
            found.extend(_facts_in_sentence(sentence, rule, year))
    found.extend(_heading_zeros(lines))
    found.sort(key=lambda f: f.source_line)

    kept: dict[tuple[str, str, str], Fact] = {}
    issues: list[ParseIssue] = []
    for fact in found:
        first = kept.get(fact.key)
        if first is None:
            kept[fact.key] = fact
        elif first.value != fact.value:
            issues.append(ParseIssue(
                "prose_conflicting_values",
                f"{'/'.join(fact.key)}: the text states {first.value:g} (line {first.source_line}) "
                f"and {fact.value:g} (line {fact.source_line}); the first is kept",
                "warning", fact.source_line, fact.source_text[:500],
            ))
    return list(kept.values()), issues
