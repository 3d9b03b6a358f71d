"""scripts/sync_crm.py: the command line of the reverse-ETL sync (the work is in run.py)."""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from .. import PROJECT_ROOT, add_database_argument
from .destination import Settings
from .errors import SyncConfigError, SyncError
from .registry import DESTINATIONS
from .report import exit_code, render
from .run import RunOptions, run

DESCRIPTION = """\
Reverse ETL: diff the sync models (seeds/sync_targets.csv: marts.sync_salesforce__lead_scores,
sync_salesforce__contact_scores, sync_salesforce__account_scores, sync_hubspot__contact_scores,
sync_hubspot__company_scores) against the values each CRM last accepted and, with --push, send the changed
rows (Salesforce Bulk API 2.0 ingest jobs, HubSpot batch updates of at most 100 inputs).

What counts as changed (seeds/sync_fields.csv change_rule): 'exact' fields on any difference, 'score' fields
once they moved by the target's score_change_threshold (seeds/sync_targets.csv), and 'consent' fields
(email consent: opted_out / subscribed) on any difference, checked first and never subject to a threshold,
so an opt-out reaches the CRM in the run that sees it (reason 'consent changed').

Exactly once: every write is stored as pending (record ids, typed values, payload sha256) in the warehouse
before it is sent, and settled (accepted / rejected / pending dropped) in one transaction. A write whose
fate is unknown (timeout, 5xx, crash, a Bulk job still running) is never sent again in the same run: its
records are held, and a later run settles it (HubSpot: by reading the records back, once the pending row
is --settle-after-seconds old; Salesforce: from the job's result files, reading back rows in neither).
Payload files under --output are debug copies only, never read back.

Before sending anything (dry runs too) the marts must come from one successful dbt build: the latest row of
leadflow_meta.build_runs must be 'success' and every marts table with an as_of column must hold that one
as_of (without build_runs: one as_of, with a warning). Otherwise rerun dbt build (or --allow-stale-marts).

State tables (schema leadflow_sync, same database): sync_state (values each CRM accepted), sync_errors
(per-record errors; category UNCONFIRMED for writes that could not be confirmed; sent again next run),
sync_pending (writes not yet settled), sync_runs (per run and target: counts, outcome, message). The
warehouse is opened only for each short operation, so a dbt build can run while the sync waits on a CRM.

Credentials (environment), per CRM: access token + base URL (--base-url overrides it for every target):
{credentials}
Base URLs must be https:// (plain http only to a loopback host: 127.0.0.1, ::1 or localhost).

Outcomes (sync_runs.outcome, last column of the summary): ok, rejected_records, unconfirmed_records,
held_pending, crm_error, auth_failed, rate_limited, deadline_exceeded, warehouse_locked, internal_error,
bad_setup, stale_marts; each summary line ends with what to do next.
Exit status: 0 every target ok; 1 some records rejected, unconfirmed or held, or a target failed (the
other targets still run); 2 bad setup (missing database, seeds, sync models, credentials, a non-https base
URL, marts from different dbt runs): nothing was sent.
"""


