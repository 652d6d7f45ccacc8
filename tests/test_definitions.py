"""The Definitions load, and the graph is wired landing -> parse -> dbt -> checks."""

from __future__ import annotations

import dagster as dg

from dagster_project.definitions import defs


def test_definitions_load_with_job_sensor_schedule():
    repo = defs.get_repository_def()
    assert repo.has_job("refresh_warehouse")
    assert {s.name for s in repo.sensor_defs} == {"raw_dir_sensor"}
    assert {s.name for s in repo.schedule_defs} == {"nightly_refresh"}


def test_dbt_sources_are_the_ingest_assets():
    graph = defs.resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    for key in (["raw", "landed_files"], ["parsed", "reports"], ["parsed", "facts"], ["parsed", "form_rules"],
                ["marts", "fct_indicator_value"], ["marts", "dim_report"], ["marts", "fct_quality_check"]):
        assert dg.AssetKey(key) in keys, key
    # fct_indicator_value must sit downstream of the parsed facts, through the staging models.
    upstream = graph.get(dg.AssetKey(["marts", "fct_indicator_value"])).parent_keys
    seen, frontier = set(), set(upstream)
    while frontier:
        k = frontier.pop()
        seen.add(k)
        frontier |= set(graph.get(k).parent_keys) - seen
    assert dg.AssetKey(["parsed", "facts"]) in seen


def test_every_warehouse_writer_is_in_the_single_writer_pool():
    from dagster_project.defs.resources import WAREHOUSE_POOL

    writers = [*defs.assets, *defs.asset_checks]
    assert len(writers) >= 6
    for definition in writers:
        assert definition.op.pool == WAREHOUSE_POOL, definition.node_def.name


def test_quality_checks_guard_the_marts():
    graph = defs.resolve_asset_graph()
    checked = {key.asset_key for key in graph.asset_check_keys}
    assert dg.AssetKey(["marts", "fct_indicator_value"]) in checked
    assert dg.AssetKey(["marts", "dim_report"]) in checked


def test_sensor_waits_for_files_that_are_still_growing():
    from dagster_project.defs.automation import files_ready

    first = {"a.txt": [10, 1]}
    assert files_ready({}, first, {}) == []  # seen once: may still be written
    assert files_ready(first, {"a.txt": [20, 2]}, {}) == []  # grew between ticks: wait
    assert files_ready(first, first, {}) == ["a.txt"]  # settled: run
    assert files_ready(first, first, {"a.txt": [10, 1]}) == []  # already handled
