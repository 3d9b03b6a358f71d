"""Per-target counts, the outcome written to sync_runs, what to do next, and the one-screen summary.

Outcomes, most serious first: a stopping error's own ('bad_setup', 'stale_marts',
'warehouse_locked', 'auth_failed', 'rate_limited', 'deadline_exceeded', 'crm_error',
'internal_error', or 'held_pending' for a job still running), then 'held_pending' (writes held
until settled), 'unconfirmed_records', 'crm_error' (a job failed as a whole),
'rejected_records', and 'ok'. Exit status: 0 when every target is 'ok', 2 for bad setup, else 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SyncConfigError, SyncError
from .records import UNCONFIRMED, Outcome

NEXT_STEPS = {
    "ok": "nothing to do",
    "rejected_records": "fix what the CRM rejected (leadflow_sync.sync_errors); those records are sent again next run",
    "unconfirmed_records": "nothing lost: the unconfirmed records (sync_errors category UNCONFIRMED) are sent again "
                           "next run",
    "crm_error": "a job failed as a whole (leadflow_sync.sync_errors); the records it did not write are sent again "
                 "next run",
    "held_pending": "rerun after --settle-after-seconds: held writes are then settled (read back or from their job "
                    "results) and their records sent again if needed",
    "internal_error": "a bug in the sync: report the message above; pending writes are settled on the next run",
}


@dataclass
class Summary:
    target: str
    mode: str = "push"
    records: int = 0
    changed: int = 0
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    unconfirmed: int = 0
    job_errors: int = 0
    settled: int = 0  # records of earlier writes found written
    released: int = 0  # records of earlier writes found not written: diffed and sent again
    held: int = 0  # records in writes still pending, not sent this run
    blocked: int = 0  # pending writes no run can settle (migrated without values): a person must look
    retries: int = 0
    requests: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stop_outcome: str | None = None
    stop_message: str = ""
    stop_next: str = ""

    def add(self, outcome: Outcome, settling: bool = False) -> None:
        """Count a settled write (one sent now, or with `settling` one left by an earlier run)."""
        if settling:
            self.settled += len(outcome.accepted)
            self.released += outcome.released
        else:
            self.accepted += len(outcome.accepted)
        self.rejected += outcome.rejected
        self.unconfirmed += outcome.unconfirmed
        self.job_errors += sum(1 for e in outcome.errors if e.record_id is None)
        self.errors += [f"{e.record_id or '(job)'}: {e.category}: {e.message}" for e in outcome.errors]

    def stop(self, error: BaseException, credentials: str = "") -> None:
        """The target ended on `error`: remember its outcome, message and next step."""
        if isinstance(error, SyncError):
            self.stop_outcome = error.outcome
            self.stop_next = error.next_step + (f" ({credentials})" if credentials and error.outcome == "auth_failed" else "")
        else:
            self.stop_outcome = "internal_error"
            self.stop_next = NEXT_STEPS["internal_error"]
        self.stop_message = str(error) if isinstance(error, SyncError) else f"{type(error).__name__}: {error}"

    @property
    def outcome(self) -> str:
        if self.stop_outcome is not None:
            return self.stop_outcome
        if self.held or self.blocked:
            return "held_pending"
        if self.unconfirmed:
            return "unconfirmed_records"
        if self.job_errors:
            return "crm_error"
        if self.rejected:
            return "rejected_records"
        return "ok"

    @property
    def next_step(self) -> str:
        if self.stop_outcome is not None:
            return self.stop_next
        if self.outcome == "ok" and self.mode == "dry_run":
            return "nothing sent: rerun with --push to send"
        return NEXT_STEPS[self.outcome]

    @property
    def message(self) -> str:
        return self.stop_message or "; ".join(self.notes[:3])


def exit_code(summaries: Sequence[Summary]) -> int:
    if any(s.outcome in (SyncConfigError.outcome, "stale_marts") for s in summaries):
        return 2
    return 0 if all(s.outcome == "ok" for s in summaries) else 1


def render(summaries: Sequence[Summary], run_id: str, push: bool, output: Path, warnings: Sequence[str]) -> str:
    """The one-screen summary: a line per target, then why, what happened and what to do next."""
    lines = [f"\nsync run {run_id} ({'push' if push else 'dry run: nothing sent'}); "
             f"payload copies under {output / run_id} (never read back)"]
    lines += [f"warning: {w}" for w in warnings]
    lines.append(f"{'target':<20} {'records':>8} {'changed':>8} {'share':>7} {'sent':>7} {'accepted':>9} "
                 f"{'rejected':>9} {'unknown':>8} {'held':>6} {'retries':>8}  outcome")
    for s in summaries:
        share = f"{100 * s.changed / s.records:.1f}%" if s.records else "-"
        lines.append(f"{s.target:<20} {s.records:>8} {s.changed:>8} {share:>7} {s.sent:>7} {s.accepted:>9} "
                     f"{s.rejected:>9} {s.unconfirmed:>8} {s.held:>6} {s.retries:>8}  {s.outcome}")
        if s.reasons:
            lines.append("    why changed: " + ", ".join(f"{why} {count}" for why, count in s.reasons.most_common()))
        if s.settled or s.released:
            lines.append(f"    settled from an earlier unfinished run: {s.settled} records already written, "
                         f"{s.released} not written (diffed and sent again)")
        if s.held:
            lines.append(f"    held: {s.held} records in pending writes not yet settled; not sent this run")
        if s.stop_message:
            lines.append(f"    stopped: {s.stop_message}")
        lines += [f"    note: {note}" for note in s.notes[:3]]
        lines += [f"    error: {line}" for line in s.errors[:5]]
        if len(s.errors) > 5:
            lines.append(f"    ... {len(s.errors) - 5} more in leadflow_sync.sync_errors")
        if s.unconfirmed:
            lines.append(f"    unknown: {s.unconfirmed} records could not be confirmed ({UNCONFIRMED}): not counted as "
                         "written")
        lines.append(f"    next: {s.next_step}")
    return "\n".join(lines)
