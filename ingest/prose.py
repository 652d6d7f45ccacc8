"""Figures stated in sentences (every template), e.g. 共受理政府信息公开申请14件.

Each rule ties a keyword to the number right after it (only fixed filler
words such as 共/共计/为 may stand between), inside one clause. That is what
keeps figures about something else in the same sentence (查阅点接收…4963条,
专项经费3万元, 再就业培训448人, 其中当面申请30件) from being read as the
indicator, and what keeps changes (增加3件, 同比增长12%) from being read as
levels. A figure is dropped when the last time marker before it in its
sentence names another year (2018年, 上年, 去年), and sentences about
cumulative totals since the 条例 took effect are only read for the part
they pin to this year. Numbers: digits (full-width ones arrive NFKC-folded),
Chinese numerals (via cn2an), 万 multipliers; 余/多/约/近/超过/逾/左右 make the
figure approximate. Sentences may borrow context (依申请公开, 主动公开) from the
heading of the section they stand in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ingest.models import ALL, Fact, ParseIssue
from ingest.numbers import parse_cn_numeral

# --------------------------------------------------------------------- building blocks

# Financial numerals (壹拾贰件) too: some reports write every figure of the prose in them.
_CN = "零〇○一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟"
# A number with its unit; 余/多/近/约/逾/超过/左右 make it approximate. The number may
# not continue another number (第二十条, 2019年 → no figure) nor follow 第.
_NUM = (
    r"(?P<pre>约|近|将近|接近|逾|超过|多达)?"
    rf"(?<![第\d.{_CN}])(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?(?P<wan>\s*万)?|[{_CN}]+)\s*"
    r"(?P<post>余|多)?\s*(?P<unit>{units})(?P<post2>左右|以上)?"
)
# Only these words may stand between a keyword and its number.
# A colon may stand before the number (申请数量:23件, 件数为:23件; NFKC folds the full-width one),
# and a closing quote after a quoted keyword (其中“同意公开”12件).
# 共有 (共有工作人员45人) is two of the words, and 人民币 may precede an amount (收取费用人民币50元).
_FILL = (r"[”\"’']?(?:的)?(?:数量|总数|总量|件数|条数|数)?(?:共有|共|共计|合计|总计|累计|计|达|达到|为|是|有)?(?:了)?"
         r"\s*(?::\s*)?(?:人民币\s*)?")
# Any few characters within one clause (no digits, so no other figure in between).
_GAP = r"[^,,。;;:\d]{{0,{n}}}?"
_NEG = r"(?:未|没有|无|暂无|尚未|均未|从未)(?!法|正当|需|须|经)"
# A zero stated after the subject: 行政复议、行政诉讼均为零; 申请数量为0.
_IS_ZERO = r"(?:数量|总数|件数|数|量)?(?:均|都|皆|也)?(?:为|是)\s*(?:零|0)(?![\d.])(?:件)?"
_REQ = (
    r"(?:(?:政府信息公开申请|信息公开申请|公开申请)(?:事项)?|政府信息依申请公开(?:申请|事项)?"
    r"|依申请公开(?:政府)?(?:信息)?(?:的)?(?:申请|事项)?|申请公开(?:政府)?(?:信息)?(?:的)?(?:申请|事项)?)"
)
_PROACTIVE = r"主动公开(?:了)?(?:政府|政务)?(?:各类|各项|相关)?(?:政府|政务)?信息"
_TRAINING = (
    r"(?:各类|各种|各级)?(?:政府信息公开|政务公开|信息公开)?(?:工作)?(?:业务|专题|专项)?培训"
    r"(?:班|会|会议|活动)?"
)
_CHANNEL_WORDS = r"(?:当面|现场|网上|网络|在线|互联网|信函|邮寄|来信|传真|电子邮件|电子邮箱)"
# 今年以来 / 本年以来 / 年初以来 ("since the start of this year") are this year, not cumulative.
_CUMULATIVE = re.compile(r"(?<!今年)(?<!本年)(?<!年初)(?<!本年度)以来|历年|至今|迄今|累计")
_THIS_YEAR = r"其中|本年|今年|当年|全年|年内"
# Time markers deciding which year a figure belongs to; comparisons (较上年, 与去年相比) do not.
_CN_YEAR_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_TIME_MARK = re.compile(
    r"(?P<year>(?:19|20)\d{2}|二[〇○零][〇○零一二三四五六七八九]{2})\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:前|以前|之前))"
    r"|(?<![比较与同])(?P<prev>上一?年(?!度?结转)(?:度)?|去年|前一年)"
    r"|(?P<this>本年度?|今年|当年|全年|年内|本年度)"
)
# A part of the year (上半年, 第一季度, 前三季度, 1-6月) states no figure of the year, unless a
# whole-year marker (全年, 本年, 2019年 not followed by a part of it) stands after it.
_PART_OR_WHOLE_YEAR = re.compile(
    r"(?P<part>[上下]半年|(?:第|前)?[一二三四1-4]\s*季度"
    r"|(?<!\d)(?:[1-9]|1[01])\s*(?:至|到|-|—|~)\s*(?:[1-9]|1[01])\s*月(?!\d))"
    r"|(?P<whole>全年|本年度?|今年|当年|年内|(?:19|20)\d{2}\s*年(?![上下]半年|第?[一二三四]季度|\s*\d))"
)
_TABLE_LINE = re.compile(r"\t|\|.*\|")
_HEADING = re.compile(
    r"^\s*(?:(?P<top>[一二三四五六七八九十]+\s*[、.])|(?P<sub>[((][一二三四五六七八九十]+[))])|\d+\s*[、.](?!\d))"
)
# "Nothing", alone or after this year's marker (本年度无。); another year's (2015年无) is no answer.
_THIS_YEAR_NOTHING = (r"(?:(?:本|今|全)年度?(?:内)?\s*,?\s*)?(?:无|暂无|没有|均无|无相关数据|未发生"
                      r"|(?:无|没有|未)(?:发生|出现)?(?:此类|相关|上述|该类|类似)?(?:情况|情形|案件|事项))")
_NOTHING = re.compile(rf"^\s*[((]?{_THIS_YEAR_NOTHING}[))]?\s*[。.]?\s*$")
_HAS_DIGIT = re.compile(rf"[\d{_CN}]")
_HAS_NEGATION = re.compile(r"未|没有|无|不|免|零|为\s*0(?![\d.])")


# The units of every number rule (filled by _rx): a number rule can only match a sentence
# holding a number followed by one of them (see _NUMBER_WITH_UNIT).
_NUMBER_RULE_UNITS: set[str] = set()


def _rx(template: str, units: str) -> re.Pattern[str]:
    if "{N}" in template:
        _NUMBER_RULE_UNITS.add(units)
    return re.compile(
        template.replace("{N}", _NUM.replace("{units}", units))
        .replace("{F}", _FILL)
        .replace("{REQ}", _REQ)
        .replace("{PRO}", _PROACTIVE)
        .replace("{TRAIN}", _TRAINING)
        .replace("{CH}", _CHANNEL_WORDS)
        .replace("{G}", _GAP.format(n=16))
        .replace("{LONG}", _GAP.format(n=30))
        .replace("{IS_ZERO}", _IS_ZERO)
        .replace("{NEG}", _NEG)
    )


@dataclass(frozen=True, slots=True)
class Rule:
    """One way of stating an indicator in a sentence."""

    indicator: str
    unit: str  # unit of the emitted fact
    patterns: tuple[re.Pattern[str], ...]
    exclude: re.Pattern[str] | None = None  # clause words meaning it is about something else
    requires: re.Pattern[str] | None = None  # words the sentence or its section heading must hold
    zero: bool = False  # the pattern states a zero (no number group)
    channel_words: tuple[tuple[str, str], ...] = ()  # (regex, channel) split by channel
    channel_only: bool = False  # emit only when the clause names one channel
    scale_yuan: bool = False  # money printed in 元 is converted to 万元
    subject: str | None = None  # 复议 or 诉讼: the last of the two named before the figure
    applicant_words: tuple[tuple[str, str], ...] = ()  # (regex, applicant type): emit one type's share
    # The figure is a share of the requests received: the last subject the sentence names
    # before it is a receiving verb, not an outcome (予以公开10件,其中自然人8件 is not received).
    share_of_received: bool = False


# Figures about a decision or document another body made, or the information published about it.
_NOT_OWN_DECISIONS = re.compile(r"公开|公示|发布|上传|推送|解读|各(?:县|区|市|乡|镇|部门|单位|街道)|下属|备案|审查|清理")

_REQUEST_CHANNELS = (
    (r"当面|现场", "in_person"),
    (r"传真", "fax"),
    (r"电子邮件|电子邮箱|邮箱", "email"),
    (r"网络|网上|在线|互联网|网站|线上", "online"),
    (r"信函|邮寄|来信|书面", "letter"),
)
# The applicant columns of the 2019+ form, as prose names them (法人或其他组织 is their sum, the
# merged matrix's middle column; 其他 is too vague to name one).
_APPLICANT_TYPES = (
    (r"自然人|公民个人", "natural_person"),
    (r"商业企业", "commercial_enterprise"),
    (r"科研机构", "research_institution"),
    (r"社会公益组织", "social_welfare_org"),
    (r"法律服务机构", "legal_service_org"),
    (r"法人或其他组织|法人和其他组织", "legal_person_subtotal"),
)
_APPLICANT_WORDS = "|".join(pattern for pattern, _ in _APPLICANT_TYPES)
_RECEIVED_OR_OUTCOME = re.compile(
    # 上年结转46件 (carried over from last year) is neither: 新收申请1253件,上年结转46件。其中
    # 自然人提出申请1198件 still speaks of the requests received.
    r"(?P<carried>上一?年度?结转|结转(?:自)?上一?年度?)"
    r"|(?P<received>收到|受理|新收|接收|接到|办理|申请总量|申请数量|申请总数)"
    r"|(?P<outcome>予以公开|部分公开|不予公开|同意公开|答复|办结|结转(?:至|到)?(?:下一?年度?)?(?:继续)?(?:办理)?"
    r"|不予处理|无法提供|其他处理|复议|诉讼)")
# 均为自然人申请 / 全部由自然人提出: every request received came from natural persons.
_ALL_NATURAL_PERSONS = re.compile(r"(?:均|全部|全|都)(?:为|是|系|由|来自)(?:自然人|公民个人)")
_GAZETTE = (r"公报", "gazette")
_PROACTIVE_CHANNELS = (
    _GAZETTE,
    (r"其他(?:方式|途径|渠道|形式|载体)", "other"),  # the old form's 其他方式 row
    (r"网站|网页", "website"),
    (r"微博", "weibo"),
    (r"微信|公众号", "wechat"),
)
_OPEN = re.compile(r"公开")
# Staff figures: in a sentence or section about disclosure, or under a heading about the
# disclosure body's staff (七、机构建设及人员情况, 六、工作人员及收费情况, 配备专职人员2名).
_STAFF_CONTEXT = re.compile(r"公开|机构建设|人员(?:情况|配备|配置|及|和|与)|队伍建设|配备|配齐")
_REQUEST_CONTEXT = re.compile(r"申请|答复")
# Press conferences of the units below, or attended by their leaders, are not this government's own.
_OTHERS_PRESS_CONFERENCES = re.compile(r"各(?:县|区|市|乡|镇|部门|单位|街道)|下属|领导|负责")
_APPLICATION_CONTEXT = re.compile(r"依申请|公开申请|申请公开")
_NOT_REQUESTS = re.compile(r"查阅点|查阅室|查阅场所|大厅|窗口|服务中心|备案|热线|工单|信访|咨询|结转|复议|诉讼")
_OUTCOME_EXCLUDE = re.compile(r"申请人|不服")
# A zero said of an outcome or a rate (复议纠错率为零) is not a zero count of cases, nor is
# a clause that states a count other than zero (0件 is the zero itself: 行政复议、行政诉讼案件均为0件).
_NOT_A_COUNT_OF_CASES = re.compile(r"(?<![\d.])[1-9]\d*\s*[件起宗]|纠错|维持|撤销|驳回|其他|尚未审结|结果|率|比例")


# Proactive figures of something else: documents, reading rooms, interpretations, subordinate units.
_NOT_OWN_PROACTIVE = r"规范性文件|查阅|解读|各(?:县|区|市|乡|镇|部门|单位|街道|成员)|下属"
_DISCLOSURE_SHARE = r"其中\s*,?\s*(?:涉及|关于|有关|因|属于)(?:政府)?信息公开(?:申请)?(?:的|类|方面的)?(?:案件)?{F}{N}"


_BOTH_GAP = r"[^,,。;;\d]{0,12}?"
_EACH_OF_REVIEW_AND_LITIGATION = (
    rf"(?:复议{_BOTH_GAP}(?:、|和|及|与|或){_BOTH_GAP}诉讼|诉讼{_BOTH_GAP}(?:、|和|及|与|或){_BOTH_GAP}复议)"
    r"(?:的)?(?:案件)?(?:数量)?(?:分别)?各{F}{N}"
)


def _outcomes(subject: str, prefix: str) -> tuple[Rule, ...]:
    """Outcome rows (维持/纠错/其他/未审结) of 行政复议 or 行政诉讼, stated in prose."""
    units = "件|起|宗|个"
    return (
        Rule(f"{prefix}_upheld", "件", (_rx(r"(?:予以)?维持(?:原)?(?:具体)?(?:行政行为|决定)?(?:的)?{F}{N}", units),),
             exclude=_OUTCOME_EXCLUDE, subject=subject),
        Rule(f"{prefix}_corrected", "件",
             (_rx(r"(?:被)?(?:纠错|纠正|撤销|确认违法|责令履行)(?:原)?(?:具体)?(?:行政行为|决定)?(?:的)?{F}{N}", units),),
             exclude=_OUTCOME_EXCLUDE, subject=subject),
        Rule(f"{prefix}_other", "件", (_rx(r"(?:其他结果|其他情形|驳回|终止|撤回|调解)(?:的)?{F}{N}", units),),
             exclude=_OUTCOME_EXCLUDE, subject=subject),
        Rule(f"{prefix}_pending", "件", (_rx(r"(?:尚未审结|未审结|尚在审理|正在审理|审理中)(?:的)?{F}{N}", units),),
             exclude=_OUTCOME_EXCLUDE, subject=subject),
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "proactive_total", "条",
        (
            _rx(r"{PRO}{F}{N}", "条|件|项"),
            _rx(r"主动公开(?:了)?{F}{N}(?:各类|各项)?(?:政府|政务)?信息", "条"),
            # 全年共公开政府信息3256条,其中主动公开3200条; 累计…5万余条,其中本年度主动公开3200条
            # (… 其中2016年主动公开5623条: the year by its number)
            _rx(r"其中\s*,?\s*(?:本年度?|今年|全年|当年|(?:19|20)\d{2}\s*年度?)?(?:共|新)?主动公开(?:了)?{F}{N}",
                "条|件|项"),
            # 全年主动公开3200条: this year's, with no noun (a noun would be a kind of information)
            _rx(r"(?:本年度?|今年|全年)\s*,?\s*(?:共|共计)?主动公开(?:了)?{F}{N}", "条|件|项"),
        ),
        exclude=re.compile(_NOT_OWN_PROACTIVE),
        channel_words=_PROACTIVE_CHANNELS,
    ),
    # Under a proactive heading or sentence, 全县共发布各类政府信息2266条 is the proactive total.
    Rule(
        "proactive_total", "条",
        # Not a share (其中…) nor what one channel carried (网站共发布各类信息38605条,其中主动公开9874条).
        (_rx(r"(?<![依请动])(?:公开|发布)(?:了)?(?:各类|各项|相关)?(?:政府|政务)?信息{F}{N}", "条|项"),),
        # (and not what the press, television or a notice board carried: 通过《XX日报》等报刊公开信息56条)
        exclude=re.compile(_NOT_OWN_PROACTIVE + r"|申请|其中|网站|网页|公报|微博|微信|公众号|新媒体|平台|栏目"
                           r"|报刊|报纸|日报|晚报|电视|广播|电台|期刊|短信|客户端|显示屏|电子屏|公示栏|公开栏|宣传栏"),
        requires=re.compile(r"主动公开"),
    ),
    # 累计主动公开政府信息32156条,其中2013年新增公开6215条: the year's part of a running total.
    Rule(
        "proactive_total", "条",
        (_rx(r"(?:新增|新)(?:主动)?公开(?:了)?(?:政府|政务)?(?:信息)?{F}{N}", "条|件|项"),),
        exclude=re.compile(_NOT_OWN_PROACTIVE),
        requires=re.compile(r"主动公开"),
        channel_words=_PROACTIVE_CHANNELS,
    ),
    Rule(
        "proactive_published", "条",
        (
            # 通过《政府公报》公开政府文件12件: a gazette's name in brackets, its documents counted in 件.
            _rx(r"(?:网站|网页|公报|微博|微信|公众号|其他(?:方式|途径|渠道|形式|载体))》?(?:上|平台)?(?:主动)?"
                r"(?:公开|发布|刊登|推送)(?:了)?"
                r"(?:政府|政务)?(?:各类)?(?:政府|政务)?(?:信息|文件)?{F}{N}", "条|件"),
            # 主动公开政府信息2266条,其中县政府网站1500条、政务微信500条: the shares of a total
            # (…, 政务微信信息850条: the channel's information, no verb).
            _rx(r"(?:其中\s*,?\s*|(?<=[、,]))(?:在|通过)?[^,,。;;、\d]{0,6}?"
                r"(?:网站|网页|公报|微博|微信|公众号|其他(?:方式|途径|渠道|形式|载体))(?:上|平台)?"
                r"(?:的)?(?:(?:政府|政务)?信息)?(?:公开|发布)?{F}{N}", "条"),
            # 发布政务微博信息2130条, 在门户网站发布政府信息1234条: the verb before the channel.
            _rx(r"(?:公开|发布|推送)(?:了)?[^,,。;;、\d]{0,6}?(?:网站|网页|微博|微信|公众号)(?:上)?(?:的)?"
                r"(?:各类)?(?:政府|政务)?信息{F}{N}", "条"),
        ),
        exclude=re.compile(_NOT_OWN_PROACTIVE + "|主动公开"),
        requires=re.compile(r"主动公开"),
        channel_words=_PROACTIVE_CHANNELS,
        channel_only=True,
    ),
    # 通过《XX人民政府公报》刊登规范性文件46件: what a gazette publishes are documents, the
    # normative ones among them (the rule above leaves 规范性文件 out: on a website it is a part).
    Rule(
        "proactive_published", "条",
        (
            _rx(r"公报》?(?:上)?(?:刊登|刊发|公开|发布)(?:了)?(?:各类)?(?:行政)?(?:规范性文件|政府文件|文件){F}{N}", "条|件"),
            # 编印《政府公报》12期,刊登规范性文件46件: the issues stand between the gazette and its documents.
            _rx(r"公报》?(?:共)?(?:\d+|[一二三四五六七八九十]+)\s*期\s*,\s*(?:共)?(?:刊登|刊发|公开|发布|收录)(?:了)?"
                r"(?:各类)?(?:行政)?(?:规范性文件|政府文件|文件){F}{N}", "条|件"),
        ),
        exclude=re.compile(r"查阅|解读|各(?:县|区|市|乡|镇|部门|单位|街道|成员)|下属|主动公开"),
        requires=re.compile(r"主动公开"),
        channel_words=(_GAZETTE,),
        channel_only=True,
    ),
    Rule(
        "requests_received", "件",
        (
            # 办理 (handled) states the requests of the year as 受理 does: 共办理政府信息公开申请136件.
            # Requests may be counted in 人次 (people-times: one per request made).
            _rx(r"(?:受理|收到|接到|接收|新收|办理)(?:了)?{G}{REQ}(?:件)?{F}{N}", "件|份|宗|个|人次"),
            _rx(r"(?:受理|收到|接到|新收|办理)(?:了)?{F}{N}{G}{REQ}", "件|份|宗|个|人次"),
            _rx(r"{REQ}(?:数量|总数|总量|件数|共计|共|合计)(?:为|是|达)?\s*(?::\s*)?{N}", "件|份|宗|个|人次"),
            _rx(r"{REQ}(?:共|共计|合计)?(?:受理|收到|办理)(?:了)?{F}{N}", "件|份|宗|个|人次"),
            # 全年共有26人次提出政府信息公开申请 (the people-times who made a request).
            _rx(r"{F}{N}{G}(?:提出|提交|递交)(?:了)?{REQ}", "人次"),
        ),
        exclude=_NOT_REQUESTS,
        channel_words=_REQUEST_CHANNELS,
    ),
    # A bare 申请 under a 依申请公开 heading or in a sentence about such requests.
    Rule(
        "requests_received", "件",
        (
            _rx(r"(?:受理|收到|接到|接收|新收)(?:了)?(?:公民|群众|公众|各类|申请人)?(?:的|提出的|提交的)?"
                r"(?:申请|申请件){F}{N}", "件|份|宗|个"),
            _rx(r"(?:受理|收到|接到|新收)(?:了)?{F}{N}(?:申请)", "件|份|宗|个"),
        ),
        exclude=_NOT_REQUESTS,
        requires=_APPLICATION_CONTEXT,
        channel_words=_REQUEST_CHANNELS,
    ),
    # 申请人通过当面、信函、网络等方式提出申请共计26件: the requests made, in the ways named
    # (one way named: that way's share). Not an applicant type's share, nor a review's.
    Rule(
        "requests_received", "件",
        (_rx(r"(?:提出|提交|递交)(?:了)?(?:政府信息公开|信息公开|公开)?(?:申请|申请件)(?:共计|共|合计|总计)(?:为|达)?{N}",
             "件|份|宗|个"),),
        exclude=re.compile(_NOT_REQUESTS.pattern + "|其中|" + _APPLICANT_WORDS),
        requires=_APPLICATION_CONTEXT,
        channel_words=_REQUEST_CHANNELS,
    ),
    # 其中当面申请30件, 网上申请50件, 以信函方式提交申请3件: one channel's share.
    Rule(
        "requests_received", "件",
        (_rx(r"{CH}(?:方式|形式|渠道)?(?:提交|提出|递交|受理|收到)?(?:的)?(?:申请|申请件){F}{N}", "件|份|宗|个"),),
        exclude=_NOT_REQUESTS,
        requires=_APPLICATION_CONTEXT,
        channel_words=_REQUEST_CHANNELS,
        channel_only=True,
    ),
    # 新收申请23件(自然人20件、商业企业3件), 其中自然人申请18件: one applicant type's share.
    Rule(
        "requests_received", "件",
        (_rx(rf"(?:{_APPLICANT_WORDS})(?:提出|提交)?(?:的)?(?:申请|申请件)?{{F}}{{N}}", "件|份|宗|个"),),
        exclude=_NOT_REQUESTS,
        requires=_APPLICATION_CONTEXT,
        applicant_words=_APPLICANT_TYPES,
        share_of_received=True,
    ),
    Rule(
        "requests_received", "件",
        (_rx(r"{NEG}(?:收到|受理|接到|发生|产生|出现|有)?{G}{REQ}", "件"),),
        exclude=re.compile(r"复议|诉讼|费|\d+\s*件|查阅点|备案"),
        zero=True,
    ),
    Rule("requests_received", "件", (_rx(r"{REQ}{G}{IS_ZERO}", "件"),),
         exclude=re.compile(r"复议|诉讼|费|\d+\s*件|查阅点|备案|率|比例|答复|办结|结转"), zero=True),
    Rule(
        "requests_carried_over", "件",
        (
            _rx(r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?{F}{N}", "件"),
            _rx(r"结转(?:自)?上(?:一)?年(?:度)?(?:的)?(?:政府信息公开)?(?:申请)?{F}{N}", "件"),  # 其中结转上一年度3件
        ),
    ),
    Rule(
        "requests_carried_forward", "件",
        (
            _rx(r"结转(?:至|到)?下(?:一)?年(?:度)?(?:继续办理)?(?:的)?(?:申请)?{F}{N}", "件"),
            _rx(r"{N}{G}结转(?:至|到)?下(?:一)?年", "件"),
        ),
    ),
    Rule(
        "requests_answered", "件",
        # 因信息不存在答复3件 is an outcome's count, not the answers'
        (_rx(r"(?<![按及])(?<!存在)(?:答复|回复)(?:了)?(?:申请人|申请)?{F}{N}", "件"),),
        exclude=re.compile(r"按时|延期|逾期|咨询|留言|热线|信访|复议|诉讼|建议|提案"),
        requires=_APPLICATION_CONTEXT,
    ),
    Rule(
        "requests_granted", "件",
        (
            _rx(r"(?<!不)(?<!部分)(?:同意公开|予以公开|全部公开)(?:答复)?(?:的)?(?:申请)?{F}{N}", "件"),
            # 其中10件同意公开 / 10件予以公开 / 8件均予以公开 (the count before the outcome)
            _rx(r"{N}{G}(?:为|属于|予以|均为|均予以|全部予以)?[“\"‘']?(?:同意公开|予以公开)(?![^,,。;;]*部分)",
                "件"),
        ),
        exclude=re.compile(r"不予公开|不同意|部分"),
        requires=_REQUEST_CONTEXT,
    ),
    Rule(
        "requests_partially_granted", "件",
        (
            _rx(r"(?:同意部分公开|部分公开|部分予以公开)(?:答复)?(?:的)?(?:申请)?{F}{N}", "件"),
            _rx(r"{N}{G}(?:同意部分公开|部分公开|部分予以公开)", "件"),
        ),
        requires=_REQUEST_CONTEXT,
    ),
    Rule(
        "requests_denied", "件",
        (
            _rx(r"(?:不予公开|不同意公开|不予以公开)(?:答复)?(?:的)?(?:申请)?{F}{N}", "件"),
            _rx(r"{N}{G}(?:不予公开|不同意公开|不予以公开)", "件"),
        ),
        requires=_REQUEST_CONTEXT,
    ),
    Rule(
        "requests_not_this_agency", "件",
        (
            # 不属于本机关公开范围的申请2件, 非本机关政府信息1件
            _rx(r"(?:不属于本|非本)(?:机关|单位|部门|行政机关)(?:的)?(?:(?:政府)?信息|公开|职责|掌握)?(?:范围)?(?:的)?"
                r"(?:申请)?{F}{N}", "件"),
            _rx(r"{N}{G}(?:不属于本|非本)(?:机关|单位|部门|行政机关)", "件"),
        ),
        requires=_REQUEST_CONTEXT,
    ),
    Rule(
        "requests_nonexistent", "件",
        (
            # 因申请信息不存在答复3件 / 信息不存在无法提供的2件: the outcome between the reason and its count
            _rx(r"(?:申请公开的)?(?:政府)?信息不存在[”\"’']?(?:的)?(?:申请)?(?:而)?"
                r"(?:答复|告知|无法提供|未能提供|不能提供)?(?:的)?{F}{N}", "件"),
            _rx(r"{N}{G}(?:政府)?信息不存在", "件"),  # 3件因信息不存在未能提供
        ),
        requires=_REQUEST_CONTEXT,
    ),
    Rule(
        "requests_already_public", "件",
        (_rx(r"属于已主动公开(?:的)?(?:范围|信息)?(?:的)?(?:申请)?{F}{N}", "件"),),
        requires=_REQUEST_CONTEXT,
    ),
    # 行政复议、行政诉讼各1件: one count for each of the two.
    Rule("admin_review_total", "件", (_rx(_EACH_OF_REVIEW_AND_LITIGATION, "件|起|宗|次|个"),)),
    Rule("admin_litigation_total", "件", (_rx(_EACH_OF_REVIEW_AND_LITIGATION, "件|起|宗|次|个"),)),
    # 全年发生行政复议案件32件,其中涉及政府信息公开的0件: the disclosure share, before the whole.
    Rule("admin_review_total", "件", (_rx(_DISCLOSURE_SHARE, "件|起|宗|次|个"),), subject="复议"),
    Rule("admin_litigation_total", "件", (_rx(_DISCLOSURE_SHARE, "件|起|宗|次|个"),), subject="诉讼"),
    Rule(
        "admin_review_total", "件",
        (
            _rx(r"(?:行政)?复议(?:申请|案件)?{F}{N}", "件|起|宗|次|个"),
            _rx(r"(?:收到|发生|提起|引起|涉及|被申请)(?:了)?{F}{N}{G}(?:行政)?复议", "件|起|宗|次"),
        ),
        exclude=re.compile(r"纠错|维持|撤销|驳回|其他情形|尚未审结|结果|诉讼|起诉"),
    ),
    Rule("admin_review_total", "件", (_rx(r"{NEG}{LONG}复议", "件"),),
         exclude=re.compile(r"\d+\s*[件起宗]"), zero=True),
    Rule("admin_review_total", "件", (_rx(r"复议{LONG}{IS_ZERO}", "件"),), exclude=_NOT_A_COUNT_OF_CASES, zero=True),
    *_outcomes("复议", "admin_review"),
    Rule(
        "admin_litigation_total", "件",
        (
            _rx(r"(?:行政)?诉讼(?:案件)?{F}{N}", "件|起|宗|次|个"),
            _rx(r"(?:提起|发生|引起|涉及|被提起)(?:了)?(?:行政)?诉讼{F}{N}", "件|起|宗|次"),
            _rx(r"(?:收到|发生|提起|引起|涉及)(?:了)?{F}{N}{G}(?:行政)?诉讼", "件|起|宗|次"),
        ),
        exclude=re.compile(r"纠错|维持|撤销|驳回|其他情形|尚未审结|结果|复议"),
    ),
    Rule("admin_litigation_total", "件", (_rx(r"{NEG}{LONG}诉讼", "件"),),
         exclude=re.compile(r"\d+\s*[件起宗]"), zero=True),
    Rule("admin_litigation_total", "件", (_rx(r"诉讼{LONG}{IS_ZERO}", "件"),), exclude=_NOT_A_COUNT_OF_CASES, zero=True),
    *_outcomes("诉讼", "admin_litigation"),
    Rule(
        "fees_collected", "万元",
        (
            _rx(r"(?<![未不无])收取(?:了)?{G}费(?:用)?{F}{N}", "万元|元"),
            _rx(r"收费(?:金额|总额)?{F}{N}", "万元|元"),  # 政府信息公开收费0元
        ),
        exclude=re.compile(r"行政事业性|经费"),
        scale_yuan=True,
    ),
    Rule(
        "fees_collected", "万元",
        (
            _rx(r"(?:{NEG}|不)(?:曾)?(?:向[^,,。;;\d]{0,8}?)?收取(?:过)?{LONG}费", "元"),  # 未向申请人收取任何费用
            _rx(r"免收{LONG}费", "元"),
            _rx(r"{NEG}(?:发生|产生|有)?(?:任何)?(?:收费|费用收取|收取费用)", "元"),  # 本年度未发生收费情况
            _rx(r"(?:收费|收取费用|费用)(?:金额|总额)?{IS_ZERO}", "元"),  # 收费为零
        ),
        exclude=re.compile(r"行政事业性|\d+(?:\.\d+)?\s*(?:万元|元)"),
        zero=True,
    ),
    # 依申请公开的政府信息均免费提供: free of charge where requests or fees are the subject.
    Rule(
        "fees_collected", "万元",
        (_rx(r"(?:均|全部|一律)?免费(?:提供|向|为|答复)", "元"),),
        exclude=re.compile(r"行政事业性|\d+(?:\.\d+)?\s*(?:万元|元)|查阅|咨询|培训|复印机|无线|上网|WiFi|wifi"),
        requires=re.compile(r"依申请|申请公开|公开申请|收费|费用"),
        zero=True,
    ),
    # The 2019+ tables' 第二十条 figures, stated in prose (a report printing its tables as an
    # image, or none): documents made, repealed and in force, decisions, fees. Not what was
    # published about them (公开行政处罚决定31731条 is proactive information).
    Rule("normative_docs_issued", "件",
         (_rx(r"(?:制发|制定|出台|印发)(?:了)?(?:各类)?(?:行政)?规范性文件{F}{N}", "件|份|个"),),
         exclude=_NOT_OWN_DECISIONS),
    Rule("normative_docs_repealed", "件",
         (_rx(r"废止(?:了)?(?:各类)?(?:行政)?(?:规范性文件)?{F}{N}", "件|份|个"),),
         exclude=_NOT_OWN_DECISIONS, requires=re.compile(r"规范性文件")),
    Rule("normative_docs_in_force", "件",
         (_rx(r"现行有效(?:的)?(?:行政)?(?:规范性文件)?{F}{N}", "件|份|个"),),
         exclude=_NOT_OWN_DECISIONS, requires=re.compile(r"规范性文件")),
    Rule("licensing_decisions", "件", (_rx(r"行政许可(?:处理)?决定(?:数量|数|书)?{F}{N}", "件|个|项"),),
         exclude=_NOT_OWN_DECISIONS),
    Rule("penalty_decisions", "件", (_rx(r"行政处罚(?:处理)?决定(?:数量|数|书)?{F}{N}", "件|个|项"),),
         exclude=_NOT_OWN_DECISIONS),
    Rule("enforcement_decisions", "件", (_rx(r"行政强制(?:处理)?决定(?:数量|数|书)?{F}{N}", "件|个|项"),),
         exclude=_NOT_OWN_DECISIONS),
    Rule("admin_fees_collected", "万元",
         (_rx(r"(?:收取|征收|收缴)(?:了)?(?:各项|各类)?行政事业性收费(?:金额|总额|资金)?{F}{N}", "万元|元"),
          _rx(r"行政事业性收费(?:金额|总额|收入)(?:共计|共|合计)?(?:为|达)?{F}{N}", "万元|元")),
         exclude=_NOT_OWN_DECISIONS, scale_yuan=True),
    Rule(
        "special_funds", "万元",
        (_rx(r"(?:信息公开|政务公开)(?:工作)?(?:专项)?经费(?:投入|支出)?{F}{N}", "万元|元"),),
        scale_yuan=True,
    ),
    Rule(
        "staff_fulltime", "人",
        (
            _rx(r"专职(?:工作)?(?:人员)?{F}{N}(?!次)", "人|名"),
            _rx(r"{N}专职(?:工作)?(?:人员|干部)", "人|名"),  # 配备了1名专职人员
        ),
        exclude=re.compile(r"培训|参加|接待|查阅"),
        requires=_STAFF_CONTEXT,
    ),
    Rule(
        "staff_parttime", "人",
        (
            _rx(r"(?<!专)兼职(?:工作)?(?:人员)?{F}{N}(?!次)", "人|名"),
            # 2名兼职人员; 1名工作人员兼职负责
            _rx(r"{N}(?:兼职(?:工作)?(?:人员|干部)|(?:工作人员|同志|干部)兼职(?:负责|从事))", "人|名"),
        ),
        exclude=re.compile(r"培训|参加|接待|查阅"),
        requires=_STAFF_CONTEXT,
    ),
    Rule(
        "staff_total", "人",
        (
            _rx(r"(?<!专职)(?<!兼职)(?<!专职工作)(?<!兼职工作)(?:工作人员|从业人员)(?:共)?{F}{N}(?!次)", "人|名"),
            # Not 从事…工作的专职人员15人: that is the full-time staff alone.
            _rx(r"从事{G}信息公开[^,,。;;:\d专兼]{0,16}?人员{F}{N}(?!次)", "人|名"),
            _rx(r"专兼职(?:工作)?(?:人员)?{F}{N}(?!次)", "人|名"),
            # 明确1名工作人员负责…; 安排2名同志具体负责… (the count before the staff it counts)
            _rx(r"{N}(?:工作人员|同志|干部)(?:专门|具体|兼职)?(?:负责|从事)", "人|名"),
        ),
        exclude=re.compile(r"培训|参加|接待|查阅|窗口"),
        requires=_STAFF_CONTEXT,
    ),
    Rule(
        "reading_points", "个",
        (
            _rx(r"(?:设立|设置|建立|建成|开设)(?:了)?{G}查阅(?:点|场所|室){F}{N}", "个|处"),
            _rx(r"(?:设立|设置|建立|建成|开设)(?:了)?{F}{N}{G}查阅(?:点|场所|室)", "个|处"),  # 设立了25个…查阅点
            _rx(r"查阅(?:点|场所|室|中心){F}{N}", "个|处"),  # 全县共有政府信息公开查阅点22个
        ),
        exclude=re.compile(r"接待|人次|新增|新设"),
    ),
    Rule(
        "press_conferences", "次",
        (
            # 新闻发布会(吹风会)8场次: an aside may stand between the noun and its count
            _rx(r"(?:召开|举办|组织|参加或举办)(?:了)?(?:各类)?(?:新闻发布会|新闻发布)(?:会议)?(?:\([^()]{1,8}\))?{F}{N}",
                "场次|场|次|期"),
            _rx(r"(?:召开|举办|组织)(?:了)?{F}{N}(?:政府|政务)?新闻发布会", "场|次|期"),  # 召开了6次新闻发布会
        ),
        exclude=_OTHERS_PRESS_CONFERENCES,
    ),
    # 召开政策吹风会3次，新闻发布会8次: a list item whose verb stands earlier in the sentence.
    Rule(
        "press_conferences", "次",
        (_rx(r"(?:^|(?<=[、,]))(?:政府|政务)?新闻发布会(?:\([^()]{1,8}\))?{F}{N}", "场次|场|次|期"),),
        exclude=_OTHERS_PRESS_CONFERENCES,
        requires=re.compile(r"召开|举办|组织"),
    ),
    Rule(
        "policy_interpretations", "篇",
        (
            _rx(r"(?:发布|出台|制作|刊发|推出)?(?:了)?(?:各类)?政策解读(?:文件|材料|稿件|信息|文章)?{F}{N}",
                "篇|条|件|份|期"),
            _rx(r"(?:发布|出台|制作|刊发|推出)(?:了)?{F}{N}(?:各类)?政策解读", "篇|条|件|份|期"),  # 发布了12篇政策解读
            # 对重要政策文件进行解读22篇
            _rx(r"政策[^,,。;;:\d]{0,10}?(?:进行|开展|作)(?:了)?(?:政策)?解读{F}{N}", "篇|条|件|份|期"),
        ),
        exclude=re.compile(r"各(?:县|区|市|乡|镇|部门|单位|街道)|下属"),
    ),
    Rule(
        "training_sessions", "次",
        (
            _rx(r"(?:举办|组织|开展|召开)(?:了)?(?:全[县市区省州盟旗镇乡])?{TRAIN}(?:共)?{F}{N}", "次|期|场|个|班"),
            _rx(r"(?:举办|组织|开展|召开)(?:了)?{F}{N}{TRAIN}", "次|期|场"),
        ),
        requires=re.compile(r"政务公开|信息公开"),
    ),
    Rule(
        "trainees", "人次",
        (
            _rx(r"(?:培训|参训|受训)(?:人员|干部|人数)?{F}{N}", "人次|人|名"),
            _rx(r"{N}(?:参加|参与|接受)(?:了)?(?:培训|学习培训)", "人次|人|名"),
            # 全县60余名信息公开工作人员参加培训: the count before the people trained
            _rx(r"{N}{G}(?:人员|干部|骨干|联络员|信息员)(?:参加|参与|接受)(?:了)?(?:培训|学习培训)", "人次|人|名"),
            # 培训各单位信息公开工作人员80人: who was trained, then how many
            _rx(r"培训(?:了)?{G}(?:人员|干部|骨干|联络员|信息员){F}{N}", "人次|人|名"),
        ),
        exclude=re.compile(r"就业|失业|农民|劳动力|技能"),
        requires=re.compile(r"政务公开|信息公开"),
    ),
)

# Headings whose section reads just "无" state a zero for these indicators.
_HEADING_ZEROS = (
    (re.compile(r"复议"), "admin_review_total"),
    (re.compile(r"诉讼"), "admin_litigation_total"),
    (re.compile(r"^(?!.*行政事业性).*(?:收费|费用)"), "fees_collected"),  # 行政事业性收费 is another figure
    (re.compile(r"^(?!.*(?:复议|诉讼|收费)).*依申请公开"), "requests_received"),
)
_UNIT_OF = {rule.indicator: rule.unit for rule in RULES}
# Words without which a rule cannot match: a cheap gate before its patterns run.
_TRIGGERS = (
    ("proactive", "主动公开|网站|网页|公报|微博|微信|公众号"),
    ("requests", "申请|答复|回复|结转"),
    ("admin_review", "复议"),
    ("admin_litigation", "诉讼"),
    ("fees", "费"),
    ("special_funds", "经费"),
    ("press", "新闻发布"),
    ("reading", "查阅"),
    ("policy", "政策解读|解读"),
    ("staff", "人员|专职|兼职"),
    ("train", "培训|参训|受训"),
    ("normative_docs", "规范性文件"),
    ("licensing", "行政许可"),
    ("penalty", "行政处罚"),
    ("enforcement", "行政强制"),
    ("admin_fees", "行政事业性收费"),
)


def _trigger(rule: Rule) -> re.Pattern[str]:
    return re.compile(next(words for prefix, words in _TRIGGERS if rule.indicator.startswith(prefix)))


_NUMBER_RULES = tuple((r, _trigger(r)) for r in RULES if not r.zero)
_ZERO_RULES = tuple((r, _trigger(r)) for r in RULES if r.zero)
# What every number rule's match ends with (_NUM: a digit or numeral, then 余/多, then a unit):
# most numbered lines (table rows flattened into prose, dates, article numbers) lack it, and
# skip arming the rules. A necessary condition only, so it changes no result.
_NUMBER_WITH_UNIT = re.compile(
    rf"[\d{_CN}]\s*(?:余|多)?\s*(?:{'|'.join(f'(?:{u})' for u in sorted(_NUMBER_RULE_UNITS))})")
# Many rules share a trigger: each distinct one is searched once per sentence.
_NUMBER_TRIGGERS = tuple(dict.fromkeys(t for _, t in _NUMBER_RULES))
# Per trigger, the rules it arms with their position among the rules (facts keep rule order):
# a sentence visits only the rules of the triggers it holds, not all of them.
_RULES_OF_TRIGGER = tuple(tuple((i, r) for i, (r, t) in enumerate(_NUMBER_RULES) if t == trigger)
                          for trigger in _NUMBER_TRIGGERS)
# Rules with `requires` may also be armed by their trigger in the sentence before (context).
_CONTEXT_RULES_OF_TRIGGER = tuple(tuple((i, r) for i, r in rules if r.requires) for rules in _RULES_OF_TRIGGER)


# --------------------------------------------------------------------- sentences


# Not frozen, for speed; treated as immutable (see ingest.layout.Cell).
@dataclass(slots=True, unsafe_hash=True)
class Sentence:
    line_no: int  # 1-based
    text: str
    section: str = ""  # the heading of the section the sentence stands in
    context: str = ""  # the sentence before it in the same paragraph (其中… continues it)


_SENTENCE_END = re.compile(r"(?<=[。;;!?!?])")


# A line ending a sentence or a lead-in (closing quotes and brackets aside).
_LINE_END = frozenset("。;!?:")
_CLOSERS = "”’\"')）》」』"
# Shorter lines are left alone: titles, signatures, the last line of a paragraph.
MIN_WRAPPED_CHARS = 15


def _is_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) and len(text) <= 40


def _continues(line: str, following: str) -> bool:
    """Whether `following` continues the sentence `line` leaves open: a PDF or fixed-width
    export breaks paragraphs into lines of a set width, often inside a word or a figure."""
    s, nxt = line.strip(), following.strip()
    # A heading ends its line, unless running text follows it on the line ((二)办理情况。受理…).
    heading = _is_heading(s) and not any(c in s for c in "。;!?")
    if len(s) < MIN_WRAPPED_CHARS or not nxt or _TABLE_LINE.search(following) or heading:
        return False
    if s.rstrip(_CLOSERS)[-1:] in _LINE_END:
        return False
    return not _HEADING.match(nxt) and not _NOTHING.match(nxt)


def _paragraph_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(0-based index of its first line, text) of each prose line, wrapped lines joined again."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or _TABLE_LINE.search(line):
            i += 1
            continue
        start, text = i, line.strip()
        while i + 1 < len(lines) and _continues(lines[i], lines[i + 1]):
            i += 1
            text += lines[i].strip()
        yield start, text
        i += 1


def iter_sentences(lines: list[str]) -> Iterator[Sentence]:
    """Prose sentences with their line and section heading; table rows are the table parsers' job.

    A sentence wrapped over several lines is read whole, from its first line.
    """
    headings: list[str] = []  # 一、 > (一) > 1. : the open heading of each level
    for i, s in _paragraph_lines(lines):
        if (m := _HEADING.match(s)) and len(s) <= 40:
            level = 0 if m.group("top") else 1 if m.group("sub") else 2
            headings = [*headings[:level], *[""] * (level - len(headings)), s]
        section = " ".join(h for h in headings if h)
        previous = ""
        for part in _SENTENCE_END.split(s):
            if part.strip():
                yield Sentence(i + 1, part.strip(), section, previous)
                previous = part.strip()


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, start) for c in ",,;;。:") + 1
    rights = [p for c in ",,;;。" if (p := text.find(c, end)) != -1]
    return left, min(rights) if rights else len(text)


def _refine_clause(text: str, left: int, right: int, start: int, end: int) -> tuple[int, int]:
    """Narrow a clause to the list item holding a figure: 、 separates figures (复议2件、诉讼3件).

    The clause also ends where an aside opens after the figure: 申请15件(其中:网上申请10件).

    A 、 before the figure is a boundary only when the item before it holds a number
    itself; in 当面、网络申请共30件 the 、 joins two words that share one figure.
    """
    # After the figure, a list item or an aside (其中:…, (含…)) begins a new clause.
    right = min([right, *(p for c in "、((:[" if (p := text.find(c, end, right)) != -1)])
    # A figure inside an aside that opened before it is the aside's own clause:
    # 主动公开政府信息2356条(其中政府网站公开2000条).
    opened = text.rfind("(", left, start)  # (NFKC has folded the full-width brackets)
    if opened >= 0 and opened > text.rfind(")", left, start):
        left = opened + 1
    cut = left
    for p in [i for i in range(left, start) if text[i] == "、"]:
        if _HAS_DIGIT.search(text[cut:p]):
            left = p + 1
        cut = p + 1
    return left, right


def _number(match: re.Match[str]) -> tuple[float, bool] | None:
    raw = match.group("num").replace(",", "").replace(" ", "")
    wan = raw.endswith("万") and raw[0].isdigit()
    raw = raw.removesuffix("万") if wan else raw
    value = float(raw) if raw[0].isdigit() else parse_cn_numeral(raw)
    if value is None:
        return None
    if wan:
        value *= 10_000
    approx = bool(match.group("pre") or match.group("post") or match.group("post2"))
    return value, approx


# 全年 / 年内 / 当年 say "in the year" of the year the sentence names: after 2015年 they mean
# 2015 (2015年,我县…力争全年…), and this year when no year is written before them (after
# 去年 they contrast: 去年…300条,全年…2500条).
_RELATIVE_THIS = frozenset({"全年", "年内", "当年"})


def _is_other_year(sentence: str, upto: int, year: int | None) -> bool:
    """True when the last time marker before the figure names another year (2018年, 上年, 去年)."""
    last: re.Match[str] | None = None
    named: re.Match[str] | None = None  # the last year written as a number
    for m in _TIME_MARK.finditer(sentence, 0, upto):
        last = m
        if m.group("year"):
            named = m
    if last is not None and last.group("this") in _RELATIVE_THIS:
        last = named
    if last is None or last.group("this"):
        return False
    if last.group("prev"):
        return True
    return year is not None and _year_number(last.group("year")) != year


def _is_part_of_year(sentence: str, upto: int) -> bool:
    """True when the last period named before the figure is a part of the year (上半年, 一季度)."""
    marks = _PART_OR_WHOLE_YEAR.findall(sentence, 0, upto)
    return bool(marks) and bool(marks[-1][0])


def _year_number(text: str) -> int:
    """2016 or 二〇一六 as a number."""
    return int(text) if text.isdigit() else int("".join(_CN_YEAR_DIGITS[c] for c in text))


# A target or a forecast is not a figure stated for the year (力争全年主动公开政府信息2500条以上),
# when its clause says so: 紧紧围绕年度工作目标,全年主动公开… states one.
_TARGET = re.compile(r"力争|争取|预计|预期|目标|计划(?:全年|今年|明年|下一?年|年内)")
# ... or says it after the figure: 全年主动公开政府信息2000条以上的目标已完成.
_TARGET_AFTER = re.compile(r"\s*(?:以上|以内|左右)?(?:的)?(?:年度|工作)?(?:目标|任务)")


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
    """The one channel (or applicant type) a clause names (None if none); 'all' if several or 等."""
    named = {code for pattern, code in words if re.search(pattern, clause)}
    if not named:
        return None
    # (报刊、广播、电视等其他方式: the 等 of "and other ways" names one channel, 其他方式)
    if len(named) > 1 or "等" in clause.replace("等其他", ""):
        return ALL
    return named.pop()


def _subject_before(text: str, upto: int) -> str | None:
    """复议 or 诉讼, whichever the sentence names last before a position."""
    review, litigation = text.rfind("复议", 0, upto), text.rfind("诉讼", 0, upto)
    if review < 0 and litigation < 0:
        return None
    return "复议" if review > litigation else "诉讼"


def _after_received(text: str, upto: int) -> bool:
    """Whether the last subject named before a position is the requests received (收到/受理…),
    not an outcome of them (予以公开, 答复, 结转…)."""
    subjects = [m for m in _RECEIVED_OR_OUTCOME.finditer(text, 0, upto) if m.lastgroup != "carried"]
    return bool(subjects) and subjects[-1].lastgroup == "received"


def _all_from_natural_persons(facts: list[Fact], text: str) -> list[Fact]:
    """共收到申请5件,均为自然人申请: the total received is also the natural persons' share."""
    if not _ALL_NATURAL_PERSONS.search(text):
        return []
    return [replace(f, applicant_type="natural_person") for f in facts
            if f.indicator_code == "requests_received" and f.channel_code == ALL and f.applicant_type == ALL
            and f.value > 0]


