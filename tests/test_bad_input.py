"""Bad input: each case ends with a recorded outcome and leaves the other files untouched.

One temp warehouse holds the samples plus every bad case, landed and parsed with the
plain ingest functions (no Dagster), then queried like dbt would.
"""

from __future__ import annotations

import hashlib
import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import PARSER_VERSION
from ingest.landing import MAX_KEPT_TEXT_CHARS, land_bytes
from ingest.parse import MAX_PARSE_CHARS, parse_report
from ingest.warehouse import connect, land_directory, parse_pending

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "raw").glob("*.txt"))


def sample_text(i: int) -> str:
    return SAMPLES[i].read_text(encoding="utf-8")


def fact_set(report) -> set[tuple]:
    return {(f.indicator_code, f.channel_code, f.applicant_type, f.value) for f in report.facts}


def as_html(text: str) -> str:
    """A web page rendition of a report: tab rows in <table>, other lines as <p>, plus noise to drop."""
    body, rows = [], []

    def flush() -> None:
        if rows:
            body.append("<table border=1><tbody>" + "".join(rows) + "</tbody></table>")
            rows.clear()

    for line in text.split("\n"):
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td><span>{html.escape(c)}</span></td>" for c in line.split("\t"))
                        + "</tr>")
        else:
            flush()
            body.append(f"<p>{html.escape(line)}</p>" if line else "<br>")
    flush()
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>年报</title>"
            "<style>td { color: red } /* STYLE_NOISE 行政复议 99 */</style>"
            "<script>var total = 123456; document.write('SCRIPT_NOISE 收到申请 777');</script></head><body>"
            "<div class='nav'>首页&nbsp;&gt;&nbsp;政务公开</div>" + "".join(body)
            + "<script>SCRIPT_NOISE(9999)</script></body></html>")


def encode(text: str, codec: str) -> bytes:
    try:
        return text.encode(codec)
    except UnicodeEncodeError:  # a character outside GBK: GB18030 covers all of Unicode
        return text.encode("gb18030")


def cut_mid_character(data: bytes, share: float) -> bytes:
    """The first `share` of UTF-8 bytes, ending inside a multi-byte character like a broken download."""
    cut = int(len(data) * share)
    while not 0x80 <= data[cut] <= 0xBF:  # advance to a continuation byte
        cut += 1
    return data[:cut]


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad_input")
    raw = tmp / "raw"
    raw.mkdir()
    for p in SAMPLES:
        (raw / p.name).write_bytes(p.read_bytes())
    t = [sample_text(i) for i in range(len(SAMPLES))]
    files = {
        "bom_utf8_002.txt": b"\xef\xbb\xbf" + t[2].encode(),
        "gbk_001.txt": encode(t[1], "gbk"),
        "gb18030_000.txt": t[0].encode("gb18030"),
        "utf16_bom_000.txt": t[0].encode("utf-16"),
        "utf16le_nobom_004.txt": t[4].encode("utf-16-le"),
        "utf16be_nobom_002.txt": t[2].encode("utf-16-be"),
        "page_002.html": as_html(t[2]).encode(),
        "page_gbk_001.htm": as_html(t[1]).replace("utf-8", "gbk").encode("gb18030"),
        "empty.txt": b"",
        "blank.txt": b"  \r\n\t\n",
        "blob.bin": bytes(range(256)) * 64,
        "truncated_000.txt": cut_mid_character(SAMPLES[0].read_bytes(), 0.3),
        "copy_of_001.txt": SAMPLES[1].read_bytes(),
        "revised_004.txt": (t[4].replace("2", "3", 1) + "\n(修订版)\n").encode(),
        "to_delete_003.txt": (t[3] + "\n附件:无\n").encode(),
    }
    for name, data in files.items():
        (raw / name).write_bytes(data)
    con = connect(tmp / "w.duckdb")
    first_landing = land_directory(con, raw)
    parse_pending(con)
    deleted_id = hashlib.sha256(files["to_delete_003.txt"]).hexdigest()
    (raw / "to_delete_003.txt").unlink()
    second_landing = land_directory(con, raw)
    second_parse = parse_pending(con)
    yield {"con": con, "raw": raw, "files": files, "deleted_id": deleted_id,
           "landings": (first_landing, second_landing), "second_parse": second_parse}
    con.close()


