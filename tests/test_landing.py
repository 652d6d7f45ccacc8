"""Landing: hashing, decoding, the stat cache, crash safety of the write groups, idempotence."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ingest.landing import MAX_KEPT_TEXT_CHARS, iter_raw_files, land_bytes, land_file
from ingest.parse import MAX_PARSE_CHARS
from ingest.text import decode_bytes, html_to_text
from ingest.warehouse import connect, land_directory

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample_paths() -> list[Path]:
    return sorted((ROOT / "data" / "raw").glob("*.txt"))


def test_utf8_gbk_utf16_bom_decode_to_the_same_text(sample_paths):
    text = sample_paths[2].read_text(encoding="utf-8")
    variants = {
        "utf-8": text.encode("utf-8"),
        "utf-8-sig": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
    }
    for name, data in variants.items():
        landed = land_bytes(data, f"/x/{name}.txt")
        assert landed.decode_error is None, name
        assert landed.text == text, name
        assert landed.encoding == name, name


def test_a_few_bad_bytes_do_not_flip_the_encoding(sample_paths):
    data = bytearray(sample_paths[0].read_bytes())
    data[len(data) // 2] = 0xFF  # one corrupted byte in a UTF-8 file
    decoded = decode_bytes(bytes(data))
    assert decoded.encoding == "utf-8" and 1 <= decoded.text.count("\ufffd") <= 3  # not read as GB18030
    gbk = sample_paths[0].read_text(encoding="utf-8").encode("gb18030")
    assert decode_bytes(gbk[:-1]).encoding == "gb18030"  # cut inside the last character


def test_empty_and_binary_files_are_landed_with_a_reason():
    empty = land_bytes(b"", "/x/empty.txt")
    assert empty.text is None and empty.decode_error == "empty file"
    binary = land_bytes(bytes(range(256)) * 40, "/x/blob.bin")
    assert binary.text is None and "binary" in binary.decode_error
    assert binary.raw_bytes == bytes(range(256)) * 40
    assert binary.report_id == hashlib.sha256(bytes(range(256)) * 40).hexdigest()


def test_html_rows_become_tab_separated_lines():
    page = ("<html><head><style>p{}</style><script>var x = 1;</script></head><body>"
            "<h1>标题</h1><p>第一段<br>第二行</p><table><tr><th>项目</th><th>数量</th></tr>"
            "<tr><td>收到申请<br>数</td><td>&nbsp;12</td><td></td></tr></table><div>尾</div></body></html>")
    lines = [ln for ln in html_to_text(page).split("\n") if ln.strip()]
    assert lines == ["标题", "第一段", "第二行", "项目\t数量", "收到申请 数\t12\t", "尾"]


def test_an_unreadable_path_is_landed_with_the_reason(tmp_path: Path):
    landed = land_file(tmp_path / "vanished.txt")
    assert landed.text is None and landed.decode_error.startswith("unreadable")
    assert landed.report_id == land_file(tmp_path / "vanished.txt").report_id  # stable key


def test_landing_is_idempotent_and_keeps_every_path(tmp_path: Path, sample_paths):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = sample_paths[0].read_bytes()
    (raw / "a.txt").write_bytes(data)
    (raw / "copy_of_a.txt").write_bytes(data)
    (raw / "empty.txt").write_bytes(b"")
    con = connect(tmp_path / "w.duckdb")
    first = land_directory(con, raw)
    assert (first.files_seen, first.new_reports, first.known_reports, first.new_paths) == (3, 2, 1, 3)
    second = land_directory(con, raw)
    assert (second.new_reports, second.new_paths, second.unchanged_skipped) == (0, 0, 3)
    assert con.execute("select count(*) from raw.landed_files").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.landed_paths").fetchone()[0] == 3


def test_changed_files_are_read_again_and_old_content_stays(tmp_path: Path, sample_paths):
    raw = tmp_path / "raw"
    raw.mkdir()
    target = raw / "report.txt"
    target.write_bytes(sample_paths[3].read_bytes())
    con = connect(tmp_path / "w.duckdb")
    land_directory(con, raw)
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same bytes
    touched = land_directory(con, raw)
    assert (touched.unchanged_skipped, touched.known_reports, touched.new_reports) == (0, 1, 0)
    target.write_bytes(sample_paths[3].read_bytes() + "\n(修订)\n".encode())  # replaced in place
    revised = land_directory(con, raw)
    assert (revised.new_reports, revised.new_paths) == (1, 1)
    assert con.execute("select count(*) from raw.landed_files").fetchone()[0] == 2
    assert con.execute("select count(distinct report_id) from raw.landed_paths where file_name = 'report.txt'"
                       ).fetchone()[0] == 2


def test_a_crash_inside_a_group_loses_only_that_group(tmp_path: Path, sample_paths, monkeypatch):
    import ingest.warehouse as warehouse

    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sample_paths:
        (raw / p.name).write_bytes(p.read_bytes())
    con = connect(tmp_path / "w.duckdb")
    real_land_file = warehouse.land_file
    calls = {"n": 0}

    def crash_on_fourth(path, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("killed")
        return real_land_file(path, **kwargs)

    monkeypatch.setattr(warehouse, "land_file", crash_on_fourth)
    with pytest.raises(KeyboardInterrupt):
        land_directory(con, raw, commit_every=2)
    # Groups of two: the first committed, the second (files 3-4) rolled back whole.
    assert con.execute("select count(*) from raw.landed_files").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.file_stats").fetchone()[0] == 2
    monkeypatch.setattr(warehouse, "land_file", real_land_file)
    rerun = land_directory(con, raw, commit_every=2)
    assert (rerun.new_reports, rerun.unchanged_skipped) == (len(sample_paths) - 2, 2)
    assert con.execute("select count(*) from raw.landed_files").fetchone()[0] == len(sample_paths)


def test_partial_downloads_and_hidden_files_are_not_landed(tmp_path: Path):
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for name in ("ok.txt", "sub/nested.txt", "x.txt.part", "y.crdownload", ".hidden.txt", "z.txt~"):
        (raw / name).write_text("报告")
    (raw / ".git").mkdir()
    (raw / ".git" / "config").write_text("x")
    assert [p.relative_to(raw).as_posix() for p in iter_raw_files(raw)] == ["ok.txt", "sub/nested.txt"]


def test_text_kept_is_bounded_but_covers_the_parsed_head():
    assert MAX_KEPT_TEXT_CHARS > MAX_PARSE_CHARS
    landed = land_bytes(("一" * 1000 + "\n").encode() * (MAX_KEPT_TEXT_CHARS // 1000 + 10), "/x/big.txt")
    assert len(landed.text) == MAX_KEPT_TEXT_CHARS


def test_commit_groups_bound_files_and_bytes(tmp_path: Path):
    from ingest.warehouse import commit_groups

    sizes = [10, 10, 100, 5, 5, 5, 5]
    paths = []
    for i, n in enumerate(sizes):
        (tmp_path / f"{i}.txt").write_bytes(b"x" * n)
        paths.append(tmp_path / f"{i}.txt")
    groups = commit_groups(paths, max_files=3, max_bytes=25)
    assert [[p.stem for p in g] for g in groups] == [["0", "1"], ["2"], ["3", "4", "5"], ["6"]]
    assert [p for g in groups for p in g] == paths  # every file once, in order


def test_parsing_drops_figures_left_without_their_report_row(tmp_path: Path, sample_paths):
    """Figures of this parser version whose report row is gone (an older writer's leftovers)
    are replaced, not doubled, when the report is parsed again."""
    from ingest.warehouse import parse_pending

    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sample_paths[:2]:
        (raw / p.name).write_bytes(p.read_bytes())
    con = connect(tmp_path / "wh.duckdb")
    try:
        land_directory(con, raw)
        parse_pending(con, workers=1)
        before = con.execute("select report_id, count(*) from parsed.facts group by 1 order by 1").fetchall()
        orphaned = before[0][0]
        con.execute("delete from parsed.reports where report_id = ?", [orphaned])
        parse_pending(con, workers=1)
        after = con.execute("select report_id, count(*) from parsed.facts group by 1 order by 1").fetchall()
    finally:
        con.close()
    assert before and before[0][1] > 0
    assert after == before


def test_landing_in_worker_processes_writes_the_same_tables(tmp_path: Path, sample_paths):
    # Many files land in worker processes (land_directory's `workers`); the tables must not
    # depend on it: same rows, same order of groups, duplicates and bad files included.
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for n, p in enumerate(sample_paths):
        (raw / p.name).write_bytes(p.read_bytes())
        (raw / "sub" / f"copy_{n}.txt").write_bytes(p.read_bytes())  # same content, another path
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (raw / "page.html").write_bytes("<table><tr><td>收到申请</td><td>12</td></tr></table>".encode())
    (raw / "gbk.txt").write_bytes(sample_paths[0].read_text(encoding="utf-8").encode("gb18030"))
    tables = {}
    for workers in (1, 2):
        con = connect(tmp_path / f"w{workers}.duckdb")
        summary = land_directory(con, raw, commit_every=3, workers=workers)
        assert (summary.files_seen, summary.new_paths) == (2 * len(sample_paths) + 4,) * 2
        tables[workers] = {
            "files": con.execute("select report_id, source_path, size_bytes, encoding, decode_error, text, raw_bytes "
                                 "from raw.landed_files order by report_id").fetchall(),
            "paths": con.execute("select report_id, source_path from raw.landed_paths order by all").fetchall(),
            "stats": con.execute("select source_path, report_id, size_bytes, mtime_ns, content_type "
                                 "from raw.file_stats order by all").fetchall(),
            "summary": (summary.new_reports, summary.known_reports, sorted(summary.new_report_ids),
                        sorted(summary.undecodable), summary.by_content_type),
        }
        con.close()
    assert tables[1]["summary"][0] == len(sample_paths) + 4
    assert tables[2] == tables[1]


def test_a_document_landed_as_binary_by_an_older_version_is_read_again(tmp_path: Path):
    """Word and PDF files were landed as "binary content" before landing read them: the next
    landing reads their kept bytes and the next parse reads their text."""
    from ingest.warehouse import parse_pending

    pdf = ROOT / "tests" / "fixtures" / "documents" / "001_table_printed_to_pdf.pdf"
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / pdf.name).write_bytes(pdf.read_bytes())
    (raw / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64))
    con = connect(tmp_path / "wh.duckdb")
    try:
        land_directory(con, raw)
        # What an earlier version left: no text, the generic reason, a failed parse.
        con.execute("update raw.landed_files set text = null, encoding = null, "
                    "decode_error = 'binary content (NUL or control bytes), not a text report'")
        con.execute("update raw.file_stats set content_type = 'unknown'")
        parse_pending(con, workers=1)
        assert con.execute("select count(*) from parsed.reports where status = 'failed'").fetchone()[0] == 2
        summary = land_directory(con, raw)
        assert (summary.new_reports, len(summary.redecoded)) == (0, 1)
        assert land_directory(con, raw).redecoded == []  # the image stays binary and is not read again
        parse_pending(con, workers=1)
        rows = con.execute("select r.status, r.region_name, r.template, s.content_type from parsed.reports r "
                           "join raw.file_stats s using (report_id) order by s.source_path").fetchall()
    finally:
        con.close()
    assert rows == [("parsed", "珠晖区", "old_table", "pdf"), ("failed", None, "narrative", "unknown")]
