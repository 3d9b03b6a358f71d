"""HubSpot CRM v3 batch update of contact properties (at most 100 inputs per call).

A call whose outcome is unknown (timeout, dropped connection, 5xx) is reconciled by reading the
records back (batch read): those already holding the values count as accepted and are not sent
again; the rest are sent again. A batch left pending by a crashed run is settled the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .changes import Change
from .config import Target
from .http import HttpClient, HttpError
from .payloads import hubspot_batch, text
from .state import Outcome, RecordError

RECONCILE_ROUNDS = 4


class HubSpot:
    def __init__(self, client: HttpClient, target: Target) -> None:
        self.client = client
        self.target = target
        self.base = f"/crm/v3/objects/{target.crm_object}"

    def update(self, changes: Sequence[Change]) -> Outcome:
        outcome = Outcome()
        remaining = list(changes)
        last_error: HttpError | None = None
        for _ in range(RECONCILE_ROUNDS):
            if not remaining:
                break
            body = json.dumps(hubspot_batch(self.target, remaining)).encode()
            try:
                response = self.client.request("POST", f"{self.base}/batch/update", body, idempotent=False)
            except HttpError as error:
                if not error.ambiguous:
                    outcome.errors += [
                        RecordError(c.record_id, error.status, "REQUEST_REJECTED", error.body[:1000] or str(error))
                        for c in remaining
                    ]
                    return outcome
                last_error = error
                applied = self.already_applied(remaining)
                outcome.accepted.update({c.record_id: c.values for c in remaining if c.record_id in applied})
                remaining = [c for c in remaining if c.record_id not in applied]
                continue
            self._read_answer(response.json(), remaining, outcome)
            return outcome
        outcome.errors += [
            RecordError(c.record_id, last_error.status if last_error else None, "UNCONFIRMED", str(last_error))
            for c in remaining
        ]
        return outcome

    def _read_answer(self, answer: dict[str, Any], sent: Sequence[Change], outcome: Outcome) -> None:
        by_id = {c.record_id: c for c in sent}
        failed: set[str] = set()
        for error in answer.get("errors", []):
            ids = [str(i) for i in (error.get("context") or {}).get("ids", [])]
            for record_id in ids:
                failed.add(record_id)
                outcome.errors.append(
                    RecordError(record_id, None, str(error.get("category", "ERROR")), str(error.get("message", "")))
                )
        for result in answer.get("results", []):
            record_id = str(result.get("id"))
            if record_id in by_id and record_id not in failed:
                outcome.accepted[record_id] = by_id[record_id].values
        unanswered = set(by_id) - failed - set(outcome.accepted)
        outcome.errors += [
            RecordError(record_id, None, "NOT_IN_RESPONSE", "neither a result nor an error came back")
            for record_id in sorted(unanswered)
        ]

    def already_applied(self, changes: Sequence[Change]) -> set[str]:
        """Ids whose CRM values already equal what we meant to write (batch read)."""
        if not changes:
            return set()
        names = [f.crm_name for f in self.target.fields]
        body = json.dumps({"properties": names, "inputs": [{"id": c.record_id} for c in changes]}).encode()
        answer = self.client.request("POST", f"{self.base}/batch/read", body, idempotent=True).json()
        current = {str(r.get("id")): r.get("properties") or {} for r in answer.get("results", [])}
        applied = set()
        for change in changes:
            properties = current.get(change.record_id)
            if properties is not None and all(
                (properties.get(name) or "") == text(change.values[name]) for name in names
            ):
                applied.add(change.record_id)
        return applied

    def settle(self, values_path: Path) -> Outcome:
        """A batch a crashed run left pending (its values file): what the CRM already holds is accepted."""
        outcome = Outcome()
        if not values_path.exists():
            return outcome
        changes = [Change(record_id, values, "pending") for record_id, values in json.loads(values_path.read_text()).items()]
        applied = self.already_applied(changes)
        outcome.accepted = {c.record_id: c.values for c in changes if c.record_id in applied}
        return outcome
