"""Figures stated in sentences: each pattern, its traps, and the samples."""

from __future__ import annotations

import pytest

from ingest.prose import extract_prose_facts
from ingest.text import decode_bytes, normalize_text


def _facts(text: str, year: int | None = 2017) -> dict[str, tuple[float, str]]:
    facts, _ = extract_prose_facts(normalize_text(text), year)
    out = {}
    for f in facts:
        key = f.indicator_code + ("" if f.channel_code == "all" else f"/{f.channel_code}")
        out[key] = (f.value, f.value_qualifier)
    return out


def _sample(sample_paths, prefix: str):
    path = next(p for p in sample_paths if p.name.startswith(prefix))
    return extract_prose_facts(normalize_text(decode_bytes(path.read_bytes()).text))


@pytest.mark.parametrize(
    ("sentence", "key", "value"),
    [
        ("2017年,全县运用政府网站、政务新媒体等渠道主动公开信息2266条。", "proactive_total", 2266),
        ("2017年,全县新增主动公开政府信息6328条,同比增长23.8%。", "proactive_total", 6328),
        ("全年主动公开政府各类信息共一万二千条。", "proactive_total", 12000),
        ("通过政府网站主动公开信息300条。", "proactive_published/website", 300),
        ("全县共受理政府信息公开申请14件,按时办结率100%。", "requests_received", 14),
        ("今年,珠晖区本级共收到依申请公开5件,均已按时进行答复处理。", "requests_received", 5),
        ("共受理三件政府信息公开申请。", "requests_received", 3),
        ("全年通过网上申请系统受理政府信息公开申请8件。", "requests_received/online", 8),
        ("上年结转政府信息公开申请2件。", "requests_carried_over", 2),
        ("办理中的申请有1件结转下年度继续办理。", "requests_carried_forward", 1),
        ("在答复的申请中,同意公开4件,同意部分公开1件。", "requests_granted", 4),
        ("在答复的申请中,同意公开4件,同意部分公开1件。", "requests_partially_granted", 1),
        ("受理的1件政府信息公开申请为“同意公开”件。", "requests_granted", 1),
        ("全年发生政府信息公开行政复议案件2件。", "admin_review_total", 2),
        ("因政府信息公开被提起行政诉讼3件。", "admin_litigation_total", 3),
        ("全年收取政府信息公开检索复制费用200元。", "fees_collected", 0.02),
        ("全年收取信息处理费共计1.5万元。", "fees_collected", 1.5),
        ("现有工作人员1人,负责政府信息公开工作。", "staff_total", 1),
        ("从事政府信息公开工作的人员共12人,其中专职人员3人,兼职人员9人。", "staff_total", 12),
        ("从事政府信息公开工作的人员共12人,其中专职人员3人,兼职人员9人。", "staff_fulltime", 3),
        ("从事政府信息公开工作的人员共12人,其中专职人员3人,兼职人员9人。", "staff_parttime", 9),
        ("举办政务公开工作培训班1期,培训人员72人次。", "training_sessions", 1),
        ("举办政务公开工作培训班1期,培训人员72人次。", "trainees", 72),
    ],
)
def test_pattern_reads_the_figure(sentence, key, value):
    got = _facts(sentence)
    assert key in got, got
    assert got[key][0] == pytest.approx(value)


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        # Applications filed at a reading room are not requests received.
        ("全地区政府信息公开查阅点接收(备案)依申请公开信息4963条,其中:县(市)3977条。", "requests_received"),
        # Service-hall cases and hotline work orders.
        ("政务服务中心窗口受理申请事项5635件。", "requests_received"),
        ("“12345”热线受理工单6136件。", "requests_received"),
        # A cumulative total since the 条例 took effect, with no figure for this year.
        ("《条例》颁布实施以来,累计主动公开政府信息38854条。", "proactive_total"),
        ("《条例》颁布实施以来,共受理政府信息公开申请20件。", "requests_received"),
        # Another year's figure.
        ("2016年共受理政府信息公开申请9件。", "requests_received"),
        # Percentages and rates.
        ("主动公开政府信息的数量增加23.8%。", "proactive_total"),
        # Money spent is not fees collected; administrative fees are not information fees.
        ("安排了专项经费3万元。", "fees_collected"),
        ("收取行政事业性收费104.17万元。", "fees_collected"),
        # A content category is not the total published.
        ("公开扶贫政策、扶贫资金等信息54条。", "proactive_total"),
        ("主动公开规范性文件4件。", "proactive_total"),
        # Subordinate units' figures are not the reporter's own.
        ("网站发布各县(市)人民政府主动公开信息6859条。", "proactive_total"),
        # Response counts and meeting attendance.
        ("全年共实现回应公众关注热点或重大舆情数6261件。", "requests_received"),
        ("举办12345政府热线培训会议1次,共计300余人参加会议。", "training_sessions"),
        # Training unrelated to disclosure work.
        ("全县城镇失业人员再就业培训448人。", "trainees"),
        ("接待公众查阅531人次。", "staff_total"),
        # Refused or partial answers are not grants.
        ("不同意公开2件。", "requests_granted"),
        ("同意部分公开1件。", "requests_granted"),
        # Review outcome rows are not the total.
        ("行政复议结果维持2件。", "admin_review_total"),
        # 未经复议 is not a statement that there was no review.
        ("未经复议直接起诉1件。", "admin_review_total"),
    ],
)
def test_trap_does_not_yield_the_indicator(sentence, key):
    assert key not in _facts(sentence)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("阿克苏地区未收到政府信息依申请公开申请事项,未出现复议、诉讼和申诉情况。",
         {"requests_received", "admin_review_total", "admin_litigation_total"}),
        ("无行政复议、诉讼、投诉举报等情况发生。", {"admin_review_total", "admin_litigation_total"}),
        ("但阿克苏地区目前尚未收取过任何费用。", {"fees_collected"}),
        ("2017民勤未收取任何涉及政府信息公开工作的复印、邮寄等费用。", {"fees_collected"}),
        ("六、复议、诉讼和申诉情况\n无", {"admin_review_total", "admin_litigation_total"}),
        ("七、政府信息公开收费和减免情况\n无", {"fees_collected"}),
    ],
)
def test_negations_state_zero(text, keys):
    got = _facts(text)
    assert {k for k, (v, _) in got.items() if v == 0} == keys


