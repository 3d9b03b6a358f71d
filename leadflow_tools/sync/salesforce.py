"""Salesforce Bulk API 2.0 ingest: one job per chunk, CSV upsert on Id.

  POST  /services/data/vXX.X/jobs/ingest                 create the job (object, Id, CSV, upsert)
  PUT   /services/data/vXX.X/jobs/ingest/{id}/batches     upload the CSV
  PATCH /services/data/vXX.X/jobs/ingest/{id}             {"state": "UploadComplete"}
  GET   /services/data/vXX.X/jobs/ingest/{id}             poll until JobComplete / Failed / Aborted
  GET   .../{id}/successfulResults/ and .../failedResults/   which rows were written, which not and why

The job id is recorded as pending before the upload is completed, so a run that crashes
mid-job leaves a job the next run settles from its results instead of writing the rows again.
All of these calls are safe to retry.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Sequence

from .changes import Change
from .config import Target
from .http import HttpClient
from .payloads import salesforce_csv
from .state import Outcome, RecordError, Values

FINISHED = {"JobComplete", "Failed", "Aborted"}


class SalesforceJobTimeout(RuntimeError):
    """The job did not finish within the polling time; it stays pending for the next run."""


class Salesforce:
    def __init__(
        self,
        client: HttpClient,
        target: Target,
        api_version: str = "62.0",
        poll_seconds: float = 2.0,
        poll_timeout: float = 600.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.target = target
        self.base = f"/services/data/v{api_version}/jobs/ingest"
        self.poll_seconds = poll_seconds
        self.poll_timeout = poll_timeout
        self.sleep = sleep

    def create_job(self) -> str:
        body = {
            "object": self.target.crm_object,
            "externalIdFieldName": self.target.record_id_column,
            "contentType": "CSV",
            "operation": "upsert",
            "lineEnding": "LF",
        }
        answer = self.client.request("POST", self.base, json.dumps(body).encode(), idempotent=True).json()
        return str(answer["id"])

    def upload(self, job_id: str, changes: Sequence[Change]) -> None:
        data = salesforce_csv(self.target, changes).encode()
        self.client.request("PUT", f"{self.base}/{job_id}/batches", data, content_type="text/csv", idempotent=True)
        self.client.request(
            "PATCH", f"{self.base}/{job_id}", json.dumps({"state": "UploadComplete"}).encode(), idempotent=True
        )

    def settle(self, job_id: str, values: dict[str, Values]) -> Outcome | None:
        """The outcome of a job once finished; None when it never got its upload completed (aborted)."""
        waited = 0.0
        while True:
            job = self.client.request("GET", f"{self.base}/{job_id}").json()
            state = str(job.get("state"))
            if state in FINISHED:
                break
            if state == "Open":  # a crash between create and UploadComplete: nothing was processed
                self.client.request(
                    "PATCH", f"{self.base}/{job_id}", json.dumps({"state": "Aborted"}).encode(), idempotent=True
                )
                return None
            if waited >= self.poll_timeout:
                raise SalesforceJobTimeout(f"job {job_id} still {state} after {waited:.0f} s")
            self.sleep(self.poll_seconds)
            waited += self.poll_seconds
        outcome = Outcome()
        if state != "JobComplete":
            message = str(job.get("errorMessage") or f"job {state}")
            outcome.errors = [RecordError(record_id, None, f"JOB_{state.upper()}", message) for record_id in values]
            return outcome
        id_column = self.target.record_id_column
        for row in self._results(job_id, "successfulResults"):
            record_id = row.get("sf__Id") or row.get(id_column) or ""
            if record_id in values:
                outcome.accepted[record_id] = values[record_id]
        for row in self._results(job_id, "failedResults"):
            failed_id = row.get(id_column) or row.get("sf__Id") or None
            outcome.errors.append(RecordError(failed_id, None, "RECORD_FAILED", row.get("sf__Error", "")))
        return outcome

    def _results(self, job_id: str, kind: str) -> list[dict[str, str]]:
        text = self.client.request("GET", f"{self.base}/{job_id}/{kind}/").text()
        return list(csv.DictReader(io.StringIO(text)))

