"""Jobs, the RAW_DIR sensor and the refresh schedule."""


import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from dagster_project.defs.resources import WarehouseResource

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    description="Land new raw files, parse what is new, rebuild the dbt models and run the quality checks.",
    # One process: every step writes the same DuckDB file, and re-importing the
    # code per step (multiprocess executor) doubles a small run's cost.
    executor_def=dg.in_process_executor,
)

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Every night, whatever the sensor saw: land and parse anything missed, rebuild the marts, "
                "run the quality checks and publish a new BI release (Parquet + read-only DuckDB).",
)


def snapshot_raw_dir(raw_dir: Path) -> dict[str, list[int]]:
    """path -> [size, mtime_ns] for every file below raw_dir that landing would read."""
    from ingest.landing import raw_file_names

    out = {}
    for name in raw_file_names(raw_dir):
        try:
            st = os.stat(name)
        except OSError:  # deleted between the listing and the stat
            continue
        out[name] = [st.st_size, st.st_mtime_ns]
    return out


def files_ready(previous: dict[str, list[int]], current: dict[str, list[int]], done: dict[str, list[int]]):
    """Files new or changed since the last run whose size and mtime held still between two ticks.

    A file still being written changes between ticks and waits for the next one.
    """
    return sorted(p for p, sig in current.items() if previous.get(p) == sig and done.get(p) != sig)


def run_key_for(ready: list[str], current: dict[str, list[int]]) -> str:
    """Stable across processes (unlike hash()): the same settled files ask for the same run once."""
    digest = hashlib.sha256()
    for path in ready:
        digest.update(f"{path}\0{current[path][0]}\0{current[path][1]}\n".encode())
    return f"raw-{digest.hexdigest()[:20]}"


@dataclass
class SensorState:
    """The sensor cursor: the last snapshot, and the signature of every file a run was requested for."""

    seen: dict[str, list[int]] = field(default_factory=dict)
    done: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, cursor: str | None) -> "SensorState":
        if not cursor:
            return cls()
        try:
            raw = json.loads(cursor)
            return cls(seen=dict(raw.get("seen", {})), done=dict(raw.get("done", {})))
        except (ValueError, AttributeError, TypeError):  # a cursor from an older format: start over
            return cls()

    def dump(self) -> str:
        return json.dumps({"seen": self.seen, "done": self.done}, sort_keys=True)


@dg.sensor(job=refresh_warehouse, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def raw_dir_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """Request a refresh when files in RAW_DIR are new or changed and have stopped growing.

    The run lands and parses only what is new (landing and parsing are incremental), so a
    burst of files costs one run per tick; runs queue behind each other (max_concurrent_runs 1).
    """
    state = SensorState.load(context.cursor)
    current = snapshot_raw_dir(Path(warehouse.raw_dir))
    ready = files_ready(state.seen, current, state.done)
    waiting = sorted(p for p, sig in current.items() if state.done.get(p) != sig and p not in ready)
    if ready:
        for path in ready:
            state.done[path] = current[path]
        yield dg.RunRequest(
            run_key=run_key_for(ready, current),
            tags={"raw_files": str(len(ready)), "raw_first_file": Path(ready[0]).name[:200]},
        )
    else:
        yield dg.SkipReason(f"{len(current)} files, none new and settled ({len(waiting)} waiting to settle)")
    state.seen = current
    # Forget deleted files, so one put back later is seen again.
    state.done = {p: sig for p, sig in state.done.items() if p in current}
    context.update_cursor(state.dump())
