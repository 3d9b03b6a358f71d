"""Benchmark the whole project: full build, a daily incremental run, partial parse, intent vs bare.

  1. generate --leads x --events-per-lead (skipped when the database holds that data already)
  2. full build (`dbt build --full-refresh`, without dbt's unit tests, as in production) at
     as_of = the anchor minus one day, over the raw rows that had arrived by then: every raw row
     whose loader stamp (`_fivetran_synced`, Segment's `received_at`) is later is held back in
     schema `benchmark_withheld`
  3. the daily run: `dbt build` at as_of = the anchor, after the held-back rows landed (a day of new
     rows, late arrivals of older events and new versions of changed records; counted per table)
     The daily run's reads are measured apart: every table it built and every data test it ran
     is run again under DuckDB's EXPLAIN ANALYZE, and the rows each raw table's scans emitted
     (after the pushed-down filters) are summed per raw table
  4. full and partial parse (`dbt parse` with nothing changed): the wall time and dbt's own
     parse phase (perf_info.json), and the floor: importing dbt alone
  5. intent models against the bare scan + aggregate (leadflow_tools.benchmark), same process
Per step: wall time, the peak memory (max RSS) and the CPU time of the dbt process (with the share
of the machine's cores it kept busy); per model: time from run_results.json; per build: its
critical path (leadflow_tools.critical_path: the chain of nodes that decided when it ended); and
the peak memory of the benchmark's own process (generation, landing rows,
the read count and the intent comparison run in it). Prints a table and writes
target/benchmark/build_<leads>x<events>_<target>.json.
A dbt step that fails ends the run, but not silently: the step is kept with its time, peak memory
and the nodes that failed (their first error line), the JSON is written with `completed` false,
and the exit code is 1, so a long run (10M people) that stops after an hour still reports what it
measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from . import PROJECT_ROOT, add_generated_data_arguments
from .benchmark import INTENT_MODELS
from .benchmark import report as intent_report
from .benchmark import run as run_intent_benchmark
from .critical_path import PathNode, critical_path, node_name
from .critical_path import summary as critical_path_summary
from .dbt import dbt_environment, dbt_executable
from .generator import GeneratorConfig, generate
from .generator.shapes import Shape
from .raw_contract import arrival_column, stamped_raw_tables
from .warehouse import connect_within_budget, profile_settings

# Runs a command and prints, on the last line, the peak RSS (KiB) of its process tree and the CPU
# seconds (user + system) it used.
RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(usage.ru_maxrss, round(usage.ru_utime + usage.ru_stime, 2))\n"
    "sys.exit(code)\n"
)


@dataclass
class Step:
    name: str
    seconds: float
    peak_rss_mb: float | None  # None on Spark: the JVM py4j starts is not a reaped child of dbt
    slowest_models: list[tuple[str, float]] = field(default_factory=list)
    intent_models_seconds: float | None = None  # INTENT_MODELS' run_results time in a build
    # a parse: dbt's own time for loading the project (perf_info.json load_all_elapsed), without
    # Python start-up, importing dbt and writing manifest.json, which the wall time includes
    dbt_parse_seconds: float | None = None
    # dbt's exit code; on a failure the nodes that errored or failed, with their first message line
    returncode: int = 0
    failed_nodes: list[tuple[str, str]] = field(default_factory=list)
    # CPU seconds (user + system) of the dbt process and its threads (None on Spark, as the peak),
    # the cores it may run on, and the share of them it kept busy: cpu_seconds / (seconds x cores)
    cpu_seconds: float | None = None
    cores: int | None = None
    cpu_share: float | None = None
    # a build or run: the chain of nodes that decided when it ended (leadflow_tools.critical_path)
    critical_path: list[PathNode] = field(default_factory=list)


@dataclass
class BuildBenchmark:
    leads: int
    events_per_lead: int
    target: str
    database: str
    steps: list[Step] = field(default_factory=list)
    bare_aggregate_seconds: float | None = None
    intent_read_seconds: float | None = None
    intent_full_ratio: float | None = None
    intent_daily_ratio: float | None = None
    # the rows that landed between the full build and the daily run, per raw table
    # ('<schema>.<table>': rows; late = of those, rows of events that happened before the full build's as_of)
    daily_rows_landed: dict[str, int] = field(default_factory=dict)
    daily_late_rows: dict[str, int] = field(default_factory=dict)
    duckdb_settings: dict[str, str] = field(default_factory=dict)
    # rows the daily run's scans read from each raw table ('<schema>.<table>'), and the nodes reading most
    daily_rows_scanned: dict[str, int] = field(default_factory=dict)
    daily_rows_scanned_by_node: list[tuple[str, int]] = field(default_factory=list)
    raw_table_rows: dict[str, int] = field(default_factory=dict)
    # max RSS of the benchmark's own process, which runs generation, holding back and landing the
    # day's rows, the read count and the intent comparison in process (the dbt steps and the Spark
    # JVM are children, which RUSAGE_SELF does not count; dbt's are measured apart per step)
    own_peak_rss_mb: float | None = None
    # false when a step failed and the run stopped there (the steps after it were not run)
    completed: bool = True

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


def _generated_matches(database: Path, config: GeneratorConfig) -> bool:
    sidecar = Path(f"{database}.generator.json")
    if not database.exists() or not sidecar.exists():
        return False
    manifest = json.loads(sidecar.read_text())
    recorded = manifest.get("config", {})
    # a thinned connector shape (generator --shape, --without-optional-tables, ...) is not the
    # warehouse the benchmark measures; older manifests without a shape were full
    full_shape = Shape().as_dict()
    return bool(
        manifest.get("shape", full_shape) == full_shape
        and recorded.get("leads") == config.leads
        and recorded.get("events_per_lead") == config.events_per_lead
        and recorded.get("seed") == config.seed
        and recorded.get("anchor_date") == config.anchor_date.isoformat()
    )


# a production run: dbt's unit tests check the SQL on fixtures, not the data; they belong in CI (make
# test), and in a build they cost the same seconds at every data size
PRODUCTION_BUILD = ("--exclude-resource-type", "unit_test")
WITHHELD_SCHEMA = "benchmark_withheld"
# the column an event table's "when it happened" is in, for counting late arrivals
_OCCURRED = {
    "raw_segment": '"timestamp"', "email_event": "created", "contact_form_submission": '"timestamp"',
    "task": "created_date", "event": "created_date", "campaign_member": "created_date",
}



def land_withheld_rows(database: Path) -> dict[str, int]:
    """Put rows held back by `withhold_rows_arrived_after` into their raw tables (also repairs a
    benchmark that stopped between the two). Returns rows landed per '<schema>.<table>'."""
    con = connect_within_budget(database)
    landed: dict[str, int] = {}
    try:
        held = con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [WITHHELD_SCHEMA]
        ).fetchall()
        for (name,) in held:
            schema, table = name.split("__", 1)
            count = con.execute(f"select count(*) from {WITHHELD_SCHEMA}.{name}").fetchone()
            con.execute("begin transaction")
            con.execute(f"insert into {schema}.{table} by name select * from {WITHHELD_SCHEMA}.{name}")
            con.execute(f"drop table {WITHHELD_SCHEMA}.{name}")
            con.execute("commit")
            landed[f"{schema}.{table}"] = int(count[0]) if count else 0
        con.execute(f"drop schema if exists {WITHHELD_SCHEMA}")
    finally:
        con.close()
    return landed


def withhold_rows_arrived_after(database: Path, stamp: str) -> tuple[dict[str, int], dict[str, int]]:
    """Move every raw row whose loader stamp is after `stamp` into schema benchmark_withheld, so the
    raw tables look as they did at `stamp`. Returns (rows held, rows of them that are late events:
    happened at or before `stamp`) per '<schema>.<table>'."""
    land_withheld_rows(database)
    con = connect_within_budget(database)
    held: dict[str, int] = {}
    late: dict[str, int] = {}
    try:
        tables = stamped_raw_tables(con)
        con.execute(f"create schema if not exists {WITHHELD_SCHEMA}")
        for schema, table in tables:
            arrived_after = f"{arrival_column(schema)} > timestamp '{stamp}'"
            # one transaction per table: a run stopped here leaves each row in exactly one place
            con.execute("begin transaction")
            con.execute(
                f"create table {WITHHELD_SCHEMA}.{schema}__{table} as select * from {schema}.{table} where {arrived_after}"
            )
            con.execute(f"delete from {schema}.{table} where {arrived_after}")
            con.execute("commit")
            count = con.execute(f"select count(*) from {WITHHELD_SCHEMA}.{schema}__{table}").fetchone()
            held[f"{schema}.{table}"] = int(count[0]) if count else 0
            occurred = _OCCURRED.get(schema, _OCCURRED.get(table))
            if occurred is not None:
                old = con.execute(
                    f"select count(*) from {WITHHELD_SCHEMA}.{schema}__{table} where {occurred} <= timestamp '{stamp}'"
                ).fetchone()
                late[f"{schema}.{table}"] = int(old[0]) if old else 0
    finally:
        con.close()
    return held, late


def duckdb_settings(database: Path) -> dict[str, str]:
    """The DuckDB settings the profile gives a dbt run (memory_limit, threads, temp_directory)."""
    return profile_settings(database, dbt_environment(database))


def _raw_scans(plan: dict[str, object]) -> Iterator[tuple[str, int]]:
    """(raw '<schema>.<table>', rows emitted) of every table scan in an EXPLAIN ANALYZE JSON tree."""
    stack: list[object] = list(plan.get("operator", []))  # type: ignore[call-overload]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        stack.extend(node.get("children", []))
        extra = node.get("extra_info")
        if node.get("type") == "TABLE_SCAN" and isinstance(extra, dict):
            parts = str(extra.get("Table", "")).replace('"', "").split(".")
            if len(parts) >= 2 and parts[-2].startswith("raw_"):
                yield f"{parts[-2]}.{parts[-1]}", int(node.get("intermediate_rows", 0))


def rows_scanned(database: Path, target_dir: Path) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Rows read from each raw table by the last build in `target_dir`: each table it built and each
    data test it ran, run again under EXPLAIN ANALYZE (a view's build reads nothing; unit tests read
    fixtures). Returns (rows per raw table, the ten nodes reading most)."""
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    nodes = json.loads((target_dir / "manifest.json").read_text())["nodes"]
    per_table: dict[str, int] = {}
    per_node: dict[str, int] = {}
    con = connect_within_budget(database, read_only=True)
    try:
        settings = duckdb_settings(database)
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET threads = {int(settings['threads'])}")
        for result in results:
            node = nodes.get(result["unique_id"], {})
            kind = node.get("resource_type")
            materialized = node.get("config", {}).get("materialized")
            if not result.get("compiled_code") or not (
                (kind == "model" and materialized in {"table", "incremental"}) or kind == "test"
            ):
                continue
            plan = con.execute(f"explain (analyze, format json) {result['compiled_code']}").fetchall()[0][1]
            for table, rows in _raw_scans(json.loads(plan)):
                per_table[table] = per_table.get(table, 0) + rows
                name = node_name(result["unique_id"])
                per_node[name] = per_node.get(name, 0) + rows
    finally:
        con.close()
    top = sorted(per_node.items(), key=lambda item: -item[1])[:10]
    return dict(sorted(per_table.items())), top


