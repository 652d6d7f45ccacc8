"""Harmonised marts on the extended fixture: the form-row mapping, harmonised values and wide
facts, duplicates, roll-ups in mart_region_year, cross-year rules and the quality score."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.forms import load_forms
from tests.staged_fixture import built_extended, query, rid


@pytest.fixture(scope="module")
def wh() -> Path:
    return built_extended()[0]


def one(wh: Path, sql: str, params: list | None = None):
    got = query(wh, sql, params)
    assert len(got) == 1, got
    return got[0]


# ---- the mapping --------------------------------------------------------------------------

def test_every_form_row_has_a_graded_mapping(wh):
    n_rows = one(wh, "select count(*) from staging.stg_form_rows")[0]
    # Plus one row per form row feeding an indicator x form column declaring an indicator_suffix.
    n_derived = sum(len([r for r in form.rows if r.indicator_code])
                    * len([c for c in form.columns if c.get("indicator_suffix")])
                    for form in load_forms().values())
    assert n_derived > 0  # the old form's 历年累计
    got = query(wh, "select harmonized_equivalence, count(*) from marts.dim_indicator_form_row group by 1")
    assert sum(n for _, n in got) == n_rows + n_derived
    assert {g for g, _ in got} <= {"exact", "approximate", "none"}
    # A row feeding an indicator always names its harmonised indicator, and a reason when not exact.
    assert query(wh, """select form_code, row_key from marts.dim_indicator_form_row
                        where indicator_code is not null and harmonized_code is null""") == []


@pytest.mark.parametrize(("label", "harmonized", "grade"), [
    ("不同意公开答复数", "requests_denied", "exact"),
    ("申请信息不存在数", "requests_unable_to_provide_not_held", "approximate"),
    ("举报投诉数量", "complaints_total", "none"),
])
def test_old_rows_map_to_their_new_counterparts(wh, label, harmonized, grade):
    code, got_grade, reason = one(wh, """select harmonized_code, harmonized_equivalence, harmonization_reason
                                         from marts.dim_indicator_form_row
                                         where form_code = 'old_2008' and label = ? and column_key is null""",
                                      [label])
    assert (code, got_grade) == (harmonized, grade)
    assert reason


def test_cumulative_column_feeds_indicators_of_its_own(wh):
    """历年累计 (old form column `cumulative`, indicator_suffix _cumulative): one mapping row per old
    row feeding an indicator, a named code in dim_indicator, graded none toward the new forms."""
    got = one(wh, """select indicator_code, column_label, label, harmonized_code, harmonized_equivalence,
                            harmonization_reason, counterpart_labels, name_en
                     from marts.dim_indicator_form_row
                     where form_code = 'old_2008' and row_key = 'requests_received' and column_key = 'cumulative'""")
    assert got[:5] == ("requests_received_cumulative", "历年累计", "收到申请数", "requests_received_cumulative",
                       "none")
    assert got[5] and got[6] is None  # the YAML column's note; no counterpart on the new forms
    assert got[7] == "Disclosure requests received (cumulative since 2008)"
    # This year's figure keeps its own row and grade.
    assert one(wh, """select indicator_code, harmonized_equivalence from marts.dim_indicator_form_row
                      where form_code = 'old_2008' and row_key = 'requests_received' and column_key is null""") \
        == ("requests_received", "exact")
    # No new-form row is derived, and no old row lacks its cumulative twin.
    assert query(wh, """select distinct form_code from marts.dim_indicator_form_row
                        where column_key is not null""") == [("old_2008",)]
    assert query(wh, """select a.row_key from marts.dim_indicator_form_row a
                        where a.form_code = 'old_2008' and a.column_key is null and a.indicator_code is not null
                          and not exists (select 1 from marts.dim_indicator_form_row b
                                          where b.form_code = a.form_code and b.row_key = a.row_key
                                            and b.column_key = 'cumulative'
                                            and b.indicator_code = a.indicator_code || '_cumulative')""") == []
    name_en, name_zh, unit, section, vocab, harmonized, forms, first, last, n_rows = one(
        wh, """select name_en, name_zh, unit, section, is_in_vocabulary, is_harmonized, form_codes, first_year,
                      last_year, n_form_rows
               from marts.dim_indicator where indicator_code = 'requests_received_cumulative'""")
    assert (name_en, name_zh) == ("Disclosure requests received (cumulative since 2008)", "收到申请数（历年累计）")
    assert (unit, section, vocab, harmonized) == ("件", "requests", True, False)
    assert (forms, first, last) == ("old_2008", 2008, 2018)
    assert n_rows == one(wh, """select count(*) from marts.dim_indicator_form_row
                                where indicator_code = 'requests_received_cumulative'""")[0] > 1  # + channels
    # Every suffixed code of every rule (cumulative_ge_this_year_*) is a named dim_indicator code.
    assert query(wh, """select distinct r.total_indicator from staging.stg_form_rules r
                        left join marts.dim_indicator d on d.indicator_code = r.total_indicator
                        where r.total_indicator like '%\\_cumulative' escape '\\'
                          and (d.name_en is null or not d.is_in_vocabulary)""") == []


def test_cumulative_figure_is_a_fact_of_its_own_code(wh):
    got = query(wh, """select indicator_code, value from marts.fct_indicator_value
                       where report_id = ? and indicator_code like 'requests_received%'
                         and channel_code = 'all' order by 1""", [rid("minqin-2016")])
    assert got == [("requests_received", 40.0), ("requests_received_cumulative", 260.0)]
    assert one(wh, "select passed from marts.fct_quality_check where report_id = ? "
                   "and rule = 'cumulative_ge_this_year_requests_received'", [rid("minqin-2016")]) == (True,)


def test_new_not_held_row_is_the_counterpart_of_old_nonexistent(wh):
    (labels,) = one(wh, """select counterpart_labels from marts.dim_indicator_form_row
                           where form_code = 'new_2021' and indicator_code = 'requests_unable_to_provide_not_held'""")
    assert "申请信息不存在数" in labels


def test_harmonized_indicators_are_described(wh):
    got = query(wh, """select indicator_code, description, wide_fact from marts.dim_indicator
                       where is_harmonized""")
    assert len(got) >= 30
    assert all(desc and fact for _, desc, fact in got)
    codes = {c for c, *_ in got}
    assert {"requests_received", "requests_denied", "proactive_total", "admin_review_total"} <= codes


def test_dim_template_lists_the_forms(wh):
    got = {r[0]: r[1:] for r in query(wh, "select form_code, template, first_year, legal_basis from marts.dim_template")}
    assert {"old_2008", "new_2019", "new_2021"} <= set(got)
    assert got["old_2008"][0] == "old_table" and got["new_2021"][1] == 2021
    assert "492" in got["old_2008"][2]


# ---- harmonised values and wide facts -------------------------------------------------------

def test_denied_is_summed_from_items_on_the_new_form(wh):
    value, derivation, grade = one(wh, """select value, derivation, equivalence from marts.fct_harmonized_value
                                          where report_id = ? and harmonized_code = 'requests_denied'""",
                                   [rid("liangzhou-2020")])
    assert (value, derivation, grade) == (3.0, "sum_of_parts", "exact")
    value, derivation = one(wh, """select value, derivation from marts.fct_harmonized_value
                                   where report_id = ? and harmonized_code = 'requests_denied'""",
                            [rid("minqin-2016")])
    assert (value, derivation) == (5.0, "stated")


def test_old_nonexistent_is_approximately_not_held(wh):
    value, grade = one(wh, """select value, equivalence from marts.fct_harmonized_value
                              where report_id = ? and harmonized_code = 'requests_unable_to_provide_not_held'""",
                       [rid("minqin-2016")])
    assert (value, grade) == (5.0, "approximate")  # 申请信息不存在 3 + 不属于本机关 2


def test_wide_requests_fact_by_channel_and_applicant(wh):
    got = one(wh, """select requests_received, requests_received_letter, requests_received_natural_person,
                            requests_denied, requests_unable_to_provide, worst_equivalence
                     from marts.fct_disclosure_requests where report_id = ?""", [rid("minqin-2016")])
    assert got == (40.0, 40.0, None, 5.0, 5.0, "approximate")
    got = one(wh, """select requests_received, requests_carried_over, requests_received_natural_person,
                            requests_received_letter
                     from marts.fct_disclosure_requests where report_id = ?""", [rid("liangzhou-2021")])
    assert got == (30.0, 6.0, 25.0, None)


def test_review_litigation_fact(wh):
    got = one(wh, """select admin_review_total, admin_review_upheld, admin_litigation_total, complaints_total
                     from marts.fct_review_litigation where report_id = ?""", [rid("minqin-2016")])
    assert got == (3.0, 2.0, 1.0, 1.0)


def test_wide_facts_hold_primary_reports_once(wh):
    for table in ("fct_disclosure_requests", "fct_proactive_disclosure", "fct_review_litigation"):
        assert query(wh, f"""select f.report_id from marts.{table} f join marts.dim_report d using (report_id)
                             where not d.is_primary""") == [], table
    # 民勤县 2017 was landed three times: one row.
    assert one(wh, """select count(*) from marts.fct_proactive_disclosure
                      where region_code = '620621' and year = 2017""") == (1,)


# ---- duplicates -------------------------------------------------------------------------------

def test_duplicates_are_flagged_and_point_at_the_primary(wh):
    got = {r[0]: r[1:] for r in query(wh, """select report_id, is_primary, superseded_by, duplicate_rank, n_duplicates
                                            from marts.dim_report where region_code = '620621' and year = 2017
                                            and issuer_kind <> 'department' and region_level <> 'township'""")}
    primary = rid("minqin-2017")
    assert got[primary] == (True, None, 1, 3)
    assert got[rid("minqin-2017-gbk")] == (False, primary, 2, 3)  # published earlier
    assert got[rid("minqin-2017-undated")] == (False, primary, 3, 3)  # no date: last
    # fct_indicator_value keeps every report (its uniqueness is per report).
    assert one(wh, "select count(distinct report_id) from marts.fct_indicator_value where report_id in (?, ?)",
               [primary, rid("minqin-2017-gbk")]) == (2,)


def test_departments_have_their_own_level(wh):
    assert one(wh, "select region_level, region_code from marts.dim_report where report_id = ?",
               [rid("minqin-education-2017")]) == ("department", "620621")


# ---- roll-ups -----------------------------------------------------------------------------------

def test_prefecture_rolls_up_government_reports_only(wh):
    got = one(wh, """select has_own_report, requests_received, requests_received_below,
                            n_units_below_reporting, n_units_below
                     from marts.mart_region_year where region_code = '620600' and year = 2017""")
    # Only 民勤县's primary report: not its two duplicates, its department (7) or township (2).
    assert got == (False, None, 1.0, 1, 4)
    got = one(wh, """select has_own_report, requests_received, requests_received_below, form_code
                     from marts.mart_region_year where region_code = '620600' and year = 2021""")
    assert got == (True, 100.0, 30.0, "new_2021")


def test_province_rolls_up_prefectures_and_counties(wh):
    got = one(wh, """select requests_received, requests_received_below, n_units_below_reporting
                     from marts.mart_region_year where region_code = '620000' and year = 2021""")
    assert got == (1000.0, 130.0, 2)  # 武威市 100 + 凉州区 30
    # Municipal districts roll up to the province directly; the 市辖区 grouping is no government.
    assert one(wh, """select requests_received_below from marts.mart_region_year
                      where region_code = '110000' and year = 2019""") == (50.0,)
    assert query(wh, "select * from marts.mart_region_year where region_code = '110100'") == []


def test_former_code_counts_for_its_successor(wh):
    assert one(wh, """select has_own_report, requests_received from marts.mart_region_year
                      where region_code = '110118' and year = 2012""") == (True, 9.0)
    assert one(wh, "select current_code, current_name from marts.dim_region where region_code = '110228'") == \
        ("110118", "密云区")
    assert one(wh, "select former_codes, former_names from marts.dim_region where region_code = '110118'") == \
        ("110228", "密云县")


def test_gazetteer_list_columns_become_strings(wh):
    assert one(wh, "select aliases from marts.dim_region where region_code = '620623'") == ("天祝|天祝县",)
    assert one(wh, "select aliases, former_names from marts.dim_region where region_code = '410425'") == \
        (None, None)  # empty lists


# ---- cross-year rules and the quality score ------------------------------------------------------

def test_carryover_continuity(wh):
    passed, observed, expected, severity = one(
        wh, """select passed, observed, expected, severity from marts.fct_quality_check
               where report_id = ? and rule = 'carryover_continuity'""", [rid("liangzhou-2021")])
    assert (passed, severity) == (False, "warning")
    assert "6" in observed and "= 4" in expected and "2020" in expected
    assert one(wh, """select passed from marts.fct_quality_check
                      where report_id = ? and rule = 'carryover_continuity'""", [rid("liangzhou-2022")]) == (True,)


def test_yoy_jump(wh):
    got = dict(query(wh, """select rule, passed from marts.fct_quality_check
                            where report_id = ? and rule like 'yoy_jump%'""", [rid("minqin-2017")]))
    assert got["yoy_jump[proactive_total]"] is False  # 100 -> 6328
    assert got["yoy_jump[requests_received]"] is True  # 40 -> 1: fewer than 50 units
    # Duplicates get no cross-year checks; the first year of a series neither.
    assert query(wh, "select rule from marts.fct_quality_check where report_id in (?, ?) and rule like 'yoy%'",
                 [rid("minqin-2017-gbk"), rid("minqin-2016")]) == []


def test_report_quality_matches_dim_report_and_checks(wh):
    got = query(wh, """select q.report_id, q.n_rules_applicable, q.n_passed, q.n_failed_error, q.n_failed_warning,
                              q.quality_score, d.quality_score,
                              (select count(*) from marts.fct_quality_check c where c.report_id = q.report_id)
                       from marts.mart_report_quality q join marts.dim_report d using (report_id)""")
    assert len(got) == one(wh, "select count(*) from marts.dim_report")[0]
    for rid_, n, passed, err, warn, score, dim_score, n_checks in got:
        assert n == n_checks and passed + err + warn == n, rid_
        assert score == dim_score
        assert (score is None) == (n == 0)
    score = one(wh, "select quality_score from marts.mart_report_quality where report_id = ?", [rid("minqin-2017")])[0]
    assert score == pytest.approx(2 / 3)  # yoy proactive_total fails, the two others pass
