"""Crash test: kill -9 the main job during landing, parsing and dbt; rerun; compare the marts.

    .venv/bin/python scripts/kill_rerun.py                 # chain mode (CI): about 4 min
    .venv/bin/python scripts/kill_rerun.py --mode separate # each kill on a fresh warehouse

The main job (`refresh_warehouse`) runs in a child process on a temp warehouse built
from the samples plus synthetic variants (enough files for several landing groups and
parse batches). The kills:

- land / parse: GOV_FAULT_PAUSE=<phase> makes the step pause inside its last write
  transaction, after earlier groups/batches committed (ingest.warehouse.fault_point);
  the script waits for the marker file, then SIGKILLs the process tree.
- dbt: the script follows dbt's output in the run log and SIGKILLs the tree once dbt has
  built a few mart tables, so the kill lands mid-build with the marts half written.

Chain mode kills one run per phase, each starting from the wreck the previous kill left,
then reruns to completion; separate mode gives every phase a fresh warehouse and its own
rerun. Either way every final warehouse must hold marts identical to an uninterrupted
run's: same row count and the same checksum (over every column except timestamps) per
mart. The GE checks only read the marts, so runs leave them out (--with-checks keeps
them). Exit status 0 when every comparison holds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "raw").glob("*.txt"))
PHASES = ("land", "parse", "dbt")
PHASE_TIMEOUT = 300.0
DBT_TABLES_BEFORE_KILL = 3

RUNNER = """
import sys
from dagster_project.definitions import defs

job = defs.resolve_job_def("refresh_warehouse")
if "--with-checks" not in sys.argv:
    graph = defs.resolve_asset_graph()
    keys = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    job = job.get_subset(asset_selection=keys, asset_check_selection=set())
result = job.execute_in_process(raise_on_error=False)
sys.exit(0 if result.success else 1)
"""


@dataclass
class Outcome:
    label: str
    seconds: float
    killed_in: str | None = None  # the phase the kill landed in, as observed
    state_after_kill: str = ""
    identical: bool | None = None
    differing_marts: list[str] | None = None


def make_raw_dir(raw: Path, variants: int) -> None:
    """The samples plus `variants` distinct copies (a note appended), and one undecodable file."""
    raw.mkdir(parents=True)
    for p in SAMPLES:
        shutil.copy(p, raw / p.name)
    for i in range(variants):
        src = SAMPLES[i % len(SAMPLES)]
        (raw / f"variant_{i:03d}_{src.name}").write_bytes(src.read_bytes() + f"\n附注{i}\n".encode())
    (raw / "blob.bin").write_bytes(bytes(range(256)) * 16)


def child_env(work: Path, name: str, raw: Path, fault: str | None, marker: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOV_FAULT", "DAGSTER_HOME"))}
    env.update({
        "WAREHOUSE_PATH": str(work / f"{name}.duckdb"),
        "RAW_DIR": str(raw),
        "EXPORT_DIR": str(work / f"exports_{name}"),
        "QUALITY_DOCS_DIR": str(work / f"docs_{name}"),
        "PARSE_BATCH_SIZE": "8",
        "PYTHONPATH": str(ROOT),
    })
    if fault:
        env.update({"GOV_FAULT_PAUSE": fault, "GOV_FAULT_MARKER": str(marker)})
    return env


def start(env: dict[str, str], log: Path, with_checks: bool) -> subprocess.Popen:
    args = [sys.executable, "-c", RUNNER] + (["--with-checks"] if with_checks else [])
    with log.open("ab") as fh:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)


def kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL the child and every descendant (dbt runs as a grandchild)."""
    try:
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    for p in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.send_signal(signal.SIGKILL)
    psutil.wait_procs(family, timeout=30)
    proc.wait(timeout=30)


def dbt_child(proc: subprocess.Popen) -> psutil.Process | None:
    try:
        for p in psutil.Process(proc.pid).children(recursive=True):
            cmd = " ".join(p.cmdline())
            if "dbt" in cmd and " build" in cmd:
                return p
    except psutil.NoSuchProcess:
        return None
    return None


def tables_built(log: Path) -> int:
    """dbt table models the run has finished so far (dbt's output is streamed into the run log)."""
    try:
        return log.read_text(errors="replace").count("OK created sql table model")
    except OSError:
        return 0


