"""The pre-2019 statistics-table parser (form old_2008)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from old_layouts import (
    CUMULATIVE_SUFFIX,
    FORM,
    LAYOUTS,
    VARIANTS,
    data_rows,
    expected,
    fmt,
    invariant_values,
    printed_rows,
    render,
)

from ingest.forms import split_fact_key
from ingest.models import Fact, TableResult
from ingest.old_table import parse_old_table
from ingest.text import decode_bytes, normalize_text

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
OLD_SAMPLES = ["000_5d8f4a5cbae6bb5d.txt", "001_26e5e647c1fabd57.txt"]
NOT_OLD = ["002_2baf5ee0490418e5.txt", "003_ff3f622dccd44669.txt", "004_0738619b0b0bb737.txt"]


def _lines(name: str) -> list[str]:
    return normalize_text(decode_bytes((RAW / name).read_bytes()).text or "")


def _by_key(result: TableResult) -> dict[tuple[str, str, str], Fact]:
    return {(f.indicator_code, f.channel_code, f.column_key): f for f in result.facts}


def _parsed(result: TableResult | None) -> dict[tuple[str, str, str], float]:
    return {} if result is None else {k: f.value for k, f in _by_key(result).items()}


def _figure_on_line(fact: Fact, lines: list[str]) -> bool:
    return fmt(fact.value) in lines[fact.source_line - 1].replace(",", "")


# ---------------------------------------------------------------- samples


@pytest.mark.parametrize("name", OLD_SAMPLES)
def test_sample_facts_equal_truth(name: str, truth: dict) -> None:
    lines = _lines(name)
    result = parse_old_table(lines)
    assert result is not None and result.form_code == "old_2008"
    got = {(f.indicator_code, f.channel_code, f.applicant_type): f for f in result.facts
           if f.column_key == "this_year"}
    for key, value in truth[name]["facts"].items():
        fact = got[split_fact_key(key)]
        assert fact.value == pytest.approx(value), key
        assert _figure_on_line(fact, lines), (key, fact.source_line)
        assert fact.source == "table" and fact.form_code == "old_2008" and fact.row_key
    # one figure per key, and every figure points at a line holding it
    assert len(got) == len(result.facts)
    assert all(_figure_on_line(f, lines) for f in result.facts)


@pytest.mark.parametrize("name", OLD_SAMPLES)
def test_sample_answer_rule_fails_as_truth_says(name: str, truth: dict) -> None:
    result = parse_old_table(_lines(name))
    values = {split_fact_key(f"{f.indicator_code}/{f.channel_code}")[:2]: f.value for f in result.facts}
    rule = next(r for r in FORM.rules if r.name == "request_answers_sum")
    stated = values[split_fact_key(rule.total)[:2]]
    summed = sum(values[split_fact_key(p)[:2]] for p in rule.parts if split_fact_key(p)[:2] in values)
    flag = next(f for f in truth[name]["expected_flags"] if f.startswith(rule.total))
    want_stated, want_sum = map(float, re.findall(r"\((\d+)\)", flag))
    assert (stated, summed) == (want_stated, want_sum)
    assert stated != summed


def test_sample_000_misnumbered_rows() -> None:
    lines = _lines(OLD_SAMPLES[0])
    label_lines = [i + 1 for i, ln in enumerate(lines) if ln.startswith("6.") and ln.endswith("数")]
    assert len(label_lines) == 2  # the report numbers two consecutive rows "6."
    facts = {f.row_key: f for f in parse_old_table(lines).facts}
    for row_key, label_line in zip(["requests_nonexistent", "requests_told_to_amend"], label_lines, strict=True):
        fact = facts[row_key]
        assert FORM.row(row_key).label in lines[label_line - 1]
        assert label_line < fact.source_line <= label_line + 3
    assert "requests_told_other_route" in facts


@pytest.mark.parametrize("name", NOT_OLD)
def test_no_old_table_in_other_samples(name: str) -> None:
    assert parse_old_table(_lines(name)) is None


def test_prose_mentioning_labels_is_not_a_table() -> None:
    text = ("一、依申请公开情况\n(一)收到申请数\n全年共收到申请数15件, 其中当面申请数3件, 网络申请数12件。\n"
            "(二)申请办结数\n申请办结数15件, 按时办结数15件。\n行政复议数量为0。\n"
            "从事政府信息公开工作人员数5人, 兼职人员数3人。")
    assert parse_old_table(normalize_text(text)) is None


# ---------------------------------------------------------------- layouts


@pytest.mark.parametrize("cumulative", [False, True])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_round_trip(layout: str, cumulative: bool) -> None:
    for seed in range(3):
        values = invariant_values(random.Random(seed), cumulative, blank_share=0.15)
        lines = render(values, layout, cumulative, seed)
        result = parse_old_table(lines)
        assert _parsed(result) == expected(values, cumulative), (layout, seed)
        assert all(_figure_on_line(f, lines) for f in result.facts)
        assert {f.unit for f in result.facts} <= {r.unit for r in FORM.rows}
        assert result.rows_found <= result.rows_expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rnd=st.randoms(use_true_random=False), layout=st.sampled_from(LAYOUTS), cumulative=st.booleans(),
       blank_share=st.sampled_from([0.0, 0.1, 0.5]))
def test_property_invariant_values_parse_back(rnd: random.Random, layout: str, cumulative: bool,
                                              blank_share: float) -> None:
    values = invariant_values(rnd, cumulative, blank_share, high=rnd.choice([9, 99, 99999]))
    lines = render(values, layout, cumulative, rnd.randint(0, 10**6))
    assert _parsed(parse_old_table(lines)) == expected(values, cumulative)


def test_missing_rows_and_unmatched_lines_are_recorded() -> None:
    values = invariant_values(random.Random(7))
    lines = render(values, "tab")
    gone = FORM.row("press_conferences").label
    lines = [ln for ln in lines if gone not in ln]
    at = next(i for i, ln in enumerate(lines) if FORM.row("requests_completed").label in ln)
    lines.insert(at, "本单位自行增加的说明行\t\t")
    result = parse_old_table(lines)
    missing = [i for i in result.issues if i.code == "form_rows_not_found"]
    assert len(missing) == 1 and "press_conferences" in missing[0].message
    unmatched = [i for i in result.issues if i.code == "unmatched_table_line"]
    assert [i.source_line for i in unmatched] == [at + 1]
    assert ("requests_completed", "all", "this_year") in _parsed(result)


# ---------------------------------------------------------------- units, approximations, glued cells


def _tab_table(rows: list[tuple[str, str, str]], header: str = "统计指标\t单位\t统计数") -> list[str]:
    """A small table: (row key, unit cell, figure cells) using the form's labels."""
    body = [f"{FORM.row(k).label}\t{u}\t{v}" for k, u, v in rows]
    return normalize_text("\n".join(["政府信息公开情况统计表", header, *body]))


