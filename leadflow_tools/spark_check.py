"""`make test-spark`: build the whole project on Spark and prove it equals the DuckDB build.

  1. generate small raw data into a DuckDB file (skipped when it already holds that data)
  2. `dbt build --full-refresh` on DuckDB (seeds, models and data tests; the unit tests read
     their own fixtures, not this data, and run in `make test` and the demo)
  3. copy the raw tables into the local Spark warehouse (leadflow_tools.spark load)
  4. `dbt build --full-refresh --target spark` from the same raw data, same as_of: seeds and
     models; the data and unit tests too with --tests (they ran on DuckDB in step 2, and step 5
     proves Spark built the same rows, so by default Spark skips them: they are two thirds of
     the Spark build's time)
  5. export every Spark staging, intermediate and mart relation (the incremental base models
     included) as Parquet and compare each with the DuckDB
     table row by row: doubles rounded to --precision places, zero differing rows expected
Prints a table, writes target/spark/check.json, exits 1 on any difference or dbt failure.
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
from datetime import date, datetime
from pathlib import Path

from . import PROJECT_ROOT, add_generated_data_arguments
from .dbt import DbtError, run_dbt
from .generator import GeneratorConfig, generate
from .spark import SPARK_HOME, EngineDiff, compare_with_duckdb



@dataclass
class SparkCheck:
    leads: int
    events_per_lead: int
    as_of: str
    seconds: dict[str, float] = field(default_factory=dict)
    diffs: list[EngineDiff] = field(default_factory=list)

    @property
    def differing_rows(self) -> int:
        return sum(d.only_duckdb + d.only_spark for d in self.diffs)


def _timed(check: SparkCheck, name: str, started: float) -> None:
    check.seconds[name] = round(time.perf_counter() - started, 1)
    print(f"  {name}: {check.seconds[name]:.1f} s", flush=True)


def _spark_env(home: Path) -> dict[str, str]:
    return {"LEADFLOW_TARGET": "spark", "LEADFLOW_SPARK_HOME": str(home)}


def _python_step(args: Sequence[str], home: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "leadflow_tools.spark", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **_spark_env(home)},
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"leadflow_tools.spark {' '.join(args)} failed:\n{completed.stderr[-4000:]}")


def run(
    leads: int, events_per_lead: int, seed: int, anchor: date, home: Path, precision: int, with_tests: bool = False
) -> SparkCheck:
    as_of = datetime.combine(anchor, datetime.min.time()).strftime("%Y-%m-%d %H:%M:%S")
    check = SparkCheck(leads, events_per_lead, as_of)
    home.mkdir(parents=True, exist_ok=True)
    database = home / "duckdb_build.duckdb"
    config = GeneratorConfig(leads=leads, events_per_lead=events_per_lead, seed=seed, anchor_date=anchor)
    database.unlink(missing_ok=True)
    print(f"generating {leads:,} leads x {events_per_lead} events into {database} ...", flush=True)
    generate(config, database, progress=lambda _line: None)

    print("dbt build on DuckDB ...", flush=True)
    started = time.perf_counter()
    run_dbt(["build", "--full-refresh", "--exclude-resource-type", "unit_test"], database, {"as_of": as_of},
            target_path=home / "dbt_duckdb")
    _timed(check, "duckdb build", started)

    print("loading the raw tables into Spark ...", flush=True)
    started = time.perf_counter()
    _python_step(["load", "--database", str(database)], home)
    _timed(check, "spark load", started)

    built = "seeds, models, data and unit tests" if with_tests else "seeds and models"
    print(f"dbt build on Spark ({built}; progress in logs/dbt.log) ...", flush=True)
    started = time.perf_counter()
    skipped = [] if with_tests else ["--exclude", "resource_type:test", "resource_type:unit_test"]
    run_dbt(
        ["build", "--full-refresh", "--target", "spark", *skipped],
        database,
        {"as_of": as_of},
        target_path=home / "dbt_spark",
        env=_spark_env(home),
    )
    _timed(check, "spark build", started)

    print("comparing every staging, intermediate and mart relation ...", flush=True)
    started = time.perf_counter()
    exported = home / "export"
    schemas = ("staging", "intermediate", "marts")
    _python_step(["export", "--folder", str(exported), *(f"--schema={schema}" for schema in schemas)], home)
    check.diffs = compare_with_duckdb(database, exported, schemas, precision)
    _timed(check, "compare", started)
    return check


def report(check: SparkCheck) -> str:
    lines = [
        f"\nSpark vs DuckDB: {check.leads:,} leads x {check.events_per_lead} events, as_of {check.as_of}",
        f"{'relation':<46}{'duckdb rows':>12}{'spark rows':>12}{'only duckdb':>12}{'only spark':>12}",
    ]
    for diff in check.diffs:
        mark = "" if diff.identical else "  <-- differs"
        lines.append(
            f"{diff.relation:<46}{diff.duckdb_rows:>12,}{diff.spark_rows:>12,}"
            f"{diff.only_duckdb:>12,}{diff.only_spark:>12,}{mark}"
        )
    lines.append(
        f"{len(check.diffs)} relations, {check.differing_rows:,} differing rows; "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in check.seconds.items())
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="spark_check",
        description=(
            "Build the whole project on a local Spark session (dbt-spark, method session) from the same "
            "generated raw data as a DuckDB build (every data test runs on DuckDB; on Spark too, with the unit "
            "tests, with --tests), then compare every staging, intermediate and mart relation row by row (doubles rounded). Needs "
            "Java 17 and the pinned pyspark/dbt-spark. Exits 1 when a relation differs."
        ),
    )
    add_generated_data_arguments(parser, 300, 10, "the as_of of both builds")
    parser.add_argument("--precision", type=int, default=6, help="decimal places doubles are compared at (6)")
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("LEADFLOW_SPARK_HOME", SPARK_HOME)),
                        help="folder for the Spark warehouse, metastore and both builds (target/spark)")
    parser.add_argument("--tests", action="store_true",
                        help="run the data and unit tests on Spark too (about 2.5x the Spark build time)")
    args = parser.parse_args(argv)
    try:
        check = run(
            args.leads, args.events_per_lead, args.seed, args.anchor_date, args.home.resolve(), args.precision,
            with_tests=args.tests,
        )
    except (DbtError, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    print(report(check))
    out = args.home / "check.json"
    out.write_text(json.dumps({**asdict(check), "differing_rows": check.differing_rows}, indent=2))
    print(f"written {out}")
    return 0 if check.differing_rows == 0 and check.diffs else 1
