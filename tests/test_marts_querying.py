"""docs/querying.md: every ```sql block of the page runs on the fixture warehouse and answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.staged_fixture import built_extended, query

DOC = ROOT / "docs" / "querying.md"


def doc_queries() -> list[tuple[str, str]]:
    """(section heading, sql) for every ```sql block, in page order."""
    text = DOC.read_text(encoding="utf-8")
    out, heading = [], ""
    for m in re.finditer(r"^## ([^\n]+)$|^```sql\n(.*?)^```", text, re.M | re.S):
        if m.group(1):
            heading = m.group(1).strip()
        else:
            out.append((heading, m.group(2)))
    return out


QUERIES = doc_queries()


@pytest.fixture(scope="module")
def wh() -> Path:
    return built_extended()[0]


def test_the_page_has_the_analyst_questions():
    headings = {h for h, _ in QUERIES}
    assert len(QUERIES) >= 6
    for words in ("ranked by requests granted", "before and after the 2019 reform",
                  "failing a consistency rule", "Coverage of a prefecture"):
        assert any(words in h for h in headings), words


@pytest.mark.parametrize(("heading", "sql"), QUERIES, ids=[f"{i}:{h[:30]}" for i, (h, _) in enumerate(QUERIES)])
def test_query_runs_and_answers(wh, heading, sql):
    assert query(wh, sql), heading


def results(wh: Path, words: str) -> list[list[tuple]]:
    return [query(wh, sql) for h, sql in QUERIES if words in h]


def test_ranking_answers(wh):
    first = results(wh, "ranked by requests granted")[0]
    by_year = {}
    for year, _code, name, _received, granted, rank in first:
        by_year.setdefault(year, []).append((rank, name, granted))
    assert by_year[2016] == [(1, "民勤县", 30.0)]
    assert [n for _, n, _ in by_year[2021]] == ["凉州区"]


def test_reform_answers(wh):
    per_year = results(wh, "before and after the 2019 reform")[0]
    got = {(r[0], r[2]): (r[4], r[5]) for r in per_year}
    assert got[(2016, "old_2008")] == (5.0, 0)  # stated 不同意公开
    assert got[(2020, "new_2019")] == (3.0, 1)  # summed 不予公开 items


def test_failing_rule_answers(wh):
    rules = {r[0]: r[1:] for r in results(wh, "failing a consistency rule")[0]}
    assert rules["carryover_continuity"][1:3] == (2, 1)
    assert rules["fixture_request_balance"][0] == "error"


def test_coverage_answers(wh):
    rows = results(wh, "Coverage of a prefecture")[0]
    covered = {r[1] for r in rows if r[3]}
    assert covered == {"民勤县"}
    assert len(rows) == 5
