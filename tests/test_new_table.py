"""The 2019+ table parser (forms new_2019 and new_2021)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from new_layouts import LAYOUTS, expected_facts, fmt, random_values, render, to_lines, unique_glue

from ingest.forms import fact_key, load_forms, split_fact_key
from ingest.models import TableResult
from ingest.new_table import normalize_label, parse_form, parse_new_table, tokenize
from ingest.new_table_repair import SumRule, glued_splits
from ingest.text import decode_bytes, normalize_text

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TRUTH = ROOT / "data" / "truth" / "samples.json"  # copy of ../shared/seeds/truth.json
SAMPLE_NEW = "002_2baf5ee0490418e5.txt"
NOT_NEW = ["000_5d8f4a5cbae6bb5d.txt", "001_26e5e647c1fabd57.txt",
           "003_ff3f622dccd44669.txt", "004_0738619b0b0bb737.txt"]
FORMS = ("new_2021", "new_2019")


def _lines(name: str) -> list[str]:
    return normalize_text(decode_bytes((RAW / name).read_bytes()).text or "")


def _values(result: TableResult | None) -> dict[str, float]:
    assert result is not None
    return {fact_key(f.indicator_code, f.channel_code, f.applicant_type): f.value for f in result.facts}


@pytest.fixture(scope="module")
def sample() -> TableResult:
    result = parse_new_table(_lines(SAMPLE_NEW))
    assert result is not None
    return result


# --------------------------------------------------------------------------- sample 002


def test_sample_002_every_table_fact_in_truth(sample: TableResult) -> None:
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))[SAMPLE_NEW]["facts"]
    table_indicators = {r.indicator_code for r in load_forms()["new_2021"].rows if r.indicator_code}
    wanted = {k: v for k, v in truth.items() if k.split("@")[0].split("/")[0] in table_indicators}
    assert len(wanted) >= 15  # the truth file states most of the table; all but prose must be read
    got = _values(sample)
    assert {k: got.get(k) for k in wanted} == pytest.approx(wanted)


def test_sample_002_facts_carry_form_row_and_source(sample: TableResult) -> None:
    lines = _lines(SAMPLE_NEW)
    assert sample.form_code == "new_2021"
    for fact in sample.facts:
        assert fact.source == "table" and fact.form_code == "new_2021"
        assert fact.row_key and fact.column_key
        assert fact.source_text.startswith(lines[fact.source_line - 1].strip()[:20])
    granted = next(f for f in sample.facts if f.key == ("requests_granted", "all", "natural_person"))
    assert "予以公开" in granted.source_text and granted.column_key == "natural_person"
    fees = next(f for f in sample.facts if f.indicator_code == "admin_fees_collected")
    assert fees.unit == "万元"


def test_sample_002_six_numbers_under_seven_columns_repaired_by_column_invariants(sample: TableResult) -> None:
    got = _values(sample)
    # The row prints "14 0 0 0 0 14": only (七)总计's natural_person = 14 places the 14 there.
    assert got["requests_granted@natural_person"] == 14
    assert got["requests_granted@commercial_enterprise"] == 0
    assert got["requests_granted"] == 14
    granted_line = 1 + next(i for i, ln in enumerate(_lines(SAMPLE_NEW)) if "予以公开" in ln and "\t" in ln)
    repairs = [i for i in sample.issues if i.source_line == granted_line]
    assert len(repairs) == 1
    assert repairs[0].code == "row_cells_repaired"
    assert "6 cells under 7 columns" in repairs[0].message and "14" in repairs[0].message


@pytest.mark.parametrize("name", NOT_NEW)
def test_old_form_and_narrative_samples_have_no_new_table(name: str) -> None:
    assert parse_new_table(_lines(name)) is None


# --------------------------------------------------------------------------- layouts


@pytest.mark.parametrize("column_set", [0, 1, 2], ids=["7cols", "8cols", "3cols"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("form", FORMS)
def test_each_form_in_each_layout_parses_back(form: str, layout: str, column_set: int) -> None:
    values = random_values(form, random.Random(f"{form}{layout}{column_set}"), column_set=column_set, hi=40)
    result = parse_new_table(to_lines(render(form, values, layout, column_set=column_set)))
    assert result is not None and result.form_code == form
    assert _values(result) == pytest.approx(expected_facts(values))
    assert not [i for i in result.issues if i.severity != "info"]


def test_glued_layout_really_glues_rows() -> None:
    values = random_values("new_2021", random.Random(3), hi=40)
    text = render("new_2021", values, "glued")
    row = [values[f"requests_granted@{a}"] for a in ("natural_person", "commercial_enterprise",
                                                     "research_institution", "social_welfare_org",
                                                     "legal_service_org", "other_org")]
    glued = "".join(fmt(v) for v in row + [values["requests_granted"]])
    assert unique_glue(row + [values["requests_granted"]]) == (glued in text)
    result = parse_new_table(to_lines(text))
    assert any(i.code == "glued_digits_split" for i in result.issues)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), layout=st.sampled_from(LAYOUTS), form=st.sampled_from(FORMS),
       column_set=st.sampled_from([0, 1, 2]), hi=st.sampled_from([0, 3, 30, 400]), lose_total=st.booleans())
def test_random_consistent_matrices_parse_back(seed: int, layout: str, form: str, column_set: int, hi: int,
                                               lose_total: bool) -> None:
    lost = -1 if lose_total and layout in ("pipe", "tab") else None  # PDF/OCR conversions lose columns
    values = random_values(form, random.Random(seed), column_set=column_set, hi=hi)
    result = parse_new_table(to_lines(render(form, values, layout, column_set=column_set, lost_column=lost)))
    expected = expected_facts(values)
    if lost is not None and column_set == 2:
        # Two figures under three columns (自然人 | 法人或其他组织 | 总计): any two of them make the
        # third, so the row cannot say which was lost; what is read must still be right.
        got = _values(result)
        assert got.keys() <= expected.keys()
        assert got == pytest.approx({k: expected[k] for k in got})
    else:
        assert _values(result) == pytest.approx(expected)


@pytest.mark.parametrize("column_set", [0, 1], ids=["7cols", "8cols"])
@pytest.mark.parametrize("form", FORMS)
def test_lost_total_column_restored_by_row_sums(form: str, column_set: int) -> None:
    values = random_values(form, random.Random(f"lost{form}{column_set}"), column_set=column_set, hi=40)
    text = render(form, values, "pipe", column_set=column_set, lost_column=-1)
    heading = next(ln for ln in text.splitlines() if "| 自然人 |" in ln)
    assert "其他" in heading and "总计" not in heading  # the matrix heading lost 总计 too
    result = parse_new_table(to_lines(text))
    assert _values(result) == pytest.approx(expected_facts(values))
    repaired = [i for i in result.issues if i.code == "row_cells_repaired"]
    assert len(repaired) >= 20 and all("lost cell placed at column" in i.message for i in repaired)


def test_pipe_layout_splits_long_labels_and_prints_footers() -> None:
    text = render("new_2021", random_values("new_2021", random.Random(2), hi=9), "pipe")
    # A label's head alone on its line, its tail with the figures.
    assert "| 5.要求行政机关确认或重新出具已 |  |" in text and "\n| 获取信息 | " in text
    assert "— 4 —" in text and "第 3 页" in text and "| Column1 |" in text


def test_glued_tables_with_long_rows_parse_back() -> None:
    for seed, form in enumerate(FORMS):
        values = random_values(form, random.Random(seed), column_set=seed, hi=400)
        lines = to_lines(render(form, values, "glued", column_set=seed))
        assert sum(len(ln) > 40 and ln.split()[-1].isdigit() for ln in lines) >= 10  # long glued rows
        assert _values(parse_new_table(lines)) == pytest.approx(expected_facts(values))


def test_unreadable_cell_yields_issue_and_no_figure() -> None:
    rows = dict(ZERO_MATRIX)
    rows["(一) 予以公开"] = "1 0 0 0 0 见附件 1"
    result = parse_new_table(_matrix_text(rows))
    got = _values(result)
    assert not any(k.startswith("requests_granted") for k in got)
    assert any(i.code == "row_unreadable" and "予以公开" in (i.source_text or "") for i in result.issues)


def test_extra_cell_dropped_only_where_rules_decide() -> None:
    rows = dict(ZERO_MATRIX)
    rows["一、本年新收政府信息公开申请数量"] = "5 3 0 0 0 0 8"
    rows["(一) 予以公开"] = "5 0 0 0 0 0 9 5"  # a stray 9 (e.g. a footnote mark) among the figures
    rows["(二) 部分公开"] = "0 3 0 0 0 0 3"
    rows["(七) 总计"] = "5 3 0 0 0 0 8"
    rows["四、结转下年度继续办理"] = "0 0 0 0 0 0 0"
    result = parse_new_table(_matrix_text(rows))
    got = _values(result)
    assert got["requests_granted@natural_person"] == 5 and got["requests_granted"] == 5
    assert got["requests_granted@other_org"] == 0
    issue = next(i for i in result.issues if i.code == "row_cells_repaired")
    assert "dropped extra cell(s) 9" in issue.message


# --------------------------------------------------------------------------- repairs and refusals


def _matrix_text(rows: dict[str, str]) -> list[str]:
    """A bare 2021 request matrix, tab-separated, with the given value text per row label."""
    out = ["三、收到和处理政府信息公开申请情况", "\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    out += [f"{label}\t{cells}" for label, cells in rows.items()]
    return normalize_text("\n".join(out))


ZERO_MATRIX = {
    "一、本年新收政府信息公开申请数量": "0 0 0 0 0 0 0",
    "二、上年结转政府信息公开申请数量": "0 0 0 0 0 0 0",
    "(一) 予以公开": "0 0 0 0 0 0 0",
    "(二) 部分公开": "0 0 0 0 0 0 0",
    "(七) 总计": "0 0 0 0 0 0 0",
    "四、结转下年度继续办理": "0 0 0 0 0 0 0",
}


def test_missing_cell_placed_by_column_rules_not_row_sum() -> None:
    rows = dict(ZERO_MATRIX)
    rows["一、本年新收政府信息公开申请数量"] = "5 3 0 0 0 0 8"
    rows["(一) 予以公开"] = "5 0 0 0 0 5"  # lost the commercial 0; row sum alone also allows "0 5 ..."
    rows["(二) 部分公开"] = "0 3 0 0 0 0 3"
    rows["(七) 总计"] = "5 3 0 0 0 0 8"
    result = parse_new_table(_matrix_text(rows))
    got = _values(result)
    assert got["requests_granted@natural_person"] == 5
    assert got["requests_granted@commercial_enterprise"] == 0
    assert [i.code for i in result.issues if i.code.startswith("row_")] == ["row_cells_repaired"]


def test_ambiguous_row_yields_issue_and_no_figure() -> None:
    rows = dict(ZERO_MATRIX)
    rows["(一) 予以公开"] = "1 0 0 0 0 1"  # lost a cell; no column rule can be checked below
    rows["(七) 总计"] = "/ / / / / / /"
    rows["四、结转下年度继续办理"] = "/ / / / / / /"
    result = parse_new_table(_matrix_text(rows))
    got = _values(result)
    issues = [i for i in result.issues if i.code == "row_ambiguous"]
    assert len(issues) == 1 and "予以公开" in (issues[0].source_text or "")
    for applicant in ("natural_person", "commercial_enterprise", "other_org"):
        assert f"requests_granted@{applicant}" not in got
    assert "requests_granted" not in got
    # Cells equal in every surviving reading are still figures.
    assert got["requests_granted@research_institution"] == 0


def test_partly_glued_row_split_by_invariants() -> None:
    rows = dict(ZERO_MATRIX)
    rows["一、本年新收政府信息公开申请数量"] = "1400000 14"
    rows["(一) 予以公开"] = "14 0 0 0 0 0 14"
    rows["(七) 总计"] = "140000014"
    result = parse_new_table(_matrix_text(rows))
    got = _values(result)
    assert got["requests_received@natural_person"] == 14 and got["requests_received"] == 14
    assert got["requests_total_handled@natural_person"] == 14
    assert sum(i.code == "glued_digits_split" for i in result.issues) == 2


def test_blank_cells_as_empty_lines_in_one_cell_per_line_layout() -> None:
    values: dict[str, float | None] = dict(random_values("new_2021", random.Random(11), hi=9))
    values["requests_denied_third_party@research_institution"] = None
    values["licensing_decisions"] = None
    result = parse_new_table(to_lines(render("new_2021", values, "cell_per_line")))
    got = _values(result)
    want = {k: v for k, v in expected_facts({k: v for k, v in values.items() if v is not None}).items()}
    assert got == pytest.approx(want)


def test_new_2019_detected_and_signed_change_read() -> None:
    values = random_values("new_2019", random.Random(5))
    values["licensing_items_change"] = -7.0
    text = render("new_2019", values, "tab").replace("\t-7\t", "\t减7\t")
    result = parse_new_table(to_lines(text))
    assert result.form_code == "new_2019"
    assert _values(result)["licensing_items_change"] == -7
    assert _values(result)["licensing_decisions"] == values["licensing_decisions"]


# --------------------------------------------------------------------------- small pieces


ROW_SUM = (SumRule(6, (0, 1, 2, 3, 4, 5)),)


def test_glued_splits_respect_leading_zeros_and_row_rules() -> None:
    # "1910" cuts into 3 cells four ways; only (1, 9, 10) has its last cell equal to the others' sum.
    assert glued_splits(["1910"], 3, (SumRule(2, (0, 1)),)) == [(1.0, 9.0, 10.0)]
    assert sorted(glued_splits(["1014"], 3, ())) == [(1.0, 0.0, 14.0), (10.0, 1.0, 4.0)]
    assert glued_splits(["05"], 1, ()) == []
    assert glued_splits(["00"], 2, ()) == [(0.0, 0.0)]
    assert glued_splits(["140000014"], 7, ROW_SUM) == [(14.0, 0.0, 0.0, 0.0, 0.0, 0.0, 14.0)]


def test_glued_digits_are_cut_only_where_a_whole_rule_vouches() -> None:
    # Beside blank cells the row rule only bounds its parts: '14' under a total of 14 could be
    # 1 and 4 as well as a 14 with a cell lost. A cut needs a rule with every member stated.
    assert glued_splits(["14", None, None, None, None, 14.0], 7, ROW_SUM) == []
    assert glued_splits(["14", 0.0, 0.0, 0.0, 0.0, 5.0], 7, ROW_SUM) == [(1.0, 4.0, 0.0, 0.0, 0.0, 0.0, 5.0)]
    # Cells no rule covers (the columns of the 第二十条 tables) are cut as the digits allow.
    assert glued_splits(["530"], 3, ()) == [(5.0, 3.0, 0.0)]


def test_glued_splits_find_long_rows() -> None:
    rng = random.Random(7)
    for _ in range(20):
        cells = [rng.randint(0, 4000) for _ in range(6)]
        cells.append(sum(cells))
        digits = "".join(map(str, cells))
        found = glued_splits([digits], 7, ROW_SUM)
        assert tuple(map(float, cells)) in found


def test_normalize_label_drops_numbering_notes_and_quotes() -> None:
    assert normalize_label("(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)") == "部分公开"
    assert normalize_label("3.危及“三安全一稳定”") == "危及三安全一稳定"
    assert normalize_label("一、本年新收政府信息公开申请数量") == "本年新收政府信息公开申请数量"


def test_tokenize_drops_page_footers_and_separators() -> None:
    toks = tokenize(["| a | 1 |", "|---|---|", "— 4 —", "第 3 页", "予以公开 1 / 2"])
    assert [(t.kind, t.text) for t in toks] == [
        ("text", "a"), ("num", "1"), ("text", "予以公开"), ("num", "1"), ("blank", "/"), ("num", "2")]


def _one_cell_per_line(text: str, keep_empty: bool) -> str:
    """Each tab cell of the text on its own line (a docx table pasted as paragraphs), its
    empty cells kept as empty lines or left out."""
    out: list[str] = []
    for line in text.split("\n"):
        cells = line.split("\t") if "\t" in line else [line]
        out.extend(c for c in cells if keep_empty or c.strip() or "\t" not in line)
    return "\n".join(out)


def _table_figures(text: str) -> dict[tuple[str, str, str], float]:
    result = parse_new_table(normalize_text(text))
    assert result is not None
    return {(f.indicator_code, f.channel_code, f.applicant_type): f.value for f in result.facts}


@pytest.mark.parametrize("keep_empty", [True, False], ids=["empty cells kept", "empty cells left out"])
def test_one_cell_per_line_reads_the_matrix_in_its_columns(keep_empty):
    # The sample's matrix rows leave a label column empty (the sub-item column of 不予公开) and
    # lost a column. Kept as an empty line, that label cell once read as the natural-person
    # figure, sliding 22 figures one column right without breaking any sum rule.
    text = (RAW / SAMPLE_NEW).read_text(encoding="utf-8")
    tab = _table_figures(text)
    assert tab[("requests_granted", "all", "natural_person")] == 14
    assert _table_figures(_one_cell_per_line(text, keep_empty)) == tab


def test_a_blank_first_figure_stays_blank_when_no_label_column_is_empty():
    # Same layout with the empty cells left out, but the natural-person figure of the carry-over
    # row printed as an empty line: no row shows an empty line before figures that fill it, so
    # this one is a blank figure, and the others stay in their columns.
    text = _one_cell_per_line((RAW / SAMPLE_NEW).read_text(encoding="utf-8"), keep_empty=False)
    lines = text.split("\n")
    label = next(i for i, ln in enumerate(lines) if ln.startswith("四、结转下年度继续办理"))
    assert lines[label + 1: label + 8] == ["0"] * 7
    lines[label + 1] = ""
    figures = _table_figures("\n".join(lines))
    carried = {k[2]: v for k, v in figures.items() if k[0] == "requests_carried_forward"}
    assert "natural_person" not in carried
    assert carried["commercial_enterprise"] == carried["other_org"] == carried["all"] == 0


@pytest.mark.parametrize("rewrite", [
    pytest.param(lambda cell: "〇" if cell == "0" else cell, id="zero written 〇"),
    pytest.param(lambda cell: cell + "件" if cell.isdigit() and cell != "0" else cell, id="unit after the figure"),
    pytest.param(lambda cell: cell + " 件" if cell.isdigit() else cell, id="unit after a space"),
    pytest.param(lambda cell: cell.replace("1", "l").replace("0", "O") if cell.isdigit() and len(cell) > 1 else cell,
                 id="OCR letters for 0 and 1"),
])
def test_figures_written_with_a_unit_or_as_a_character_read_the_same(rewrite):
    # The old-form parser read these through ingest.numbers.parse_number_cell; the 2019+ parser
    # took such cells for text, and lost 34 (units) or all 212 (〇) table figures of the sample.
    text = (RAW / SAMPLE_NEW).read_text(encoding="utf-8")
    rewritten = "\n".join("\t".join(rewrite(c) for c in ln.split("\t")) if "\t" in ln else ln
                          for ln in text.split("\n"))
    assert rewritten != text
    assert _table_figures(rewritten) == _table_figures(text)


def test_a_dash_for_zero_never_moves_a_figure():
    # The sample's zeros printed as '—', except in the review/litigation row (so the table
    # prints zeros too, and a dash is a blank cell: no figure stated). The row that also lost
    # a cell (予以公开: 14 — — — — 14) once read its 14 as the glued digits 1 and 4 (the row's
    # sum rule, with blank members, bounded them and vouched for nothing), then, that fixed,
    # as the commercial-enterprise figure (the empty label-column cell before it taken for a
    # blank natural-person cell). The rows that print every column print that empty cell
    # too: the row is ambiguous, not guessed.
    text = (RAW / SAMPLE_NEW).read_text(encoding="utf-8")

    def dashed(keep_zeros_in_review_row: bool) -> str:
        def cells(ln: str) -> str:
            parts = ln.split("\t")
            if keep_zeros_in_review_row and all(c.isdigit() for c in parts if c) and len(parts) >= 15:
                return ln
            return "\t".join("—" if c == "0" else c for c in parts)
        return "\n".join(cells(ln) if "\t" in ln else ln for ln in text.split("\n"))

    clean, read = _table_figures(text), _table_figures(dashed(True))
    assert {k: v for k, v in clean.items() if v != 0 or k[0].startswith("admin_")}.items() >= read.items()
    assert read[("requests_received", "all", "natural_person")] == 14
    assert ("requests_granted", "all", "commercial_enterprise") not in read
    # Every zero a dash: the report's way of writing zero, read as the clean table.
    assert _table_figures(dashed(False)) == clean


def test_a_negated_label_never_matches_fuzzily() -> None:
    from ingest.new_table import label_score, normalize_label

    # One character apart, opposite rows of the form.
    assert label_score(normalize_label("(一)予以公开"), normalize_label("(三)不予公开")) == 0
    assert label_score(normalize_label("(一)予以公开"), normalize_label("(一)予以公开")) > 0
    assert label_score(normalize_label("予以公开的"), normalize_label("(一)予以公开")) > 0


def test_a_request_matrix_with_the_legal_persons_merged_is_read() -> None:
    # The matrix printed with its five organisation columns merged into one (自然人 |
    # 法人或其他组织 | 总计), made here from a seven-column table: the merged column is the
    # legal persons' total (legal_person_subtotal), and the tables around it are read too.
    import re

    values = random_values("new_2021", random.Random(7))
    text = render("new_2021", values, "tab")

    def merged(line: str) -> str:
        cells = line.split("\t")
        figures = [c for c in cells if re.fullmatch(r"\d+", c)]
        if len(figures) != 7 or len(cells) < 8:
            return line
        n = [int(c) for c in figures]
        return "\t".join([*cells[:len(cells) - 7], str(n[0]), str(sum(n[1:6])), str(n[6])])

    lines = ["\t自然人\t法人或其他组织\t总计" if "\t商业企业\t" in ln else merged(ln) for ln in text.split("\n")]
    result = parse_new_table(to_lines("\n".join(lines)))
    assert result is not None
    read = {f.key: f.value for f in result.facts}
    expected = {split_fact_key(k): v for k, v in expected_facts(values).items()}
    orgs = ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")
    rows = [k for k in expected if k[0].startswith("requests_") and k[2] == "natural_person"]
    assert len(rows) >= 20
    for ind, channel, _ in rows:
        assert read[(ind, channel, "natural_person")] == expected[(ind, channel, "natural_person")]
        assert read[(ind, channel, "legal_person_subtotal")] == sum(expected[(ind, channel, a)] for a in orgs)
        assert read[(ind, channel, "all")] == expected[(ind, channel, "all")]
    assert not any(k[2] in orgs for k in read)  # no organisation type is invented
    others = {k for k in expected if k[0].startswith(("admin_review", "admin_litigation", "licensing", "penalty"))}
    assert others and all(read[k] == expected[k] for k in others)
    assert not [i for i in result.issues if i.severity != "info"]


# --------------------------------------------------------------------------- column by column


def _request_values(result: TableResult | None) -> dict[str, float]:
    return {k: v for k, v in _values(result).items() if k.startswith("requests_")}


def _sample_matrix_column_major(wrap: int = 0) -> list[str]:
    """Sample 002 with its request matrix as PDF text extracted column by column: the heading
    cells, the label columns, then each of the seven value columns top to bottom. The sample's
    own label wordings; the figures of each row as the row-by-row reading gives them (some rows
    print six of seven cells)."""
    lines = _lines(SAMPLE_NEW)
    by_line: dict[int, dict[str, float]] = {}
    for f in parse_new_table(lines).facts:
        if f.row_key and f.column_key != "derived" and f.indicator_code.startswith("requests_"):
            by_line.setdefault(f.source_line - 1, {})[f.applicant_type] = f.value
    start = next(i for i, ln in enumerate(lines) if ln.startswith("三、收到和处理"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("四、政府信息公开行政复议"))
    columns = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
               "legal_service_org", "other_org", "all")
    heads, label_columns, rows = [], [[], [], []], []
    for i in range(start + 1, end):
        cells = [c.strip() for c in lines[i].split("\t") if c.strip()]
        if i in by_line:
            labels = [c for c in cells if not c.isdigit()]
            for k, label in enumerate(labels):
                label_columns[k].extend([label[j:j + wrap] for j in range(0, len(label), wrap)] if wrap else [label])
            rows.append([fmt(by_line[i][c]) for c in columns])
        else:
            heads.extend(cells)
    assert len(rows) == 25 and all(len(r) == 7 for r in rows)
    body = heads + [c for col in label_columns for c in col] + [r[j] for j in range(7) for r in rows]
    return lines[:start + 1] + body + [""] + lines[end:]


@pytest.mark.parametrize("wrap", [0, 5, 7, 9, 12], ids=["whole_labels", "wrap5", "wrap7", "wrap9", "wrap12"])
def test_sample_002_flattened_column_by_column_reads_as_row_by_row(sample: TableResult, wrap: int) -> None:
    # The label columns come out group labels first (三、本年度办理结果, (三) 不予公开 ...), then
    # the items; the value columns print the rows in form order, whatever the label order.
    # Wrapped narrow, a label's head may name no line (3.危及“三), or a short line inside it
    # (2.其他法律: 其他), and its note may close lines later ((区分处理的, 只计这 / 一情形, …)).
    lines = _sample_matrix_column_major(wrap)
    assert "1.属于国家秘密" in lines or wrap
    result = parse_new_table(lines)
    want = _request_values(sample)
    assert len(want) >= 150
    assert _request_values(result) == pytest.approx(want)
    fact = next(f for f in result.facts if f.indicator_code == "requests_granted" and f.applicant_type == "all")
    # Its source: the label and the row's own cells, not the other rows' cells printed between them.
    assert fact.source_text.startswith("(一) 予以公开") and fact.source_text.count(" | ") == 7


def test_corpus_column_major_reports_read_back() -> None:
    # The corpus layout: pages, headings above their columns or all first, wrapped labels and
    # headings (结果 / 维持), blank cells as dashes, empty lines between cells.
    from ingest.corpus.generate import CorpusConfig, build_report
    from ingest.corpus.score import Score, score_report
    from ingest.parse import parse_text

    score, seen, index = Score(), 0, 0
    while seen < 30:
        report = build_report(index, 3, CorpusConfig.clean())
        index += 1
        if report.layout != "column_major" or not (report.form_code or "").startswith("new"):
            continue
        seen += 1
        score_report(report.file_name, report.truth, parse_text(report.file_name, report.text), score)
    assert score.total > 6000 and score.misses == []


def test_column_major_matrix_with_a_lost_cell_reads_no_wrong_figure() -> None:
    # The extractor dropped one cell: the columns no longer fill whole, so which row lost it
    # cannot be told; no figure of the matrix's labels may go to another row.
    values = random_values("new_2021", random.Random(8), hi=40)
    lines = to_lines(render("new_2021", values, "column_major"))
    start = next(i for i, ln in enumerate(lines) if ln == "1.信访举报投诉类申请")
    lost = next(i for i in range(start, len(lines)) if lines[i].isdigit()) + 40
    result = parse_new_table(lines[:lost] + lines[lost + 1:])
    got, want = _values(result), expected_facts(values)
    assert all(got[k] == pytest.approx(want[k]) for k in got if k in want)
    assert not any(k.startswith("requests_granted") for k in got)


def test_row_with_many_more_cells_than_columns_gives_no_figure() -> None:
    # A label followed by a whole column's figures (the last label before a page's value
    # columns): dropping all but seven of them would keep the row sum by chance.
    rows = dict(ZERO_MATRIX)
    rows["(七) 总计"] = "5 3 0 0 0 0 8 1 1 0 2 7 0 9 4"
    result = parse_new_table(_matrix_text(rows))
    assert not any(k.startswith("requests_total_handled") for k in _values(result))
    issue = next(i for i in result.issues if i.code == "row_unreadable" and "总计" in (i.source_text or ""))
    assert "cells beyond its columns" in issue.message


def test_review_table_headings_wrapped_above_their_figures() -> None:
    # PDF text of the 复议/诉讼 table column by column: each narrow column's heading wrapped in
    # two (结果 / 维持) right above its figure.
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    figures = ["1", "2", "0", "0", "3", "4", "0", "1", "0", "5", "0", "1", "0", "0", "1"]
    body = [cell for h, v in zip(heads, figures, strict=True) for cell in ([h[:2], h[2:]] if len(h) == 4 else [h]) + [v]]
    lines = to_lines("\n".join(["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "未经复议直接起诉",
                                "复议后起诉", *body]))
    got = _values(parse_form(lines, "new_2021"))
    assert got["admin_review_total"] == 3 and got["admin_litigation_direct_total"] == 5
    assert got["admin_litigation_after_review_total"] == 1 and got["admin_review_corrected"] == 2


def test_column_major_table_after_numbered_headings_and_prose() -> None:
    # A numbered heading naming no line, then prose, then the table: the prose is no wrapped
    # label, and a run that does not pair does not hide the table's own labels behind it.
    values = random_values("new_2019", random.Random(4), hi=40)
    lines = to_lines(render("new_2019", values, "column_major"))
    start = next(i for i, ln in enumerate(lines) if ln.startswith("第二十条"))
    lines = lines[:start] + ["一、概述", "严格落实政府信息公开条例, 加强组织领导。", "二、主动公开政府信息情况"] + lines[start + 1:]
    got, want = _values(parse_new_table(lines)), expected_facts(values)
    assert {k: got.get(k) for k in want if k.startswith("rules_")} == pytest.approx(
        {k: v for k, v in want.items() if k.startswith("rules_")})
    assert all(got[k] == pytest.approx(want[k]) for k in got if k in want)


@pytest.mark.parametrize("wrapped", [False, True], ids=["whole_headings", "wrapped_headings"])
def test_review_table_column_by_column_with_merged_headings_centred(wrapped: bool) -> None:
    # The merged headings (行政复议 over five columns, 行政诉讼 / 未经复议直接起诉 / 复议后起诉)
    # come out above their middle column, after the figures of the columns before it.
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    figures = ["1", "2", "0", "0", "3", "4", "0", "1", "0", "5", "0", "1", "0", "0", "1"]
    body: list[str] = []
    for n, (head, figure) in enumerate(zip(heads, figures, strict=True)):
        body += {2: ["行政复议"], 7: ["行政诉讼", "未经复议直接起诉"], 12: ["复议后起诉"]}.get(n, [])
        body += ([head[:2], head[2:]] if wrapped and len(head) == 4 else [head]) + [figure]
    got = _values(parse_form(to_lines("\n".join(["四、政府信息公开行政复议、行政诉讼情况", *body])), "new_2021"))
    assert [got["admin_review_upheld"], got["admin_review_corrected"], got["admin_review_total"]] == [1, 2, 3]
    assert got["admin_litigation_direct_total"] == 5 and got["admin_litigation_after_review_total"] == 1
    assert got["admin_litigation_total"] == 6  # derived: direct + after review