def test_yuan_converted_and_approximations_kept() -> None:
    lines = _tab_table([("proactive_total", "条", "1200余"), ("requests_received", "件", "5"),
                        ("admin_review_total", "件", "0"), ("admin_litigation_total", "件", "0"),
                        ("fees_collected", "元", "5000"), ("special_funds", "万元", "3.5"),
                        ("trainees", "人次", "约300")])
    facts = {f.indicator_code: f for f in parse_old_table(lines).facts}
    assert (facts["fees_collected"].value, facts["fees_collected"].unit) == (0.5, "万元")
    assert (facts["special_funds"].value, facts["special_funds"].unit) == (3.5, "万元")
    assert facts["proactive_total"].value_qualifier == "approx" and facts["proactive_total"].value == 1200
    assert facts["trainees"].value_qualifier == "approx" and facts["trainees"].value == 300
    assert facts["requests_received"].value_qualifier == "exact"


def _glued_table(received: str, channels: bool) -> list[str]:
    header = "统计指标\t单位\t本年\t历年累计"
    rows = [("proactive_total", "条", "100\t900"), ("admin_review_total", "件", "0\t2"),
            ("admin_litigation_total", "件", "0\t1"), ("staff_total", "人", "3\t3"),
            ("staff_fulltime", "人", "1\t1")]
    if channels:
        rows += [("requests_in_person", "件", "5\t8"), ("requests_letter", "件", "7\t12")]
    lines = _tab_table(rows, header)
    at = next(i for i, ln in enumerate(lines) if FORM.row("admin_review_total").label in ln)
    return lines[:at] + [f"{FORM.row('requests_received').label}{received}"] + lines[at:]


