"""The records a sync moves around: changes to send, what the CRM made of them, writes in flight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Values = dict[str, Any]
"""One record's values: CRM field API name -> JSON-friendly scalar."""

UNCONFIRMED = "UNCONFIRMED"
"""sync_errors category of a record whose write cannot be confirmed (not in any result, read back different)."""


@dataclass(frozen=True)
class Change:
    """A record to send, with the values to write and why ('new', 'consent changed', ...)."""

    record_id: str
    values: Values
    why: str


@dataclass(frozen=True)
class RecordError:
    """An error the CRM returned (record_id None for one about a whole job)."""

    record_id: str | None
    status_code: int | None
    category: str | None
    message: str


@dataclass
class Outcome:
    """What became of one write: the records the CRM accepted (with their values) and its errors.

    `held` is set (to the reason) when the write may still be applied: it stays pending in the
    warehouse and its records are not sent again until a later run settles it.
    """

    accepted: dict[str, Values] = field(default_factory=dict)
    errors: list[RecordError] = field(default_factory=list)
    held: str | None = None
    released: int = 0  # records of a settled write that the CRM does not hold: diffed and sent again

    @property
    def rejected(self) -> int:
        return sum(1 for e in self.errors if e.record_id is not None and e.category != UNCONFIRMED)

    @property
    def unconfirmed(self) -> int:
        return sum(1 for e in self.errors if e.category == UNCONFIRMED)


@dataclass(frozen=True)
class Pending:
    """A write sent (or about to be) but not yet settled: a row of leadflow_sync.sync_pending.

    `values` holds, per record id, the typed values the write carries; None only for a row
    migrated from the old file-based table whose values file was already gone.
    """

    target: str
    run_id: str
    reference: str  # a Bulk job id, a HubSpot batch reference
    values: dict[str, Values] | None
    payload_hash: str | None  # sha256 of the payload sent
    created_at: datetime

    @property
    def record_ids(self) -> list[str]:
        return list(self.values or {})
