"""The RAW_DIR sensor across ticks (with its cursor), the refresh schedule and the instance settings."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest
import yaml

from dagster_project.defs.automation import (
    SensorState,
    nightly_refresh,
    raw_dir_sensor,
    refresh_warehouse,
    run_key_for,
)
from dagster_project.defs.resources import WAREHOUSE_POOL, WarehouseResource

ROOT = Path(__file__).resolve().parents[1]


class Ticker:
    """Evaluates the sensor tick after tick, carrying the cursor like the daemon does."""

    def __init__(self, raw: Path, tmp: Path):
        self.cursor: str | None = None
        self.warehouse = WarehouseResource(path=str(tmp / "w.duckdb"), raw_dir=str(raw),
                                           quality_docs_dir=str(tmp / "docs"), export_dir=str(tmp / "exports"))

    def tick(self) -> list[dg.RunRequest]:
        context = dg.build_sensor_context(cursor=self.cursor, resources={"warehouse": self.warehouse})
        result = raw_dir_sensor.evaluate_tick(context)
        self.cursor = result.cursor
        return list(result.run_requests or [])


def bump_mtime(path: Path, seconds: int) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text("一、概述\n2019年报告\n", encoding="utf-8")
    return folder


def test_a_new_file_runs_once_after_it_settles(raw: Path, tmp_path: Path):
    ticker = Ticker(raw, tmp_path)
    assert ticker.tick() == []  # first sight: it may still be written
    requests = ticker.tick()  # unchanged for a tick: settled
    assert len(requests) == 1 and requests[0].tags["raw_files"] == "1"
    assert ticker.tick() == []  # already requested
    assert ticker.tick() == []


def test_a_file_still_being_written_waits_a_tick(raw: Path, tmp_path: Path):
    ticker = Ticker(raw, tmp_path)
    ticker.tick()
    ticker.tick()  # a.txt handled
    growing = raw / "b.txt"
    growing.write_bytes("第一部分".encode())
    assert ticker.tick() == []
    with growing.open("ab") as fh:  # the writer appends between ticks
        fh.write("第二部分".encode())
    bump_mtime(growing, 1)
    assert ticker.tick() == []  # changed since the last tick: wait
    requests = ticker.tick()  # held still for one tick
    assert [r.tags["raw_files"] for r in requests] == ["1"]
    assert requests[0].tags["raw_first_file"] == "b.txt"


def test_a_changed_file_runs_again_and_partial_or_hidden_files_never(raw: Path, tmp_path: Path):
    ticker = Ticker(raw, tmp_path)
    ticker.tick()
    first = ticker.tick()
    (raw / ".hidden.txt").write_text("x")
    (raw / "download.txt.part").write_text("x")
    assert ticker.tick() == [] and ticker.tick() == []
    (raw / "a.txt").write_text("一、概述\n2020年报告(修订)\n", encoding="utf-8")
    bump_mtime(raw / "a.txt", 5)
    assert ticker.tick() == []
    second = ticker.tick()
    assert len(second) == 1 and second[0].run_key != first[0].run_key


def test_deleted_then_restored_file_is_seen_again(raw: Path, tmp_path: Path):
    ticker = Ticker(raw, tmp_path)
    ticker.tick()
    assert len(ticker.tick()) == 1
    data = (raw / "a.txt").read_bytes()
    st = (raw / "a.txt").stat()
    (raw / "a.txt").unlink()
    assert ticker.tick() == []
    (raw / "a.txt").write_bytes(data)
    os.utime(raw / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns))
    ticker.tick()
    assert len(ticker.tick()) == 1


def test_run_keys_are_stable_and_the_cursor_survives_garbage():
    current = {"/r/a.txt": [10, 1], "/r/b.txt": [20, 2]}
    key = run_key_for(["/r/a.txt", "/r/b.txt"], current)
    assert key == run_key_for(["/r/a.txt", "/r/b.txt"], dict(current))
    assert key != run_key_for(["/r/a.txt", "/r/b.txt"], {**current, "/r/b.txt": [21, 3]})
    assert SensorState.load("not json") == SensorState()
    assert SensorState.load(SensorState(seen=current).dump()).seen == current


def test_the_sensor_and_schedule_run_the_full_refresh():
    assert raw_dir_sensor.job_name == refresh_warehouse.name
    assert nightly_refresh.job_name == refresh_warehouse.name
    assert dg.AssetSelection.all() == refresh_warehouse.selection
    assert nightly_refresh.cron_schedule == "0 2 * * *"


def test_instance_settings_serialise_writers_and_recover_from_dead_runs():
    from dagster._core.instance.config import dagster_instance_config

    config, _ = dagster_instance_config(str(ROOT), "dagster.yaml")
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert config["concurrency"]["pools"]["default_limit"] == 1
    monitoring = config["run_monitoring"]
    assert monitoring["enabled"] and monitoring["free_slots_after_run_end_seconds"] > 0
    assert monitoring["max_runtime_seconds"] >= 3600
    raw = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    assert WAREHOUSE_POOL not in raw["concurrency"]["pools"] or raw["concurrency"]["pools"][WAREHOUSE_POOL] == 1
