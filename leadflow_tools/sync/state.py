"""What was written, what failed, what is in flight: tables in the warehouse (schema leadflow_sync).

  sync_state    per target and CRM record, the values the CRM last accepted (JSON) and when
  sync_errors   per-record errors the API returned (message kept); the record is retried next run
  sync_pending  writes sent but not yet confirmed (a Bulk job id, a HubSpot batch): a run that
                crashed leaves them here and the next run settles them before sending anything
  sync_runs     one row per run and target: counts and outcome

State rows change only for records the API accepted, one transaction per request, so a crash
never marks an unsent record as sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import duckdb

SCHEMA = "leadflow_sync"

DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {SCHEMA}.sync_state (
    target varchar not null,
    record_id varchar not null,
    field_values varchar not null,
    run_id varchar not null,
    synced_at timestamp not null,
    primary key (target, record_id)
);
create table if not exists {SCHEMA}.sync_errors (
    run_id varchar not null,
    target varchar not null,
    record_id varchar,
    status_code integer,
    category varchar,
    message varchar not null,
    occurred_at timestamp not null
);
create table if not exists {SCHEMA}.sync_pending (
    target varchar not null,
    run_id varchar not null,
    reference varchar not null,
    payload_path varchar not null,
    created_at timestamp not null,
    primary key (target, reference)
);
create table if not exists {SCHEMA}.sync_runs (
    run_id varchar not null,
    target varchar not null,
    mode varchar not null,
    started_at timestamp not null,
    finished_at timestamp,
    records integer,
    changed integer,
    sent integer,
    accepted integer,
    rejected integer,
    outcome varchar
);
"""

Values = dict[str, Any]


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Pending:
    target: str
    run_id: str
    reference: str
    payload_path: str


@dataclass(frozen=True)
class RecordError:
    record_id: str | None
    status_code: int | None
    category: str | None
    message: str


@dataclass
class Outcome:
    """What the CRM made of one request: the records it accepted (with their values) and its errors."""

    accepted: dict[str, Values] = field(default_factory=dict)
    errors: list[RecordError] = field(default_factory=list)


class SyncState:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        for statement in DDL.split(";"):
            if statement.strip():
                con.execute(statement)

    def written(self, target: str) -> dict[str, Values]:
        rows = self.con.execute(
            f"select record_id, field_values from {SCHEMA}.sync_state where target = ?", [target]
        ).fetchall()
        return {str(record_id): json.loads(str(values)) for record_id, values in rows}

    def accept(self, target: str, run_id: str, values_by_record: Mapping[str, Values], settled: str | None = None) -> None:
        """Record what the CRM accepted (and drop the pending write it settles) in one transaction."""
        stamp = now()
        self.con.execute("begin transaction")
        try:
            if values_by_record:
                # lists unnested in one statement: executemany costs a round trip per row
                self.con.execute(
                    f"insert or replace into {SCHEMA}.sync_state "
                    "select ?, unnest(?::varchar[]), unnest(?::varchar[]), ?, ?",
                    [
                        target,
                        list(values_by_record),
                        [json.dumps(v, sort_keys=True) for v in values_by_record.values()],
                        run_id,
                        stamp,
                    ],
                )
            if settled is not None:
                self.con.execute(
                    f"delete from {SCHEMA}.sync_pending where target = ? and reference = ?", [target, settled]
                )
            self.con.execute("commit")
        except BaseException:
            self.con.execute("rollback")
            raise

    def record_errors(self, target: str, run_id: str, errors: Iterable[RecordError]) -> None:
        stamp = now()
        rows = [(run_id, target, e.record_id, e.status_code, e.category, e.message, stamp) for e in errors]
        if rows:
            self.con.executemany(f"insert into {SCHEMA}.sync_errors values (?, ?, ?, ?, ?, ?, ?)", rows)

    def add_pending(self, pending: Pending) -> None:
        self.con.execute(
            f"insert or replace into {SCHEMA}.sync_pending values (?, ?, ?, ?, ?)",
            [pending.target, pending.run_id, pending.reference, pending.payload_path, now()],
        )

    def pending(self, target: str) -> list[Pending]:
        rows = self.con.execute(
            f"select target, run_id, reference, payload_path from {SCHEMA}.sync_pending where target = ? "
            "order by created_at",
            [target],
        ).fetchall()
        return [Pending(str(t), str(r), str(ref), str(path)) for t, r, ref, path in rows]

    def drop_pending(self, target: str, reference: str) -> None:
        self.con.execute(f"delete from {SCHEMA}.sync_pending where target = ? and reference = ?", [target, reference])

    def start_run(self, run_id: str, target: str, mode: str) -> None:
        self.con.execute(
            f"insert into {SCHEMA}.sync_runs (run_id, target, mode, started_at) values (?, ?, ?, ?)",
            [run_id, target, mode, now()],
        )

    def finish_run(
        self, run_id: str, target: str, records: int, changed: int, sent: int, accepted: int, rejected: int, outcome: str
    ) -> None:
        self.con.execute(
            f"update {SCHEMA}.sync_runs set finished_at = ?, records = ?, changed = ?, sent = ?, accepted = ?, "
            "rejected = ?, outcome = ? where run_id = ? and target = ?",
            [now(), records, changed, sent, accepted, rejected, outcome, run_id, target],
        )