def report_of(bad, name: str) -> dict:
    con = bad["con"]
    row = con.execute(
        """select p.report_id, l.encoding, l.decode_error, s.content_type, r.status, r.failure_reason, r.template,
                  r.region_code, r.year, r.n_facts
           from raw.landed_paths p join raw.landed_files l using (report_id)
           left join raw.file_stats s on s.source_path = p.source_path
           left join parsed.reports r on r.report_id = p.report_id and r.parser_version = ?
           where p.file_name = ?""", [PARSER_VERSION, name]).fetchone()
    assert row is not None, name
    keys = ("report_id", "encoding", "decode_error", "content_type", "status", "failure_reason", "template",
            "region_code", "year", "n_facts")
    return dict(zip(keys, row, strict=True))


def parsed_facts(bad, report_id: str) -> set[tuple]:
    return set(bad["con"].execute(
        "select indicator_code, channel_code, applicant_type, value from parsed.facts "
        "where report_id = ? and parser_version = ?", [report_id, PARSER_VERSION]).fetchall())


@pytest.mark.parametrize(("name", "original", "encoding"), [
    ("bom_utf8_002.txt", 2, "utf-8-sig"), ("gbk_001.txt", 1, "gb18030"), ("gb18030_000.txt", 0, "gb18030"),
    ("utf16_bom_000.txt", 0, "utf-16"), ("utf16le_nobom_004.txt", 4, "utf-16-le"),
    ("utf16be_nobom_002.txt", 2, "utf-16-be"),
])
def test_every_encoding_yields_the_original_figures(bad, name: str, original: int, encoding: str):
    rep = report_of(bad, name)
    assert rep["encoding"] == encoding and rep["decode_error"] is None
    plain = report_of(bad, SAMPLES[original].name)
    assert (rep["status"], rep["template"], rep["region_code"], rep["year"]) == \
        (plain["status"], plain["template"], plain["region_code"], plain["year"])
    assert parsed_facts(bad, rep["report_id"]) == parsed_facts(bad, plain["report_id"])


@pytest.mark.parametrize(("name", "original"), [("page_002.html", 2), ("page_gbk_001.htm", 1)])
def test_html_pages_are_reduced_to_rows_and_lines(bad, name: str, original: int):
    rep = report_of(bad, name)
    assert rep["content_type"] == "html" and rep["decode_error"] is None
    text = bad["con"].execute("select text from raw.landed_files where report_id = ?",
                              [rep["report_id"]]).fetchone()[0]
    for leftover in ("<p>", "<td", "<tr", "<table", "<br", "<span", "&nbsp;", "SCRIPT_NOISE", "STYLE_NOISE"):
        assert leftover not in text, leftover
    assert "首页 > 政务公开" in text.replace("\xa0", " ")
    plain = report_of(bad, SAMPLES[original].name)
    assert rep["template"] == plain["template"]
    assert parsed_facts(bad, rep["report_id"]) == parsed_facts(bad, plain["report_id"])
    # Every table figure points at a line of the landed text, and that line is the tab-separated row.
    lines = text.split("\n")
    rows = bad["con"].execute(
        "select source_line, source_text from parsed.facts where report_id = ? and source = 'table'",
        [rep["report_id"]]).fetchall()
    for line_no, _ in rows:
        assert 1 <= line_no <= len(lines)
    if plain["template"] == "new_table":
        assert rows and all("\t" in lines[n - 1] for n, _ in rows)


@pytest.mark.parametrize(("name", "reason"), [("empty.txt", "empty file"), ("blank.txt", "empty file"),
                                              ("blob.bin", "binary")])
def test_empty_and_binary_files_are_landed_and_failed_with_the_reason(bad, name: str, reason: str):
    rep = report_of(bad, name)
    assert reason in rep["decode_error"]
    assert rep["status"] == "failed" and reason in rep["failure_reason"]
    raw_bytes = bad["con"].execute("select raw_bytes from raw.landed_files where report_id = ?",
                                   [rep["report_id"]]).fetchone()[0]
    assert raw_bytes == bad["files"][name]


def test_a_truncated_report_is_parsed_with_its_damage_recorded(bad):
    rep = report_of(bad, "truncated_000.txt")
    assert rep["encoding"] == "utf-8" and rep["status"] in ("parsed", "partial")
    codes = {r[0] for r in bad["con"].execute(
        "select code from parsed.issues where report_id = ?", [rep["report_id"]]).fetchall()}
    # Cut mid-character: the broken tail is replaced (not mis-decoded as GB18030) and recorded.
    assert "undecodable_bytes_replaced" in codes


def test_same_report_under_two_names_is_one_report_with_two_paths(bad):
    a, b = report_of(bad, SAMPLES[1].name), report_of(bad, "copy_of_001.txt")
    assert a["report_id"] == b["report_id"]
    con = bad["con"]
    assert con.execute("select count(*) from raw.landed_files where report_id = ?", [a["report_id"]]).fetchone()[0] == 1
    assert con.execute("select count(*) from raw.landed_paths where report_id = ?", [a["report_id"]]).fetchone()[0] == 2
    assert con.execute("select count(*) from parsed.reports where report_id = ?", [a["report_id"]]).fetchone()[0] == 1


