"""What the orchestrator needs from a CRM: one interface, whatever the API.

A destination (salesforce.py, hubspot.py) sends a chunk of changes as one write and settles
writes left pending. Exactly-once rests on one rule: before a write can reach the CRM, the
destination calls `hold(reference, payload)`, which stores the write (its record ids, their
typed values and a sha256 of the payload) in leadflow_sync.sync_pending. The pending row goes
only when the write is settled (accepted/rejected recorded in the same transaction), so a crash
at any point leaves a row the next run settles instead of writing the records again.

A new CRM is one module defining a Destination class and a DestinationSpec, listed in registry.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .config import Target
from .http import HttpClient
from .payloads import values_match
from .records import UNCONFIRMED, Change, Outcome, Pending, RecordError, Values

Hold = Callable[[str, bytes], None]
"""hold(reference, payload): record the write as pending; called before it can reach the CRM."""


@dataclass(frozen=True)
class Settings:
    """Run options the destinations use (from the command line)."""

    salesforce_api_version: str = "62.0"
    poll_seconds: float = 2.0
    poll_timeout: float = 600.0


class Destination(Protocol):
    """One target in one CRM, reached through an HttpClient."""

    def send(self, chunk: Sequence[Change], hold: Hold) -> Outcome:
        """Write `chunk` as one request/job; `hold` it first. Outcome.held when its fate is unknown."""
        ...

    def settle(self, pending: Pending) -> Outcome:
        """The fate of a write left pending: accepted, rejected, released (never applied) or still held."""
        ...

    def read_back(self, record_ids: Sequence[str]) -> dict[str, Values]:
        """The CRM's current values of the target's fields, by record id (ids not found are absent)."""
        ...


@dataclass(frozen=True)
class DestinationSpec:
    """How to reach one CRM: credentials, defaults, payload format and the Destination factory."""

    crm: str
    unit: str  # what one write is called ('job', 'batch'): payload copies are <unit>-0001.<extension>
    token_env: str
    base_url_env: str
    default_base_url: str | None
    settles_by_read_back: bool  # True: a pending write is settled only once --settle-after-seconds old
    payload: Callable[[Target, Sequence[Change]], tuple[str, bytes]]  # (file extension, bytes)
    connect: Callable[[HttpClient, Target, Settings], Destination]


def confirm(
    destination: Destination, target: Target, values: Mapping[str, Values], unmatched_is_error: bool
) -> Outcome:
    """Read `values`' records back: those holding the values are accepted; the others are released,
    and also recorded as UNCONFIRMED errors when `unmatched_is_error` (their write is known to have
    failed or vanished, so the summary must say so)."""
    outcome = Outcome()
    if not values:
        return outcome
    current = destination.read_back(list(values))
    for record_id, expected in values.items():
        actual = current.get(record_id)
        if actual is not None and values_match(expected, actual, target.field_names):
            outcome.accepted[record_id] = expected
            continue
        outcome.released += 1
        if unmatched_is_error:
            outcome.errors.append(
                RecordError(record_id, None, UNCONFIRMED, "in no result file and the CRM does not hold the values "
                            "written: not counted as written, sent again next run")
            )
    return outcome
