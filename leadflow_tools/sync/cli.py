"""scripts/sync_crm.py: send the sync models' changed rows to Salesforce and HubSpot."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .. import PROJECT_ROOT, add_database_argument
from .changes import Change, changed_records, read_model
from .config import SyncConfigError, Target, load_targets
from .http import HttpClient, HttpError, RateLimiter
from .hubspot import HubSpot
from .payloads import chunks, hubspot_batch, salesforce_csv, values_file
from .salesforce import Salesforce
from .state import Outcome, Pending, SyncState


@dataclass
class Summary:
    target: str
    records: int = 0
    changed: int = 0
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    settled: int = 0
    retries: int = 0
    requests: int = 0
    outcome: str = "ok"
    reasons: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=(
            "Reverse ETL: diff the sync models (sync_salesforce__lead_scores, "
            "sync_salesforce__contact_scores, sync_hubspot__contact_scores) against the values each CRM "
            "last accepted (leadflow_sync.sync_state in the same database), write the changed rows as "
            "payload files (Salesforce Bulk API 2.0 CSV per job, HubSpot batch-update JSON of at most 100 "
            "inputs) and, with --push, send them. A row counts as changed when a grade, band, tier, owner, "
            "reason or model version differs, or a score moved by the target's score_change_threshold "
            "(seeds/sync_targets.csv). Sync state changes only for records the API accepted; per-record "
            "errors go to leadflow_sync.sync_errors and are retried next run. Credentials: "
            "SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN, HUBSPOT_ACCESS_TOKEN (+ HUBSPOT_BASE_URL). "
            "Exit status: 0 all accepted, 1 some records rejected or a target failed, 2 bad setup."
        )
    )
    add_database_argument(parser)
    parser.add_argument("--target", choices=["salesforce", "hubspot", "all"], default="all", help="which CRM (all)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", default=True, help="write payload files only (default)")
    mode.add_argument("--push", action="store_true", help="send the payloads to the CRM APIs")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "target" / "sync", help="payload folder (target/sync)")
    parser.add_argument("--base-url", help="API base URL for every target (default from the env vars above)")
    parser.add_argument("--salesforce-api-version", default="62.0", help="Salesforce REST API version (62.0)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request times out (30)")
    parser.add_argument("--max-attempts", type=int, default=6, help="attempts per request on 429/5xx/timeouts (6)")
    parser.add_argument("--backoff-seconds", type=float, default=0.5, help="first retry delay; doubles, with jitter (0.5)")
    parser.add_argument("--poll-seconds", type=float, default=2.0, help="Bulk job status polling interval (2)")
    return parser


def _client(target: Target, args: argparse.Namespace) -> HttpClient:
    if target.crm == "salesforce":
        base = args.base_url or os.environ.get("SALESFORCE_INSTANCE_URL")
        token = os.environ.get("SALESFORCE_ACCESS_TOKEN")
        if not base or not token:
            raise SyncConfigError("--push to Salesforce needs SALESFORCE_INSTANCE_URL (or --base-url) and SALESFORCE_ACCESS_TOKEN")
    else:
        base = args.base_url or os.environ.get("HUBSPOT_BASE_URL", "https://api.hubapi.com")
        token = os.environ.get("HUBSPOT_ACCESS_TOKEN")
        if not token:
            raise SyncConfigError("--push to HubSpot needs HUBSPOT_ACCESS_TOKEN")
    return HttpClient(
        base_url=base,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        limiter=RateLimiter(target.max_requests, target.per_seconds),
        timeout=args.timeout,
        max_attempts=args.max_attempts,
        backoff_base=args.backoff_seconds,
    )


def _record(state: SyncState, summary: Summary, target: Target, run_id: str, outcome: Outcome, reference: str | None) -> None:
    state.accept(target.name, run_id, outcome.accepted, settled=reference)
    state.record_errors(target.name, run_id, outcome.errors)
    summary.accepted += len(outcome.accepted)
    summary.rejected += len(outcome.errors)
    summary.errors += [f"{e.record_id}: {e.category}: {e.message}" for e in outcome.errors]


def sync_target(
    con: duckdb.DuckDBPyConnection, target: Target, args: argparse.Namespace, run_id: str, push: bool
) -> Summary:
    state = SyncState(con)
    summary = Summary(target.name)
    state.start_run(run_id, target.name, "push" if push else "dry_run")
    folder = args.output / run_id / target.name
    folder.mkdir(parents=True, exist_ok=True)
    client = _client(target, args) if push else None
    salesforce = hubspot = None
    if client is not None and target.crm == "salesforce":
        salesforce = Salesforce(client, target, args.salesforce_api_version, args.poll_seconds)
    elif client is not None:
        hubspot = HubSpot(client, target)
    try:
        for pending in state.pending(target.name) if push else []:
            summary.settled += _settle(state, summary, target, run_id, pending, salesforce, hubspot)
        model = read_model(con, target)
        changes = changed_records(target, model, state.written(target.name))
        summary.records, summary.changed = len(model), len(changes)
        summary.reasons.update(c.why.split(" ")[0] for c in changes)  # the field that changed, or "new"
        for number, chunk in enumerate(chunks(changes, target.records_per_request), start=1):
            _send_chunk(state, summary, target, run_id, folder, number, chunk, salesforce, hubspot)
    except (HttpError, SyncConfigError) as error:
        summary.outcome = "failed"
        summary.errors.append(str(error))
    finally:
        summary.retries = client.retries if client else 0
        state.finish_run(
            run_id, target.name, summary.records, summary.changed, summary.sent, summary.accepted, summary.rejected,
            summary.outcome,
        )
    return summary


def _settle(
    state: SyncState,
    summary: Summary,
    target: Target,
    run_id: str,
    pending: Pending,
    salesforce: Salesforce | None,
    hubspot: HubSpot | None,
) -> int:
    """Settle a write a crashed run left unconfirmed; returns how many of its records the CRM holds."""
    path = Path(pending.payload_path)
    values = json.loads(path.read_text()) if path.exists() else {}
    outcome: Outcome | None
    if salesforce is not None:
        outcome = salesforce.settle(pending.reference, values)
    else:
        assert hubspot is not None
        outcome = hubspot.settle(path)
    if outcome is None:
        state.drop_pending(target.name, pending.reference)
        return 0
    _record(state, summary, target, run_id, outcome, pending.reference)
    return len(outcome.accepted)


def _send_chunk(
    state: SyncState,
    summary: Summary,
    target: Target,
    run_id: str,
    folder: Path,
    number: int,
    chunk: Sequence[Change],
    salesforce: Salesforce | None,
    hubspot: HubSpot | None,
) -> None:
    stem = f"{'job' if target.crm == 'salesforce' else 'batch'}-{number:04d}"
    if target.crm == "salesforce":
        (folder / f"{stem}.csv").write_text(salesforce_csv(target, chunk))
    else:
        (folder / f"{stem}.json").write_text(json.dumps(hubspot_batch(target, chunk), indent=1))
    values_path = folder / f"{stem}.values.json"
    values = values_file(values_path, chunk)
    if salesforce is None and hubspot is None:
        return
    summary.sent += len(chunk)
    summary.requests += 1
    if salesforce is not None:
        job_id = salesforce.create_job()
        state.add_pending(Pending(target.name, run_id, job_id, str(values_path)))
        salesforce.upload(job_id, chunk)
        outcome = salesforce.settle(job_id, values)
        if outcome is None:  # cannot happen after UploadComplete, but never lose the records silently
            state.drop_pending(target.name, job_id)
            raise HttpError(f"job {job_id} was still open after its upload", None, "", False)
        _record(state, summary, target, run_id, outcome, job_id)
    else:
        assert hubspot is not None
        reference = f"{run_id}/{stem}"
        state.add_pending(Pending(target.name, run_id, reference, str(values_path)))
        _record(state, summary, target, run_id, hubspot.update(chunk), reference)


def _print(summaries: Sequence[Summary], push: bool, run_id: str, output: Path) -> None:
    print(f"\nsync run {run_id} ({'push' if push else 'dry run: nothing sent'}); payloads under {output / run_id}")
    print(f"{'target':<20} {'records':>8} {'changed':>8} {'share':>7} {'sent':>7} {'accepted':>9} {'rejected':>9} {'retries':>8}  outcome")
    for s in summaries:
        share = f"{100 * s.changed / s.records:.1f}%" if s.records else "-"
        print(
            f"{s.target:<20} {s.records:>8} {s.changed:>8} {share:>7} {s.sent:>7} {s.accepted:>9} {s.rejected:>9} "
            f"{s.retries:>8}  {s.outcome}"
        )
        if s.reasons:
            print("    why changed: " + ", ".join(f"{why} {count}" for why, count in s.reasons.most_common()))
        if s.settled:
            print(f"    settled from an earlier unfinished run: {s.settled} records already written")
        for line in s.errors[:5]:
            print(f"    error: {line}")
        if len(s.errors) > 5:
            print(f"    ... {len(s.errors) - 5} more in leadflow_sync.sync_errors")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    push = bool(args.push)
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    if not args.database.exists():
        print(f"error: {args.database} does not exist (run make demo or dbt build first)", file=sys.stderr)
        return 2
    con = duckdb.connect(str(args.database))
    try:
        targets = load_targets(con, None if args.target == "all" else args.target)
        if push:
            for target in targets:
                _client(target, args)  # fail on missing credentials before anything is sent
        summaries = [sync_target(con, target, args, run_id, push) for target in targets]
    except SyncConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        con.close()
    _print(summaries, push, run_id, args.output)
    return 1 if any(s.rejected or s.outcome != "ok" for s in summaries) else 0