def test_glued_digits_split_by_the_form_sums() -> None:
    lines = _glued_table("1220", channels=True)
    result = parse_old_table(lines)
    got = _parsed(result)
    assert got[("requests_received", "all", "this_year")] == 12
    assert got[("requests_received_cumulative", "all", "cumulative")] == 20
    split = [i for i in result.issues if i.code == "glued_digits_split"]
    assert len(split) == 1 and "1220" in split[0].message
    assert lines[split[0].source_line - 1].endswith("1220")


def test_glued_digits_without_unique_split_emit_nothing() -> None:
    result = parse_old_table(_glued_table("1220", channels=False))
    assert not any(f.indicator_code.startswith("requests_received") for f in result.facts)
    ambiguous = [i for i in result.issues if i.code == "glued_digits_ambiguous"]
    assert len(ambiguous) == 1 and "1220" in ambiguous[0].message and "12, 20" in ambiguous[0].message


def test_glued_digits_unique_by_order_alone() -> None:
    # "59" can only be 5 | 9; "95" has no reading with 本年 ≤ 累计.
    got = _parsed(parse_old_table(_glued_table("59", channels=False)))
    assert got[("requests_received", "all", "this_year")] == 5
    assert got[("requests_received_cumulative", "all", "cumulative")] == 9
    assert not any(k[0].startswith("requests_received") for k in _parsed(
        parse_old_table(_glued_table("95", channels=False))))


# ---------------------------------------------------------------- variants x layouts


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_layout_round_trip(variant: str, layout: str) -> None:
    v = VARIANTS[variant]
    for seed in range(2):
        values = invariant_values(random.Random(seed), v, blank_share=0.1)
        lines = render(values, layout, v, seed)
        result = parse_old_table(lines)
        assert _parsed(result) == expected(values, v), (variant, layout, seed)
        assert all(_figure_on_line(f, lines) for f in result.facts)
        assert not [i for i in result.issues if i.severity != "info"], result.issues
        assert all(f.column_key == ("cumulative" if f.indicator_code.endswith(CUMULATIVE_SUFFIX) else "this_year")
                   for f in result.facts)


def test_local_wording_is_printed() -> None:
    text = "\n".join(render(invariant_values(random.Random(1), VARIANTS["local_2008"]), "tab",
                            VARIANTS["local_2008"]))
    assert "受理申请" in text and "否决" in text and "收到申请数" not in text.split("统计指标")[1]
    assert "历年累计" in text and "电子邮件" in text and "回应解读" not in text.split("统计指标")[1]
    rows_2016 = {r.key for r, _ in printed_rows(VARIANTS["national_2016"], random.Random(0))}
    assert "requests_email" not in rows_2016 and "hotspot_responses" in rows_2016


def test_glued_layout_really_splits_cumulative_digits() -> None:
    v = VARIANTS["national_2008"]
    splits = by_rules = 0
    for seed in range(6):
        values = invariant_values(random.Random(seed), v, high=999)
        result = parse_old_table(render(values, "glued", v, seed))
        assert _parsed(result) == expected(values, v)
        found = [i for i in result.issues if i.code == "glued_digits_split"]
        splits += len(found)
        by_rules += sum("form's sums" in i.message for i in found)
    assert splits > 20 and by_rules > 0


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rnd=st.randoms(use_true_random=False), layout=st.sampled_from(LAYOUTS),
       variant=st.sampled_from(sorted(VARIANTS)), blank_share=st.sampled_from([0.0, 0.1, 0.5]))
def test_property_variants_parse_back(rnd: random.Random, layout: str, variant: str, blank_share: float) -> None:
    v = VARIANTS[variant]
    values = invariant_values(rnd, v, blank_share, high=rnd.choice([9, 99, 99999]))
    assert _parsed(parse_old_table(render(values, layout, v, rnd.randint(0, 10**6)))) == expected(values, v)


