"""Salesforce Bulk API 2.0 ingest: one job per chunk, CSV upsert on Id; sObject Collections to read back.

  POST  /services/data/vXX.X/jobs/ingest                 create the job (object, Id, CSV, upsert)
  PUT   /services/data/vXX.X/jobs/ingest/{id}/batches     upload the CSV
  PATCH /services/data/vXX.X/jobs/ingest/{id}             {"state": "UploadComplete"} (or "Aborted")
  GET   /services/data/vXX.X/jobs/ingest/{id}             poll until JobComplete / Failed / Aborted
  GET   .../{id}/successfulResults/ and .../failedResults/   which rows were written, which not and why
  GET   /services/data/vXX.X/composite/sobjects/{SObject}?ids=...&fields=...   read back (200 ids a call)

The job id is held pending (with the rows' values) before the upload, so a run that crashes
mid-job leaves a job the next run settles from its results instead of writing the rows again:
an Open job is aborted (nothing was processed) and its records released; a job still
UploadComplete / InProgress stays pending and its records are held; a finished job, even Failed
or Aborted halfway, counts its successfulResults rows as written and its failedResults rows as
errors. Rows in neither file are read back: those holding the values are written, the others
are recorded as UNCONFIRMED and sent again. A job still running after --poll-timeout ends the
target (StillPending) and stays pending for a later run. Any error from UploadComplete on (even a
429 or the run deadline after an earlier attempt may have been applied) leaves the job pending.
All of these calls are safe to retry.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from .config import Target
from .destination import DestinationSpec, Hold, Settings, confirm
from .errors import StillPending, SyncError
from .http import HttpClient, HttpError
from .payloads import salesforce_csv
from .records import Change, Outcome, Pending, RecordError, Values

FINISHED = {"JobComplete", "Failed", "Aborted"}
RETRIEVE_MAX_IDS = 200


def our_id(ours: Collection[str], answered: str) -> str | None:
    """The id we sent for an id Salesforce answered: the same, or our 15-character form of its
    18-character id; None when it is not one of ours."""
    if answered in ours:
        return answered
    if len(answered) == 18 and answered[:15] in ours:
        return answered[:15]
    return None


def payload(target: Target, chunk: Sequence[Change]) -> tuple[str, bytes]:
    return "csv", salesforce_csv(target, chunk).encode()


class Salesforce:
    """A Salesforce object (Lead, Contact, Account) as a sync destination."""

    def __init__(self, client: HttpClient, target: Target, settings: Settings | None = None) -> None:
        settings = settings or Settings()
        self.client = client
        self.target = target
        self.api = f"/services/data/v{settings.salesforce_api_version}"
        self.jobs = f"{self.api}/jobs/ingest"
        self.poll_seconds = settings.poll_seconds
        self.poll_timeout = settings.poll_timeout

    def send(self, chunk: Sequence[Change], hold: Hold) -> Outcome:
        _, data = payload(self.target, chunk)
        job_id = self._create_job()
        hold(job_id, data)
        self.client.request("PUT", f"{self.jobs}/{job_id}/batches", data, content_type="text/csv", idempotent=True)
        try:
            self._set_state(job_id, "UploadComplete")
            job = self._wait(job_id)
            return self._finished(job_id, job, {c.record_id: c.values for c in chunk})
        except SyncError as error:
            # From UploadComplete on the job may be processing or done, whatever the last error says (an
            # earlier attempt may have reached Salesforce; the results or read-back may fail after it
            # finished): it stays pending and a later run settles it from its results, never resends it.
            error.maybe_applied = True
            raise

    def settle(self, pending: Pending) -> Outcome:
        job_id = pending.reference
        job = self._job(job_id)
        state = str(job.get("state"))
        if state == "Open":  # a crash between create and UploadComplete: nothing was processed
            self._set_state(job_id, "Aborted")
            return Outcome(released=len(pending.record_ids))
        if state not in FINISHED:
            return Outcome(held=f"Salesforce job {job_id} is still {state}")
        return self._finished(job_id, job, pending.values or {})

    def read_back(self, record_ids: Sequence[str]) -> dict[str, Values]:
        names = self.target.field_names
        current: dict[str, Values] = {}
        for start in range(0, len(record_ids), RETRIEVE_MAX_IDS):
            ids = record_ids[start : start + RETRIEVE_MAX_IDS]
            query = urllib.parse.urlencode({"ids": ",".join(ids), "fields": ",".join(names)}, safe=",")
            answer = self.client.request("GET", f"{self.api}/composite/sobjects/{self.target.crm_object}?{query}").json()
            if not isinstance(answer, list):
                raise HttpError(f"sObject Collections retrieve answered {str(answer)[:200]!r}, not a list", None, "", False)
            asked = set(ids)
            for record in answer:
                if isinstance(record, dict) and record.get("Id"):
                    record_id = our_id(asked, str(record["Id"]))
                    if record_id is not None:
                        current[record_id] = {name: record.get(name) for name in names}
        return current

    def _create_job(self) -> str:
        body = {
            "object": self.target.crm_object,
            "externalIdFieldName": self.target.record_id_column,
            "contentType": "CSV",
            "operation": "upsert",
            "lineEnding": "LF",
        }
        answer = self.client.request("POST", self.jobs, json.dumps(body).encode(), idempotent=True).json()
        if not isinstance(answer, dict) or not answer.get("id"):
            raise HttpError(f"POST {self.jobs}: no job id in the answer {str(answer)[:200]!r}", None, "", False)
        return str(answer["id"])

    def _set_state(self, job_id: str, state: str) -> None:
        body = json.dumps({"state": state}).encode()
        self.client.request("PATCH", f"{self.jobs}/{job_id}", body, idempotent=True)

    def _job(self, job_id: str) -> dict[str, Any]:
        job = self.client.request("GET", f"{self.jobs}/{job_id}").json()
        if not isinstance(job, dict):
            raise HttpError(f"GET {self.jobs}/{job_id}: not a job: {str(job)[:200]!r}", None, "", False)
        return job

    def _wait(self, job_id: str) -> dict[str, Any]:
        waited = 0.0
        while True:
            job = self._job(job_id)
            state = str(job.get("state"))
            if state in FINISHED:
                return job
            if waited >= self.poll_timeout:
                raise StillPending(
                    f"Salesforce job {job_id} still {state} after {waited:.0f} s (--poll-timeout): it stays pending "
                    "and its records are held until a later run settles it from its results"
                )
            self.client.deadline.pause(self.poll_seconds, f"polling job {job_id}")
            waited += self.poll_seconds

    def _finished(self, job_id: str, job: Mapping[str, Any], values: Mapping[str, Values]) -> Outcome:
        """A finished job's outcome from its result files; rows in neither are read back."""
        outcome = Outcome()
        id_column = self.target.record_id_column
        for row in self._results(job_id, "successfulResults"):
            record_id = our_id(values, row.get(id_column) or row.get("sf__Id") or "")
            if record_id is not None:
                outcome.accepted[record_id] = values[record_id]
        failed: set[str] = set()
        for row in self._results(job_id, "failedResults"):
            row_id = row.get(id_column) or row.get("sf__Id") or ""
            failed_id = our_id(values, row_id) or row_id or None
            if failed_id is not None:
                failed.add(failed_id)
            outcome.errors.append(RecordError(failed_id, None, "RECORD_FAILED", row.get("sf__Error", "")))
        state = str(job.get("state"))
        if state != "JobComplete":
            message = str(job.get("errorMessage") or f"job {state}")
            outcome.errors.append(RecordError(None, None, f"JOB_{state.upper()}", f"job {job_id}: {message}"))
        unknown = {r: v for r, v in values.items() if r not in outcome.accepted and r not in failed}
        checked = confirm(self, self.target, unknown, unmatched_is_error=True)
        outcome.accepted.update(checked.accepted)
        outcome.errors += checked.errors
        outcome.released += checked.released
        return outcome

    def _results(self, job_id: str, kind: str) -> list[dict[str, str]]:
        text = self.client.request("GET", f"{self.jobs}/{job_id}/{kind}/").text()
        return list(csv.DictReader(io.StringIO(text)))


SPEC = DestinationSpec(
    unit="job",
    crm="salesforce",
    token_env="SALESFORCE_ACCESS_TOKEN",
    base_url_env="SALESFORCE_INSTANCE_URL",
    default_base_url=None,
    settles_by_read_back=False,
    payload=payload,
    connect=Salesforce,
)
