"""Prove the incremental models equal a full refresh: replay days of late-arriving events.

A generated raw database is the world as of its anchor. Event rows arrive when their loader stamp
says (Segment's received_at, Fivetran's _fivetran_synced): most within minutes of the event, a
share (the generator's `late_arrivals`) hours to three days later. For each day the simulation
shows dbt only the event rows whose stamp is at or before that day's as_of, in arrival order as a
loader appends them, builds the incremental models, moves on; at the end it builds the whole project incrementally and, in a
second database, with --full-refresh over the same raw tables, and compares every mart row by row.

What orchestrators do to a daily run is replayed too: on one day the CRM data changes after the
run (people opt out: new lead versions land) and the day is run again at the same as_of; on
another the run is killed mid-way (SIGKILL after a few models) and run again.

dbt runs in-process (dbtRunner) with one parsed manifest reused for every day: a new `--vars`
would otherwise force a full re-parse per day.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from . import PROJECT_ROOT
from .compare import INCREMENTAL_MODELS, difference, mart_tables, table_columns
from .raw_contract import arrival_column


@dataclass(frozen=True)
class EventTable:
    """A raw table whose rows arrive over time: when it happened and the row's id."""

    schema: str
    table: str
    occurred_column: str
    id_column: str


EVENT_TABLES: tuple[EventTable, ...] = (
    EventTable("raw_segment", "pages", '"timestamp"', "id"),
    EventTable("raw_segment", "tracks", '"timestamp"', "id"),
    EventTable("raw_segment", "identifies", '"timestamp"', "id"),
    EventTable("raw_hubspot", "email_event", "created", "id"),
    EventTable("raw_hubspot", "contact_form_submission", '"timestamp"', "conversion_id"),
    EventTable("raw_salesforce", "task", "created_date", "id"),
    EventTable("raw_salesforce", "event", "created_date", "id"),
    EventTable("raw_salesforce", "campaign_member", "created_date", "id"),
    EventTable("raw_hubspot", "engagement_call", "property_hs_timestamp", "engagement_id"),
    EventTable("raw_hubspot", "engagement_email", "property_hs_timestamp", "engagement_id"),
    EventTable("raw_hubspot", "engagement_meeting", "property_hs_timestamp", "engagement_id"),
)

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
# a share of event rows reaches the warehouse this many hours after its loader stamp (within the
# base models' default raw_arrival_lookback_hours of 24, which must cover it)
LANDING_LAG_SHARE = 0.1
LANDING_LAG_HOURS = 20
INCREMENTAL_TESTED = (
    "int_identity__handle_changes", "int_intent__activity", "int_intent__scored_events",
    "int_routing__decision_moments", "int_routing__decision_facts", "fct_routing_decisions",
)


@dataclass
class TableDiff:
    relation: str
    rows: int
    only_incremental: int
    only_full_refresh: int


@dataclass
class SimulationReport:
    days: int
    first_as_of: str
    last_as_of: str
    late_rows: int
    diffs: list[TableDiff] = field(default_factory=list)
    rerun_diffs: list[TableDiff] = field(default_factory=list)
    changed_rerun_day: int | None = None
    opted_out_on_rerun: int = 0
    killed_day: int | None = None
    models_done_before_kill: int = 0

    @property
    def differing_rows(self) -> int:
        return sum(d.only_incremental + d.only_full_refresh for d in self.diffs + self.rerun_diffs)