def test_negation_with_a_number_is_not_zero():
    assert "requests_received" not in _facts("受理的申请中未予公开的申请3件。")
    assert _facts("五、咨询处理情况\n无") == {}


def test_approximations_are_marked():
    got = _facts("全年主动公开政府信息2765余条。举办政务公开培训班3期,培训近200人次。")
    assert got["proactive_total"] == (2765, "approx")
    assert got["trainees"] == (200, "approx")
    assert got["training_sessions"] == (3, "exact")


def test_cumulative_sentence_read_for_its_this_year_part():
    got = _facts("《条例》颁布实施以来,行政复议机关收到行政复议申请5件,全部为2017年度申请行政复议。")
    assert got["admin_review_total"] == (5, "exact")
    got = _facts("《条例》颁布实施以来,共受理政府信息公开申请9件,其中2017年度受理政府信息公开申请2件。")
    assert got["requests_received"] == (2, "exact")


def test_one_fact_per_key_and_an_issue_on_conflict():
    facts, issues = extract_prose_facts(normalize_text(
        "全年主动公开政府信息100条。\n二、主动公开情况\n本年主动公开政府信息120条。"), 2017)
    proactive = [f for f in facts if f.indicator_code == "proactive_total"]
    assert [f.value for f in proactive] == [100]
    assert proactive[0].source_line == 1
    assert [i.code for i in issues] == ["prose_conflicting_values"]


def test_facts_carry_sentence_and_line():
    facts, _ = extract_prose_facts(normalize_text("标题\n\n现有工作人员1人,负责公开工作。其他内容。"), 2017)
    (fact,) = facts
    assert (fact.source, fact.source_line, fact.unit) == ("narrative", 3, "人")
    assert fact.source_text == "现有工作人员1人,负责公开工作。"


def test_table_rows_are_left_to_the_table_parsers():
    assert _facts("(一)收到申请数 | 件 | 5 |\n一、本年新收政府信息公开申请数量\t14\t0\t14") == {}


def test_sample_004_required_figures(truth, sample_paths):
    facts, _ = _sample(sample_paths, "004")
    got = {f.indicator_code: f.value for f in facts if f.channel_code == "all"}
    want = truth["004_0738619b0b0bb737.txt"]["facts"]
    for key, value in want.items():
        assert got.get(key) == value, key
    assert 4963 not in [f.value for f in facts]


def test_sample_002_proactive_total(truth, sample_paths):
    facts, _ = _sample(sample_paths, "002")
    got = {f.indicator_code: f.value for f in facts}
    assert got["proactive_total"] == truth["002_2baf5ee0490418e5.txt"]["facts"]["proactive_total"]


