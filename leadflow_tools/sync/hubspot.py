"""HubSpot CRM v3: batch update of object properties (at most 100 inputs per call), batch read.

  POST /crm/v3/objects/{object}/batch/update   {"inputs": [{"id", "properties"}]}  -> results, errors
  POST /crm/v3/objects/{object}/batch/read     {"properties": [...], "inputs": [{"id"}]}

A batch update is not idempotent in effect (a late duplicate can overwrite newer values), so a
call whose outcome is unknown (timeout, 5xx, unreadable answer) is never sent again in the same
run: it stays pending in the warehouse with its values and its records are held. A later run,
once the pending row is older than --settle-after-seconds, reads the records back: those
holding the values are accepted, the rest are released and sent like any other change. Records
an answer neither confirms nor rejects are read back at once (UNCONFIRMED when they differ); if
that read-back fails, the answered batch stays pending like an ambiguous one.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import Any

from .config import Target
from .destination import DestinationSpec, Hold, Settings, confirm
from .errors import SyncError
from .http import AuthError, HttpClient, HttpError, RateLimited
from .payloads import HUBSPOT_MAX_INPUTS, hubspot_batch, payload_hash
from .records import Change, Outcome, Pending, RecordError, Values


def payload(target: Target, chunk: Sequence[Change]) -> tuple[str, bytes]:
    return "json", json.dumps(hubspot_batch(target, chunk)).encode()


class HubSpot:
    """A HubSpot object type (contacts, companies) as a sync destination."""

    def __init__(self, client: HttpClient, target: Target, settings: Settings | None = None) -> None:
        self.client = client
        self.target = target
        self.base = f"/crm/v3/objects/{target.crm_object}"

    def send(self, chunk: Sequence[Change], hold: Hold) -> Outcome:
        _, body = payload(self.target, chunk)
        reference = f"batch-{payload_hash(body)[:12]}-{secrets.token_hex(3)}"
        hold(reference, body)
        try:
            answer = self.client.request("POST", f"{self.base}/batch/update", body, idempotent=False).json()
        except (AuthError, RateLimited):
            raise  # the target stops (a rate-limited 5xx may have applied: its pending row then stays)
        except HttpError as error:
            if error.ambiguous:
                return Outcome(held=f"batch {reference} may or may not have been applied ({error}); held, "
                               "not sent again: a later run reads it back")
            message = error.body[:1000] or str(error)
            return Outcome(errors=[RecordError(c.record_id, error.status, "REQUEST_REJECTED", message) for c in chunk])
        try:
            return self._read_answer(answer, chunk)
        except SyncError as error:
            error.maybe_applied = True  # the batch was applied: it stays pending, a later run reads it back
            raise

    def _read_answer(self, answer: Any, sent: Sequence[Change]) -> Outcome:
        outcome = Outcome()
        by_id = {c.record_id: c for c in sent}
        failed: set[str] = set()
        body = answer if isinstance(answer, dict) else {}
        for error in body.get("errors") or []:
            for record_id in [str(i) for i in (error.get("context") or {}).get("ids", [])]:
                failed.add(record_id)
                outcome.errors.append(
                    RecordError(record_id, None, str(error.get("category", "ERROR")), str(error.get("message", "")))
                )
        for result in body.get("results") or []:
            record_id = str(result.get("id"))
            if record_id in by_id and record_id not in failed:
                outcome.accepted[record_id] = by_id[record_id].values
        unanswered = {r: by_id[r].values for r in sorted(set(by_id) - failed - set(outcome.accepted))}
        checked = confirm(self, self.target, unanswered, unmatched_is_error=True)
        outcome.accepted.update(checked.accepted)
        outcome.errors += checked.errors
        return outcome

    def settle(self, pending: Pending) -> Outcome:
        """A held batch: records already holding its values are accepted, the rest released."""
        return confirm(self, self.target, pending.values or {}, unmatched_is_error=False)

    def read_back(self, record_ids: Sequence[str]) -> dict[str, Values]:
        names = self.target.field_names
        current: dict[str, Values] = {}
        for start in range(0, len(record_ids), HUBSPOT_MAX_INPUTS):
            ids = record_ids[start : start + HUBSPOT_MAX_INPUTS]
            body = json.dumps({"properties": names, "inputs": [{"id": i} for i in ids]}).encode()
            answer = self.client.request("POST", f"{self.base}/batch/read", body, idempotent=True).json()
            for result in (answer.get("results") if isinstance(answer, dict) else None) or []:
                current[str(result.get("id"))] = dict(result.get("properties") or {})
        return current


SPEC = DestinationSpec(
    unit="batch",
    crm="hubspot",
    token_env="HUBSPOT_ACCESS_TOKEN",
    base_url_env="HUBSPOT_BASE_URL",
    default_base_url="https://api.hubapi.com",
    settles_by_read_back=True,
    payload=payload,
    connect=HubSpot,
)