# ---------------------------------------------------------------- repair by invariants


def _two_column_table(received: str, channels: bool) -> list[str]:
    """A 本年/累计 table whose 收到申请数 row is `received` (tab cells after the label)."""
    rows = [("proactive_total", "条", "100\t900"), ("admin_review_total", "件", "0\t2"),
            ("staff_total", "人", "3\t3"), ("staff_fulltime", "人", "1\t1"), ("staff_parttime", "人", "2\t2"),
            ("trainees", "人次", "5\t40")]
    if channels:
        rows += [("requests_in_person", "件", "5\t8"), ("requests_letter", "件", "7\t12")]
    lines = _tab_table(rows, "统计指标\t单位\t本年\t历年累计")
    at = next(i for i, ln in enumerate(lines) if FORM.row("admin_review_total").label in ln)
    return lines[:at] + [f"{FORM.row('requests_received').label}\t{received}"] + lines[at:]


def test_lost_cell_placed_by_the_channel_sum() -> None:
    lines = _two_column_table("件\t12", channels=True)  # one figure, its column lost
    result = parse_old_table(lines)
    got = _parsed(result)
    assert got[("requests_received", "all", "this_year")] == 12
    assert ("requests_received_cumulative", "all", "cumulative") not in got
    placed = [i for i in result.issues if i.code == "row_value_placement"]
    assert len(placed) == 1 and "12, -" in placed[0].message and placed[0].source_text.endswith("12")


def test_lost_cell_without_evidence_emits_nothing() -> None:
    lines = _two_column_table("件\t12", channels=False)
    result = parse_old_table(lines)
    assert not any(f.indicator_code.startswith("requests_received") for f in result.facts)
    ambiguous = [i for i in result.issues if i.code == "row_reading_ambiguous"]
    assert len(ambiguous) == 1 and ambiguous[0].severity == "warning"
    assert ambiguous[0].source_text == lines[ambiguous[0].source_line - 1].strip()
    assert "12, -; -, 12" in ambiguous[0].message


def test_surplus_figures_chosen_by_the_channel_sum() -> None:
    result = parse_old_table(_two_column_table("件\t3\t12\t20", channels=True))
    got = _parsed(result)
    assert got[("requests_received", "all", "this_year")] == 12
    assert got[("requests_received_cumulative", "all", "cumulative")] == 20
    assert [i.code for i in result.issues if "requests_received" in i.message] == ["row_value_count"]
    ambiguous = parse_old_table(_two_column_table("件\t3\t12\t20", channels=False))
    assert not any(f.indicator_code.startswith("requests_received") for f in ambiguous.facts)
    assert any(i.code == "row_reading_ambiguous" for i in ambiguous.issues)


def test_stated_figures_breaking_a_rule_are_kept() -> None:
    # 本年 > 累计 and a channel sum that does not add up: both stated plainly, both kept.
    result = parse_old_table(_two_column_table("件\t30\t20", channels=True))
    got = _parsed(result)
    assert got[("requests_received", "all", "this_year")] == 30
    assert got[("requests_received_cumulative", "all", "cumulative")] == 20


def test_glued_digits_with_spaces_and_units() -> None:
    got = _parsed(parse_old_table(_glued_table(" 件 12 20", channels=False)))
    assert got[("requests_received", "all", "this_year")] == 12
    assert got[("requests_received_cumulative", "all", "cumulative")] == 20
    one_col = _tab_table([("proactive_total", "条", "100"), ("admin_review_total", "件", "0"),
                          ("staff_total", "人", "3"), ("staff_fulltime", "人", "1"), ("trainees", "人次", "4")])
    one_col.insert(3, f"1.{FORM.row('requests_received').label}18件")
    got = _parsed(parse_old_table(one_col))
    assert got[("requests_received", "all", "this_year")] == 18


def test_row_number_column_is_not_a_figure() -> None:
    values = invariant_values(random.Random(3), VARIANTS["national_2008"])
    lines = render(values, "tab", VARIANTS["national_2008"])
    numbered, n = [], 0
    for ln in lines:
        if "\t" in ln:
            n += 1
            ln = ("序号" if n == 1 else str(n - 1)) + "\t" + ln
        numbered.append(ln)
    result = parse_old_table(numbered)
    assert _parsed(result) == expected(values, VARIANTS["national_2008"])
    assert not any(i.code == "row_value_count" for i in result.issues)


