"""Jobs, the RAW_DIR sensor and the refresh schedule."""


import json
from pathlib import Path

import dagster as dg

from dagster_project.defs.resources import default_raw_dir

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
    description="Rebuild the marts and quality results every night, whatever the sensor saw.",
)


def snapshot_raw_dir(raw_dir: Path) -> dict[str, list[int]]:
    """path -> [size, mtime_ns] for every file below raw_dir."""
    from ingest.landing import iter_raw_files

    out = {}
    for path in iter_raw_files(raw_dir):
        try:
            st = path.stat()
        except OSError:
            continue
        out[str(path)] = [st.st_size, st.st_mtime_ns]
    return out


def files_ready(previous: dict[str, list[int]], current: dict[str, list[int]], done: dict[str, list[int]]):
    """Files new or changed since the last run whose size and mtime held still between two ticks.

    A file still being written changes between ticks and waits for the next one.
    """
    return sorted(p for p, sig in current.items() if previous.get(p) == sig and done.get(p) != sig)


@dg.sensor(job=refresh_warehouse, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def raw_dir_sensor(context: dg.SensorEvaluationContext):
    """Request a refresh when files in RAW_DIR are new or changed and have stopped growing."""
    state = json.loads(context.cursor) if context.cursor else {"seen": {}, "done": {}}
    current = snapshot_raw_dir(Path(default_raw_dir()))
    ready = files_ready(state["seen"], current, state["done"])
    if ready:
        for p in ready:
            state["done"][p] = current[p]
        yield dg.RunRequest(
            run_key=f"raw-{len(state['done'])}-{hash(tuple(ready)) & 0xFFFFFFFF:x}",
            tags={"raw_files": str(len(ready))},
        )
    else:
        yield dg.SkipReason(f"{len(current)} files, none new and settled")
    state["seen"] = current
    context.update_cursor(json.dumps(state))