# 行政复议案件2件,均维持原行政行为; 受理申请两件,均予以公开: every one of the count just
# stated had that outcome.
# Also 复议1件,结果为维持原行政行为 and 诉讼2件,尚未审结 (pending: no quantifier needed); never
# when figures follow in the clause (结果为维持1件、纠错1件 splits the count).
_ALL_WITH_OUTCOME = re.compile(
    _NUM.replace("{units}", "件|起|宗|个")
    + r"\s*,?\s*(?:且|并)?(?:(?:已审结|已结案)\s*,?\s*)?"
    r"(?:(?:均|全部|都|全都|皆|(?:复议|审理|判决)?结果(?:均)?(?:为|是))(?:已|被|依法)?"
    r"(?P<outcome>维持|纠错|纠正|撤销|予以公开|同意公开|准予公开)"
    r"|(?:均|全部|都)?(?P<pending>尚未审结|未审结|尚在审理|正在审理|仍在审理))"
    r"(?![^,,。;;]*?\d)"
)
_OUTCOME_OF_ALL = {"维持": "upheld", "纠错": "corrected", "纠正": "corrected", "撤销": "corrected",
                   "予以公开": "requests_granted", "同意公开": "requests_granted", "准予公开": "requests_granted"}
_TOTALS_WITH_OUTCOMES = frozenset({"requests_received", "admin_review_total", "admin_litigation_total"})


