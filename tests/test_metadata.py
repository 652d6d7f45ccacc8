"""Title, year covered and publication date, on the samples and on constructed headers."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.metadata import extract_metadata, year_from_body, year_from_period, year_from_title
from ingest.text import decode_bytes, normalize_text


def _meta(path):
    return extract_metadata(normalize_text(decode_bytes(path.read_bytes()).text))[0]


def test_sample_years_and_regions_match_truth(truth, sample_paths):
    for path in sample_paths:
        meta = _meta(path)
        want = truth[path.name]
        assert meta.year == want["year"], path.name
        assert meta.region.code == want["region_code"], path.name


def test_sample_year_sources_and_publication_dates(sample_paths):
    got = {p.name[:3]: (_meta(p).year_source, _meta(p).published_on) for p in sample_paths}
    assert got == {
        "000": ("title", date(2020, 9, 29)),  # 发布日期 header; breadcrumb says 2016
        "001": ("title", date(2020, 1, 20)),  # "(2020年1 月 20日)" under the title
        "002": ("title", None),
        "003": ("body", None),  # no title at all
        "004": ("title", date(2018, 3, 27)),  # 发文日期 header and signature
    }


def test_sample_titles(sample_paths):
    titles = {p.name[:3]: _meta(p).title for p in sample_paths}
    assert titles["002"] == "郏县人民政府2021年政府信息公开工作年度报告"
    assert titles["003"] is None


def test_year_is_not_read_from_breadcrumb_publish_or_crawl_dates():
    text = (
        "首页>政府信息公开>政府信息公开年报>2016>各区县年报\n"
        "发布日期: 2018-03-27 浏览次数: 12\n"
        "抓取时间: 2019-05-01\n"
        "民勤县2017年政府信息公开工作年度报告\n"
        "一、概述\n"
        "2018年,我们将继续推进政务公开。\n"
    )
    meta, _ = extract_metadata(normalize_text(text))
    assert (meta.year, meta.year_source) == (2017, "title")
    assert meta.published_on == date(2018, 3, 27)


def test_header_publish_date_is_not_a_statistics_period():
    text = "发文日期: 2018-03-27\n本报告起止时间为2017年1月1日至12月31日。\n"
    meta, _ = extract_metadata(normalize_text(text))
    assert (meta.year, meta.year_source) == (2017, "statistics_period")


@pytest.mark.parametrize(
    ("line", "year"),
    [
        ("本年度报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。", 2019),
        ("本报告起止时间为2017年1月1日至12月31日。", 2017),
        ("(2016年度)", 2016),
    ],
)
def test_statistics_period(line, year):
    assert year_from_period(normalize_text(f"一、概述\n{line}")) == (year, 1)


def test_statistics_period_ignores_ordinary_dates():
    assert year_from_period(["2018年3月27日", "会议于2017年5月4日召开。"]) is None


def test_chinese_numeral_year_in_title_and_date():
    meta, _ = extract_metadata(normalize_text(
        "郏县人民政府二○一二年政府信息公开工作年度报告\n(二〇一三年三月二十日)\n正文"))
    assert (meta.year, meta.published_on) == (2012, date(2013, 3, 20))
    assert year_from_title("二〇一九年度政府信息公开工作年度报告") == 2019


def test_body_year_prefers_the_opening_over_plans_and_signature():
    lines = normalize_text(
        "按照《国务院办公厅关于印发2015年政府信息公开工作要点的通知》要求,扎实开展2015年信息公开工作。\n"
        "今年以来,共发布信息40条。\n"
        "2016年,我们将进一步加强工作。\n"
        "2016年3月1日"
    )
    assert year_from_body(lines) == 2015


def test_signature_date_is_the_publication_date_when_no_header():
    text = "某县2017年政府信息公开工作年度报告\n正文。\n\n某县人民政府办公室\n2018年3月27日\n"
    meta, _ = extract_metadata(normalize_text(text))
    assert meta.published_on == date(2018, 3, 27)


def test_no_date_gives_null_published_on():
    meta, _ = extract_metadata(normalize_text("某县2017年政府信息公开工作年度报告\n正文没有日期。"))
    assert meta.published_on is None


def test_title_split_over_two_lines():
    meta, _ = extract_metadata(normalize_text("郏县人民政府\n2021年政府信息公开工作年度报告\n正文"))
    assert meta.year == 2021
    assert meta.region.code == "410425"
    assert meta.region.issuer_kind == "government"


@pytest.mark.parametrize(("title", "year"), [("郏县2O21年政府信息公开工作年度报告", 2021),
                                             ("郏县2Ol9年政府信息公开工作年度报告", 2019)])
def test_a_title_year_ocr_misread_is_read(title, year):
    assert year_from_title(title) == year


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("宁陵县2020政府信息公开工作年度报告", 2020),  # no 年
        ("宁陵县 2 0 2 0 年政府信息公开工作年度报告", 2020),  # spaced out
        ("宁陵县政府信息公开工作年度报告（2020）", 2020),  # in brackets
        ("宁陵县政府信息公开工作年度报告(2019年度)", 2019),
        ("宁陵县政府信息公开工作年度报告", None),
        ("宁陵县第1230号文件政府信息公开工作年度报告", None),  # not a plausible year
    ],
)
def test_a_title_year_without_its_character(title, year):
    assert year_from_title(normalize_text(title)[0]) == year


def test_year_from_the_publication_date_only_when_nothing_else_names_it():
    text = "宁陵县政府信息公开年报\n发布时间: 2019-03-29\n本年度报告由宁陵县人民政府办公室编制。\n"
    meta, issues = extract_metadata(normalize_text(text))
    assert (meta.year, meta.year_source, meta.published_on) == (2018, "publication_date", date(2019, 3, 29))
    assert [i.code for i in issues if i.code.startswith("year")] == ["year_from_publication_date"]
    # Any year in the text wins over it.
    meta, _ = extract_metadata(normalize_text(text.replace("本年度", "2017年度")))
    assert (meta.year, meta.year_source) == (2017, "body")


def test_no_year_anywhere_is_unresolved():
    meta, issues = extract_metadata(normalize_text("宁陵县政府信息公开年报\n本年度报告由宁陵县人民政府办公室编制。\n"))
    assert meta.year is None and "year_unresolved" in {i.code for i in issues}


@pytest.mark.parametrize(
    "title",
    [
        "郏 县 人 民 政 府 2021 年 政 府 信 息 公 开 工 作 年 度 报 告",
        "郏　县　人　民　政　府　２　０　２　１　年　政　府　信　息　公　开　工　作　年　度　报　告",  # full-width
    ],
)
def test_a_letter_spaced_title_reads_as_words(title):
    # A centred heading exported from a PDF or Word file puts a space after every character.
    meta, _ = extract_metadata(normalize_text(title + "\n本报告依据《条例》编制。\n"))
    assert (meta.region.code, meta.year, meta.year_source) == ("410425", 2021, "title")


def test_rows_of_figures_and_labels_keep_their_spaces():
    lines = ["收到申请数 件 5 0 5 0 0", "0 0 0 0 0 0 0", "一 、 概 述", "主动公开 政府信息 2266 条"]
    assert normalize_text("\n".join(lines)) == lines
