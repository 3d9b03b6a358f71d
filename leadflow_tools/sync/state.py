"""The only module that talks to the warehouse: config, sync models, marts stamps and sync state.

Tables of schema leadflow_sync:
  sync_state    per target and CRM record, the values the CRM last accepted (JSON) and when
  sync_errors   per-record errors the API returned (message kept; category UNCONFIRMED for a
                write that could not be confirmed); the record is sent again next run
  sync_pending  writes that may have reached the CRM but are not settled yet (a Bulk job id, a
                HubSpot batch reference) with their record ids, typed values (JSON) and the
                sha256 of the payload; the next run settles them before sending anything
  sync_runs     one row per run and target: counts, outcome and message

DuckDB lets one process write a file at a time, and dbt builds need it too: every operation
opens a short-lived connection (connect, do, commit, close), never held while waiting on HTTP.
A file locked by another process is retried for up to `lock_wait` seconds, then WarehouseLocked.
A write is held pending before it is sent and settled (state, errors, pending row) in one
transaction, so a crash never marks an unsent record as sent nor forgets one that was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .changes import plain
from .config import Target, make_targets
from .errors import SyncConfigError, WarehouseLocked
from .records import Outcome, Pending, RecordError, Values

SCHEMA = "leadflow_sync"
LOCK_RETRY_SECONDS = 0.2

PENDING_DDL = f"""
create table if not exists {SCHEMA}.sync_pending (
    target varchar not null,
    run_id varchar not null,
    reference varchar not null,
    record_ids varchar,
    field_values varchar,
    payload_hash varchar,
    created_at timestamp not null,
    primary key (target, reference)
)"""

DDL = [
    f"create schema if not exists {SCHEMA}",
    f"""create table if not exists {SCHEMA}.sync_state (
        target varchar not null, record_id varchar not null, field_values varchar not null,
        run_id varchar not null, synced_at timestamp not null, primary key (target, record_id))""",
    f"""create table if not exists {SCHEMA}.sync_errors (
        run_id varchar not null, target varchar not null, record_id varchar, status_code integer,
        category varchar, message varchar not null, occurred_at timestamp not null)""",
    f"""create table if not exists {SCHEMA}.sync_runs (
        run_id varchar not null, target varchar not null, mode varchar not null, started_at timestamp not null,
        finished_at timestamp, records integer, changed integer, sent integer, accepted integer,
        rejected integer, outcome varchar)""",
    f"alter table {SCHEMA}.sync_runs add column if not exists unconfirmed integer",
    f"alter table {SCHEMA}.sync_runs add column if not exists held integer",
    f"alter table {SCHEMA}.sync_runs add column if not exists message varchar",
]


def now() -> datetime:
    """UTC, naive (as DuckDB timestamps are stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class BuildRun:
    """A row of leadflow_meta.build_runs (maintained by the dbt project)."""

    invocation_id: str
    as_of: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    status: str


@dataclass(frozen=True)
class MartsStamp:
    """What the warehouse says about the build the marts come from."""

    has_build_runs: bool
    latest: BuildRun | None  # the latest build by started_at
    latest_success: BuildRun | None
    as_of_by_table: dict[str, list[datetime]]  # marts tables with an as_of column -> distinct values


@dataclass(frozen=True)
class RunCounts:
    records: int
    changed: int
    sent: int
    accepted: int
    rejected: int
    unconfirmed: int
    held: int
    outcome: str
    message: str


def load_targets(con: duckdb.DuckDBPyConnection, crm: str | None = None, grain: str | None = None) -> list[Target]:
    """The targets of `crm` and `grain` (all when None) from config.sync_targets / sync_fields,
    checked against their built sync models."""
    try:
        rows = con.execute(
            "select target, crm, grain, sync_model, crm_object, record_id_column, score_change_threshold, "
            "records_per_request, max_requests, per_seconds from config.sync_targets "
            "where (? is null or crm = ?) and (? is null or grain = ?) order by target",
            [crm, crm, grain, grain],
        ).fetchall()
        field_rows = con.execute(
            "select crm, grain, field, crm_field_name, change_rule from config.sync_fields order by crm, grain, field"
        ).fetchall()
        column_rows = con.execute(
            "select table_name, lower(column_name) from information_schema.columns where table_schema = 'marts'"
        ).fetchall()
    except duckdb.Error as error:
        raise SyncConfigError(f"seeds sync_targets / sync_fields not found (run dbt build first): {error}") from error
    columns: dict[str, set[str]] = {}
    for table, column in column_rows:
        columns.setdefault(str(table), set()).add(str(column))
    targets = make_targets(rows, field_rows, columns)
    if not targets:
        raise SyncConfigError(f"no sync target for crm {crm!r} in config.sync_targets")
    return targets


def read_model(con: duckdb.DuckDBPyConnection, target: Target) -> dict[str, Values]:
    """record id -> {crm field name: value} from the target's sync model."""
    names = target.field_names
    select = ", ".join([target.record_id_column, *names])
    rows = con.execute(f"select {select} from marts.{target.sync_model}").fetchall()
    return {str(row[0]): {name: plain(value) for name, value in zip(names, row[1:], strict=True)} for row in rows}


def _legacy_values(payload_path: str) -> tuple[str | None, str | None, str | None]:
    """(record ids, values, hash) of an old file-based pending row; Nones when its file is gone."""
    path = Path(payload_path)
    if not path.is_file():
        return None, None, None
    data = path.read_bytes()
    values = json.loads(data)
    return json.dumps(list(values)), json.dumps(values, sort_keys=True), hashlib.sha256(data).hexdigest()


class SyncState:
    """Sync state in the DuckDB file `database`, one short-lived connection per operation."""

    def __init__(
        self,
        database: Path,
        lock_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.lock_wait = lock_wait
        self.sleep = sleep
        self.clock = clock
        with self._transaction() as con:
            for statement in DDL:
                con.execute(statement)
            self._migrate_pending(con)

    # -- connections ---------------------------------------------------------------------------
    def _connect(self) -> duckdb.DuckDBPyConnection:
        started = self.clock()
        while True:
            try:
                return duckdb.connect(str(self.database))
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise
                if self.clock() - started >= self.lock_wait:
                    raise WarehouseLocked(
                        f"{self.database} stayed locked by another process (a dbt build?) for "
                        f"{self.lock_wait:g} s: {error}"
                    ) from None
                self.sleep(LOCK_RETRY_SECONDS)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._connect()
        try:
            con.execute("begin transaction")
            yield con
            con.execute("commit")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            raise
        finally:
            con.close()

    def _migrate_pending(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create sync_pending, or convert the old shape (payload_path to a values file) keeping every row:
        values are imported from files still there; a row whose file is gone keeps null values."""
        columns = {
            str(name)
            for (name,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = 'sync_pending'",
                [SCHEMA],
            ).fetchall()
        }
        if columns and "payload_path" not in columns:
            return
        old = con.execute(
            f"select target, run_id, reference, payload_path, created_at from {SCHEMA}.sync_pending"
        ).fetchall() if columns else []
        if columns:
            con.execute(f"drop table {SCHEMA}.sync_pending")
        con.execute(PENDING_DDL)
        for target, run_id, reference, path, created_at in old:
            con.execute(
                f"insert into {SCHEMA}.sync_pending values (?, ?, ?, ?, ?, ?, ?)",
                [target, run_id, reference, *_legacy_values(str(path)), created_at],
            )

    # -- config, models, marts -----------------------------------------------------------------
    def load_targets(self, crm: str | None = None) -> list[Target]:
        with self._transaction() as con:
            return load_targets(con, crm)

    def read_model(self, target: Target) -> dict[str, Values]:
        with self._transaction() as con:
            return read_model(con, target)

    def marts_stamp(self) -> MartsStamp:
        """The latest dbt builds (leadflow_meta.build_runs, if the project keeps it) and the marts' as_of values."""
        with self._transaction() as con:
            has_runs = bool(con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'leadflow_meta' and table_name = 'build_runs'"
            ).fetchone()[0])  # type: ignore[index]
            latest = success = None
            if has_runs:
                select = ("select invocation_id, cast(as_of as timestamp), started_at, finished_at, status "
                          "from leadflow_meta.build_runs")
                order = " order by started_at desc nulls last limit 1"
                latest = self._build_run(con.execute(select + order).fetchone())
                success = self._build_run(con.execute(select + " where status = 'success'" + order).fetchone())
            tables = [str(t) for (t,) in con.execute(
                "select distinct table_name from information_schema.columns "
                "where table_schema = 'marts' and lower(column_name) = 'as_of' order by 1"
            ).fetchall()]
            as_of = {
                table: [v for (v,) in con.execute(
                    f'select distinct cast(as_of as timestamp) from marts."{table}" where as_of is not null order by 1'
                ).fetchall()]
                for table in tables
            }
        return MartsStamp(has_runs, latest, success, {t: v for t, v in as_of.items() if v})

    @staticmethod
    def _build_run(row: tuple[object, ...] | None) -> BuildRun | None:
        if row is None:
            return None
        invocation, as_of, started, finished, status = row
        return BuildRun(str(invocation), as_of, started, finished, str(status))  # type: ignore[arg-type]

    # -- sync state ----------------------------------------------------------------------------
    def written(self, target: str) -> dict[str, Values]:
        with self._transaction() as con:
            rows = con.execute(
                f"select record_id, field_values from {SCHEMA}.sync_state where target = ?", [target]
            ).fetchall()
        return {str(record_id): json.loads(str(values)) for record_id, values in rows}

    def add_pending(self, pending: Pending) -> None:
        values = pending.values or {}
        with self._transaction() as con:
            con.execute(
                f"insert or replace into {SCHEMA}.sync_pending values (?, ?, ?, ?, ?, ?, ?)",
                [pending.target, pending.run_id, pending.reference, json.dumps(list(values)),
                 json.dumps(values, sort_keys=True), pending.payload_hash, pending.created_at],
            )

    def pending(self, target: str) -> list[Pending]:
        with self._transaction() as con:
            rows = con.execute(
                f"select target, run_id, reference, field_values, payload_hash, created_at from {SCHEMA}.sync_pending "
                "where target = ? order by created_at, reference",
                [target],
            ).fetchall()
        return [
            Pending(str(t), str(r), str(ref), None if v is None else json.loads(str(v)),
                    None if h is None else str(h), created)
            for t, r, ref, v, h, created in rows
        ]

    def drop_pending(self, target: str, reference: str) -> None:
        with self._transaction() as con:
            con.execute(f"delete from {SCHEMA}.sync_pending where target = ? and reference = ?", [target, reference])

    def settle(self, target: str, run_id: str, reference: str | None, outcome: Outcome) -> None:
        """In one transaction: record what the CRM accepted and its errors, and drop the pending write."""
        stamp = now()
        with self._transaction() as con:
            if outcome.accepted:
                # lists unnested in one statement: executemany costs a round trip per row
                con.execute(
                    f"insert or replace into {SCHEMA}.sync_state "
                    "select ?, unnest(?::varchar[]), unnest(?::varchar[]), ?, ?",
                    [target, list(outcome.accepted),
                     [json.dumps(v, sort_keys=True) for v in outcome.accepted.values()], run_id, stamp],
                )
            self._insert_errors(con, target, run_id, outcome.errors, stamp)
            if reference is not None:
                con.execute(f"delete from {SCHEMA}.sync_pending where target = ? and reference = ?", [target, reference])

    def record_errors(self, target: str, run_id: str, errors: Iterable[RecordError]) -> None:
        with self._transaction() as con:
            self._insert_errors(con, target, run_id, errors, now())

    @staticmethod
    def _insert_errors(
        con: duckdb.DuckDBPyConnection, target: str, run_id: str, errors: Iterable[RecordError], stamp: datetime
    ) -> None:
        rows = [[run_id, target, e.record_id, e.status_code, e.category, e.message, stamp] for e in errors]
        if rows:
            con.executemany(f"insert into {SCHEMA}.sync_errors values (?, ?, ?, ?, ?, ?, ?)", rows)

    def start_run(self, run_id: str, target: str, mode: str) -> None:
        with self._transaction() as con:
            con.execute(
                f"insert into {SCHEMA}.sync_runs (run_id, target, mode, started_at) values (?, ?, ?, ?)",
                [run_id, target, mode, now()],
            )

    def finish_run(self, run_id: str, target: str, counts: RunCounts) -> None:
        with self._transaction() as con:
            con.execute(
                f"update {SCHEMA}.sync_runs set finished_at = ?, records = ?, changed = ?, sent = ?, accepted = ?, "
                "rejected = ?, unconfirmed = ?, held = ?, outcome = ?, message = ? where run_id = ? and target = ?",
                [now(), counts.records, counts.changed, counts.sent, counts.accepted, counts.rejected,
                 counts.unconfirmed, counts.held, counts.outcome, counts.message, run_id, target],
            )
