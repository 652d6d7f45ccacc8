"""The whole graph materialized through Dagster into a temp DuckDB, queried through the marts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLE_TRUTH, TRUTH_SCORER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_paths):
    from dagster_project.definitions import build_definitions
    from dagster_project.defs.resources import WarehouseResource

    tmp = tmp_path_factory.mktemp("pipeline")
    raw = tmp / "raw"
    raw.mkdir()
    for p in sample_paths:
        shutil.copy(p, raw / p.name)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.bin").write_bytes(bytes(range(256)) * 64)
    original = sample_paths[0]
    (raw / f"gbk_{original.name}").write_bytes(original.read_text(encoding="utf-8").encode("gb18030"))
    warehouse = WarehouseResource(path=str(tmp / "w.duckdb"), raw_dir=str(raw), quality_docs_dir=str(tmp / "docs"),
                                  export_dir=str(tmp / "exports"))
    defs = build_definitions(warehouse)
    result = defs.resolve_job_def("refresh_warehouse").execute_in_process()
    return result, warehouse, original.name


def query(warehouse, sql, params=None):
    con = duckdb.connect(warehouse.path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_run_succeeds_and_every_file_is_a_report(built):
    result, warehouse, _ = built
    assert result.success
    rows = query(warehouse, "select source_path, status from marts.dim_report")
    names = {Path(p).name: s for p, s in rows}
    assert len(names) == 8
    assert names["empty.txt"] == "failed" and names["binary.bin"] == "failed"
    assert all(s in ("parsed", "partial") for n, s in names.items() if n.endswith(".txt") and n != "empty.txt")


def test_failed_documents_carry_a_reason(built):
    _, warehouse, _ = built
    reasons = dict(query(warehouse, "select source_path, failure_reason from marts.dim_report where status = 'failed'"))
    assert {Path(p).name for p in reasons} == {"empty.txt", "binary.bin"}
    assert all(r for r in reasons.values())


def test_gbk_copy_yields_the_same_figures(built):
    _, warehouse, name = built
    facts = query(warehouse, """
        select r.source_path, f.indicator_code, f.channel_code, f.applicant_type, f.value
        from marts.fct_indicator_value f join marts.dim_report r using (report_id)""")
    by_file: dict[str, set] = {}
    for path, *rest in facts:
        by_file.setdefault(Path(path).name, set()).add(tuple(rest))
    assert by_file[name] and by_file[name] == by_file[f"gbk_{name}"]


def test_answer_rule_fails_on_samples_000_and_001(built):
    _, warehouse, _ = built
    failed = query(warehouse, """
        select r.source_path, q.observed, q.expected from marts.fct_quality_check q
        join marts.dim_report r using (report_id) where q.rule = 'request_answers_sum' and not q.passed""")
    names = {Path(p).name[:3] for p, *_ in failed}
    assert {"000", "001"} <= names


def test_truth_file_scores_fully_on_the_samples(built):
    _, warehouse, _ = built
    out = subprocess.run([sys.executable, str(TRUTH_SCORER), str(SAMPLE_TRUTH), "--warehouse", warehouse.path,
                          "--min", "1.0"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:]


def test_quality_checks_ran_with_metadata(built):
    result, _, _ = built
    evaluations = result.get_asset_check_evaluations()
    assert evaluations, "no asset checks ran"
    assert all(ev.metadata for ev in evaluations)


def test_bi_exports_match_the_marts(built):
    import polars as pl

    _, warehouse, _ = built
    current = Path(warehouse.export_dir) / "current"
    assert current.is_symlink()
    for mart in ("dim_report", "fct_indicator_value", "fct_quality_check"):
        n = query(warehouse, f"select count(*) from marts.{mart}")[0][0]
        assert pl.read_parquet(current / mart / "*.parquet").height == n
        fresh = duckdb.connect()
        assert fresh.execute(f"select count(*) from '{current / mart}/*.parquet'").fetchone()[0] == n
    copy = duckdb.connect(str(current / "warehouse.duckdb"), read_only=True)
    assert copy.execute("select count(*) from marts.dim_report").fetchone()[0] == 8