def test_every_glued_row_yields_its_figures_or_an_issue_and_never_a_wrong_figure() -> None:
    v = VARIANTS["national_2008"]
    for seed in range(3):
        values = invariant_values(random.Random(seed), v, high=99999)
        lines = ["统计指标\t单位\t本年\t历年累计"] + [
            f"{label}{fmt(values[r.key][0])}{fmt(values[r.key][1])}" if r.indicator_code else label
            for r, label in printed_rows(v, random.Random(seed))]
        result = parse_old_table(normalize_text("\n".join(lines)))
        got, want = _parsed(result), expected(values, v)
        assert all(want[k] == val for k, val in got.items())
        unread = {r.key for r in data_rows(v)} - {f.row_key for f in result.facts}
        flagged = {i.message.split(":")[0].removeprefix("row ") for i in result.issues
                   if i.code == "glued_digits_ambiguous"}
        assert unread == flagged and unread  # some rows genuinely have no unique split


# ---------------------------------------------------------------- the form's declarations


def test_internal_sums_and_cumulative_bounds_are_errors() -> None:
    eq = {r.name: r for r in FORM.rules if r.op == "eq"}
    assert eq and all(r.severity == "error" for r in eq.values())
    assert "request_answers_sum" in eq
    bounds = {(r.total, r.parts) for r in FORM.rules if r.name.startswith("cumulative_ge_this_year")}
    assert all(r.severity == "error" and r.op == "le" for r in FORM.rules if r.name.startswith("cumulative_ge"))
    for row in data_rows():
        ind = row.indicator_code
        this = ind + ("" if row.channel_code == "all" else f"/{row.channel_code}")
        cum = ind + CUMULATIVE_SUFFIX + ("" if row.channel_code == "all" else f"/{row.channel_code}")
        assert (cum, (this,)) in bounds, row.key


def test_equivalence_toward_the_new_template() -> None:
    assert FORM.row("requests_nonexistent").equivalence == "approximate"
    assert "本机关不掌握" in FORM.row("requests_nonexistent").note
    assert FORM.row("complaints_total").equivalence == "none"
    assert FORM.row("requests_denied").equivalence == "exact"
    assert all(r.equivalence in ("exact", "approximate", "none") for r in FORM.rows)
    assert all(r.note for r in data_rows() if r.equivalence != "exact")


@pytest.mark.parametrize("layout", ["pipe_ocr", "tab", "cells"])
def test_mostly_empty_cumulative_column_found_without_a_header(layout: str) -> None:
    v = VARIANTS["national_2008"]
    rng = random.Random(11)
    values = {k: (this, cum if rng.random() < 0.2 else None)
              for k, (this, cum) in invariant_values(rng, v).items()}
    lines = render(values, layout, v, 11)
    if layout != "pipe_ocr":  # drop the header naming the columns
        lines = [ln for ln in lines if "统计指标" not in ln and ln not in ("单位", "统计数", "历年累计")]
    result = parse_old_table(lines)
    assert _parsed(result) == expected(values, v)
    assert any(f.column_key == "cumulative" for f in result.facts)


def test_extra_previous_year_column_is_read_by_position() -> None:
    rows = [("proactive_total", "条", "100\t90"), ("requests_received", "件", "12\t20"),
            ("requests_in_person", "件", "5\t8"), ("requests_letter", "件", "7\t12"),
            ("admin_review_total", "件", "0\t2"), ("staff_total", "人", "3\t3"), ("trainees", "人次", "5\t40")]
    result = parse_old_table(_tab_table(rows, "统计指标\t单位\t本年\t上年"))
    assert _parsed(result) == {(FORM.row(k).indicator_code, FORM.row(k).channel_code, "this_year"):
                               float(v.split("\t")[0]) for k, _, v in rows}
    assert any(i.code == "extra_value_columns" for i in result.issues)