def _stated_total(facts: list[Fact], indicator: str, value: float) -> Fact | None:
    """The sentence's fact of `indicator` (no channel or applicant split) stating `value`."""
    return next((f for f in facts if f.indicator_code == indicator and f.channel_code == ALL
                 and f.applicant_type == ALL and f.value == value), None)


def _all_with_one_outcome(facts: list[Fact], text: str) -> list[Fact]:
    """The outcome facts of a count the sentence states and then says all had one outcome; only
    where that count is a total read from the sentence (requests received, review, litigation)."""
    out: list[Fact] = []
    if not any(f.indicator_code in _TOTALS_WITH_OUTCOMES for f in facts):
        return out
    for m in _ALL_WITH_OUTCOME.finditer(text):
        number = _number(m)
        if number is None or number[0] <= 0:
            continue
        outcome = _OUTCOME_OF_ALL[m["outcome"]] if m["outcome"] else "pending"
        if outcome == "requests_granted":
            total, indicator = "requests_received", outcome
        else:
            subject = _subject_before(text, m.start())
            if subject is None:
                continue
            prefix = "admin_review" if subject == "复议" else "admin_litigation"
            total, indicator = f"{prefix}_total", f"{prefix}_{outcome}"
        if (stated := _stated_total(facts, total, number[0])) is not None:
            out.append(replace(stated, indicator_code=indicator))
    return out


