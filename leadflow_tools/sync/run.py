"""The sync run, the same for every CRM: settle what is pending, diff, send, record.

Per target, in order:
  1. settle the writes earlier runs left pending (destination.settle): accepted records go to
     sync_state, errors to sync_errors, released records are diffed again; a write settled by
     read-back (HubSpot) waits until its pending row is --settle-after-seconds old, and a write the
     CRM has not finished stays pending: the records of both are held, never sent this run;
  2. diff the sync model against sync_state (changes.py), leaving the held records out;
  3. per chunk: write a debug copy of the payload and, with --push, send it; the destination
     holds the write in sync_pending (record ids, values, payload hash) before it can reach the
     CRM, and the outcome is recorded with the pending row dropped in one transaction.
Any error ends that target (with its outcome and next step) and the run goes on to the next;
bad setup (seeds, models, credentials, base URL, stale marts) stops before anything is sent.
The CRM-specific parts live behind registry.DESTINATIONS; nothing here names a CRM.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .changes import changed_records
from .config import Target
from .deadline import Deadline
from .destination import Destination, DestinationSpec, Settings
from .errors import StaleMarts, SyncConfigError, SyncError
from .freshness import check_marts
from .http import HttpClient, RateLimiter, check_base_url
from .payloads import chunks, payload_hash, write_debug_copy
from .records import Change, Pending
from .registry import spec_for
from .report import Summary
from .state import RunCounts, SyncState, now


@dataclass(frozen=True)
class RunOptions:
    database: Path
    run_id: str
    crm: str | None = None  # None: every target
    push: bool = False
    output: Path = Path("target/sync")
    base_url: str | None = None
    timeout: float = 30.0
    max_attempts: int = 6
    backoff_seconds: float = 0.5
    max_retry_after: float = 120.0
    deadline_seconds: float = 3600.0
    settle_after_seconds: float = 300.0
    lock_wait_seconds: float = 60.0
    allow_stale_marts: bool = False
    settings: Settings = field(default_factory=Settings)


@dataclass
class Report:
    summaries: list[Summary]
    warnings: list[str]


@dataclass
class Connected:
    """A target's destination and the HTTP client it talks through (for the request counts)."""

    destination: Destination
    client: HttpClient


def run(options: RunOptions) -> Report:
    """Check the setup, then sync every target. Raises SyncConfigError (nothing sent) or
    WarehouseLocked (before any target started)."""
    state = SyncState(options.database, options.lock_wait_seconds)
    targets: list[Target] = []
    try:
        targets = state.load_targets(options.crm)
        specs = {target.name: spec_for(target.crm) for target in targets}
        warnings = _check_marts(state, options.allow_stale_marts)
        deadline = Deadline(options.deadline_seconds)
        connected = {t.name: connect(specs[t.name], t, options, deadline) for t in targets} if options.push else {}
    except SyncConfigError as error:
        _record_setup_failure(state, options, [t.name for t in targets] or ["(all)"], error)
        raise
    summaries = [
        sync_target(state, target, specs[target.name], connected.get(target.name), options) for target in targets
    ]
    return Report(summaries, warnings)


def _record_setup_failure(state: SyncState, options: RunOptions, targets: list[str], error: SyncConfigError) -> None:
    """A sync_runs row per target saying why nothing was sent (best effort: the error is raised anyway)."""
    mode = "push" if options.push else "dry_run"
    counts = RunCounts(0, 0, 0, 0, 0, 0, 0, error.outcome, str(error)[:2000])
    try:
        for name in targets:
            state.start_run(options.run_id, name, mode)
            state.finish_run(options.run_id, name, counts)
    except SyncError:
        pass


def _check_marts(state: SyncState, allow_stale: bool) -> list[str]:
    try:
        return check_marts(state.marts_stamp())
    except StaleMarts as error:
        if not allow_stale:
            raise
        return [f"--allow-stale-marts: sending anyway although {error}"]


def connect(spec: DestinationSpec, target: Target, options: RunOptions, deadline: Deadline) -> Connected:
    """The target's destination with its HTTP client; SyncConfigError for missing credentials or a bad URL."""
    base = options.base_url or os.environ.get(spec.base_url_env) or spec.default_base_url
    token = os.environ.get(spec.token_env)
    if not base or not token:
        raise SyncConfigError(
            f"--push to {spec.crm} needs {spec.token_env} and a base URL ({spec.base_url_env} or --base-url)"
        )
    client = HttpClient(
        base_url=check_base_url(base),
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        limiter=RateLimiter(target.max_requests, target.per_seconds),
        timeout=options.timeout,
        max_attempts=options.max_attempts,
        backoff_base=options.backoff_seconds,
        max_retry_after=options.max_retry_after,
        deadline=deadline,
    )
    return Connected(spec.connect(client, target, options.settings), client)


