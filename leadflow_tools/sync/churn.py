"""How many people a daily sync sends, and why: the reverse-ETL churn measurement.

Builds the sync models at `as_of` = the first day (full refresh) and takes every record's values
as written (a full first push). Then, day by day up to the last day, builds them the way
production does (an incremental run at the next day's as_of) and asks `changes.changed_records`
what a sync would send against the values last written; the records sent become the written
state for the next day, so scores that creep a few points a day are sent once they have moved
far enough, as in production. Counts per day, target, reason and score threshold. The share
reported is distinct people with at least one record sent over all people (dim_leads): the
figure the README's churn table shows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from ..dbt import run_dbt
from .changes import changed_records
from .config import Target
from .records import Values
from .state import load_targets, read_model

SYNC_MODELS = ("sync_salesforce__lead_scores", "sync_salesforce__contact_scores", "sync_hubspot__contact_scores")
DEFAULT_THRESHOLDS = (5.0, 10.0, 15.0, 20.0, 1000.0)
CATEGORICAL_ONLY = 100.0  # a threshold at or above this never fires: scores are 0-100

Written = dict[str, dict[str, Values]]  # target -> record id -> values last written


@dataclass(frozen=True)
class Snapshot:
    """One day's build: each target's sync model, each record's person, who round robin dealt."""

    values: dict[str, dict[str, Values]]
    person_of: dict[tuple[str, str], str]
    people: int
    round_robin: dict[str, str]  # lead_key -> rep
    owners: dict[str, str]  # lead_key -> routed owner, everyone routing gives one


@dataclass
class ThresholdResult:
    threshold: float
    records_sent: int
    people_sent: int
    share_of_people: float
    people_sent_without_acting: int
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class DayResult:
    as_of: str
    people: int
    people_acting: int
    round_robin_both_days: int
    round_robin_moved: int
    owners_both_days: int
    owners_moved: int
    results: list[ThresholdResult]


@dataclass
class ChurnReport:
    first_day: str
    days: list[DayResult]
    shipped_threshold: float  # the score_change_threshold most targets carry in seeds/sync_targets.csv

    def shares(self, threshold: float) -> list[float]:
        return [r.share_of_people for day in self.days for r in day.results if r.threshold == threshold]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def reason_kind(why: str) -> str:
    """'intent_score moved +12.3' -> 'intent_score moved'; other reasons unchanged."""
    return why.split(" moved ")[0] + " moved" if " moved " in why else why


def snapshot(con: duckdb.DuckDBPyConnection, targets: Sequence[Target]) -> Snapshot:
    values = {target.name: read_model(con, target) for target in targets}
    person_of = {
        (str(t), str(r)): str(k)
        for t, r, k in con.execute(
            "select sync_target, record_id, lead_key from intermediate.int_sync__crm_records"
        ).fetchall()
    }
    (people,) = con.execute("select count(*) from marts.dim_leads").fetchone() or (0,)
    round_robin = {
        str(key): str(rep)
        for key, rep in con.execute(
            "select lead_key, assigned_owner_id from marts.fct_lead_routing where assignment_method = 'round_robin'"
        ).fetchall()
    }
    owners = {
        str(key): str(owner)
        for key, owner in con.execute(
            "select lead_key, assigned_owner_id from marts.fct_lead_routing where assigned_owner_id is not null"
        ).fetchall()
    }
    return Snapshot(values, person_of, int(people), round_robin, owners)


def round_robin_moves(before: Snapshot, after: Snapshot) -> tuple[int, int]:
    """(people dealt by round robin on both days, of them proposed to another rep the second day)."""
    both = before.round_robin.keys() & after.round_robin.keys()
    return len(both), sum(before.round_robin[key] != after.round_robin[key] for key in both)


def owner_moves(before: Snapshot, after: Snapshot) -> tuple[int, int]:
    """(people routed to an owner on both days, of them routed to another owner the second day)."""
    both = before.owners.keys() & after.owners.keys()
    return len(both), sum(before.owners[key] != after.owners[key] for key in both)


def sync_day(
    targets: Sequence[Target],
    written: Written,
    today: Snapshot,
    threshold: float,
    acting: frozenset[str] = frozenset(),
) -> ThresholdResult:
    """What a sync at `threshold` sends against `written`, which it then updates like an accepted push.

    `acting` names the people with an intent event since the previous day.
    """
    reasons: Counter[str] = Counter()
    records = 0
    people: set[str] = set()
    for target in targets:
        at_threshold = replace(target, score_change_threshold=threshold)
        target_written = written.setdefault(target.name, {})
        for change in changed_records(at_threshold, today.values[target.name], target_written):
            records += 1
            reasons[f"{target.name}: {reason_kind(change.why)}"] += 1
            people.add(today.person_of.get((target.name, change.record_id), f"{target.name}:{change.record_id}"))
            target_written[change.record_id] = change.values
    share = len(people) / today.people if today.people else 0.0
    return ThresholdResult(threshold, records, len(people), round(share, 4), len(people - acting), dict(reasons.most_common()))


def people_acting(con: duckdb.DuckDBPyConnection, since: str, until: str) -> frozenset[str]:
    """People with a counted intent event after `since`, up to `until`."""
    rows = con.execute(
        "select distinct lead_key from marts.fct_intent_signals "
        "where occurred_at > cast(? as timestamp) and occurred_at <= cast(? as timestamp) and not is_excluded",
        [since, until],
    ).fetchall()
    return frozenset(str(key) for (key,) in rows)