def _spanned(text: str, where: str) -> str:
    """The pipe table of the 2019 sample as tab rows in which a label or unit cell spans two
    grid columns, the span flattened to the cell and an empty one (HTML colspan)."""
    out = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.count("|") >= 2 else None
        if not cells:
            out.append(line)
            continue
        if where in ("label", "both"):
            cells = [cells[0], "", *cells[1:]]
        if where in ("unit", "both"):
            k = 3 if where == "both" else 2
            cells = [*cells[:k], "", *cells[k:]]
        out.append("\t".join(cells))
    return "\n".join(out)


@pytest.mark.parametrize("where", ["label", "unit", "both"])
def test_cells_spanning_two_grid_columns_leave_layout_columns(where):
    # 指标\t\t单位\t统计数: the empty cell of a spanned label (or unit) was read as the value
    # column, and every one of the sample's 58 table figures was lost.
    text = (RAW / "001_26e5e647c1fabd57.txt").read_text(encoding="utf-8")
    clean = _parsed(parse_old_table(normalize_text(text)))
    assert len(clean) == 58
    spanned = _spanned(text, where)
    assert spanned != text
    assert _parsed(parse_old_table(normalize_text(spanned))) == clean


def test_an_empty_cumulative_column_after_the_figures_stays_a_column():
    rows = [("proactive_total", "条", "1200\t"), ("requests_received", "件", "5\t"),
            ("admin_review_total", "件", "0\t"), ("admin_litigation_total", "件", "0\t"),
            ("fees_collected", "万元", "0\t"), ("special_funds", "万元", "3.5\t"), ("trainees", "人次", "300\t")]
    result = parse_old_table(_tab_table(rows, header="统计指标\t单位\t统计数\t历年累计"))
    assert result is not None
    assert {f.indicator_code: f.value for f in result.facts} == {
        "proactive_total": 1200, "requests_received": 5, "admin_review_total": 0, "admin_litigation_total": 0,
        "fees_collected": 0, "special_funds": 3.5, "trainees": 300}


def test_digits_ocr_read_as_letters_are_figures():
    # lO752 (letters l and O), l2: the sample lost 3 figures so printed.
    text = (RAW / "001_26e5e647c1fabd57.txt").read_text(encoding="utf-8")
    ocr = re.sub(r"(?<=\| )(\d+)(?= \|)", lambda m: m.group(1).replace("0", "O").replace("1", "l")
                 if len(m.group(1)) > 1 else m.group(1), text)
    assert "lO752" in ocr and "l2" in ocr
    assert _parsed(parse_old_table(normalize_text(ocr))) == _parsed(parse_old_table(normalize_text(text)))


# A provincial table of the early years: its own wordings, rows the national form does not
# have (申诉数, 检索费), and headings without figures between the blocks.
_PROVINCIAL_ROWS = [
    ("指标名称", "单位", "数量"), ("一、主动公开政府信息数", "条", "1234"), ("其中:全文电子化率", "%", "100"),
    ("二、依申请公开情况", "", ""), ("(一)申请总数", "件", "12"), ("其中:当面申请数", "件", "5"),
    ("网上申请数", "件", "6"), ("信函申请数", "件", "1"), ("(二)申请答复情况", "", ""), ("已答复数", "件", "12"),
    ("其中:同意公开数", "件", "9"), ("同意部分公开数", "件", "1"), ("不予公开数", "件", "1"),
    ("信息不存在数", "件", "1"), ("三、行政复议数", "件", "1"), ("四、行政诉讼数", "件", "0"), ("五、申诉数", "件", "0"),
    ("六、收费情况", "", ""), ("检索费", "元", "0"), ("复制费", "元", "0"), ("七、工作人员情况", "", ""),
    ("专职人员数", "人", "3"), ("兼职人员数", "人", "20"), ("八、培训情况", "", ""), ("举办培训班数", "次", "2"),
    ("培训人数", "人次", "150"),
]


