"""Realistic report texts (as copied from government websites or converted from PDF/Word)
against hand-read truth: every figure their statistics tables state must come out exact.

The fixtures in tests/fixtures/realistic/ vary the way published reports vary: the 2021
form in one cell per line, tabs with blank cells, repeated page headers, split labels,
the 2019 trial form, pre-2019 统计表 with unit and 历年累计 columns, local wordings,
page footers inside tables and lost cells. truth.json has the format of
data/truth/samples.json (key indicator[/channel][@applicant_type]); `absent` lists keys a
careful reader could not read unambiguously, for which no figure may be emitted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.forms import split_fact_key as split_key
from ingest.parse import parse_report

FIXTURES = Path(__file__).parent / "fixtures" / "realistic"
TRUTH = {k: v for k, v in json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8")).items()
         if not k.startswith("_")}


def warehouse_view(report) -> dict[tuple[str, str, str], float]:
    """Figures as the warehouse keeps them: the table's, then narrative ones it lacks."""
    got: dict[tuple[str, str, str], float] = {}
    for source in ("table", "narrative"):
        for f in report.facts:
            if f.source == source:
                got.setdefault(f.key, f.value)
    return got


def score(name: str) -> tuple[int, list[str], list[str], object]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    report = parse_report(name, text)
    got = warehouse_view(report)
    want = TRUTH[name]
    right, wrong, missing = 0, [], []
    for key, value in want["facts"].items():
        k = split_key(key)
        if k not in got:
            missing.append(f"{key} (want {value:g})")
        elif abs(got[k] - float(value)) > 1e-6:
            wrong.append(f"{key} = {got[k]:g}, want {value:g}")
        else:
            right += 1
    for key in want.get("absent", []):
        if split_key(key) in got:
            wrong.append(f"{key} = {got[split_key(key)]:g}, want no figure (unreadable)")
    return right, wrong, missing, report


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_realistic_table_figures(name):
    right, wrong, missing, report = score(name)
    total = len(TRUTH[name]["facts"])
    print(f"{name}: {right}/{total} right, {len(wrong)} wrong, {len(missing)} missing")
    want = TRUTH[name]
    assert report.meta.year == want["year"]
    assert report.meta.template == want["template"]
    if "form_code" in want:
        assert report.meta.form_code == want["form_code"]
    assert not wrong, "wrong figures:\n" + "\n".join(wrong)
    assert not missing, "missing figures:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", sorted(n for n in TRUTH if TRUTH[n].get("expected_issues")))
def test_realistic_unreadable_cells_are_flagged(name):
    _, _, _, report = score(name)
    codes = {i.code for i in report.issues}
    for code in TRUTH[name]["expected_issues"]:
        assert code in codes, f"{name}: expected a {code} issue, got {sorted(codes)}"


def summary() -> None:  # pragma: no cover - `python tests/test_realistic_tables.py`
    tot_r = tot_w = tot_m = 0
    for name in sorted(TRUTH):
        right, wrong, missing, _ = score(name)
        tot_r, tot_w, tot_m = tot_r + right, tot_w + len(wrong), tot_m + len(missing)
        print(f"{name}: {right} right, {len(wrong)} wrong, {len(missing)} missing")
        for w in wrong:
            print("   WRONG", w)
        for m in missing:
            print("   MISSING", m)
    print(f"total: {tot_r} right, {tot_w} wrong, {tot_m} missing")


if __name__ == "__main__":  # pragma: no cover
    summary()