def test_a_revised_report_is_a_second_report_for_the_same_issuer_and_year(bad):
    original, revised = report_of(bad, SAMPLES[4].name), report_of(bad, "revised_004.txt")
    assert original["report_id"] != revised["report_id"]
    assert (revised["region_code"], revised["year"]) == (original["region_code"], original["year"])
    assert revised["status"] in ("parsed", "partial")


def test_a_file_deleted_after_landing_keeps_its_landed_copy(bad):
    con = bad["con"]
    text, raw_bytes = con.execute("select text, raw_bytes from raw.landed_files where report_id = ?",
                                  [bad["deleted_id"]]).fetchone()
    assert raw_bytes == bad["files"]["to_delete_003.txt"] and "附件:无" in text
    assert con.execute("select status from parsed.reports where report_id = ?", [bad["deleted_id"]]).fetchone()[0]
    _, second = bad["landings"]
    assert (second.new_reports, second.new_paths) == (0, 0)
    assert bad["second_parse"].parsed == 0


def test_bad_files_do_not_change_the_good_ones(bad):
    for i, path in enumerate(SAMPLES):
        alone = parse_report("alone", sample_text(i))
        rep = report_of(bad, path.name)
        assert (rep["status"], rep["template"], rep["n_facts"]) == (alone.status, alone.meta.template,
                                                                    len(alone.facts))
        assert parsed_facts(bad, rep["report_id"]) == fact_set(alone)
    first, _ = bad["landings"]
    assert first.files_seen == len(SAMPLES) + len(bad["files"])
    assert len(first.undecodable) == 3  # empty, blank, binary: each with its reason


def test_every_landed_file_has_a_parse_outcome(bad):
    missing = bad["con"].execute(
        "select l.file_name from raw.landed_files l left join parsed.reports r using (report_id) "
        "where r.report_id is null").fetchall()
    assert missing == []
    no_reason = bad["con"].execute(
        "select report_id from parsed.reports where status = 'failed' and coalesce(failure_reason, '') = ''"
    ).fetchall()
    assert no_reason == []


BIG_FILE_SCRIPT = r"""
import json, resource, sys, time
from pathlib import Path
from ingest.warehouse import connect, land_directory, parse_pending


def peak_rss_mb():
    # This process's own high-water mark: Linux carries ru_maxrss across exec, so a child of a
    # large pytest process would report the parent's size.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


raw, db = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
con = connect(db)
landing = land_directory(con, raw)
parsing = parse_pending(con)
row = con.execute("select l.report_id, l.size_bytes, r.status, length(l.text), octet_length(l.raw_bytes) "
                  "from raw.landed_files l "
                  "join parsed.reports r using (report_id)").fetchone()
codes = [r[0] for r in con.execute("select code from parsed.issues").fetchall()]
con.close()
print(json.dumps({"report_id": row[0], "size": row[1], "status": row[2], "text_chars": row[3],
                  "bytes_kept": row[4], "codes": codes,
                  "seconds": time.perf_counter() - started,
                  "peak_rss_mb": peak_rss_mb()}))
"""


def test_a_50_mb_file_is_landed_whole_and_parsed_by_its_head(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    unit = sample_text(0).encode()
    big = unit * (50 * 1024 * 1024 // len(unit) + 1)
    (raw / "huge.txt").write_bytes(big)
    result = subprocess.run([sys.executable, "-c", BIG_FILE_SCRIPT, str(raw), str(tmp_path / "w.duckdb")],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["report_id"] == hashlib.sha256(big).hexdigest() and out["size"] == len(big)
    assert out["bytes_kept"] == len(big)  # every byte kept; the stored text is cut to a bounded head
    assert MAX_PARSE_CHARS < out["text_chars"] == MAX_KEPT_TEXT_CHARS
    assert out["status"] in ("parsed", "partial")
    assert "text_truncated_for_parsing" in out["codes"]
    assert len(big) > 3 * MAX_PARSE_CHARS  # the head really is a small part of the file
    # Memory: the bytes, their text and one bounded parse; never a multiple of a huge parse.
    assert out["peak_rss_mb"] < 600, out
    assert out["seconds"] < 120, out


def test_land_bytes_matches_the_warehouse_outcome_for_html():
    landed = land_bytes(as_html("标题\n行\t1\t2\n").encode(), "/raw/x.html")
    assert landed.content_type == "html" and landed.text.split("\n")[-1] == "行\t1\t2"