def raw_table_rows(database: Path) -> dict[str, int]:
    con = connect_within_budget(database, read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw\\_%' escape '\\' order by 1, 2"
        ).fetchall()
        return {
            f"{schema}.{table}": int(con.execute(f"select count(*) from {schema}.{table}").fetchone()[0])  # type: ignore[index]
            for schema, table in tables
        }
    finally:
        con.close()


def _dbt_step(
    name: str, args: Sequence[str], database: Path, target_dir: Path, as_of: str, target: str, env: dict[str, str]
) -> Step:
    command = [
        sys.executable, "-c", RSS_WRAPPER, dbt_executable(), *args,
        "--target", target, "--target-path", str(target_dir), "--vars", json.dumps({"as_of": as_of}),
    ]
    perf_info = target_dir / "perf_info.json"
    # a step reports only the files its own dbt process wrote (a dbt that fails before running any
    # node writes no run_results.json: the previous step's must not be read as this one's)
    perf_info.unlink(missing_ok=True)
    (target_dir / "run_results.json").unlink(missing_ok=True)
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, env={**dbt_environment(database), **env}, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    output = completed.stdout.strip().splitlines()
    # the wrapper's last line is the peak and the CPU time; a dbt killed by the kernel may leave none
    peak_kib, cpu_seconds = None, None
    if output and re.fullmatch(r"\d+ \d+(\.\d+)?", output[-1]):
        kib, cpu = output.pop().split()
        peak_kib, cpu_seconds = int(kib), float(cpu)
    if completed.returncode != 0:
        print("\n".join(output[-40:]), flush=True)
    slowest: list[tuple[str, float]] = []
    intent_seconds = None
    path: list[PathNode] = []
    failed: list[tuple[str, str]] = []
    results = target_dir / "run_results.json"
    if args[0] in {"build", "run"} and results.exists():
        nodes = json.loads(results.read_text())["results"]
        timings = [(node_name(str(r["unique_id"])), float(r["execution_time"])) for r in nodes]
        if completed.returncode != 0:
            failed = failed_nodes(nodes)
        slowest = sorted(timings, key=lambda item: -item[1])[:8]
        intent_seconds = round(sum(t for n, t in timings if n in INTENT_MODELS), 2)
        manifest = target_dir / "manifest.json"
        if manifest.exists():
            path = critical_path(nodes, json.loads(manifest.read_text()), node_name)
    parse_seconds = None
    if args[0] == "parse" and perf_info.exists():
        parse_seconds = round(float(json.loads(perf_info.read_text())["load_all_elapsed"]), 2)
    peak_mb = None if target == "spark" or peak_kib is None else round(peak_kib / 1024, 1)
    cores = len(os.sched_getaffinity(0))  # the cores this process may run on, not the machine's count
    if target == "spark":  # the JVM py4j starts is not a reaped child: its CPU time is not counted
        cpu_seconds = None
    return Step(
        name, round(seconds, 2), peak_mb, [(n, round(t, 2)) for n, t in slowest], intent_seconds, parse_seconds,
        completed.returncode, failed, cpu_seconds, cores,
        None if cpu_seconds is None or not cores else round(cpu_seconds / (seconds * cores), 3), path,
    )