def _number(kind: Callable[[str], float], minimum: float, strict: bool) -> Callable[[str], float]:
    """An argparse type: `kind` of the text, > minimum (strict) or >= minimum."""
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < minimum or (strict and value == minimum):
            raise argparse.ArgumentTypeError(f"must be {'>' if strict else '>='} {minimum:g}, got {text}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    credentials = "\n".join(
        f"  {spec.crm}: {spec.token_env} + {spec.base_url_env}"
        + (f" (default {spec.default_base_url})" if spec.default_base_url else "")
        for spec in DESTINATIONS.values()
    )
    parser = argparse.ArgumentParser(
        prog="sync_crm.py",
        description=DESCRIPTION.format(credentials=credentials),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_argument(parser)
    parser.add_argument("--target", choices=[*sorted(DESTINATIONS), "all"], default="all", help="which CRM (all)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", default=True, help="write payload files only (default)")
    mode.add_argument("--push", action="store_true", help="send the changed rows to the CRM APIs")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "target" / "sync",
                        help="folder for payload copies, never read back (target/sync)")
    parser.add_argument("--base-url", help="API base URL for every target (default: the env vars above)")
    parser.add_argument("--salesforce-api-version", default="62.0", help="Salesforce REST API version (62.0)")
    positive, at_least_zero = _number(float, 0, True), _number(float, 0, False)
    parser.add_argument("--timeout", type=positive, default=30.0,
                        help="seconds one whole answer may take, body included (30); later: an ambiguous timeout")
    parser.add_argument("--max-attempts", type=_number(int, 1, False), default=6,
                        help="attempts per request on 429/5xx/timeouts, >= 1 (6); a write whose outcome is unknown "
                             "is never retried but held")
    parser.add_argument("--backoff-seconds", type=at_least_zero, default=0.5,
                        help="first retry delay; doubles, with full jitter (0.5)")
    parser.add_argument("--max-retry-after", type=at_least_zero, default=120.0,
                        help="longest Retry-After to wait for (120 s); a longer one ends the target: rate_limited, "
                             "nothing lost, rerun later")
    parser.add_argument("--deadline-seconds", type=positive, default=3600.0,
                        help="the whole run's time limit, checked before every request, sleep and poll (3600); "
                             "then deadline_exceeded, nothing lost, rerun to continue")
    parser.add_argument("--settle-after-seconds", type=at_least_zero, default=300.0,
                        help="age a pending write settled by read-back (HubSpot) must reach before it is read "
                             "back; until then its records are held (300)")
    parser.add_argument("--poll-seconds", type=positive, default=2.0, help="Bulk job status polling interval (2)")
    parser.add_argument("--poll-timeout", type=at_least_zero, default=600.0,
                        help="how long to poll a Bulk job (600 s); a job still running then stays pending, its "
                             "records held, and the target ends: held_pending")
    parser.add_argument("--lock-wait-seconds", type=at_least_zero, default=60.0,
                        help="how long to retry when a dbt build holds the warehouse file (60)")
    parser.add_argument("--allow-stale-marts", action="store_true",
                        help="sync even when the marts may mix dbt runs (latest build not 'success', several "
                             "as_of values, or an as_of other than the latest successful build's)")
    return parser


def _options(args: argparse.Namespace) -> RunOptions:
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    return RunOptions(
        database=args.database,
        run_id=run_id,
        crm=None if args.target == "all" else args.target,
        push=bool(args.push),
        output=args.output,
        base_url=args.base_url,
        timeout=args.timeout,
        max_attempts=int(args.max_attempts),
        backoff_seconds=args.backoff_seconds,
        max_retry_after=args.max_retry_after,
        deadline_seconds=args.deadline_seconds,
        settle_after_seconds=args.settle_after_seconds,
        lock_wait_seconds=args.lock_wait_seconds,
        allow_stale_marts=bool(args.allow_stale_marts),
        settings=Settings(args.salesforce_api_version, args.poll_seconds, args.poll_timeout),
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.database.exists():
        print(f"error: {args.database} does not exist (run make demo or dbt build first)", file=sys.stderr)
        return 2
    options = _options(args)
    try:
        report = run(options)
    except SyncError as error:
        print(f"error: {error}\nnext: {error.next_step}", file=sys.stderr)
        return 2 if isinstance(error, SyncConfigError) else 1
    except Exception as error:  # noqa: BLE001 - a clear line, never a bare traceback
        print(f"error: {type(error).__name__}: {error}\nnext: a bug in the sync: report this message; "
              "pending writes are settled on the next run", file=sys.stderr)
        return 1
    print(render(report.summaries, options.run_id, options.push, options.output, report.warnings))
    return exit_code(report.summaries)