# 主动公开政府信息3200条,均通过政府网站公开: the total went through that one channel.
_ALL_THROUGH_ONE_CHANNEL = re.compile(
    _NUM.replace("{units}", "条|件")
    + r"\s*,?\s*(?:且|并)?(?:均|全部|都|全都)(?:是|为)?(?:通过|在|由|经)(?P<where>[^,,。;;\d]{1,12}?)"
    r"(?:上)?(?:主动)?(?:公开|发布|刊登|推送)"
)


def _all_through_one_channel(facts: list[Fact], text: str) -> list[Fact]:
    """The channel's share of a proactive total the sentence states, when all of it went
    through one channel."""
    out: list[Fact] = []
    if not any(f.indicator_code == "proactive_total" for f in facts):
        return out
    for m in _ALL_THROUGH_ONE_CHANNEL.finditer(text):
        number = _number(m)
        channel = _channel(m["where"], _PROACTIVE_CHANNELS)
        if number is None or number[0] <= 0 or channel is None or channel == ALL:
            continue
        if (stated := _stated_total(facts, "proactive_total", number[0])) is not None:
            out.append(replace(stated, indicator_code="proactive_published", channel_code=channel))
    return out


def _facts_in_sentence(sentence: Sentence, rule: Rule, year: int | None) -> Iterator[Fact]:
    text = sentence.text
    if rule.requires and not (rule.requires.search(text) or rule.requires.search(sentence.section)
                              or rule.requires.search(sentence.context)):
        return
    for pattern in rule.patterns:
        for m in pattern.finditer(text):
            left, right = _clause_bounds(text, m.start(), m.end())
            if not rule.zero:
                left, right = _refine_clause(text, left, right, m.start(), m.end())
            clause = text[left:right]
            if rule.exclude and rule.exclude.search(clause):
                continue
            if rule.subject and (_subject_before(text, m.start())
                                 or _subject_before(sentence.context, len(sentence.context))) != rule.subject:
                continue
            # The subject may be in the sentence before: 共收到申请12件。其中自然人11件…
            if rule.share_of_received and not _after_received(f"{sentence.context}\n{text}",
                                                              len(sentence.context) + 1 + m.start()):
                continue
            at = m.start("num") if not rule.zero else m.start()
            if (not rule.indicator.startswith("requests_carried") and _is_other_year(text, at, year)) or \
                    _is_part_of_year(text, at) or \
                    _is_cumulative(text, clause, left, year) or _TARGET.search(text, left, at) or \
                    (not rule.zero and _TARGET_AFTER.match(text, m.end())):
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
            channel = applicant = ALL
            indicator = rule.indicator
            if rule.applicant_words:
                named = _channel(clause, rule.applicant_words)
                if not named or named == ALL:
                    continue
                applicant = named
            if rule.channel_words:
                named = _channel(clause, rule.channel_words)
                if named and named != ALL:
                    channel = named
                    if indicator == "proactive_total":
                        indicator = "proactive_published"
                elif rule.channel_only:
                    continue
            yield Fact(
                indicator_code=indicator, value=value, unit=rule.unit, source="narrative",
                source_line=sentence.line_no, source_text=text, channel_code=channel,
                applicant_type=applicant, value_qualifier="approx" if approx else "exact",
            )


