"""Prose figures: number forms, approximations, and the traps that must not yield a figure."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.prose import extract_prose_facts
from ingest.text import normalize_text


def _facts(text: str, year: int | None = 2017) -> dict[str, tuple[float, str]]:
    facts, _ = extract_prose_facts(normalize_text(text), year)
    out = {}
    for f in facts:
        key = f.indicator_code + ("" if f.channel_code == "all" else f"/{f.channel_code}")
        out[key] = (f.value, f.value_qualifier)
    return out


# ------------------------------------------------------------------ number forms


@pytest.mark.parametrize(
    ("sentence", "key", "value", "qualifier"),
    [
        ("全年共受理政府信息公开申请一千二百余件。", "requests_received", 1200, "approx"),
        ("全年主动公开政府信息两万条。", "proactive_total", 20000, "exact"),
        ("全年主动公开政府信息１２３条。", "proactive_total", 123, "exact"),  # full-width digits
        # Financial numerals (大写), as some reports write every figure of their prose.
        ("全年共受理政府信息公开申请壹拾贰件。", "requests_received", 12, "exact"),
        ("全年主动公开政府信息贰佰叁拾条。", "proactive_total", 230, "exact"),
        ("本年度收到行政复议申请叁件。", "admin_review_total", 3, "exact"),
        ("全年主动公开政府信息1.2万条。", "proactive_total", 12000, "exact"),
        ("全年主动公开政府信息3万余条。", "proactive_total", 30000, "approx"),
        ("全年主动公开政府信息12,345条。", "proactive_total", 12345, "exact"),
        ("全年主动公开政府信息约2000条。", "proactive_total", 2000, "approx"),
        ("全年主动公开政府信息近2000条。", "proactive_total", 2000, "approx"),
        ("全年主动公开政府信息超过2000条。", "proactive_total", 2000, "approx"),
        ("全年主动公开政府信息3000条以上。", "proactive_total", 3000, "approx"),  # "or more" after the unit
        ("全年主动公开政府信息2000多条。", "proactive_total", 2000, "approx"),
        ("全年主动公开政府信息2000条左右。", "proactive_total", 2000, "approx"),
        ("全年收取信息处理费共计1.5万元。", "fees_collected", 1.5, "exact"),
        ("全年收取信息处理费共计15000元。", "fees_collected", 1.5, "exact"),
        ("全年政务公开专项经费5万元。", "special_funds", 5, "exact"),
    ],
)
def test_number_forms(sentence, key, value, qualifier):
    got = _facts(sentence)
    assert got[key] == (pytest.approx(value), qualifier), got


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999))
def test_any_integer_round_trips_in_digits_and_chinese(n):
    import cn2an

    for printed in (str(n), f"{n:,}", cn2an.an2cn(n)):
        got = _facts(f"全年主动公开政府信息{printed}条。")
        assert got["proactive_total"] == (n, "exact"), printed


# ------------------------------------------------------------------ indicators, each with a trap


@pytest.mark.parametrize(
    ("positive", "negative", "key", "value"),
    [
        # Requests received, not answered.
        ("收到政府信息公开申请120件。", "对政府信息公开申请共答复120件。", "requests_received", 120),
        # A bare 申请 counts under a 依申请公开 heading only.
        ("三、依申请公开情况\n收到申请120件。", "三、行政审批情况\n收到申请120件。", "requests_received", 120),
        ("三、依申请公开情况\n(一)收到申请情况\n收到申请15件。", "四、其他\n收到申请15件。", "requests_received", 15),
        # Answers.
        ("三、依申请公开情况\n共答复申请人120件。", "三、依申请公开情况\n按时答复120件。", "requests_answered", 120),
        # Denials, not grants.
        ("在答复的申请中,不予公开2件。", "在答复的申请中,同意公开2件。", "requests_denied", 2),
        ("在答复的申请中,不属于本机关公开范围3件。", "在答复的申请中,同意公开3件。", "requests_not_this_agency", 3),
        ("在答复的申请中,信息不存在1件。", "在答复的申请中,不予公开1件。", "requests_nonexistent", 1),
        ("在答复的申请中,属于已主动公开范围4件。", "在答复的申请中,同意公开4件。", "requests_already_public", 4),
        # Carried over is last year's backlog, legitimately introduced by 上年.
        ("上年结转政府信息公开申请2件。", "结转下年度继续办理2件。", "requests_carried_over", 2),
        # Review outcomes belong to the subject named last before them.
        ("行政复议结果维持2件。", "行政诉讼结果维持2件。", "admin_review_upheld", 2),
        ("行政诉讼1件,维持原行政行为1件。", "行政复议1件,维持原行政行为1件。", "admin_litigation_upheld", 1),
        ("被申请行政复议3件,其中纠错1件。", "被提起行政诉讼3件,其中纠错1件。", "admin_review_corrected", 1),
        ("行政复议尚未审结1件。", "行政诉讼尚未审结1件。", "admin_review_pending", 1),
        # Channel of proactive publishing needs a 主动公开 context.
        ("主动公开政府信息2000条,其中通过政府网站发布信息1800条。", "政府网站发布信息1800条。",
         "proactive_published/website", 1800),
        # Special funds for disclosure work, not other funds.
        ("全年政务公开专项经费5万元。", "全年扶贫专项经费5万元。", "special_funds", 5),
    ],
)
def test_indicator_and_its_trap(positive, negative, key, value):
    assert _facts(positive).get(key, (None,))[0] == pytest.approx(value)
    assert key not in _facts(negative)


def test_a_different_subject_in_the_same_sentence():
    got = _facts("收到政府信息公开申请120件,其中当面申请30件,网上申请50件,以信函方式提交申请40件。")
    assert got["requests_received"] == (120, "exact")
    assert got["requests_received/in_person"] == (30, "exact")
    assert got["requests_received/online"] == (50, "exact")
    assert got["requests_received/letter"] == (40, "exact")
    got = _facts("受理政府信息公开申请120件,其中同意公开100件。")
    assert (got["requests_received"][0], got["requests_granted"][0]) == (120, 100)


def test_a_channel_share_is_not_the_total():
    got = _facts("三、依申请公开情况\n当面申请30件。")
    assert got == {"requests_received/in_person": (30, "exact")}


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        # Years and dates.
        ("2019年主动公开政府信息工作。", "proactive_total"),
        ("主动公开政府信息截至12月31日。", "proactive_total"),
        # Document numbers and articles.
        ("根据《条例》第二十条主动公开政府信息。", "proactive_total"),
        ("主动公开政府信息第20条。", "proactive_total"),
        ("按照郏政办〔2019〕60号文件受理政府信息公开申请。", "requests_received"),
        # Phone numbers.
        ("依申请公开受理电话:0375-5123456。", "requests_received"),
        ("政府信息公开申请咨询电话12345。", "requests_received"),
        # Percentages and changes.
        ("主动公开政府信息同比增长12%。", "proactive_total"),
        ("受理政府信息公开申请较上年增加3件。", "requests_received"),
        ("主动公开政府信息比去年多300条。", "proactive_total"),
        # Ordinal list markers and page numbers.
        ("(三)主动公开政府信息情况", "proactive_total"),
        ("1.收到政府信息公开申请情况", "requests_received"),
        ("二、依申请公开政府信息情况", "requests_received"),
        ("第3页 共5页", "proactive_total"),
        # Previous years stated for comparison.
        ("去年主动公开政府信息1000条。", "proactive_total"),
        ("上年受理政府信息公开申请10件。", "requests_received"),
        ("2016年受理政府信息公开申请9件。", "requests_received"),
        ("上一年度收到行政复议申请2件。", "admin_review_total"),
        # 全年 / 年内 after a year written out are that year's.
        ("2016年全年主动公开政府信息1000条。", "proactive_total"),
        ("2016年,我县年内受理政府信息公开申请9件。", "requests_received"),
        # Targets and forecasts (the first one read as this year's total in a 2014 fixture).
        ("2018年,我县将继续深化政府信息公开工作,力争全年主动公开政府信息2500条以上。", "proactive_total"),
        ("力争全年主动公开政府信息2500条以上。", "proactive_total"),
        ("预计全年受理政府信息公开申请30件。", "requests_received"),
    ],
)
def test_trap_yields_nothing(sentence, key):
    assert key not in _facts(sentence)


@pytest.mark.parametrize(
    ("sentence", "key", "value"),
    [
        ("上年受理政府信息公开申请10件,本年受理政府信息公开申请12件。", "requests_received", 12),
        ("与去年相比,今年主动公开政府信息1200条。", "proactive_total", 1200),
        ("主动公开政府信息1200条,比上年增加200条。", "proactive_total", 1200),
        ("2016年主动公开政府信息1000条,2017年主动公开政府信息1200条。", "proactive_total", 1200),
        ("截至2017年12月31日,共受理政府信息公开申请9件。", "requests_received", 9),
        ("较去年同期,主动公开政府信息1200条。", "proactive_total", 1200),
        ("2017年全年主动公开政府信息1200条。", "proactive_total", 1200),
        ("去年主动公开政府信息300条,全年主动公开政府信息1200条。", "proactive_total", 1200),
        # a target named in another clause is not this figure's
        ("紧紧围绕年度工作目标,全年主动公开政府信息1200条。", "proactive_total", 1200),
    ],
)
def test_this_years_figure_next_to_another_years(sentence, key, value):
    assert _facts(sentence)[key][0] == value


@pytest.mark.parametrize(
    "sentence",
    [
        "上半年共受理政府信息公开申请5件。",
        "2017年上半年,全县主动公开政府信息1200条。",
        "第一季度收到政府信息公开申请3件。",
        "前三季度主动公开政府信息300条。",
        "1至11月,共受理政府信息公开申请20件。",
        "2017年1-6月共受理政府信息公开申请4件。",
    ],
)
def test_a_part_of_the_year_states_no_figure_of_the_year(sentence):
    assert not _facts(sentence)


@pytest.mark.parametrize(
    ("sentence", "key", "value"),
    [
        ("上半年受理政府信息公开申请6件,下半年受理政府信息公开申请7件,全年共受理政府信息公开申请13件。",
         "requests_received", 13),
        ("上半年召开专题会议2次,全年主动公开政府信息1200条。", "proactive_total", 1200),
        ("1-12月共受理政府信息公开申请9件。", "requests_received", 9),
        ("2017年1月1日至12月31日,共受理政府信息公开申请9件。", "requests_received", 9),
        ("每季度更新一次,全年主动公开政府信息100条。", "proactive_total", 100),
    ],
)
def test_the_whole_year_after_a_part_of_it(sentence, key, value):
    assert _facts(sentence)[key][0] == value


@pytest.mark.parametrize(
    ("sentence", "key", "value"),
    [
        ("(二)全年受理政府信息公开申请3件。", "requests_received", 3),
        ("2.主动公开政府信息300条。", "proactive_total", 300),
        ("三、全年主动公开政府信息四十条。", "proactive_total", 40),
    ],
)
def test_list_markers_are_not_figures_but_what_follows_is(sentence, key, value):
    assert _facts(sentence)[key][0] == value


def test_other_year_relative_to_the_report_year():
    sentence = "2018年主动公开政府信息1000条。"
    assert _facts(sentence, 2018)["proactive_total"][0] == 1000
    assert "proactive_total" not in _facts(sentence, 2019)


def test_source_text_is_the_sentence_and_line():
    facts, _ = extract_prose_facts(normalize_text("标题\n一、概述\n今年以来。全年主动公开政府信息约2000条,同比增长5%。其他。"),
                                   2017)
    (fact,) = facts
    assert (fact.source_line, fact.source_text, fact.value_qualifier) == (
        3, "全年主动公开政府信息约2000条,同比增长5%。", "approx")


def test_every_prose_indicator_is_declared_by_a_form_with_the_same_unit():
    from ingest.forms import load_forms
    from ingest.prose import RULES

    units: dict[str, set[str]] = {}
    for form in load_forms().values():
        for row in form.rows:
            if row.indicator_code:
                units.setdefault(row.indicator_code, set()).add(row.unit)
    for rule in RULES:
        assert rule.unit in units.get(rule.indicator, set()), rule.indicator


@pytest.mark.parametrize(
    ("sentence", "key", "value"),
    [
        # a colon before the figure (NFKC folds the full-width one)
        ("收到政府信息公开申请件数为：23件。", "requests_received", 23),
        ("全年政府信息公开申请数量：23件。", "requests_received", 23),
        ("全年主动公开政府信息数量：456条。", "proactive_total", 456),
        # 今年以来 ("since the start of this year") is this year, not a cumulative total
        ("今年以来共主动公开各类政府信息456条。", "proactive_total", 456),
        ("本年以来共受理政府信息公开申请12件。", "requests_received", 12),
        # the proactive share of a total, and items counted in 项
        ("全年共公开政府信息3256条,其中主动公开3200条。", "proactive_total", 3200),
        ("主动公开政府信息3256项。", "proactive_total", 3256),
    ],
)
def test_wordings_found_by_rewriting_the_samples(sentence, key, value):
    assert _facts(sentence)[key] == (value, "exact")


def test_a_total_since_the_regulations_is_still_cumulative():
    # 以来 after anything but this year keeps its meaning: the figure is not this year's.
    assert "requests_received" not in _facts("《条例》实施以来共受理政府信息公开申请120件。")


@pytest.mark.parametrize(
    ("text", "zeros"),
    [
        # a zero stated after its subject
        ("行政复议、行政诉讼均为零。", {"admin_review_total", "admin_litigation_total"}),
        ("行政复议案件为0件，行政诉讼案件为0件。", {"admin_review_total", "admin_litigation_total"}),
        ("依申请公开数量为0。", {"requests_received"}),
        ("收到政府信息公开申请为零。", {"requests_received"}),
        # a heading answered on its own line
        ("五、因政府信息公开申请提起行政复议、行政诉讼的情况：无", {"admin_review_total", "admin_litigation_total"}),
        ("六、政府信息公开收费及减免情况:无。", {"fees_collected"}),
        ("四、依申请公开政府信息情况：无。", {"requests_received"}),
        # a zero said of a rate or an outcome is no zero count of cases
        ("复议纠错率为零。", set()),
        ("行政复议被纠错数为零。", set()),
        ("政府信息公开申请答复率为零。", set()),
        ("二、主动公开情况：无", set()),
        ("行政事业性收费：无。", set()),  # 第二十条 (八): another figure than 信息处理费
    ],
)
def test_zeros_stated_after_the_subject(text, zeros):
    facts = _facts(text)
    assert {k for k, (v, _) in facts.items() if v == 0} == zeros
    assert all(v == 0 for v, _ in facts.values())


def test_staff_under_a_heading_about_the_staff():
    text = "七、机构建设及人员情况\n现有专职工作人员1名，兼职工作人员3名。"
    facts = _facts(text)
    assert (facts["staff_fulltime"][0], facts["staff_parttime"][0]) == (1, 3)
    # Elsewhere, staff of other work are not the disclosure staff.
    assert "staff_fulltime" not in _facts("三、脱贫攻坚\n全县有专职扶贫工作人员50名。")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 办理 (handled) states the year's requests as 受理 does
        ("全年共办理政府信息公开申请136件。", {"requests_received": 136}),
        ("依申请公开办理136件。", {"requests_received": 136}),
        ("本年度全县共办理政府信息公开申请件12件，办结率100%。", {"requests_received": 12}),
        ("全年政府信息公开申请总量为11件。", {"requests_received": 11}),
        ("全县共收到依申请公开信息申请32件。", {"requests_received": 32}),
        # a quoted outcome (the closing quote stands before the figure)
        ("二、依申请公开情况\n已答复14件，其中“同意公开”12件，“不属于本行政机关公开”2件。",
         {"requests_answered": 14, "requests_granted": 12, "requests_not_this_agency": 2}),
        # the year's part of a running total
        ("截至2013年底，全县累计主动公开政府信息32156条，其中2013年新增公开6215条。", {"proactive_total": 6215}),
        ("全县共有政府信息公开查阅点22个。", {"reading_points": 22}),
        ("举办全县政务公开工作培训会1期，参加培训人员80余名。", {"training_sessions": 1, "trainees": 80}),
        ("本年度政府信息公开收费0元。", {"fees_collected": 0}),
        ("2013年我县未向申请人收取任何费用。", {"fees_collected": 0}),
        # the full-time staff alone are not all the staff
        ("全市从事政府信息公开工作的专职人员15人，兼职人员87人。", {"staff_fulltime": 15, "staff_parttime": 87}),
        ("五、人员和经费\n县政府办公室配备专职工作人员2名、兼职工作人员3名。", {"staff_fulltime": 2, "staff_parttime": 3}),
        # the count before the staff it counts
        ("七、机构人员\n明确1名工作人员负责政府信息公开日常工作。", {"staff_total": 1}),
        ("七、机构人员\n由办公室1名工作人员兼职负责政府信息公开工作。", {"staff_total": 1, "staff_parttime": 1}),
        ("我局配备了1名专职人员和2名兼职人员负责政务公开工作。", {"staff_fulltime": 1, "staff_parttime": 2}),
        ("组织50名工作人员参加政府信息公开培训。", {}),
        ("全年共召开了6次新闻发布会，发布了12篇政策解读文章。", {"press_conferences": 6, "policy_interpretations": 12}),
        ("全县设立了25个政府信息公开查阅点。", {"reading_points": 25}),
        ("三、收费情况\n依申请公开的政府信息均免费提供。", {"fees_collected": 0}),
        ("三、收费情况\n全年政府信息公开收费为零。", {"fees_collected": 0}),
        ("一、主动公开\n在查阅点免费提供政府信息查阅服务。", {}),  # free reading is no word on fees
        ("二、依申请公开\n全年受理申请13件，其中10件同意公开，2件部分公开，1件不予公开。",
         {"requests_received": 13, "requests_granted": 10, "requests_partially_granted": 2, "requests_denied": 1}),
        ("二、依申请公开\n全年受理申请6件，其中5件予以公开，1件不属于本机关公开范围，0件因信息不存在未能提供。",
         {"requests_received": 6, "requests_granted": 5, "requests_not_this_agency": 1, "requests_nonexistent": 0}),
        # not this agency's information, said with the information rather than a scope
        ("二、依申请公开\n全年受理申请14件，其中同意公开8件，非本机关政府信息1件。",
         {"requests_received": 14, "requests_granted": 8, "requests_not_this_agency": 1}),
        # a list item whose verb stands earlier in the sentence
        ("全年召开政策吹风会3次，新闻发布会8次，答记者问15次。", {"press_conferences": 8}),
        ("全年召开会议3次，各部门新闻发布会8次。", {}),
        ("三、收费情况\n本年度未发生收费情况。", {"fees_collected": 0}),
        ("二、依申请公开\n2013年，共收到申请58件，其中结转上一年度3件。", {"requests_received": 58, "requests_carried_over": 3}),
        ("本年度主动公开政府信息条数为：2356条。", {"proactive_total": 2356}),
        # zero written as a count of cases
        ("本年度行政复议、行政诉讼案件均为0件。", {"admin_review_total": 0, "admin_litigation_total": 0}),
        # the disclosure share of all review or litigation cases
        ("全年发生行政复议案件32件，其中涉及政府信息公开的0件。", {"admin_review_total": 0}),
        ("全年收到行政复议申请120件，其中因政府信息公开申请的5件；行政诉讼案件10件，其中涉及政府信息公开的1件。",
         {"admin_review_total": 5, "admin_litigation_total": 1}),
        # the proactive total under a proactive heading, without 主动公开 in the sentence
        ("(一)主动公开情况。2013年，全县共发布各类政府信息2266条。", {"proactive_total": 2266}),
        ("(一)主动公开\n全年累计公开政府信息2266条。", {"proactive_total": 2266}),
        # ... but not what one channel carried, of which the proactive part is given
        ("州政府门户网站共发布各类信息38,605条，其中主动公开政府信息9,874条。", {"proactive_total": 9874}),
        # the channel shares of a total, listed after 其中 / 、 / ,
        ("全年主动公开政府信息2266条，其中县政府网站1500条、政务微博200条，政务微信66条。",
         {"proactive_total": 2266, "proactive_published/website": 1500, "proactive_published/weibo": 200,
          "proactive_published/wechat": 66}),
        # an outcome armed by its section heading, the sentence before naming no request
        ("二、依申请公开情况\n全年受理申请12件。其中同意公开10件，占83%；不予公开2件，占17%。",
         {"requests_received": 12, "requests_granted": 10, "requests_denied": 2}),
        # an outcome between the reason and its count: not the answers' count
        ("二、依申请公开情况\n共受理申请11件，已答复11件。其中因申请信息不存在答复3件。",
         {"requests_received": 11, "requests_answered": 11, "requests_nonexistent": 3}),
        # "nothing this year" as the answer to a heading, on its own line or after it
        ("五、行政复议、行政诉讼和申诉情况\n本年度无。", {"admin_review_total": 0, "admin_litigation_total": 0}),
        ("行政复议、行政诉讼和申诉情况：本年度无。", {"admin_review_total": 0, "admin_litigation_total": 0}),
        ("五、因政府信息公开申请行政复议、提起行政诉讼的情况\n本年度没有发生此类情况。",
         {"admin_review_total": 0, "admin_litigation_total": 0}),
        ("四、政府信息公开收费情况\n全年无此类情况。", {"fees_collected": 0}),
        # ... but another year's nothing is no answer for this one
        ("五、行政复议、行政诉讼情况\n2012年无。", {}),
        # this year's proactive total without a noun, also as the part of a running total
        ("累计主动公开政府信息5万余条，其中本年度主动公开3200条。", {"proactive_total": 3200}),
        ("全年主动公开3200条，其中规范性文件12件。", {"proactive_total": 3200}),
        ("全年主动公开规范性文件12件。", {}),
        # who was trained between 培训 and the count
        ("举办全县政务公开业务培训班1期，培训各单位信息公开工作人员80人。", {"training_sessions": 1, "trainees": 80}),
        # an aside between a noun and its count; interpretations stated with their verb
        ("二、主动公开情况\n全年共召开新闻发布会（吹风会）8场次。", {"press_conferences": 8}),
        ("二、主动公开情况\n对重要政策文件进行解读22篇。", {"policy_interpretations": 22}),
        # what the press carried is one channel's, not the proactive total
        ("二、主动公开情况\n通过《XX日报》等报刊公开信息56条，通过政府公报公开政府信息12条。",
         {"proactive_published/gazette": 12}),
        # a target stated after its figure
        ("全年主动公开政府信息2000条以上的目标已完成。", {}),
        ("全年主动公开政府信息2000条，超额完成年度目标任务。", {"proactive_total": 2000}),
    ],
)
def test_wordings_of_real_narrative_reports(text, expected):
    facts = _facts(text, 2013)
    assert {k: v for k, (v, _) in facts.items()} == expected


def test_a_year_written_in_chinese_numerals_is_a_time_marker():
    # 二〇一五年 is another year than the report's: its figure is not this year's.
    facts = _facts("二、依申请公开\n二〇一五年受理申请20件，二〇一六年受理申请12件。", 2016)
    assert facts["requests_received"] == (12, "exact")
    assert _facts("二〇一五年受理政府信息公开申请20件。", 2015)["requests_received"] == (20, "exact")


def _keyed(text: str, year: int = 2020) -> dict[str, float]:
    facts, _ = extract_prose_facts(normalize_text(text), year)
    return {f.indicator_code + ("" if f.channel_code == "all" else f"/{f.channel_code}")
            + ("" if f.applicant_type == "all" else f"@{f.applicant_type}"): f.value for f in facts}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one applicant type's share of the requests received, in an aside or after 其中
        ("三、收到和处理政府信息公开申请情况\n本年度新收申请23件（自然人20件，法人或其他组织3件）。",
         {"requests_received": 23, "requests_received@natural_person": 20,
          "requests_received@legal_person_subtotal": 3}),
        ("三、收到和处理政府信息公开申请情况\n共收到申请20件，其中自然人申请18件，商业企业申请2件。",
         {"requests_received": 20, "requests_received@natural_person": 18, "requests_received@commercial_enterprise": 2}),
        # ... also when the total is in the sentence before
        ("三、收到和处理政府信息公开申请情况\n本年度共收到申请12件。其中自然人提出申请11件，法律服务机构1件。",
         {"requests_received": 12, "requests_received@natural_person": 11, "requests_received@legal_service_org": 1}),
        # 办理 receives as 受理 does
        ("本年度共办理政府信息公开申请12件，其中自然人申请10件，法人或其他组织申请2件。",
         {"requests_received": 12, "requests_received@natural_person": 10,
          "requests_received@legal_person_subtotal": 2}),
        # every request from natural persons: the total is their share
        ("三、收到和处理政府信息公开申请情况\n共收到政府信息公开申请5件，均为自然人申请。",
         {"requests_received": 5, "requests_received@natural_person": 5}),
        ("三、依申请公开情况\n申请人均为自然人，共受理申请7件。", {"requests_received": 7, "requests_received@natural_person": 7}),
        # an outcome's share is not a share of the requests received
        ("三、收到和处理政府信息公开申请情况\n共收到申请12件，予以公开10件，其中自然人8件。",
         {"requests_received": 12, "requests_granted": 10}),
        # the carried-over count between the total and the share is neither (上年结转…其中自然人)
        ("二、依申请公开\n全区共新收政府信息公开申请1,253件，上年结转46件。其中，自然人提出申请1,198件。",
         {"requests_received": 1253, "requests_carried_over": 46, "requests_received@natural_person": 1198}),
        # ... but what is carried forward (结转下年度办理) is an outcome, though 办理 receives elsewhere
        ("二、依申请公开\n结转下年度办理3件，其中自然人申请2件。", {}),
        ("一、概述\n为自然人、法人和其他组织提供服务5000余次。", {}),
    ],
)
def test_applicant_shares_of_the_requests_received(text, expected):
    assert _keyed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 共有 (two of the filler words) and 人民币 before an amount
        ("五、人员情况\n全县从事政府信息公开工作的人员共有45人，其中专职人员12人，兼职人员33人。",
         {"staff_total": 45, "staff_fulltime": 12, "staff_parttime": 33}),
        ("三、收费情况\n依申请提供政府信息共收取费用人民币50元。", {"fees_collected": 0.005}),
        ("三、收费情况\n全年收取费用合计人民币0.5万元。", {"fees_collected": 0.5}),
        # a gazette named in brackets, its documents counted in 件
        ("一、主动公开情况\n通过《政府公报》公开政府文件12件。", {"proactive_published/gazette": 12}),
        # one count for each of review and litigation
        ("四、复议诉讼\n2020年，因政府信息公开引起的行政复议、行政诉讼各1件。",
         {"admin_review_total": 1, "admin_litigation_total": 1}),
        ("四、复议诉讼\n全年因政府信息公开申请行政复议和提起行政诉讼的案件各2起。",
         {"admin_review_total": 2, "admin_litigation_total": 2}),
        # every case (request) of the count just stated had one outcome
        ("四、复议诉讼\n全年发生行政复议案件3件，均维持原具体行政行为；行政诉讼案件1件，法院判决驳回原告诉讼请求。",
         {"admin_review_total": 3, "admin_review_upheld": 3, "admin_litigation_total": 1}),
        ("四、复议诉讼\n全年发生行政复议案件2件，全部被纠正。", {"admin_review_total": 2, "admin_review_corrected": 2}),
        ("二、依申请公开\n全年受理政府信息公开申请两件，均予以公开。", {"requests_received": 2, "requests_granted": 2}),
        # a figure in an aside is read in the aside's own clause (not excluded by the words before it)
        ("二、主动公开情况\n全年主动公开政府信息2356条（其中政府网站公开2000条）。",
         {"proactive_total": 2356, "proactive_published/website": 2000}),
        # the old form's 其他方式 row, also after a list of the other ways (等其他方式)
        ("二、主动公开情况\n全年共主动公开政府信息6328条，其中通过政府网站公开3326条，其他方式公开2870条。",
         {"proactive_total": 6328, "proactive_published/website": 3326, "proactive_published/other": 2870}),
        ("二、主动公开情况\n通过报刊、广播、电视等其他方式公开信息120条。", {"proactive_published/other": 120}),
        ("二、主动公开情况\n通过新闻发布会、政府公报等其他方式公开信息120条。", {}),  # two channels named
        # all of the total through one channel
        ("二、主动公开情况\n本年度主动公开政府信息共计3200条，均通过政府网站公开。",
         {"proactive_total": 3200, "proactive_published/website": 3200}),
        ("二、主动公开情况\n本年度主动公开政府信息共计3200条，均通过政府网站和政务微博公开。", {"proactive_total": 3200}),
        # what a gazette publishes: documents, the normative ones too
        ("二、主动公开情况\n通过《恩施州人民政府公报》刊登规范性文件46件。", {"proactive_published/gazette": 46}),
        ("二、主动公开情况\n在政府网站公开规范性文件46件。", {}),  # on a website, a part of what it carried
        # this year's share of a running total, the year by its number
        ("二、主动公开情况\n截至2020年底，累计主动公开政府信息35623条，其中2020年主动公开5623条。",
         {"proactive_total": 5623}),
        # one outcome for the cases of the count: 结果为维持, 均未审结 / 尚未审结 (pending)
        ("四、复议诉讼\n本年度因政府信息公开申请提起行政复议1件，结果为维持原行政行为。",
         {"admin_review_total": 1, "admin_review_upheld": 1}),
        ("四、复议诉讼\n因政府信息公开提起行政诉讼2件，均未审结。",
         {"admin_litigation_total": 2, "admin_litigation_pending": 2}),
        ("四、复议诉讼\n因政府信息公开提起行政诉讼2件，尚未审结。",
         {"admin_litigation_total": 2, "admin_litigation_pending": 2}),
        # ... but figures after the outcome split the count
        ("四、复议诉讼\n全年行政复议2件，结果为维持1件、纠错1件。",
         {"admin_review_total": 2, "admin_review_upheld": 1, "admin_review_corrected": 1}),
        ("四、复议诉讼\n行政诉讼2件，已审结1件，尚未审结1件。", {"admin_litigation_total": 2, "admin_litigation_pending": 1}),
        # the people trained counted before them
        ("六、培训\n举办政府信息公开业务培训会1次，全县60余名信息公开工作人员参加培训。",
         {"training_sessions": 1, "trainees": 60}),
        # ... not when the count before 均 is not the total read (an outcome's own count)
        ("二、依申请公开\n全年受理申请5件，其中同意公开3件，均予以公开的2件。",
         {"requests_received": 5, "requests_granted": 3}),
    ],
)
def test_wordings_of_real_narrative_reports_tenth_round(text, expected):
    assert _keyed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the verb before the channel (发布政务微博信息N条), and a channel with no verb after a comma
        ("（一）主动公开政府信息情况\n发布政务微博信息2130条，政务微信信息850条。",
         {"proactive_published/weibo": 2130, "proactive_published/wechat": 850}),
        ("（一）主动公开政府信息情况\n在门户网站发布政府信息1234条。", {"proactive_published/website": 1234}),
        # a gazette's issues before what it carried (编印《政府公报》12期, 刊登…46件)
        ("（一）主动公开政府信息情况\n全年编印《政府公报》12期，刊登规范性文件46件。", {"proactive_published/gazette": 46}),
        ("（一）主动公开政府信息情况\n共编发《市政府公报》12期，公开政府文件218件。", {"proactive_published/gazette": 218}),
        # requests made (提出申请) in several ways, their total
        ("（二）依申请公开情况\n申请人通过当面、信函、网络等方式提出申请共计26件。", {"requests_received": 26}),
        ("（二）依申请公开情况\n通过网络提出申请共计20件，通过信函提出申请共计6件。",
         {"requests_received/online": 20, "requests_received/letter": 6}),
        # traps: not this government's channels, not requests for disclosure, a share
        ("（一）主动公开政府信息情况\n全年编印《政府公报》12期。", {}),
        ("（二）依申请公开情况\n其中自然人提出申请共计20件。", {}),
        ("（四）行政复议情况\n申请人提出行政复议申请共计3件。", {"admin_review_total": 3}),
        ("（一）主动公开政府信息情况\n各乡镇发布政务微博信息2130条。", {}),
    ],
)
def test_wordings_of_real_narrative_reports_eleventh_round(text, expected):
    assert _keyed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # requests counted in 人次 (people-times: one per request made)
        ("（二）依申请公开情况\n本年度共受理政府信息公开申请26人次，均已按时答复。", {"requests_received": 26}),
        ("（二）依申请公开情况\n全年共有26人次提出政府信息公开申请。", {"requests_received": 26}),
        ("（二）依申请公开情况\n全年共有3人次通过信函提出政府信息公开申请。", {"requests_received/letter": 3}),
        # requests as 申请事项 (matters applied for), with their channels
        ("（二）依申请公开情况\n全年共受理政府信息公开申请事项12件，其中当面申请3件、网络申请8件、信函申请1件。",
         {"requests_received": 12, "requests_received/in_person": 3, "requests_received/online": 8,
          "requests_received/letter": 1}),
        ("（二）依申请公开情况\n政府信息公开申请事项共计12件。", {"requests_received": 12}),
        # the 2019+ tables' 第二十条 figures in prose: documents, decisions, fees
        ("（一）主动公开情况\n全年制发规范性文件5件，废止16件，现行有效35件。",
         {"normative_docs_issued": 5, "normative_docs_repealed": 16, "normative_docs_in_force": 35}),
        ("（一）主动公开情况\n本年度共作出行政许可决定39732件，行政处罚决定31731件，行政强制决定519件。",
         {"licensing_decisions": 39732, "penalty_decisions": 31731, "enforcement_decisions": 519}),
        ("（一）主动公开情况\n全年收取行政事业性收费104.17万元。", {"admin_fees_collected": 104.17}),
        # the legal persons' share, as the merged matrix's middle column
        ("（二）依申请公开情况\n本年度新收政府信息公开申请25件，其中自然人申请22件，法人或其他组织申请3件。",
         {"requests_received": 25, "requests_received@natural_person": 22,
          "requests_received@legal_person_subtotal": 3}),
        ("（二）依申请公开情况\n予以公开15件，其中法人或其他组织3件。", {"requests_granted": 15}),  # not received
        # traps: what was published about decisions and documents, others' documents
        ("（一）主动公开情况\n全年公开行政处罚决定31731条，公示行政许可决定200件。", {}),
        ("（一）主动公开情况\n在门户网站公开规范性文件46件。", {}),
        ("（一）主动公开情况\n各乡镇制发规范性文件12件。", {}),
        # traps: visits and consultations in 人次 are no requests; persons are no requests
        ("（二）依申请公开情况\n全年共接待群众查阅政府信息120人次。", {}),
        ("（二）依申请公开情况\n全年共接待政府信息公开咨询300人次。", {}),
        ("（二）依申请公开情况\n全年共有26人提出政府信息公开申请。", {}),
    ],
)
def test_wordings_of_real_narrative_reports_twelfth_round(text, expected):
    assert _keyed(text) == expected
