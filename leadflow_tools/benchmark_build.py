"""Benchmark the whole project: full build, a daily incremental run, partial parse, intent vs bare.

  1. generate --leads x --events-per-lead (skipped when the database holds that data already)
  2. full build (`dbt build --full-refresh`) at as_of = the anchor minus one day
  3. the daily run: `dbt build` at as_of = the anchor, one day of new events later
  4. full and partial parse (`dbt parse` with nothing changed): the wall time and dbt's own
     parse phase (perf_info.json), and the floor: importing dbt alone
  5. intent models against the bare scan + aggregate (leadflow_tools.benchmark), same process
Per step: wall time and the peak memory (max RSS) of the dbt process; per model: time from
run_results.json. Prints a table and writes target/benchmark/build_<leads>x<events>_<target>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from . import PROJECT_ROOT, add_generated_data_arguments
from .benchmark import INTENT_MODELS
from .benchmark import report as intent_report
from .benchmark import run as run_intent_benchmark
from .dbt import dbt_environment, dbt_executable
from .generator import GeneratorConfig, generate
from .generator.shapes import Shape

# Runs a command and prints the peak RSS (KiB) of its process tree on the last line.
RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
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


def _dbt_step(
    name: str, args: Sequence[str], database: Path, target_dir: Path, as_of: str, target: str, env: dict[str, str]
) -> Step:
    command = [
        sys.executable, "-c", RSS_WRAPPER, dbt_executable(), *args,
        "--target", target, "--target-path", str(target_dir), "--vars", json.dumps({"as_of": as_of}),
    ]
    perf_info = target_dir / "perf_info.json"
    perf_info.unlink(missing_ok=True)  # a parse step reports only the file its own dbt process wrote
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, env={**dbt_environment(database), **env}, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        tail = "\n".join(completed.stdout.splitlines()[-40:])
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{tail}")
    peak_kib = int(completed.stdout.strip().splitlines()[-1])
    slowest: list[tuple[str, float]] = []
    intent_seconds = None
    results = target_dir / "run_results.json"
    if args[0] in {"build", "run"} and results.exists():
        timings = [
            (str(r["unique_id"]).split(".")[-1], float(r["execution_time"]))
            for r in json.loads(results.read_text())["results"]
        ]
        slowest = sorted(timings, key=lambda item: -item[1])[:8]
        intent_seconds = round(sum(t for n, t in timings if n in INTENT_MODELS), 2)
    parse_seconds = None
    if args[0] == "parse" and perf_info.exists():
        parse_seconds = round(float(json.loads(perf_info.read_text())["load_all_elapsed"]), 2)
    peak_mb = None if target == "spark" else round(peak_kib / 1024, 1)
    return Step(
        name, round(seconds, 2), peak_mb, [(n, round(t, 2)) for n, t in slowest], intent_seconds, parse_seconds
    )


def run(
    leads: int, events_per_lead: int, seed: int, anchor: date, database: Path, target: str, intent_repeat: int
) -> BuildBenchmark:
    config = GeneratorConfig(leads=leads, events_per_lead=events_per_lead, seed=seed, anchor_date=anchor)
    result = BuildBenchmark(leads, events_per_lead, target, str(database))
    if not _generated_matches(database, config):
        print(f"generating {leads:,} leads x {events_per_lead} events into {database} ...", flush=True)
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        generate(config, database, progress=lambda line: print(f"  {line}", flush=True))
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
        ("full build", ["build", "--full-refresh"], day_before),
        ("daily incremental build", ["build"], as_of),
        ("full parse", ["parse", "--no-partial-parse"], as_of),
        ("partial parse", ["parse"], as_of),
    ]
    for name, args, step_as_of in plan:
        print(f"{name} (as_of {step_as_of}) ...", flush=True)
        step = _dbt_step(name, args, database, target_dir, step_as_of, target, env)
        parse_phase = "" if step.dbt_parse_seconds is None else f", dbt's parse phase {step.dbt_parse_seconds:.2f} s"
        print(f"  {step.seconds:.1f} s, peak {_megabytes(step.peak_rss_mb)}{parse_phase}", flush=True)
        result.steps.append(step)
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
        lines.append(
            f"{step.name:<28}{step.seconds:>10.1f}{_megabytes(step.peak_rss_mb):>10}{step.seconds / full.seconds:>15.1%}"
        )
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
    for step in result.steps:
        if step.slowest_models:
            lines.append(f"slowest in {step.name}: " + ", ".join(f"{n} {t:.1f}s" for n, t in step.slowest_models))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark the whole project on generated data: full build, a daily incremental build one day "
            "of events later, full and partial parse, and (DuckDB) the intent models against a bare scan + "
            "aggregate. Wall time and peak memory per step, the slowest models from run_results.json; a "
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
    args = parser.parse_args(argv)
    database = args.database or PROJECT_ROOT / "target" / "benchmark" / f"leadflow_{args.leads}x{args.events_per_lead}.duckdb"
    result = run(args.leads, args.events_per_lead, args.seed, args.anchor_date, database, args.target, args.intent_repeat)
    print(report(result))
    out = PROJECT_ROOT / "target" / "benchmark" / f"build_{args.leads}x{args.events_per_lead}_{args.target}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(result), indent=2))
    print(f"written {out}")
    return 0