def failed_nodes(results: list[dict[str, object]]) -> list[tuple[str, str]]:
    """(node name, first line of its message) of every run_results entry that errored or failed."""
    return [
        (node_name(str(r["unique_id"])), str(r.get("message") or "").strip().split("\n")[0][:300])
        for r in results
        if r.get("status") in {"error", "fail", "runtime error"}
    ]


def run(
    leads: int, events_per_lead: int, seed: int, anchor: date, database: Path, target: str, intent_repeat: int,
    measure_reads: bool = True, keep_full_build: Path | None = None,
) -> BuildBenchmark:
    config = GeneratorConfig(leads=leads, events_per_lead=events_per_lead, seed=seed, anchor_date=anchor)
    result = BuildBenchmark(leads, events_per_lead, target, str(database))
    if not _generated_matches(database, config):
        print(f"generating {leads:,} leads x {events_per_lead} events into {database} ...", flush=True)
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        started = time.perf_counter()
        generate(config, database, progress=lambda line: print(f"  {line}", flush=True))
        result.steps.append(Step("generate data", round(time.perf_counter() - started, 2), None))
    else:
        print(f"reusing {database} (same generator config)", flush=True)
    env: dict[str, str] = {}
    if target == "spark":
        home = PROJECT_ROOT / "target" / "benchmark" / f"spark_{leads}x{events_per_lead}"
        env = {"LEADFLOW_SPARK_HOME": str(home)}
        print(f"loading the raw tables into the Spark warehouse under {home} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "leadflow_tools.spark", "load", "--database", str(database)],
            cwd=PROJECT_ROOT, env={**os.environ, **env}, check=True, capture_output=True,
        )
        result.steps.append(Step("load raw into spark", round(time.perf_counter() - started, 2), None))
    anchor_time = datetime.combine(anchor, datetime.min.time())
    day_before = (anchor_time - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    as_of = anchor_time.strftime("%Y-%m-%d %H:%M:%S")
    target_dir = PROJECT_ROOT / "target" / "benchmark" / f"{leads}x{events_per_lead}_{target}"
    plan = [
        ("full build", ["build", "--full-refresh", *PRODUCTION_BUILD], day_before),
        ("daily incremental build", ["build", *PRODUCTION_BUILD], as_of),
        ("full parse", ["parse", "--no-partial-parse"], as_of),
        ("partial parse", ["parse"], as_of),
    ]
    if target == "duckdb":
        result.duckdb_settings = duckdb_settings(database)
    for name, args, step_as_of in plan:
        if target == "duckdb" and name == "full build":
            held, result.daily_late_rows = withhold_rows_arrived_after(database, day_before)
            print(f"held back {sum(held.values()):,} raw rows that arrived after {day_before}", flush=True)
        if target == "duckdb" and name == "daily incremental build":
            result.daily_rows_landed = land_withheld_rows(database)
            print(f"landed {sum(result.daily_rows_landed.values()):,} raw rows (a day of arrivals)", flush=True)
        print(f"{name} (as_of {step_as_of}) ...", flush=True)
        step = _dbt_step(name, args, database, target_dir, step_as_of, target, env)
        parse_phase = "" if step.dbt_parse_seconds is None else f", dbt's parse phase {step.dbt_parse_seconds:.2f} s"
        print(f"  {step.seconds:.1f} s, peak {_megabytes(step.peak_rss_mb)}{parse_phase}", flush=True)
        result.steps.append(step)
        if step.returncode != 0:
            result.completed = False
            # the failed nodes are listed by report()
            print(f"  {name} failed (dbt exit code {step.returncode}); the benchmark stops here", flush=True)
            break
        if target == "duckdb" and name == "full build" and keep_full_build is not None:
            print(f"copying the built database (day's rows still held back) to {keep_full_build} ...", flush=True)
            keep_full_build.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(database, keep_full_build)
            wal = Path(f"{database}.wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{keep_full_build}.wal"))
        if target == "duckdb" and name == "daily incremental build" and measure_reads:
            print("the daily run's raw reads (its tables and tests again, under EXPLAIN ANALYZE) ...", flush=True)
            result.daily_rows_scanned, result.daily_rows_scanned_by_node = rows_scanned(database, target_dir)
            result.raw_table_rows = raw_table_rows(database)
    if result.completed:  # after a failed step, neither the floor nor the intent comparison is run
        print("dbt startup floor (importing dbt, no project) ...", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from dbt.cli.main import dbtRunner"], cwd=PROJECT_ROOT, check=True)
        result.steps.append(Step("dbt import (floor)", round(time.perf_counter() - started, 2), None))
        if target == "duckdb" and intent_repeat > 0:
            intent = run_intent_benchmark(
                database, as_of, intent_repeat, daily=True, progress=lambda line: print(f"  {line}", flush=True)
            )
            print(intent_report(intent), flush=True)
            result.bare_aggregate_seconds = intent.median_bare_aggregate_seconds
            result.intent_read_seconds = intent.median_read_seconds
            result.intent_full_ratio = intent.full_ratio
            result.intent_daily_ratio = intent.daily_ratio
    # Linux reports ru_maxrss in KiB
    result.own_peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _megabytes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def report(result: BuildBenchmark) -> str:
    full = result.step("full build")
    lines = [
        f"\nleadflow on {result.target}: {result.leads:,} leads x {result.events_per_lead} events",
        f"{'step':<28}{'seconds':>10}{'peak MB':>10}{'of full build':>15}",
    ]
    for step in result.steps:
        share = "n/a" if full.returncode != 0 else f"{step.seconds / full.seconds:.1%}"
        failed = "" if step.returncode == 0 else f"  FAILED (exit {step.returncode})"
        lines.append(f"{step.name:<28}{step.seconds:>10.1f}{_megabytes(step.peak_rss_mb):>10}{share:>15}{failed}")
    for step in result.steps:
        for node, message in step.failed_nodes:
            lines.append(f"failed in {step.name}: {node}: {message}")
    if not result.completed:
        lines.append("the run stopped at the failed step: the steps after it were not run")
    for step in result.steps:
        if step.dbt_parse_seconds is not None:
            lines.append(
                f"{step.name}: dbt's parse phase {step.dbt_parse_seconds:.2f} s (perf_info.json load_all_elapsed); "
                "the rest of the wall time is Python start-up, importing dbt and writing manifest.json"
            )
    if result.intent_full_ratio is not None:
        lines.append(
            f"intent models vs bare aggregate ({result.bare_aggregate_seconds:.2f} s): ratio full rebuild "
            f"{result.intent_full_ratio:.2f}x, daily run {result.intent_daily_ratio:.2f}x"
        )
    if result.daily_rows_landed:
        landed = {name: rows for name, rows in result.daily_rows_landed.items() if rows}
        lines.append(
            f"raw rows that landed for the daily run: {sum(landed.values()):,} in {len(landed)} tables "
            "(late: events that happened before the full build's as_of): "
            + ", ".join(
                f"{name} {rows:,}" + (f" (late {result.daily_late_rows[name]:,})" if result.daily_late_rows.get(name) else "")
                for name, rows in sorted(landed.items(), key=lambda item: -item[1])
            )
        )
    if result.daily_rows_scanned:
        lines.append("rows the daily run read per raw table (all its scans; the table's rows; landed that day):")
        for name, rows in sorted(result.daily_rows_scanned.items(), key=lambda item: -item[1]):
            total = result.raw_table_rows.get(name, 0)
            share = f"{rows / total:.1%}" if total else "n/a"
            lines.append(
                f"  {name:<45}{rows:>14,} of {total:>12,} ({share}); landed {result.daily_rows_landed.get(name, 0):,}"
            )
        lines.append("  read most by: " + ", ".join(f"{n} {r:,}" for n, r in result.daily_rows_scanned_by_node))
    if result.own_peak_rss_mb is not None:
        lines.append(
            f"peak memory of the benchmark's own process (generation, landing rows, read count, intent "
            f"comparison): {_megabytes(result.own_peak_rss_mb)} MB"
        )
    if result.duckdb_settings:
        lines.append("DuckDB settings: " + ", ".join(f"{k} {v}" for k, v in result.duckdb_settings.items()))
    for step in result.steps:
        if step.cpu_share is not None:
            lines.append(
                f"{step.name}: dbt used {step.cpu_seconds:,.0f} CPU seconds, {step.cpu_share:.0%} of "
                f"{step.cores} cores over its {step.seconds:.1f} s"
            )
        if step.critical_path:
            lines.append(f"{step.name}: " + critical_path_summary(step.critical_path))
    for step in result.steps:
        if step.slowest_models:
            lines.append(f"slowest in {step.name}: " + ", ".join(f"{n} {t:.1f}s" for n, t in step.slowest_models))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark the whole project on generated data: full build, a daily incremental build one day "
            "of events later, full and partial parse, and (DuckDB) the intent models against a bare scan + "
            "aggregate. Wall time, peak memory and CPU share per step, the slowest models from "
            "run_results.json and each build's critical path (the chain of nodes that decided when it "
            "ended; also `python -m leadflow_tools.critical_path <target folder>`); a "
            "table on stdout and JSON under target/benchmark/. Data is generated when the database does "
            "not hold it yet."
        )
    )
    add_generated_data_arguments(parser, 10_000, 100, "the daily run's as_of")
    parser.add_argument("--target", choices=["duckdb", "spark"], default="duckdb",
                        help="dbt target: duckdb, or spark (a local session; raw tables loaded from the generated "
                             "DuckDB file first; the intent-vs-bare comparison runs on DuckDB only)")
    parser.add_argument("--database", type=Path,
                        help="DuckDB file (default target/benchmark/leadflow_<leads>x<events>.duckdb)")
    parser.add_argument("--intent-repeat", type=int, default=3, help="alternating intent/bare runs (3; 0 skips)")
    parser.add_argument("--no-read-count", action="store_true",
                        help="skip counting the daily run's raw reads (it runs the daily run's tables and tests "
                             "again under EXPLAIN ANALYZE, about as long as the daily run)")
    parser.add_argument("--keep-full-build", type=Path, metavar="FILE",
                        help="after the full build, copy the database to FILE (DuckDB only; the day's rows are "
                             "still held back in schema benchmark_withheld), so the daily run can be profiled "
                             "again without a new full build: copy FILE back, land the rows "
                             "(leadflow_tools.benchmark_build.land_withheld_rows) and run `dbt build` at the anchor")
    args = parser.parse_args(argv)
    database = args.database or PROJECT_ROOT / "target" / "benchmark" / f"leadflow_{args.leads}x{args.events_per_lead}.duckdb"
    result = run(
        args.leads, args.events_per_lead, args.seed, args.anchor_date, database, args.target, args.intent_repeat,
        measure_reads=not args.no_read_count, keep_full_build=args.keep_full_build,
    )
    print(report(result))
    out = PROJECT_ROOT / "target" / "benchmark" / f"build_{args.leads}x{args.events_per_lead}_{args.target}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(result), indent=2))
    print(f"written {out}")
    return 0 if result.completed else 1
