"""mart_coverage and mart_coverage_rollup on the extended fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.staged_fixture import built_extended, query, rid

STABLE_COLUMNS = ["region_code", "region_name", "region_level", "province_code", "province_name",
                  "prefecture_code", "prefecture_name", "year", "has_own_report", "n_department_reports",
                  "template", "form_code", "report_id", "report_status", "quality_score"]


@pytest.fixture(scope="module")
def wh() -> Path:
    return built_extended()[0]


def coverage(wh: Path, code: str, year: int) -> dict:
    cols = ", ".join(STABLE_COLUMNS + ["n_township_reports"])
    got = query(wh, f"select {cols} from marts.mart_coverage where region_code = ? and year = ?", [code, year])
    assert len(got) == 1, (code, year, got)
    return dict(zip(STABLE_COLUMNS + ["n_township_reports"], got[0], strict=True))


def test_stable_columns(wh):
    cols = [r[0] for r in query(wh, """select column_name from information_schema.columns
                                       where table_schema = 'marts' and table_name = 'mart_coverage'""")]
    assert [c for c in cols if c in STABLE_COLUMNS] == [c for c in STABLE_COLUMNS if c in cols]
    assert set(STABLE_COLUMNS) <= set(cols)
    types = dict(query(wh, """select column_name, data_type from information_schema.columns
                              where table_schema = 'marts' and table_name = 'mart_coverage'"""))
    assert types["has_own_report"] == "BOOLEAN"


def test_grid_is_every_government_times_every_year(wh):
    n_gov = query(wh, "select count(*) from marts.dim_region where is_current and is_government")[0][0]
    years = query(wh, "select min(year), max(year), count(distinct year) from marts.mart_coverage")[0]
    assert years[:2] == (2008, query(wh, "select max(year) from marts.dim_report")[0][0])
    assert query(wh, "select count(*) from marts.mart_coverage")[0][0] == n_gov * years[2]
    # Municipal 市辖区 groupings and former codes are not governments of the grid.
    assert query(wh, "select count(*) from marts.mart_coverage where region_code in ('110100', '110228')") == [(0,)]


@pytest.mark.parametrize(("code", "year"), [
    ("620621", 2017), ("430405", 2019), ("410425", 2022), ("140929", 2015), ("652900", 2017),
])
def test_the_sample_governments_are_present(wh, code, year):
    row = coverage(wh, code, year)
    assert row["has_own_report"] is True and row["report_status"] == "parsed"
    assert row["report_id"]


def test_minqin_neighbours_are_absent(wh):
    for code in ("620602", "620622", "620623", "620600"):
        row = coverage(wh, code, 2017)
        assert row["has_own_report"] is False and row["report_status"] == "missing", code
        assert row["report_id"] is None


def test_departments_and_townships_count_under_their_government(wh):
    minqin = coverage(wh, "620621", 2017)
    assert (minqin["n_department_reports"], minqin["n_township_reports"]) == (1, 1)
    assert minqin["report_id"] == rid("minqin-2017")  # the primary of three copies
    assert minqin["quality_score"] == pytest.approx(2 / 3)
    gulang = coverage(wh, "620622", 2017)  # only its finance bureau published
    assert (gulang["has_own_report"], gulang["n_department_reports"]) == (False, 1)


def test_chain_and_former_code(wh):
    row = coverage(wh, "620621", 2017)
    assert (row["prefecture_code"], row["prefecture_name"], row["province_code"], row["province_name"]) == \
        ("620600", "武威市", "620000", "甘肃省")
    assert coverage(wh, "110101", 2019)["prefecture_code"] is None  # a municipal district
    assert coverage(wh, "110118", 2012)["has_own_report"] is True  # reported as 密云县 (110228)


def test_rollup_shares(wh):
    got = {(r[0], r[1]): r[2:] for r in query(wh, """select rollup_level, region_code, n_governments,
                                                     n_with_own_report, share_covered, n_department_reports
                                                     from marts.mart_coverage_rollup where year = 2017""")}
    assert got[("prefecture", "620600")] == (5, 1, pytest.approx(0.2), 2)  # 武威市 + its 4 counties
    n_gansu = query(wh, "select count(*) from marts.dim_region where is_current and is_government "
                        "and province_code = '620000'")[0][0]
    assert got[("province", "620000")][:2] == (n_gansu, 1)
    n_all = query(wh, "select count(*) from marts.dim_region where is_current and is_government")[0][0]
    assert got[("country", "000000")][:2] == (n_all, 2)  # 民勤县 and 阿克苏地区
