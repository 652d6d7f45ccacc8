"""Incremental runs: one new file → the sensor asks for a run → only that file is landed and parsed.

One Dagster run (the sensor's job, subset to what dim_report needs and the BI release) on a warehouse that
already holds the parsed samples, while a BI reader polls the published release.
Bumping the parser version re-parses everything (plain functions, no Dagster).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest import PARSER_VERSION
from ingest.warehouse import (
    connect,
    land_directory,
    parse_pending,
    parser_version_in_force,
    pending_report_ids,
    write_catalog,
)
from tests.test_bi_reader import ReaderProcess, assert_consistent, fake_warehouse
from tests.test_security import SECRET_PATTERNS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "raw").glob("*.txt"))
PLANTED_SECRET = "gov-test-secret-5f1c7e9a2b"


def new_report_bytes() -> bytes:
    """A report not among the samples: sample 002 with another publication note."""
    return SAMPLES[2].read_bytes() + "\n本报告电子版可在门户网站下载。\n".encode()


def materializations(result, key: list[str]) -> list[dg.AssetMaterialization]:
    return [e.event_specific_data.materialization for e in result.all_events
            if e.event_type_value == "ASSET_MATERIALIZATION"
            and e.event_specific_data.materialization.asset_key == dg.AssetKey(key)]


def meta(materialization: dg.AssetMaterialization, name: str):
    value = materialization.metadata[name]
    return getattr(value, "value", value)


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    from dagster_project.definitions import build_definitions
    from dagster_project.defs.automation import raw_dir_sensor
    from dagster_project.defs.publish import publish_release
    from dagster_project.defs.resources import WarehouseResource

    tmp = tmp_path_factory.mktemp("incremental")
    raw = tmp / "raw"
    raw.mkdir()
    for p in SAMPLES:
        shutil.copy(p, raw / p.name)
    warehouse = WarehouseResource(path=str(tmp / "w.duckdb"), raw_dir=str(raw),
                                  quality_docs_dir=str(tmp / "docs"), export_dir=str(tmp / "exports"))
    # The warehouse as a previous run left it: every sample landed and parsed.
    con = connect(warehouse.path)
    land_directory(con, raw)
    parse_pending(con)
    write_catalog(con)
    con.close()
    # The release BI reads before this run (a small stand-in: what matters is old vs new).
    fake_warehouse(tmp / "previous.duckdb", 3, 30)
    initial = publish_release(str(tmp / "previous.duckdb"), Path(warehouse.export_dir))

    defs = build_definitions(warehouse)
    ticks = []
    cursor = None
    (raw / "new_report.txt").write_bytes(new_report_bytes())
    for _ in range(2):  # first sight, then settled
        context = dg.build_sensor_context(cursor=cursor, resources={"warehouse": warehouse})
        tick = raw_dir_sensor.evaluate_tick(context)
        cursor = tick.cursor
        ticks.append(tick)
    request = ticks[-1].run_requests[0]

    job = defs.resolve_job_def(raw_dir_sensor.job_name)
    # To keep this test fast, the run builds what dim_report needs and publishes a release;
    # the other marts and the GE checks (which only read the marts) are left out.
    keys = (dg.AssetSelection.assets(dg.AssetKey(["marts", "dim_report"])).upstream()
            | dg.AssetSelection.assets(dg.AssetKey(["bi", "exports"]))).resolve(defs.resolve_asset_graph())
    subset = job.get_subset(asset_selection=keys, asset_check_selection=set())
    reader = ReaderProcess(Path(warehouse.export_dir), tmp)
    os.environ["GOV_DUMMY_API_TOKEN"] = PLANTED_SECRET
    try:
        reader.wait_for_rounds(1)
        result = subset.execute_in_process(tags=request.tags, raise_on_error=False)
    finally:
        os.environ.pop("GOV_DUMMY_API_TOKEN", None)
        observations = reader.stop()
    return {"result": result, "warehouse": warehouse, "ticks": ticks, "request": request,
            "initial": initial, "observations": observations, "tmp": tmp}


def test_the_sensor_asked_for_one_run_after_the_file_settled(incremental):
    first, second = incremental["ticks"]
    assert not first.run_requests  # first sight: might still be written
    assert len(second.run_requests) == 1
    assert incremental["request"].tags["raw_files"] == "6"  # a fresh cursor: every file is new to it
    assert incremental["result"].success


def test_only_the_new_file_was_landed_and_parsed(incremental):
    result = incremental["result"]
    landed = materializations(result, ["raw", "landed_files"])[0]
    assert (meta(landed, "files_seen"), meta(landed, "new_reports"), meta(landed, "unchanged_skipped")) == (6, 1, 5)
    parsed = materializations(result, ["parsed", "reports"])[0]
    new_id = hashlib.sha256(new_report_bytes()).hexdigest()
    assert meta(parsed, "reports_parsed_this_run") == 1
    assert meta(parsed, "report_ids") == [new_id]
    assert meta(parsed, "parser_version") == PARSER_VERSION


def test_metadata_tells_a_person_what_happened_without_sql(incremental):
    result = incremental["result"]
    parsed = materializations(result, ["parsed", "reports"])[0]
    table = meta(parsed, "reports_by_template_and_status")
    assert table.startswith("| template | status | reports |") and "| 1 |" in table
    assert isinstance(meta(parsed, "parse_seconds"), float)
    assert "| code | severity | issues |" in meta(parsed, "top_issue_codes") or \
        meta(parsed, "top_issue_codes") == "_none_"
    landed = materializations(result, ["raw", "landed_files"])[0]
    assert meta(landed, "undecodable_new") == "_none_"
    assert meta(landed, "reports_total") == 6


def test_the_marts_and_the_release_hold_the_new_report(incremental):
    warehouse = incremental["warehouse"]
    con = duckdb.connect(warehouse.path, read_only=True)
    try:
        n_live = con.execute("select count(*) from marts.dim_report").fetchone()[0]
    finally:
        con.close()
    assert n_live == 6
    exports = materializations(incremental["result"], ["bi", "exports"])[0]
    assert meta(exports, "marts")["dim_report"] == 6
    manifest = json.loads((Path(warehouse.export_dir) / "current" / "release.json").read_text())
    assert manifest["marts"] == meta(exports, "marts")


def test_a_bi_reader_during_the_refresh_saw_whole_releases_only(incremental):
    observations = incremental["observations"]
    final = json.loads((Path(incremental["warehouse"].export_dir) / "current" / "release.json").read_text())
    assert_consistent(observations, [incremental["initial"].counts, final["marts"]])
    assert observations[0]["db"] == incremental["initial"].counts


def test_the_run_logs_hold_no_secret(incremental):
    logged = []
    for event in incremental["result"].all_events:
        logged.append(event.message or "")
        data = event.event_specific_data
        materialization = getattr(data, "materialization", None)
        if materialization is not None:
            logged.append(json.dumps({k: str(v) for k, v in materialization.metadata.items()}, ensure_ascii=False))
    text = "\n".join(logged)
    assert "landed_files" in text  # the scan really read the run's events
    assert PLANTED_SECRET not in text
    assert [what for what, pattern in SECRET_PATTERNS.items() if pattern.search(text)] == []


def test_bumping_the_parser_version_reparses_everything(incremental):
    path = incremental["tmp"] / "bump.duckdb"
    shutil.copy(incremental["warehouse"].path, path)
    con = connect(path)
    try:
        assert pending_report_ids(con) == []  # everything parsed by the current version
        bumped = parse_pending(con, parser_version="99.0.0-test")
        assert bumped.parsed == 6
        assert pending_report_ids(con, "99.0.0-test") == []
        assert parser_version_in_force(con) == "99.0.0-test"
        # dbt's staging (stg_reports) keeps the newest parse per report: now the bumped one.
        in_force = con.execute("""
            select distinct parser_version from parsed.reports
            qualify row_number() over (partition by report_id order by parsed_at desc, parser_version desc) = 1
        """).fetchall()
        assert in_force == [("99.0.0-test",)]
        # Rolling back re-parses nothing (the old rows are still there) and records the version in force.
        assert parse_pending(con, parser_version=PARSER_VERSION).parsed == 0
        assert parser_version_in_force(con) == PARSER_VERSION
    finally:
        con.close()