def test_a_provincial_table_of_the_early_years() -> None:
    lines = normalize_text("\n".join("\t".join(r) for r in _PROVINCIAL_ROWS))
    got = {f.key: f.value for f in parse_old_table(lines).facts}
    assert {k[0]: v for k, v in got.items() if k[1] == "all"} == {
        "proactive_total": 1234, "requests_received": 12, "requests_answered": 12, "requests_granted": 9,
        "requests_partially_granted": 1, "requests_denied": 1, "requests_nonexistent": 1,
        "admin_review_total": 1, "admin_litigation_total": 0, "staff_fulltime": 3, "staff_parttime": 20,
        "training_sessions": 2, "trainees": 150,
    }


def test_a_negation_is_never_matched_away() -> None:
    # One character from a row label, the opposite row: similar text is not a similar meaning.
    from ingest.forms import get_form
    from ingest.old_table import match_rows

    rows = get_form("old_2008").rows
    for cell, never in (("同意公开数", "requests_denied"), ("申请信息存在数", "requests_nonexistent"),
                        ("属于本行政机关公开数", "requests_not_this_agency")):
        assert never not in {rows[i].key for i, _ in match_rows(cell)}, cell


def test_a_dash_in_an_extra_column_keeps_the_positions():
    # 本年 | 上年 | 增减: a row whose 增减 is '—' is still read by position, not re-placed.
    rows = [("指标", "单位", "本年数", "上年数", "增减(%)"), ("一、主动公开政府信息数", "条", "1234", "1000", "23.4"),
            ("(一)收到申请数", "件", "12", "10", "20"), ("1.当面申请数", "件", "5", "4", "25"),
            ("2.网络申请数", "件", "6", "5", "20"), ("3.信函申请数", "件", "1", "1", "0"),
            ("三、行政复议数", "件", "1", "0", "—"), ("四、行政诉讼数", "件", "—", "2", "—")]
    got = {f.key[0]: f.value for f in parse_old_table(normalize_text("\n".join("\t".join(r) for r in rows))).facts
           if f.key[1] == "all"}
    assert got["admin_review_total"] == 1 and got["proactive_total"] == 1234
    assert "admin_litigation_total" not in got  # its 本年 is '—': the 2 is last year's


def _compared(heads: tuple[str, str], first: list[str], second: list[str], layout: str) -> str:
    labels = ["一、主动公开政府信息数", "(一)收到申请数", "1.当面申请数", "2.网络申请数", "3.信函申请数", "三、行政复议数"]
    units = ["条", "件", "件", "件", "件", "件"]
    rows = [("指标", "单位", *heads)] + [(lab, u, a, b) for lab, u, a, b in zip(labels, units, first, second, strict=True)]
    return "\n".join("\n".join(r) if layout == "cells" else "\t".join(r) for r in rows)


LAST_YEAR, THIS_YEAR = ["1000", "10", "4", "5", "1", "0"], ["1234", "12", "5", "6", "1", "1"]


@pytest.mark.parametrize("layout", ["tab", "cells"])
@pytest.mark.parametrize(
    ("heads", "this_first"),
    [(("上年数", "本年数"), False), (("本年数", "上年数"), True), (("2013年", "2014年"), False),
     (("2014年", "2013年"), True), (("去年同期", "本年"), False)],
)
def test_a_previous_year_column_is_never_read_as_this_year(heads, this_first, layout):
    # Tables comparing two years: this year's column is the one its heading names (本年, the
    # later year), wherever it stands; the other is neither this year nor 历年累计.
    first, second = (THIS_YEAR, LAST_YEAR) if this_first else (LAST_YEAR, THIS_YEAR)
    facts = parse_old_table(normalize_text(_compared(heads, first, second, layout))).facts
    got = {f.key[0] + "/" + f.key[1]: f.value for f in facts}
    assert got == {"proactive_total/all": 1234, "requests_received/all": 12, "requests_received/in_person": 5,
                   "requests_received/online": 6, "requests_received/letter": 1, "admin_review_total/all": 1}


@pytest.mark.parametrize("layout", ["tab", "cells"])
def test_cumulative_printed_before_this_year(layout):
    cumulative = ["5000", "40", "20", "15", "5", "3"]
    facts = parse_old_table(normalize_text(_compared(("历年累计", "本年数"), cumulative, THIS_YEAR, layout))).facts
    got = {f.key[0]: f.value for f in facts if f.key[1] == "all"}
    assert (got["proactive_total"], got["proactive_total_cumulative"]) == (1234, 5000)
    assert (got["requests_received"], got["requests_received_cumulative"]) == (12, 40)


