"""Landing: hashing, decoding, bad input, idempotence."""

from __future__ import annotations

from pathlib import Path

from ingest.landing import iter_raw_files, land_bytes
from ingest.warehouse import connect, land_directory


def test_utf8_gbk_utf16_bom_decode_to_the_same_text(sample_paths):
    text = sample_paths[2].read_text(encoding="utf-8")
    variants = {
        "utf-8": text.encode("utf-8"),
        "utf-8-sig": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
    }
    for name, data in variants.items():
        landed = land_bytes(data, f"/x/{name}.txt")
        assert landed.decode_error is None, name
        assert landed.text == text, name
    assert land_bytes(variants["gb18030"], "a").encoding == "gb18030"


def test_empty_and_binary_files_are_landed_with_a_reason():
    empty = land_bytes(b"", "/x/empty.txt")
    assert empty.text is None and empty.decode_error == "empty file"
    binary = land_bytes(bytes(range(256)) * 40, "/x/blob.bin")
    assert binary.text is None and "binary" in binary.decode_error
    assert binary.raw_bytes == bytes(range(256)) * 40


def test_landing_is_idempotent_and_keeps_every_path(tmp_path: Path, sample_paths):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = sample_paths[0].read_bytes()
    (raw / "a.txt").write_bytes(data)
    (raw / "copy_of_a.txt").write_bytes(data)
    (raw / "empty.txt").write_bytes(b"")
    con = connect(tmp_path / "w.duckdb")
    first = land_directory(con, raw)
    assert (first.files_seen, first.new_reports, first.new_paths) == (3, 2, 3)
    second = land_directory(con, raw)
    assert (second.new_reports, second.new_paths) == (0, 0)
    assert con.execute("select count(*) from raw.landed_files").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.landed_paths").fetchone()[0] == 3


def test_symlink_outside_raw_dir_is_not_followed(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not a report")
    (raw / "link.txt").symlink_to(secret)
    (raw / "ok.txt").write_text("报告")
    assert [p.name for p in iter_raw_files(raw)] == ["ok.txt"]