# A heading (or a short lead-in) and its answer on one line: 六、复议、诉讼情况:无。
_INLINE_NOTHING = re.compile(rf"^(?P<head>[^。;!?]{{2,40}}?)\s*:\s*{_THIS_YEAR_NOTHING}\s*[。.]?\s*$")


def _heading_zeros(lines: list[str]) -> Iterator[Fact]:
    """'无' alone under a heading such as 六、复议、诉讼和申诉情况, or after it on its line, states a zero."""
    heading: tuple[int, str] | None = None
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        inline = _INLINE_NOTHING.match(s)
        if inline:
            for pattern, indicator in _HEADING_ZEROS:
                if pattern.search(inline["head"]):
                    yield Fact(indicator, 0.0, _UNIT_OF[indicator], "narrative", i + 1, s)
            heading = None
            continue
        if _NOTHING.match(s) and heading is not None:
            for pattern, indicator in _HEADING_ZEROS:
                if pattern.search(heading[1]):
                    yield Fact(indicator, 0.0, _UNIT_OF[indicator], "narrative", i + 1,
                               f"{heading[1]} {s}")
            heading = None
            continue
        heading = (i, s) if _HEADING.match(s) and len(s) <= 40 else None


def _armed_rules(text: str, context: str) -> list[tuple[int, Rule]]:
    """(position, rule) of the number rules whose trigger the sentence holds, or, for a rule
    that `requires` context, the sentence before it; in rule order."""
    armed: list[tuple[int, Rule]] = []
    missed: list[int] = []
    for n, trigger in enumerate(_NUMBER_TRIGGERS):
        if trigger.search(text):
            armed.extend(_RULES_OF_TRIGGER[n])
        elif _CONTEXT_RULES_OF_TRIGGER[n]:
            missed.append(n)
    if context:
        for n in missed:
            if _NUMBER_TRIGGERS[n].search(context):
                armed.extend(_CONTEXT_RULES_OF_TRIGGER[n])
    armed.sort(key=lambda pr: pr[0])
    return armed


def extract_prose_facts(lines: list[str], year: int | None = None) -> tuple[list[Fact], list[ParseIssue]]:
    """Contract indicators stated in sentences: one fact per key (the first), conflicts as issues."""
    found: list[Fact] = []
    for sentence in iter_sentences(lines):
        text = sentence.text
        if _NUMBER_WITH_UNIT.search(text):
            # A rule that needs context may be armed by the sentence before or by the section
            # heading (二、依申请公开情况 … 不予公开2件).
            mine: list[Fact] = []
            for _, rule in _armed_rules(text, f"{sentence.context}\n{sentence.section}"):
                mine.extend(_facts_in_sentence(sentence, rule, year))
            found.extend(mine)
            found.extend(_all_from_natural_persons(mine, text))
            found.extend(_all_with_one_outcome(mine, text))
            found.extend(_all_through_one_channel(mine, text))
        if _HAS_NEGATION.search(text):
            for rule, trigger in _ZERO_RULES:
                if trigger.search(text):
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