def wait_and_kill(proc: subprocess.Popen, phase: str, marker: Path, log: Path) -> str | None:
    """Kill the run in `phase`; returns the phase the kill landed in (None if the run ended first)."""
    deadline = time.monotonic() + PHASE_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        if phase in ("land", "parse") and marker.exists():
            kill_tree(proc)
            return marker.read_text().split()[0]
        # dbt: once a few tables are built, so the kill lands mid-build with marts half written.
        if phase == "dbt" and tables_built(log) >= DBT_TABLES_BEFORE_KILL:
            landed_in = "dbt" if dbt_child(proc) is not None else "after dbt"
            kill_tree(proc)
            return landed_in
        time.sleep(0.05)
    if proc.poll() is None:
        kill_tree(proc)
        return "timeout"
    return None


def state_of(warehouse: Path) -> str:
    """What the killed run left behind: counts of the staged tables and of the marts."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        return f"unreadable: {exc}"
    try:
        tables = dict(con.execute(
            "select schema_name || '.' || table_name, estimated_size from duckdb_tables()").fetchall())
        landed = con.execute("select count(*) from raw.landed_files").fetchone()[0] \
            if "raw.landed_files" in tables else 0
        parsed = con.execute("select count(*) from parsed.reports").fetchone()[0] \
            if "parsed.reports" in tables else 0
        marts = sum(1 for t in tables if t.startswith("marts."))
    finally:
        con.close()
    return f"landed {landed}, parsed {parsed}, mart tables {marts}"


def fingerprint(warehouse: Path) -> dict[str, tuple[int, str]]:
    """mart -> (rows, checksum over every non-timestamp column, order-independent)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        out = {}
        for mart in marts:
            cols = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = ? and data_type not like 'TIMESTAMP%' order by ordinal_position",
                [mart]).fetchall()]
            expr = "hash(" + ", ".join(f'"{c}"' for c in cols) + ")"
            rows, checksum = con.execute(
                f'select count(*), coalesce(sum({expr}), 0)::varchar from marts."{mart}"').fetchone()
            out[mart] = (rows, checksum)
        return out
    finally:
        con.close()


def run_to_end(env: dict[str, str], log: Path, with_checks: bool) -> float:
    started = time.monotonic()
    proc = start(env, log, with_checks)
    if proc.wait(timeout=1800) != 0:
        raise SystemExit(f"run failed; see {log}")
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("chain", "separate"), default="chain")
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--variants", type=int, default=34, help="synthetic reports added to the samples")
    parser.add_argument("--with-checks", action="store_true", help="run the GE checks too (slower)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args(argv)
    phases = [p for p in args.phases.split(",") if p]
    if unknown := set(phases) - set(PHASES):
        parser.error(f"unknown phases: {sorted(unknown)}")

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="kill_rerun_"))
    raw = work / "raw"
    make_raw_dir(raw, args.variants)
    outcomes: list[Outcome] = []

    t = run_to_end(child_env(work, "baseline", raw, None, work / "m"), work / "run_baseline.log", args.with_checks)
    baseline = fingerprint(work / "baseline.duckdb")
    outcomes.append(Outcome("uninterrupted run", t, identical=True))
    print(f"baseline: {len(baseline)} marts in {t:.0f}s", flush=True)

    scenarios = [(p, "chain" if args.mode == "chain" else f"sep_{p}") for p in phases]
    for phase, name in scenarios:
        marker = work / f"marker_{name}_{phase}"
        env = child_env(work, name, raw, phase if phase != "dbt" else None, marker)
        t0 = time.monotonic()
        log = work / f"run_{name}_{phase}.log"
        proc = start(env, log, args.with_checks)
        killed_in = wait_and_kill(proc, phase, marker, log)
        outcome = Outcome(f"kill -9 during {phase}", time.monotonic() - t0, killed_in,
                          state_of(Path(env["WAREHOUSE_PATH"])))
        print(f"{outcome.label}: killed in {killed_in}; left {outcome.state_after_kill}", flush=True)
        if args.mode == "separate" or phase == phases[-1]:
            t1 = time.monotonic()
            run_to_end(child_env(work, name, raw, None, marker), work / f"run_{name}_rerun.log", args.with_checks)
            after = fingerprint(Path(env["WAREHOUSE_PATH"]))
            outcome.identical = after == baseline
            outcome.differing_marts = sorted(m for m in set(after) | set(baseline) if after.get(m) != baseline.get(m))
            outcome.seconds += time.monotonic() - t1
            print(f"  rerun: marts identical to the uninterrupted run: {outcome.identical}", flush=True)
        outcomes.append(outcome)

    total = time.monotonic() - started
    ok = all(o.identical is not False for o in outcomes) and all(
        o.killed_in == o.label.split()[-1] for o in outcomes[1:])
    report = {"mode": args.mode, "seconds": round(total, 1), "ok": ok,
              "marts": {m: rows for m, (rows, _) in baseline.items()},
              "outcomes": [o.__dict__ for o in outcomes]}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.keep or not ok:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