# ---------------------------------------------------------------- tables flattened column by column


def _column_by_column(lines: list[str]) -> list[str]:
    """Sample lines with each page of the table (split at its repeated headings) printed as
    text extracted from a PDF column by column: the labels (and notes), then the cells."""
    out, labels, cells = [], [], []
    start = next(i for i, ln in enumerate(lines) if "统 计 指 标" in ln)
    end = max(i for i, ln in enumerate(lines) if re.fullmatch(r"\s*\d+\s*", ln)) + 1
    for line in lines[start:end]:
        if "统 计 指 标" in line or line.strip() in ("单位", "统计数"):
            out += labels + cells + [line]
            labels, cells = [], []
        elif line.strip():
            (cells if re.fullmatch(r"\s*(?:[\d.]+|——)\s*", line) else labels).append(line)
    return lines[:start] + out + labels + cells + lines[end:]


def test_sample_000_flattened_column_by_column_reads_the_same_figures() -> None:
    lines = _lines(OLD_SAMPLES[0])
    flattened = _column_by_column(lines)
    assert flattened != lines and "6328" not in flattened[flattened.index("(一)主动公开政府信息数") + 1]
    result = parse_old_table(flattened)
    assert _parsed(result) == _parsed(parse_old_table(lines))
    assert all(_figure_on_line(f, flattened) for f in result.facts)


def test_column_by_column_without_marks_for_empty_figures_reads_nothing_wrong() -> None:
    # An extractor that drops empty cells leaves a figure column shorter than its labels when
    # a figure cell is empty: which row lost its cell cannot be told, so no cell is placed.
    values = invariant_values(random.Random(5), False, blank_share=0.3)
    lines = [ln for ln in render(values, "column_major", False, 5) if ln.strip() not in ("——", "—", "/")]
    got, want = _parsed(parse_old_table(lines)), expected(values, False)
    assert all(want.get(k) == v for k, v in got.items())
    assert len(got) < len(want)


def test_row_major_rows_with_empty_cells_are_not_read_column_by_column() -> None:
    # One cell per line, empty cells as empty lines: four labels without a figure between them
    # then the two figures of the last row. Read column by column, the first row would take 3.
    lines = normalize_text("\n".join([
        "统计指标", "单位", "统计数", "历年累计",
        "三、回应解读情况", "", "", "",
        "1.回应公众关注热点或重大舆情数", "次", "", "",
        "四、通过不同渠道和方式回应解读的情况", "", "", "",
        "1.参加或举办新闻发布会总次数", "次", "3", "9",
        "2.主要负责同志参加新闻发布会次数", "次", "1", "4",
        "3.政府网站在线访谈次数", "次", "2", "5",
        "4.主要负责同志参加政府网站在线访谈次数", "次", "0", "1",
        "5.政策解读稿件发布数", "篇", "7", "30",
    ]))
    got = _parsed(parse_old_table(lines))
    assert got[("press_conferences", "all", "this_year")] == 3
    assert got[("press_conferences_cumulative", "all", "cumulative")] == 9
    assert not any(k[0].startswith("hotspot_responses") for k in got)


def test_labels_wrapped_around_their_figures_in_sample_000() -> None:
    # PDF text, one cell per line: a long label wrapped over two lines in a row whose figure
    # cell is centred between them (1.政府公报 / 0 / 公开政府信息数).
    lines = _lines(OLD_SAMPLES[0])
    out, i = [], 0
    while i < len(lines):
        j = next((k for k in range(i + 1, min(i + 4, len(lines))) if lines[k].strip()), None)
        label = lines[i].strip()
        if (j is not None and len(label) >= 12 and re.fullmatch(r"\d+", lines[j].strip())
                and not re.fullmatch(r"[\d.]+", label)):
            out += [label[: len(label) // 2], lines[j].strip(), label[len(label) // 2:]]
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    assert sum(a != b for a, b in zip(out, lines, strict=False)) > 5
    result = parse_old_table(normalize_text("\n".join(out)))
    assert _parsed(result) == _parsed(parse_old_table(lines))