def build(database: Path, as_of: str, full_refresh: bool, target_path: Path | None = None) -> None:
    """dbt run of the sync models and their lineage at as_of; a full refresh loads the seeds first."""
    if full_refresh:  # as_of too: on-run-start checks it for every command (macros/run_guards.sql)
        run_dbt(["seed", "--quiet"], database, dbt_vars={"as_of": as_of}, target_path=target_path)
    selector = " ".join(f"+{model}" for model in SYNC_MODELS)
    args = ["run", "--select", selector, "--quiet"] + (["--full-refresh"] if full_refresh else [])
    run_dbt(args, database, dbt_vars={"as_of": as_of}, target_path=target_path)


def measure(
    database: Path,
    last_day: str,
    days: int = 1,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    target_path: Path | None = None,
) -> ChurnReport:
    """Rebuilds `database` at `days` days before `last_day`, then once a day up to it."""
    end = datetime.fromisoformat(last_day)
    stamps = [(end - timedelta(days=days - k)).isoformat(sep=" ") for k in range(days + 1)]
    print(f"day 0, {stamps[0]}: full refresh, every record written ...", file=sys.stderr, flush=True)
    build(database, stamps[0], full_refresh=True, target_path=target_path)
    with duckdb.connect(str(database), read_only=True) as con:
        targets = load_targets(con, grain="person")  # churn is measured per person
        previous = snapshot(con, targets)
    written = {threshold: {name: dict(values) for name, values in previous.values.items()} for threshold in thresholds}
    results = []
    for number, stamp in enumerate(stamps[1:], start=1):
        print(f"day {number} of {days}, {stamp}: incremental run ...", file=sys.stderr, flush=True)
        build(database, stamp, full_refresh=False, target_path=target_path)
        with duckdb.connect(str(database), read_only=True) as con:
            today = snapshot(con, targets)
            acting = people_acting(con, stamps[number - 1], stamp)
        per_threshold = [sync_day(targets, written[t], today, t, acting) for t in thresholds]
        results.append(
            DayResult(
                stamp, today.people, len(acting), *round_robin_moves(previous, today), *owner_moves(previous, today),
                per_threshold,
            )
        )
        previous = today
    shipped = statistics.mode(target.score_change_threshold for target in targets)
    return ChurnReport(stamps[0], results, shipped)


def _label(threshold: float) -> str:
    return "categorical only" if threshold >= CATEGORICAL_ONLY else f"{threshold:g} points"


def render(report: ChurnReport) -> str:
    thresholds = [r.threshold for r in report.days[0].results]
    lines = [f"daily reverse-ETL churn after a full first push at {report.first_day}: share of people sent"]
    lines.append(f"{'day (as_of)':<20} {'people':>7} {'acting':>7} " + " ".join(f"{_label(t):>17}" for t in thresholds)
                 + f" {'RR moved':>9} {'owner moved':>12}")
    for day in report.days:
        cells = " ".join(
            f"{r.share_of_people:>7.1%} ({r.records_sent:>5} rec)" for r in day.results
        )
        lines.append(
            f"{day.as_of[:19]:<20} {day.people:>7} {day.people_acting / max(day.people, 1):>7.1%} {cells} "
            f"{day.round_robin_moved:>4}/{day.round_robin_both_days:<4} {day.owners_moved:>5}/{day.owners_both_days:<6}"
        )
    if len(report.days) > 1:
        means = " ".join(f"{statistics.mean(report.shares(t)):>17.1%}" for t in thresholds)
        highs = " ".join(f"{max(report.shares(t)):>17.1%}" for t in thresholds)
        lines.append(f"{'mean':<36} {means}")
        lines.append(f"{'max':<36} {highs}")
    lines.append("acting: people with a counted intent event that day; RR moved: people round robin dealt on "
                 "both days whose proposed rep changed; owner moved: people routed to an owner on both days "
                 "whose routed owner changed")
    last = report.days[-1]
    default = next((r for r in last.results if r.threshold == report.shipped_threshold), last.results[0])
    lines.append(
        f"records sent on the last day at {_label(default.threshold)}, by target and reason "
        f"({default.people_sent_without_acting} of {default.people_sent} people sent did not act that day):"
    )
    lines += [f"  {count:>6}  {reason}" for reason, count in default.reasons.items()]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sync_churn.py",
        description=(
            "Measure reverse-ETL churn: build the sync models --days days before --as-of (full refresh) "
            "and treat every value as written, then build them once a day up to --as-of as daily "
            "incremental runs and report, per day, how many records and people scripts/sync_crm.py would "
            "send against the values last written, by target, reason and score threshold. Rebuilds the "
            "sync models' lineage in --database (a copy of generated data: `make data` or "
            "scripts/generate_data.py)."
        ),
    )
    parser.add_argument("--database", type=Path, required=True, help="DuckDB file with generated raw data")
    parser.add_argument(
        "--as-of", required=True, help="the last day, e.g. the generator's anchor date '2026-11-28 00:00:00'"
    )
    parser.add_argument("--days", type=int, default=1, help="daily runs after the first push (default 1)")
    parser.add_argument(
        "--thresholds",
        type=float,
        nargs="+",
        default=list(DEFAULT_THRESHOLDS),
        help=f"score_change_threshold values to try (>= {CATEGORICAL_ONLY:g}: categorical changes only)",
    )
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--target-path", type=Path, help="dbt's target folder (default: target/)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.days < 1:
        print("--days must be at least 1", file=sys.stderr)
        return 2
    report = measure(args.database, args.as_of, args.days, args.thresholds, args.target_path)
    print(render(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    return 0
