"""Benchmark the intent models against a bare decay aggregate over the same events.

Both run in the same process against the same DuckDB file, alternating, `--repeat` times, so
machine noise hits both alike; the report is the ratio of medians.
  intent models : fct_intent_signals as dbt compiles it (key matching, consent, daily caps,
                  one row per event) plus the per-person sum dim_leads takes from it
  bare aggregate: select lead_key, sum(base_points * 0.5 ^ (age / half_life)) over the same
                  events (int_intent__activity resolved to people through
                  int_identity__event_handles, as the model does) and the same signal matches
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from . import PROJECT_ROOT, add_database_argument
from .dbt import run_dbt

COMPILED = PROJECT_ROOT / "target" / "benchmark" / "compiled" / "leadflow" / "models" / "marts" / "scoring"

BARE_SQL = """
create or replace temp table bench_bare as
with events as (
    select * from intermediate.int_intent__activity where occurred_at <= timestamp '{as_of}'
),
handles as (
    select * from intermediate.int_identity__event_handles
),
activity as (
    select coalesce(named.lead_key, anonymous.lead_key) as lead_key, e.source, e.signal_key, e.occurred_at
    from events e
    left join handles named on e.handle_type = named.handle_type and e.handle_id = named.handle_id
    left join handles anonymous on anonymous.handle_type = 'segment_anonymous' and e.anonymous_id = anonymous.handle_id
    where coalesce(named.lead_key, anonymous.lead_key) is not null
),
keys as (
    select k.source, k.signal_key, s.base_points, s.half_life_days,
           row_number() over (partition by k.source, k.signal_key order by s.priority) as rn
    from (select distinct source, signal_key from activity) k
    join config.intent_signals s on s.source = k.source and regexp_matches(lower(k.signal_key), s.match_pattern)
)
select a.lead_key,
       sum(k.base_points * pow(0.5, (epoch(timestamp '{as_of}') - epoch(a.occurred_at)) / 86400.0 / k.half_life_days))
           as intent_points
from activity a
join keys k on k.source = a.source and k.signal_key = a.signal_key and k.rn = 1
group by a.lead_key
"""


@dataclass
class BenchmarkResult:
    database: str
    as_of: str
    repeat: int
    events_scored: int
    persons: int
    intent_models_seconds: list[float]
    bare_aggregate_seconds: list[float]
    median_intent_models_seconds: float
    median_bare_aggregate_seconds: float
    ratio: float


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    started = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - started


def run(database: Path, as_of: str, repeat: int, progress: Callable[[str], None] = print) -> BenchmarkResult:
    """Compile fct_intent_signals for `as_of`, then time it and the bare aggregate alternately."""
    progress("compiling fct_intent_signals ...")
    run_dbt(
        ["compile", "--select", "fct_intent_signals"],
        database,
        {"as_of": as_of},
        target_path=PROJECT_ROOT / "target" / "benchmark",
    )
    model_sql = (COMPILED / "fct_intent_signals.sql").read_text()
    intent_sql = (
        f"create or replace temp table bench_signals as {model_sql};\n"
        "create or replace temp table bench_intent as select lead_key, "
        "sum(case when not is_excluded then decayed_points else 0 end) as intent_points "
        "from bench_signals group by lead_key"
    )
    bare_sql = BARE_SQL.format(as_of=as_of)
    con = duckdb.connect(str(database), read_only=True)
    intent_times: list[float] = []
    bare_times: list[float] = []
    try:
        con.execute("set preserve_insertion_order = false")
        for attempt in range(1, repeat + 1):
            intent_times.append(_timed(con, intent_sql))
            bare_times.append(_timed(con, bare_sql))
            progress(f"[{attempt}/{repeat}] intent models {intent_times[-1]:.2f}s, bare aggregate {bare_times[-1]:.2f}s")
        events = con.execute("select count(*) from bench_signals").fetchone()
        persons = con.execute("select count(*) from bench_intent").fetchone()
    finally:
        con.close()
    intent_median = statistics.median(intent_times)
    bare_median = statistics.median(bare_times)
    return BenchmarkResult(
        database=str(database),
        as_of=as_of,
        repeat=repeat,
        events_scored=int(events[0]) if events else 0,
        persons=int(persons[0]) if persons else 0,
        intent_models_seconds=[round(t, 3) for t in intent_times],
        bare_aggregate_seconds=[round(t, 3) for t in bare_times],
        median_intent_models_seconds=round(intent_median, 3),
        median_bare_aggregate_seconds=round(bare_median, 3),
        ratio=round(intent_median / bare_median, 2),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmark_intent",
        description=(
            "Time leadflow's intent scoring (fct_intent_signals and the per-person sum) against a "
            "bare decay aggregate over the same events, alternating in one process. Needs a "
            "database already built with `dbt build` (e.g. after `make demo LEADS=1000000`). "
            "Prints a table and writes target/benchmark_intent.json."
        ),
    )
    add_database_argument(parser)
    parser.add_argument("--as-of", required=True, help="the as_of the database was built at, 'YYYY-MM-DD HH:MM:SS'")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each (default 3)")
    args = parser.parse_args(argv)
    result = run(args.database, args.as_of, args.repeat)
    out = PROJECT_ROOT / "target" / "benchmark_intent.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(result), indent=2))
    print(f"\n{'what':<40}{'median s':>10}")
    print(f"{'intent models (fct_intent_signals + sum)':<40}{result.median_intent_models_seconds:>10.2f}")
    print(f"{'bare decay aggregate':<40}{result.median_bare_aggregate_seconds:>10.2f}")
    print(f"{'ratio':<40}{result.ratio:>10.2f}")
    print(f"events scored: {result.events_scored:,}; persons: {result.persons:,}; written {out}")
    return 0