def test_sample_003_states_nothing_wrong(sample_paths):
    facts, issues = _sample(sample_paths, "003")
    # Its only figures are about land notices, housing and employment training.
    assert facts == []
    assert issues == []


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_prose_agrees_with_the_tables(truth, sample_paths, prefix):
    path = next(p for p in sample_paths if p.name.startswith(prefix))
    table = truth[path.name]["facts"]
    facts, _ = _sample(sample_paths, prefix)
    compared = 0
    for f in facts:
        key = f.indicator_code + ("" if f.channel_code == "all" else f"/{f.channel_code}")
        if key in table:
            compared += 1
            assert f.value == table[key], (key, f.source_text)
    assert compared >= 2


def _hard_wrapped(text: str, width: int) -> str:
    """The text as a PDF or fixed-width export prints it: prose lines cut every `width` characters."""
    out: list[str] = []
    for line in text.split("\n"):
        if "\t" in line or len(line) <= width:
            out.append(line)
        else:
            out.extend(line[i:i + width] for i in range(0, len(line), width))
    return "\n".join(out)


@pytest.mark.parametrize("width", [25, 40])
def test_sentences_wrapped_over_lines_read_whole(sample_paths, width):
    # Cut at 40 characters, the samples once lost a figure in three reports of five: the words
    # before a figure on one line, the figure on the next (全年主动公开政府信息 / 3615条).
    for path in sample_paths:
        text = decode_bytes(path.read_bytes()).text
        clean, _ = extract_prose_facts(normalize_text(text))
        wrapped, _ = extract_prose_facts(normalize_text(_hard_wrapped(text, width)))
        assert {f.key: f.value for f in wrapped} == {f.key: f.value for f in clean}, path.name


def test_a_wrapped_figure_is_read_from_the_line_its_sentence_starts_on():
    text = "一、总体情况\n2019年,安化县认真贯彻落实新修订的《条例》,全年主动公开政府信息\n3615条,受理依申请公开10件。"
    facts, _ = extract_prose_facts(normalize_text(text), 2019)
    got = {f.indicator_code: (f.value, f.source_line) for f in facts}
    assert got["proactive_total"] == (3615, 2)
    assert got["requests_received"] == (10, 2)


def test_headings_and_finished_lines_are_not_joined():
    # A heading, a line ending its sentence and a short line (a title, a signature) end their line.
    text = ("一、主动公开政府信息情况\n全年主动公开政府信息500条。\n受理政府信息公开申请12件\n"
            "(二)收费情况\n全年收取信息处理费0元。")
    facts, _ = extract_prose_facts(normalize_text(text), 2019)
    assert {(f.indicator_code, f.value, f.source_line) for f in facts} == {
        ("proactive_total", 500, 2), ("requests_received", 12, 3), ("fees_collected", 0, 5)}


def test_the_number_gate_drops_no_figure(sample_paths, monkeypatch):
    # Sentences without a number followed by a unit skip the number rules (a speed-up: most
    # numbered lines are table rows, dates, article numbers). Every rule's figure ends in a
    # unit, so with the gate open the narrative fixtures and samples must read the same.
    import re
    from pathlib import Path

    import ingest.prose as prose

    paths = [*sample_paths, *sorted((Path(__file__).parent / "fixtures" / "narrative").glob("*.txt"))]
    texts = [normalize_text(decode_bytes(p.read_bytes()).text) for p in paths]
    gated = [extract_prose_facts(lines, 2019)[0] for lines in texts]
    assert sum(map(len, gated)) > 100
    monkeypatch.setattr(prose, "_NUMBER_WITH_UNIT", re.compile(""))
    assert [extract_prose_facts(lines, 2019)[0] for lines in texts] == gated


def test_the_number_gate_knows_every_unit():
    # A number rule whose unit the gate did not list would never fire.
    from ingest.prose import _NUMBER_WITH_UNIT

    for sentence in ("全年主动公开政府信息3200条", "收到申请12件", "举办培训班3期", "培训人员80人次",
                     "收取费用1.5万元", "新闻发布会8场次", "解读22篇", "受理复议3起", "依申请公开贰拾件"):
        assert _NUMBER_WITH_UNIT.search(sentence), sentence
    assert not _NUMBER_WITH_UNIT.search("行政许可 39732 0 0")
    assert not _NUMBER_WITH_UNIT.search("统计期限自2019年1月1日起至2019年12月31日止")
