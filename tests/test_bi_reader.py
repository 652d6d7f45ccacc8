"""BI readers: the published copy and the Parquet exports are swapped atomically and are read-only.

A reader process polls the current release in a loop while releases are published
under it; it must never see an error or a mix of two releases.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.publish import PUBLISHED_DB, current_release, open_published, publish_release

# Runs in a separate process: resolve `current` once per round, then read the DuckDB copy,
# every Parquet file and the manifest of that release.
READER = r"""
import json, os, sys, time
from pathlib import Path
import duckdb, pyarrow.parquet as pq

export_dir, out, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
with out.open("w") as fh:
    while not stop.exists():
        try:
            release = Path(os.path.realpath(export_dir / "current"))
            con = duckdb.connect(str(release / "warehouse.duckdb"), read_only=True)
            con.execute("set allowed_directories = ?", [[str(release) + "/"]])
            con.execute("set enable_external_access = false")
            try:
                marts = [r[0] for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
                db = {m: con.execute(f'select count(*) from marts."{m}"').fetchone()[0] for m in marts}
            finally:
                con.close()
            parquet = {m: sum(pq.ParquetFile(f).metadata.num_rows for f in (release / m).glob("*.parquet"))
                       for m in marts}
            manifest = json.loads((release / "release.json").read_text())["marts"]
            fh.write(json.dumps({"db": db, "parquet": parquet, "manifest": manifest}) + "\n")
        except Exception as exc:
            fh.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
        fh.flush()
        time.sleep(0.01)
"""


class ReaderProcess:
    """A BI reader polling EXPORT_DIR/current in a loop, in its own process."""

    def __init__(self, export_dir: Path, workdir: Path):
        self.out = workdir / "reader.jsonl"
        self.stop_file = workdir / "reader.stop"
        self.stop_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen([sys.executable, "-c", READER, str(export_dir), str(self.out),
                                      str(self.stop_file)])

    def wait_for_rounds(self, n: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.out.exists() and len(self.out.read_text().splitlines()) >= n:
                return
            time.sleep(0.05)
        raise AssertionError(f"reader did not complete {n} rounds in {timeout}s")

    def stop(self) -> list[dict]:
        self.stop_file.touch()
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]


def assert_consistent(observations: list[dict], releases: list[dict[str, int]]) -> None:
    """No errors; every round saw exactly one complete release, identical through DuckDB and Parquet."""
    errors = [o["error"] for o in observations if "error" in o]
    assert not errors, errors[:3]
    assert observations
    for obs in observations:
        assert obs["db"] == obs["parquet"] == obs["manifest"], obs
        assert obs["db"] in releases, obs["db"]


def fake_warehouse(path: Path, n_reports: int, n_facts: int) -> dict[str, int]:
    """Three marts: dim_report without a year column (a file per first character of report_id),
    fct_indicator_value with one (a file per year), dim_year with neither (one file)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(f"create table marts.dim_report as select range::varchar as report_id from range({n_reports})")
        con.execute("create table marts.dim_year as select range as year_label from range(2019, 2022)")
        con.execute(f"create table marts.fct_indicator_value as select range % {n_reports} as report_id, "
                    f"2019 + range % 3 as year, range::double as value from range({n_facts})")
        con.execute("create schema parsed")
        con.execute("create table parsed.secret as select 'raw text stays private' as text")
    finally:
        con.close()
    return {"dim_report": n_reports, "dim_year": 3, "fct_indicator_value": n_facts}


@pytest.fixture(scope="module")
def two_warehouses(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bi")
    small, big = tmp / "small.duckdb", tmp / "big.duckdb"
    return tmp, [(small, fake_warehouse(small, 5, 300)), (big, fake_warehouse(big, 7, 5000))]


def test_reader_never_sees_an_error_or_a_partial_release(two_warehouses):
    tmp, warehouses = two_warehouses
    export = tmp / "exports_swap"
    first = publish_release(str(warehouses[0][0]), export)
    reader = ReaderProcess(export, tmp)
    try:
        reader.wait_for_rounds(1)
        seen_releases = [first.counts]
        for i in range(8):
            path, _ = warehouses[(i + 1) % 2]
            seen_releases.append(publish_release(str(path), export).counts)
            reader.wait_for_rounds(2 + i)
    finally:
        observations = reader.stop()
    assert {json.dumps(c, sort_keys=True) for c in seen_releases} == {
        json.dumps(c, sort_keys=True) for _, c in warehouses}
    assert_consistent(observations, [c for _, c in warehouses])
    assert len({json.dumps(o["db"], sort_keys=True) for o in observations}) == 2, "reader saw only one release"


def test_release_layout_and_pruning(two_warehouses):
    tmp, warehouses = two_warehouses
    export = tmp / "exports_layout"
    names = [publish_release(str(warehouses[0][0]), export, keep=2).name for _ in range(3)]
    # Younger than a day: all kept (a BI session may still read the oldest one's files).
    assert sorted(p.name for p in (export / "releases").iterdir()) == sorted(names)
    names.append(publish_release(str(warehouses[0][0]), export, keep=2, keep_seconds=0).name)
    releases = sorted(p.name for p in (export / "releases").iterdir())
    assert releases == sorted(names[-2:])  # the oldest pruned, no temp folder left
    current = current_release(export)
    assert current.name == names[-1]
    assert (current / "dim_year" / "dim_year.parquet").is_file()
    assert (current / "dim_report" / "dim_report_r3.parquet").is_file()
    assert json.loads((current / "release.json").read_text())["marts"] == warehouses[0][1]
    # Only the marts are published: staged tables (raw text, bytes) stay in the live warehouse.
    con = open_published(export)
    try:
        schemas = {r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
    finally:
        con.close()
    assert schemas == {"marts"}


def test_a_write_through_the_bi_path_fails(two_warehouses):
    tmp, warehouses = two_warehouses
    export = tmp / "exports_ro"
    publish_release(str(warehouses[0][0]), export)
    con = open_published(export)
    try:
        for statement in ("create table marts.x (a int)", "delete from marts.dim_report",
                          "insert into marts.dim_report values ('x')",
                          f"copy marts.dim_report to '{tmp / 'leak.csv'}'",
                          "set enable_external_access = true"):
            with pytest.raises(duckdb.Error):
                con.execute(statement)
        assert con.execute("select count(*) from marts.dim_report").fetchone()[0] == warehouses[0][1]["dim_report"]
    finally:
        con.close()
    assert not (tmp / "leak.csv").exists()
    release = current_release(export)
    # Files and folders of a release are read-only for everyone (the swap replaces, never edits).
    for path in [release, release / PUBLISHED_DB, release / "dim_report" / "dim_report_r0.parquet"]:
        assert os.stat(path).st_mode & 0o222 == 0, path


def test_a_reader_holding_the_published_copy_does_not_block_a_release(two_warehouses):
    tmp, warehouses = two_warehouses
    export = tmp / "exports_lock"
    publish_release(str(warehouses[0][0]), export)
    con = open_published(export)  # a BI session left open
    try:
        publish_release(str(warehouses[1][0]), export)
        assert con.execute("select count(*) from marts.dim_report").fetchone()[0] == 5  # still its release
    finally:
        con.close()
    con = open_published(export)
    try:
        assert con.execute("select count(*) from marts.dim_report").fetchone()[0] == 7
    finally:
        con.close()


def execute(path: Path, *statements: str) -> None:
    """Run statements on a warehouse file in one connection (what dbt or a hand edit would do)."""
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def test_a_release_rewrites_only_the_files_whose_rows_changed(tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    counts = fake_warehouse(warehouse, 5, 300)
    export = tmp_path / "exports_incremental"
    first = publish_release(str(warehouse), export)
    # dim_report: one file per first character of the id (5); dim_year: one; the facts: one per year (3)
    assert (first.files_written, first.files_linked) == (9, 0)
    again = publish_release(str(warehouse), export)
    assert (again.files_written, again.files_linked) == (0, 9)
    con = duckdb.connect(str(warehouse))
    try:  # one figure of 2020 changes: only that year's file is written again
        con.execute("update marts.fct_indicator_value set value = -1 where year = 2020 and report_id = 1")
    finally:
        con.close()
    changed = publish_release(str(warehouse), export)
    assert (changed.files_written, changed.files_linked) == (1, 8)
    fct = changed.path / "fct_indicator_value"
    assert os.stat(fct / "fct_indicator_value_2019.parquet").st_ino == \
        os.stat(first.path / "fct_indicator_value" / "fct_indicator_value_2019.parquet").st_ino
    con = open_published(export)
    try:
        assert con.execute("select count(*) from marts.fct_indicator_value").fetchone()[0] == counts["fct_indicator_value"]
        assert con.execute("select count(*) from marts.fct_indicator_value where value = -1").fetchone()[0] > 0
    finally:
        con.close()
    # A new report in a mart without a year: only its id bucket is written again.
    execute(warehouse, "insert into marts.dim_report values ('37')")
    new_report = publish_release(str(warehouse), export)
    assert (new_report.files_written, new_report.files_linked) == (1, 8)
    reports = sorted(p.name for p in (new_report.path / "dim_report").iterdir())
    assert reports == [f"dim_report_r{c}.parquet" for c in "01234"]
    assert os.stat(new_report.path / "dim_report" / "dim_report_r0.parquet").st_ino == \
        os.stat(first.path / "dim_report" / "dim_report_r0.parquet").st_ino
    con = open_published(export)
    try:
        assert con.execute("select count(*) from marts.dim_report where report_id like '3%'").fetchone()[0] == 2
    finally:
        con.close()
    # The earlier releases still read their own rows (a linked file is never edited in place).
    old = duckdb.connect(str(first.path / PUBLISHED_DB), read_only=True)
    try:
        assert old.execute("select count(*) from marts.fct_indicator_value where value = -1").fetchone()[0] == 0
    finally:
        old.close()


def test_id_buckets_are_safe_file_names(tmp_path):
    """An id starting with a character that is no file name (or differs from another only in case)."""
    warehouse = tmp_path / "odd.duckdb"
    execute(warehouse, "create schema marts",
            "create table marts.dim_report as select * from (values ('/etc'), ('A1'), ('a1'), (null)) t(report_id)")
    release = publish_release(str(warehouse), tmp_path / "exports_odd")
    names = sorted(p.name for p in (release.path / "dim_report").iterdir())
    assert names == ["dim_report_ra.parquet", "dim_report_ru002f.parquet", "dim_report_ru0041.parquet",
                     "dim_report_unknown.parquet"]
    con = open_published(tmp_path / "exports_odd")
    try:
        assert con.execute("select count(*), count(report_id) from marts.dim_report").fetchone() == (4, 3)
    finally:
        con.close()


def ledger_warehouse(path: Path) -> None:
    """A mart incremental by report with its dbt ledger (report_id, fingerprint, batch) and the
    pending reports of the last run, as dbt/macros/report_ledger.sql leaves them after a full build."""
    execute(path, "create schema marts", "create schema dbt_ledger",
            "create table marts.dim_report as select 'r' || range as report_id, 2019 + range % 3 as year from range(6)",
            "create table marts.fct_indicator_value as select d.report_id, d.year, f.range::double as value "
            "from marts.dim_report d, range(50) f",
            "create table dbt_ledger.fct_indicator_value as "
            "select report_id, 'fp0' as fingerprint, 1 as batch from marts.dim_report",
            "create table dbt_ledger.fct_indicator_value__pending as "
            "select report_id, fingerprint from dbt_ledger.fct_indicator_value")


def dbt_run(path: Path, sql: list[str], pending: list[str], batch: int) -> None:
    """What one incremental dbt run does to the ledger: the pending reports get a new batch."""
    con = duckdb.connect(str(path))
    try:
        for statement in sql:
            con.execute(statement)
        con.execute("delete from dbt_ledger.fct_indicator_value__pending")
        for rid in pending:
            con.execute("insert into dbt_ledger.fct_indicator_value__pending values (?, 'fp' || ?)", [rid, batch])
            con.execute("update dbt_ledger.fct_indicator_value set fingerprint = 'fp' || ?, batch = ? "
                        "where report_id = ?", [batch, batch, rid])
    finally:
        con.close()


def published(export: Path, sql: str) -> list[tuple]:
    con = open_published(export)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def live(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_mart_with_a_dbt_ledger_is_republished_from_the_last_runs_reports(tmp_path):
    warehouse, export = tmp_path / "ledger.duckdb", tmp_path / "exports_ledger"
    ledger_warehouse(warehouse)
    facts = "select * from marts.fct_indicator_value order by all"
    first = publish_release(str(warehouse), export)  # no ledger state yet: every file fingerprinted
    assert first.files_written == 3 + 3  # dim_report and the facts, one file per year
    # One run recomputes r1 (year 2020): only the facts' 2020 file is rewritten, without a scan
    # (the change below would be invisible to the ledger otherwise: it is the run's own change).
    dbt_run(warehouse, ["update marts.fct_indicator_value set value = -1 where report_id = 'r1'"], ["r1"], 2)
    one = publish_release(str(warehouse), export)
    assert (one.files_written, one.files_linked) == (1, 5)
    assert published(export, facts) == live(warehouse, facts)
    files = json.loads((one.path / "release.json").read_text())["files"]
    assert files["fct_indicator_value/fct_indicator_value_2020.parquet"].startswith("ledger-")  # not scanned
    assert files["fct_indicator_value/fct_indicator_value_2019.parquet"] == \
        json.loads((first.path / "release.json").read_text())["files"]["fct_indicator_value/fct_indicator_value_2019.parquet"]
    # A re-parse moves r1 to 2021: the files of its old and its new year are rewritten.
    dbt_run(warehouse, ["update marts.fct_indicator_value set year = 2021 where report_id = 'r1'",
                        "update marts.dim_report set year = 2021 where report_id = 'r1'"], ["r1"], 3)
    moved = publish_release(str(warehouse), export)
    assert (moved.files_written, moved.files_linked) == (2 + 2, 2)  # dim_report's 2020 and 2021 files too
    assert published(export, facts) == live(warehouse, facts)
    assert published(export, "select count(*) from marts.fct_indicator_value where year = 2020") == [(50,)]
    # Two runs since the last release: the pending reports of the first are gone, so every
    # file of the mart is fingerprinted again (and all differ from the ledger-path ones).
    dbt_run(warehouse, ["update marts.fct_indicator_value set value = -2 where report_id = 'r0'"], ["r0"], 4)
    dbt_run(warehouse, ["update marts.fct_indicator_value set value = -3 where report_id = 'r2'"], ["r2"], 5)
    two = publish_release(str(warehouse), export)
    assert published(export, facts) == live(warehouse, facts)
    assert two.files_written >= 2
    # A --full-refresh starts the ledger over at batch 1 with every report pending: all rewritten,
    # even when the new SQL changed no fingerprint.
    execute(warehouse, "update marts.fct_indicator_value set value = value * 10",
            "update dbt_ledger.fct_indicator_value set batch = 1",
            "delete from dbt_ledger.fct_indicator_value__pending",
            "insert into dbt_ledger.fct_indicator_value__pending "
            "select report_id, fingerprint from dbt_ledger.fct_indicator_value")
    publish_release(str(warehouse), export)
    full = publish_release(str(warehouse), export)  # batch 1 again, still every report pending
    assert full.files_written >= 3
    assert published(export, facts) == live(warehouse, facts)
    # A report that left the mart: its files cannot be told from the ledger, so the mart is scanned.
    dbt_run(warehouse, ["delete from marts.fct_indicator_value where report_id = 'r5'",
                        "delete from marts.dim_report where report_id = 'r5'"], [], 2)
    execute(warehouse, "insert into dbt_ledger.fct_indicator_value__pending values ('r5', null)",
            "delete from dbt_ledger.fct_indicator_value where report_id = 'r5'")
    publish_release(str(warehouse), export)
    assert published(export, facts) == live(warehouse, facts)
