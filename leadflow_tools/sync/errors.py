"""The ways a sync can fail: each error names the sync_runs outcome it leaves and what to do next.

`maybe_applied` tells the orchestrator whether the write in flight when the error was raised may
have reached the CRM: if so its pending row stays (the write is held until a later run settles
it); if not, the pending row is dropped and its records are simply sent again next run.
"""

from __future__ import annotations

from typing import ClassVar


class SyncError(RuntimeError):
    """A failure that ends a target (or, for setup errors, the run) with a clear message."""

    outcome: ClassVar[str] = "crm_error"
    next_step: ClassVar[str] = "nothing lost: rerun later; a run first settles the writes left pending"

    def __init__(self, message: str, maybe_applied: bool = False) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied


class SyncConfigError(SyncError):
    """Bad setup (seeds, sync models, credentials, base URL, stale marts): nothing is sent (exit 2)."""

    outcome = "bad_setup"
    next_step = "fix the setup named above, then rerun; nothing was sent"


class StaleMarts(SyncConfigError):
    """The marts may mix two dbt runs (killed or failed build, several as_of values)."""

    outcome = "stale_marts"
    next_step = "rerun dbt build, then the sync (or pass --allow-stale-marts knowingly); nothing was sent"


class WarehouseLocked(SyncError):
    """Another process (a dbt build) kept the DuckDB file locked for longer than the lock wait."""

    outcome = "warehouse_locked"
    next_step = "rerun once the dbt build holding the warehouse has finished; pending writes are settled first"


class HttpError(SyncError):
    """An HTTP request failed; `ambiguous` when the CRM may have applied it (timeout, 5xx, bad body)."""

    def __init__(self, message: str, status: int | None, body: str, ambiguous: bool) -> None:
        super().__init__(message, maybe_applied=ambiguous)
        self.status = status
        self.body = body
        self.ambiguous = ambiguous


class AuthError(HttpError):
    """401 or 403: the credentials were refused. The target stops at the first such answer."""

    outcome = "auth_failed"
    next_step = "check the access token and its permissions, then rerun; nothing was recorded as sent"


class RateLimited(HttpError):
    """The CRM asked for a wait (Retry-After) longer than --max-retry-after."""

    outcome = "rate_limited"
    next_step = "nothing lost: rerun later, once the CRM's rate limit has reset"


class DeadlineExceeded(SyncError):
    """The run's overall deadline (--deadline-seconds) passed before a request, sleep or poll."""

    outcome = "deadline_exceeded"
    next_step = "nothing lost: rerun to continue (raise --deadline-seconds if runs are routinely this long)"


class StillPending(SyncError):
    """A write the CRM has not finished (a Bulk job still InProgress): it stays pending and held."""

    outcome = "held_pending"
    next_step = "rerun later: the write stays pending and is settled (its records held until then)"

    def __init__(self, message: str) -> None:
        super().__init__(message, maybe_applied=True)