def sync_target(
    state: SyncState, target: Target, spec: DestinationSpec, connected: Connected | None, options: RunOptions
) -> Summary:
    """One target, start to end; every error ends up in the summary and sync_runs, never raised."""
    summary = Summary(target.name, "push" if options.push else "dry_run")
    destination = connected.destination if connected else None
    started = False
    try:
        state.start_run(options.run_id, target.name, summary.mode)
        started = True
        held = _settle_pending(state, target, spec, destination, options, summary)
        model = state.read_model(target)
        changes = [c for c in changed_records(target, model, state.written(target.name)) if c.record_id not in held]
        summary.records, summary.changed = len(model), len(changes)
        summary.reasons.update(c.why.split(" ")[0] for c in changes)  # the field that changed, 'consent' or 'new'
        folder = options.output / options.run_id / target.name
        for number, chunk in enumerate(chunks(changes, target.records_per_request), start=1):
            extension, body = spec.payload(target, chunk)
            write_debug_copy(folder, f"{spec.unit}-{number:04d}.{extension}", body)
            if destination is not None:
                _send(state, target, destination, chunk, options.run_id, summary)
    except Exception as error:  # noqa: BLE001 - every failure ends the target with a summary, never a traceback
        summary.stop(error, spec.token_env)
    finally:
        if connected is not None:
            summary.retries, summary.requests = connected.client.retries, connected.client.sent
        if started:
            _finish(state, options.run_id, target.name, summary)
    return summary


def _settle_pending(
    state: SyncState,
    target: Target,
    spec: DestinationSpec,
    destination: Destination | None,
    options: RunOptions,
    summary: Summary,
) -> set[str]:
    """Settle earlier runs' pending writes where possible; returns the ids of the records still held."""
    held: set[str] = set()
    for pending in state.pending(target.name):
        if pending.values is None:
            summary.notes.append(
                f"pending write {pending.reference} (run {pending.run_id}) has no values (left by an older sync whose "
                "values file is gone): check it in the CRM, then delete it from leadflow_sync.sync_pending"
            )
            summary.blocked += 1
            continue
        age = (now() - pending.created_at).total_seconds()
        too_young = spec.settles_by_read_back and age < options.settle_after_seconds
        if destination is None or too_young:
            held.update(pending.record_ids)
            if too_young and destination is not None:
                summary.notes.append(f"{spec.unit} {pending.reference} is {age:.0f} s old: settled once "
                                     f"{options.settle_after_seconds:g} s old (--settle-after-seconds)")
            continue
        outcome = destination.settle(pending)
        if outcome.held:
            held.update(pending.record_ids)
            summary.notes.append(outcome.held)
            continue
        state.settle(target.name, options.run_id, pending.reference, outcome)
        summary.add(outcome, settling=True)
    summary.held += len(held)
    return held


def _send(
    state: SyncState, target: Target, destination: Destination, chunk: Sequence[Change], run_id: str, summary: Summary
) -> None:
    """Send one chunk: pending first (through `hold`), then the outcome with the pending row dropped."""
    references: list[str] = []

    def hold(reference: str, payload: bytes) -> None:
        values = {c.record_id: c.values for c in chunk}
        state.add_pending(Pending(target.name, run_id, reference, values, payload_hash(payload), now()))
        references.append(reference)

    summary.sent += len(chunk)
    try:
        outcome = destination.send(chunk, hold)
    except Exception as error:
        if references and getattr(error, "maybe_applied", True):
            summary.held += len(chunk)  # may have reached the CRM: stays pending, settled by a later run
        else:  # known not applied: not counted as sent, sent again next run
            summary.sent -= len(chunk)
            if references:
                state.drop_pending(target.name, references[-1])
        raise
    if outcome.held:
        summary.held += len(chunk)
        summary.notes.append(outcome.held)
        return
    state.settle(target.name, run_id, references[-1] if references else None, outcome)
    summary.add(outcome)


def _finish(state: SyncState, run_id: str, target: str, summary: Summary) -> None:
    counts = RunCounts(summary.records, summary.changed, summary.sent, summary.accepted, summary.rejected,
                       summary.unconfirmed, summary.held, summary.outcome, summary.message[:2000])
    try:
        state.finish_run(run_id, target, counts)
    except SyncError as error:  # the warehouse is locked: the summary still says what happened
        summary.notes.append(f"could not record the run in leadflow_sync.sync_runs: {error}")
