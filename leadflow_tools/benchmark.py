"""Benchmark the intent models against a bare decay aggregate over the same events.

All timings alternate in one process against the same DuckDB file, `--repeat` times, so machine
noise hits them alike; ratios are of medians.
  bare aggregate : select lead_key, sum(base_points * 0.5 ^ (age / half_life)) over the same
                   events (int_intent__activity resolved to people through
                   int_identity__event_handles, as the model does) and the same signal matches
  read           : the per-person sum dim_leads takes from fct_intent_signals (a view: decay at
                   as_of over int_intent__scored_events)
  full rescoring : int_intent__scored_events as dbt compiles it for a --full-refresh (key
                   matching, consent, daily caps, one row per event), materialised
  daily models   : (with `daily`) `dbt run` of int_identity__handle_changes and
                   int_intent__scored_events, incremental at the same as_of: the day's window
                   rescored (idempotent), summed from run_results.json (dbt start-up excluded)
Two ratios: a full rebuild (full rescoring + read) and a daily run (daily models + read), each
over the bare aggregate. The three in-process queries run under the profile's memory_limit and
temp_directory, as dbt's do (before 2026-12-05 they ran without a limit: the 1M full rescoring
took the process to 16.9 GB, measured alone).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from . import PROJECT_ROOT, add_database_argument
from .dbt import run_dbt
from .warehouse import connect_within_budget

COMPILED = PROJECT_ROOT / "target" / "benchmark" / "compiled" / "leadflow" / "models" / "intermediate" / "intent"

# The incremental intent models a daily run maintains (their run_results times make the daily cost).
INTENT_MODELS: tuple[str, ...] = ("int_identity__handle_changes", "int_intent__scored_events")

READ_SQL = """
create or replace temp table bench_read as
select lead_key, sum(case when not is_excluded then decayed_points else 0 end) as intent_points
from {relation}
group by lead_key
"""

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
    full_rescoring_seconds: list[float]
    read_seconds: list[float]
    bare_aggregate_seconds: list[float]
    median_full_rescoring_seconds: float
    median_read_seconds: float
    median_bare_aggregate_seconds: float
    full_ratio: float
    daily_models_seconds: list[float] = field(default_factory=list)
    median_daily_models_seconds: float | None = None
    daily_ratio: float | None = None


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    started = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - started


def _daily_models_seconds(database: Path, as_of: str) -> float:
    """Run INTENT_MODELS incrementally at `as_of`; their execution time from run_results.json."""
    target_path = PROJECT_ROOT / "target" / "benchmark" / "intent_daily"
    run_dbt(["run", "--select", *INTENT_MODELS], database, {"as_of": as_of}, target_path=target_path)
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return sum(float(r["execution_time"]) for r in results)


def run(
    database: Path,
    as_of: str,
    repeat: int,
    daily: bool = False,
    progress: Callable[[str], None] = print,
) -> BenchmarkResult:
    """Time the full rescoring, the read and the bare aggregate (and with `daily` the incremental
    run of INTENT_MODELS) alternately at `as_of`. `database` must hold a build at that as_of.
    """
    progress("compiling int_intent__scored_events for a full refresh ...")
    run_dbt(
        ["compile", "--select", "int_intent__scored_events", "--full-refresh"],
        database,
        {"as_of": as_of},
        target_path=PROJECT_ROOT / "target" / "benchmark",
    )
    model_sql = (COMPILED / "int_intent__scored_events.sql").read_text()
    full_sql = f"create or replace temp table bench_scored as {model_sql}"
    read_sql = READ_SQL.format(relation="marts.fct_intent_signals")
    bare_sql = BARE_SQL.format(as_of=as_of)
    full_times: list[float] = []
    read_times: list[float] = []
    bare_times: list[float] = []
    daily_times: list[float] = []
    for attempt in range(1, repeat + 1):
        if daily:
            # dbt writes to the file: no connection of ours may be open meanwhile
            daily_times.append(_daily_models_seconds(database, as_of))
        con = connect_within_budget(database, read_only=True)
        try:
            con.execute("set preserve_insertion_order = false")
            full_times.append(_timed(con, full_sql))
            read_times.append(_timed(con, read_sql))
            bare_times.append(_timed(con, bare_sql))
            events = con.execute("select count(*) from bench_scored").fetchone()
            persons = con.execute("select count(*) from bench_read").fetchone()
        finally:
            con.close()
        daily_note = f"daily models {daily_times[-1]:.2f}s, " if daily else ""
        progress(
            f"[{attempt}/{repeat}] {daily_note}full rescoring {full_times[-1]:.2f}s, read {read_times[-1]:.2f}s, "
            f"bare aggregate {bare_times[-1]:.2f}s"
        )
    full_median = statistics.median(full_times)
    read_median = statistics.median(read_times)
    bare_median = statistics.median(bare_times)
    result = BenchmarkResult(
        database=str(database),
        as_of=as_of,
        repeat=repeat,
        events_scored=int(events[0]) if events else 0,
        persons=int(persons[0]) if persons else 0,
        full_rescoring_seconds=[round(t, 3) for t in full_times],
        read_seconds=[round(t, 3) for t in read_times],
        bare_aggregate_seconds=[round(t, 3) for t in bare_times],
        median_full_rescoring_seconds=round(full_median, 3),
        median_read_seconds=round(read_median, 3),
        median_bare_aggregate_seconds=round(bare_median, 3),
        full_ratio=round((full_median + read_median) / bare_median, 2),
    )
    if daily_times:
        daily_median = statistics.median(daily_times)
        result.daily_models_seconds = [round(t, 3) for t in daily_times]
        result.median_daily_models_seconds = round(daily_median, 3)
        result.daily_ratio = round((daily_median + read_median) / bare_median, 2)
    return result


def report(result: BenchmarkResult) -> str:
    lines = [
        f"{'intent (median of ' + str(result.repeat) + ')':<44}{'seconds':>10}{'x bare':>10}",
        f"{'bare decay aggregate':<44}{result.median_bare_aggregate_seconds:>10.2f}{1:>10.2f}",
        f"{'read: per-person sum over fct_intent_signals':<44}{result.median_read_seconds:>10.2f}"
        f"{result.median_read_seconds / result.median_bare_aggregate_seconds:>10.2f}",
        f"{'full rebuild: rescoring + read':<44}"
        f"{result.median_full_rescoring_seconds + result.median_read_seconds:>10.2f}{result.full_ratio:>10.2f}",
    ]
    if result.median_daily_models_seconds is not None and result.daily_ratio is not None:
        lines.append(
            f"{'daily run: incremental models + read':<44}"
            f"{result.median_daily_models_seconds + result.median_read_seconds:>10.2f}{result.daily_ratio:>10.2f}"
        )
    lines.append(f"events scored: {result.events_scored:,}; persons: {result.persons:,}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmark_intent",
        description=(
            "Time leadflow's intent scoring (a full rescoring of int_intent__scored_events, and the "
            "per-person sum over the fct_intent_signals view) against a bare decay aggregate over the "
            "same events, alternating in one process. Needs a "
            "database already built with `dbt build` (e.g. after `make demo LEADS=1000000`). "
            "Prints a table and writes target/benchmark_intent.json."
        ),
    )
    add_database_argument(parser)
    parser.add_argument("--as-of", required=True, help="the as_of the database was built at, 'YYYY-MM-DD HH:MM:SS'")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each (default 3)")
    parser.add_argument("--daily", action="store_true",
                        help="also time `dbt run` of " + " and ".join(INTENT_MODELS) + " incrementally at "
                             "--as-of before each repeat (writes to the database; adds the daily ratio)")
    args = parser.parse_args(argv)
    result = run(args.database, args.as_of, args.repeat, args.daily)
    out = PROJECT_ROOT / "target" / "benchmark_intent.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(result), indent=2))
    print(report(result))
    print(f"written {out}")
    return 0