def load_raw_as_of(source: Path, target: Path, as_of: datetime) -> int:
    """Copy the raw schemas of `source` into `target` as they looked at `as_of`.

    CRM object tables are copied whole (a loader lands current snapshots); event tables keep the
    rows whose loader stamp is at or before as_of, in the order they arrived, except that a
    hash-chosen share (LANDING_LAG_SHARE) reaches the warehouse LANDING_LAG_HOURS after its stamp
    (a warehouse sync that lags: Segment stamps received_at when it receives a message, not when
    the warehouse load runs), which only the base models' raw_arrival_lookback_hours covers.
    Returns how many kept rows arrived late (over an hour after the event).
    """
    con = duckdb.connect(str(target))
    late = 0
    try:
        con.execute(f"attach '{source}' as src (read_only)")
        stamp = as_of.strftime(TIMESTAMP_FORMAT)
        event_names = {(t.schema, t.table): t for t in EVENT_TABLES}
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'src' and table_schema like 'raw_%' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            con.execute(f"create schema if not exists {schema}")
            event = event_names.get((schema, table))
            where = ""
            if event is not None:
                arrival_at = arrival_column(schema)
                lagging = f"(hash(cast({event.id_column} as varchar) || '|landing') % 1000) < {int(LANDING_LAG_SHARE * 1000)}"
                landed = (
                    f"{arrival_at} <= timestamp '{stamp}' and not ({lagging} and "
                    f"{arrival_at} > timestamp '{stamp}' - interval {LANDING_LAG_HOURS} hour)"
                )
                where = f" where {landed} order by {arrival_at}"
                late += int(
                    con.execute(
                        f"select count(*) from src.{schema}.{table} where {landed} "
                        f"and {arrival_at} > {event.occurred_column} + interval 1 hour"
                    ).fetchone()[0]  # type: ignore[index]
                )
            con.execute(f"create or replace table {schema}.{table} as select * from src.{schema}.{table}{where}")
    finally:
        con.close()
    return late


def opt_out_after_the_run(raw: Path, as_of: datetime, people: int = 25) -> int:
    """New versions of `people` Salesforce leads, opted out of email an hour before as_of and
    landed after that day's run had read the old ones. Fivetran stamps a row with the time of the
    sync that wrote it, so the new versions' _fivetran_synced is after every stamp the lead table
    already holds (the replayed CRM tables are the snapshot as landed by the anchor): the base
    model's arrival window sees them, as it would see a real sync. Returns how many were written."""
    con = duckdb.connect(str(raw))
    try:
        stamp = as_of.strftime(TIMESTAMP_FORMAT)
        con.execute(
            "create temp table opted as select * from raw_salesforce.lead "
            "where not coalesce(has_opted_out_of_email, false) and not coalesce(is_deleted, false) "
            f"and email is not null and system_modstamp < timestamp '{stamp}' - interval 2 hour "
            f"order by hash(id) limit {int(people)}"
        )
        con.execute(
            "update opted set has_opted_out_of_email = true, "
            f"system_modstamp = timestamp '{stamp}' - interval 1 hour, "
            "_fivetran_synced = (select max(_fivetran_synced) + interval 1 minute from raw_salesforce.lead)"
        )
        con.execute("insert into raw_salesforce.lead select * from opted")
        return int(con.execute("select count(*) from opted").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def kill_mid_run(database: Path, as_of: datetime, target_path: Path, selector: Sequence[str], after_models: int) -> int:
    """Start `dbt run` in a child process and SIGKILL it once `after_models` models finished.
    Returns how many had finished."""
    from .dbt import dbt_environment, dbt_executable

    command = [
        dbt_executable(), "run", "--select", *selector, "--target-path", str(target_path), "--threads", "1",
        "--vars", json.dumps({"as_of": as_of.strftime(TIMESTAMP_FORMAT)}),
    ]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=dbt_environment(database), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    done = 0
    assert process.stdout is not None
    for line in process.stdout:
        if " OK created " in line or "[OK" in line:
            done += 1
            if done >= after_models:
                process.send_signal(signal.SIGKILL)
                break
    process.wait()
    return done


def compare_databases(incremental: Path, full_refresh: Path, precision: int = 6) -> list[TableDiff]:
    """Row-by-row difference of every mart and incremental model of `full_refresh`, doubles rounded."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        con.execute(f"attach '{full_refresh}' as ful (read_only)")
        diffs = []
        # the incremental models the full-refresh build holds (a test may build a part of the project)
        built = {relation for schema in {schema for schema, _ in INCREMENTAL_MODELS} for relation in
                 mart_tables(con, "ful", schema)}
        incremental_models = [relation for relation in INCREMENTAL_MODELS if relation in built]
        for schema, table in [*incremental_models, *mart_tables(con, "ful")]:
            columns = table_columns(con, "ful", schema, table)
            only_inc, only_ful = difference(
                con, columns, f"inc.{schema}.{table}", f"ful.{schema}.{table}", precision
            )
            rows = con.execute(f"select count(*) from ful.{schema}.{table}").fetchone()
            diffs.append(TableDiff(f"{schema}.{table}", int(rows[0]) if rows else 0, only_inc, only_ful))
        return diffs
    finally:
        con.close()


@contextmanager
def _database(path: Path) -> Iterator[None]:
    previous = os.environ.get("LEADFLOW_DB")
    os.environ["LEADFLOW_DB"] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("LEADFLOW_DB", None)
        else:
            os.environ["LEADFLOW_DB"] = previous


class Dbt:
    """dbt in-process with one parsed manifest: as_of changes per call without a re-parse."""

    def __init__(self, target_path: Path) -> None:
        from dbt.cli.main import dbtRunner
        from dbt.contracts.graph.manifest import Manifest

        os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_ROOT))
        os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        self.common = ["--quiet", "--project-dir", str(PROJECT_ROOT), "--target-path", str(target_path)]
        parsed = dbtRunner().invoke(["parse", *self.common])
        if not parsed.success or not isinstance(parsed.result, Manifest):
            raise RuntimeError(f"dbt parse failed: {parsed.exception}")
        self.runner = dbtRunner(manifest=parsed.result)

    def __call__(self, database: Path, as_of: datetime, *args: str) -> None:
        with _database(database):
            result = self.runner.invoke(
                [
                    *args,
                    *self.common,
                    "--vars",
                    f'{{"as_of": "{as_of.strftime(TIMESTAMP_FORMAT)}"}}',
                ]
            )
        _release_duckdb()
        if not result.success:
            raise RuntimeError(f"dbt {' '.join(args)} at {as_of} failed: {result.exception or result.result}")


def _release_duckdb() -> None:
    """Close the database dbt-duckdb keeps open in this process between invocations.

    It caches one environment (an open DuckDB instance) per process; left open, the file cannot
    be attached by the comparison or reloaded with raw tables.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = getattr(DuckDBConnectionManager, "_ENV", None)
    if environment is not None:
        environment.close()
        DuckDBConnectionManager._ENV = None


def simulate(
    source: Path,
    workdir: Path,
    last_as_of: datetime,
    days: int,
    progress: Callable[[str], None] = print,
    incremental_selector: Sequence[str] = (
        "+int_intent__scored_events", "+fct_routing_decisions", "+fct_lead_stage_history"
    ),
    changed_rerun_day: int | None = 10,
    killed_day: int | None = 20,
) -> SimulationReport:
    """Build `days` days incrementally up to `last_as_of`, then compare with a full refresh.

    On `changed_rerun_day` people opt out after the run and the day is run again; on
    `killed_day` the run is killed mid-way and run again (None: not replayed)."""
    incremental_db = workdir / "incremental" / "leadflow.duckdb"
    full_db = workdir / "full_refresh" / "leadflow.duckdb"
    for path in (incremental_db, full_db):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    raw = workdir / "raw-replayed.duckdb"  # the source is changed mid-way: never touch the caller's
    shutil.copy(source, raw)
    dbt = Dbt(workdir / "target")
    first_as_of = last_as_of - timedelta(days=days)
    selector = ["--select", *incremental_selector]
    report = SimulationReport(days, first_as_of.strftime(TIMESTAMP_FORMAT), last_as_of.strftime(TIMESTAMP_FORMAT), 0)

    load_raw_as_of(raw, incremental_db, first_as_of)
    dbt(incremental_db, first_as_of, "seed")
    dbt(incremental_db, first_as_of, "run", *selector)
    progress(f"day 0  {first_as_of:%Y-%m-%d}: first build of the incremental models")
    for day in range(1, days + 1):
        as_of = first_as_of + timedelta(days=day)
        load_raw_as_of(raw, incremental_db, as_of)
        if day == killed_day:
            report.killed_day = day
            report.models_done_before_kill = kill_mid_run(
                incremental_db, as_of, workdir / "target-killed", incremental_selector, after_models=4
            )
            progress(f"day {day:<2} {as_of:%Y-%m-%d}: run killed after {report.models_done_before_kill} models")
        dbt(incremental_db, as_of, "run", *selector)
        progress(f"day {day:<2} {as_of:%Y-%m-%d}: incremental run")
        if day == changed_rerun_day:
            report.changed_rerun_day = day
            report.opted_out_on_rerun = opt_out_after_the_run(raw, as_of)
            load_raw_as_of(raw, incremental_db, as_of)
            dbt(incremental_db, as_of, "run", *selector)
            progress(f"day {day:<2} {as_of:%Y-%m-%d}: {report.opted_out_on_rerun} people opted out; run again")
    dbt(incremental_db, last_as_of, "run")
    # the incremental models' own tests (unique keys) after the reruns and the kill
    dbt(incremental_db, last_as_of, "test", "--select", *INCREMENTAL_TESTED)
    progress("incremental database: whole project built at the last as_of; incremental models' tests pass")

    report.late_rows = load_raw_as_of(raw, full_db, last_as_of)
    dbt(full_db, last_as_of, "seed")
    dbt(full_db, last_as_of, "run", "--full-refresh")
    progress("full-refresh database: built from the same raw tables")
    report.diffs = compare_databases(incremental_db, full_db)

    dbt(incremental_db, last_as_of, "run", *selector)
    dbt(incremental_db, last_as_of, "run")
    progress("incremental database: the last day run again")
    report.rerun_diffs = compare_databases(incremental_db, full_db)
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=(
            "Replay days of late-arriving events through the incremental models and prove they "
            "equal a --full-refresh build: generates a small raw dataset (or reads --source), builds "
            "--days days one by one with as_of moving forward (event rows arriving when their loader "
            "stamp says: --late-share of them hours to three days late; a third of the way in people opt out after the run and the day "
            "is run again; two thirds of the way in the run is killed mid-way and run again: days "
            "10 and 20 of 30), builds the whole project, "
            "then compares every mart with a full refresh over the same raw tables, and again after "
            "re-running the last day. "
            "Exit status 1 when any row differs."
        )
    )
    parser.add_argument("--source", type=Path, help="generated raw database to replay (default: generate one)")
    parser.add_argument("--leads", type=int, default=800, help="leads to generate without --source (800)")
    parser.add_argument("--events-per-lead", type=int, default=20, help="events per lead to generate (20)")
    parser.add_argument("--seed", type=int, default=11, help="generator seed (11)")
    parser.add_argument(
        "--as-of",
        default="2026-11-01 00:00:00",
        help="the last day's as_of, UTC 'YYYY-MM-DD HH:MM:SS' (default 2026-11-01 00:00:00; the anchor of generated data)",
    )
    parser.add_argument("--days", type=int, default=30, help="days replayed one by one (30)")
    parser.add_argument(
        "--late-share", type=float, default=0.15,
        help="share of generated rows loaded hours to three days late (the generator's late_arrivals; 0.15)",
    )
    parser.add_argument("--workdir", type=Path, help="where the two databases go (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    last_as_of = datetime.strptime(args.as_of, TIMESTAMP_FORMAT)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="leadflow-incremental-"))
    workdir.mkdir(parents=True, exist_ok=True)
    source = args.source
    if source is None:
        from .generator import GeneratorConfig, generate
        from .generator.config import DirtRates

        source = workdir / "raw.duckdb"
        source.unlink(missing_ok=True)
        config = GeneratorConfig(
            leads=args.leads, events_per_lead=args.events_per_lead, seed=args.seed, anchor_date=last_as_of.date(),
            dirt=replace(DirtRates(), late_arrivals=args.late_share),
        )
        generate(config, source, progress=lambda _line: None)
        print(f"generated {args.leads} leads x {args.events_per_lead} events into {source}")
    report = simulate(
        source, workdir, last_as_of, args.days, progress=lambda line: print(line, flush=True),
        changed_rerun_day=max(1, args.days // 3), killed_day=max(2, 2 * args.days // 3),
    )

    print(f"\n{report.late_rows} event rows arrived late; {report.days} days replayed")
    print(f"{'relation':<45} {'rows':>9} {'only incr.':>11} {'only full':>10} {'after rerun':>12}")
    for diff, rerun in zip(report.diffs, report.rerun_diffs, strict=True):
        changed = rerun.only_incremental + rerun.only_full_refresh
        print(
            f"{diff.relation:<45} {diff.rows:>9} {diff.only_incremental:>11} {diff.only_full_refresh:>10} {changed:>12}"
        )
    print(f"\ndiffering rows: {report.differing_rows}")
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2))
    return 1 if report.differing_rows else 0


if __name__ == "__main__":
    sys.exit(main())
