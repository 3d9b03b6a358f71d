"""A local stand-in for the HubSpot and Salesforce APIs, for the reverse-ETL tests.

Implements the request/response shapes leadflow uses: HubSpot CRM v3 contacts batch update and
batch read; Salesforce Bulk API 2.0 ingest (create job, upload CSV, UploadComplete, job status,
successfulResults, failedResults). It validates what it receives (auth header, at most 100
HubSpot inputs, string property values, CSV with the Id column first) and can inject faults per
endpoint, in order: '429', '500', 'timeout' (answers too late, nothing applied), 'apply_then_500'
(applies, then fails: the client cannot know), 'crash' (kills the client process, nothing
applied) and 'crash_after_apply' (applies, then kills the client before it hears back).
Per-record errors: `reject[record_id] = n` rejects that record's next n writes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "test-token"
API = "/services/data/v62.0/jobs/ingest"


class FakeCrm:
    def __init__(self, hubspot_ids: set[str], salesforce_ids: set[str], timeout_sleep: float = 1.5) -> None:
        self.hubspot_ids = hubspot_ids
        self.salesforce_ids = salesforce_ids
        self.timeout_sleep = timeout_sleep
        self.values: dict[tuple[str, str], dict[str, str]] = {}
        self.writes: Counter[tuple[str, str]] = Counter()
        self.faults: dict[str, list[str]] = defaultdict(list)
        self.reject: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.problems: list[str] = []  # malformed requests seen
        self.jobs: dict[str, dict[str, Any]] = {}
        self.client_pid: int | None = None
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeCrm:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fault(self, endpoint: str) -> str | None:
        with self.lock:
            self.requests[endpoint] += 1
            queue = self.faults.get(endpoint)
            return queue.pop(0) if queue else None

    def _kill_client(self) -> None:
        if self.client_pid is not None:
            os.kill(self.client_pid, signal.SIGKILL)
            time.sleep(0.3)

    # -- HubSpot -------------------------------------------------------------------------------
    def hubspot_update(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        inputs = body.get("inputs", [])
        if not 0 < len(inputs) <= 100:
            self.problems.append(f"hubspot batch of {len(inputs)} inputs")
        results, errors = [], []
        with self.lock:
            for item in inputs:
                record_id, properties = str(item.get("id")), item.get("properties", {})
                if not all(isinstance(v, str) for v in properties.values()):
                    self.problems.append(f"hubspot {record_id}: non-string property value")
                if record_id not in self.hubspot_ids:
                    errors.append({"status": "error", "category": "OBJECT_NOT_FOUND",
                                   "message": f"Object not found. objectId={record_id}", "context": {"ids": [record_id]}})
                elif self.reject[record_id] > 0:
                    self.reject[record_id] -= 1
                    errors.append({"status": "error", "category": "VALIDATION_ERROR",
                                   "message": f"Property values were not valid for {record_id}",
                                   "context": {"ids": [record_id]}})
                else:
                    self.values[("hubspot", record_id)] = dict(properties)
                    self.writes[("hubspot", record_id)] += 1
                    results.append({"id": record_id, "properties": properties})
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            answer.update(numErrors=len(errors), errors=errors)
        return (207 if errors else 200), answer

    def hubspot_read(self, body: dict[str, Any]) -> dict[str, Any]:
        names = body.get("properties", [])
        results = []
        for item in body.get("inputs", []):
            record_id = str(item.get("id"))
            if record_id in self.hubspot_ids:
                stored = self.values.get(("hubspot", record_id), {})
                results.append({"id": record_id, "properties": {n: stored.get(n) for n in names}})
        return {"status": "COMPLETE", "results": results}

    # -- Salesforce ----------------------------------------------------------------------------
    def salesforce_process(self, job: dict[str, Any]) -> None:
        rows = list(csv.DictReader(io.StringIO(job["data"])))
        header = job["data"].split("\n", 1)[0].split(",")
        if header[0] != job["externalIdFieldName"]:
            self.problems.append(f"salesforce CSV starts with {header[0]}")
        ok, failed = [], []
        with self.lock:
            for row in rows:
                record_id = row[header[0]]
                if record_id not in self.salesforce_ids:
                    failed.append({"sf__Id": "", "sf__Error": f"INVALID_CROSS_REFERENCE_KEY:invalid id:{record_id}", **row})
                elif self.reject[record_id] > 0:
                    self.reject[record_id] -= 1
                    failed.append({"sf__Id": record_id, "sf__Error": "FIELD_CUSTOM_VALIDATION_EXCEPTION:Fit grade rejected", **row})
                else:
                    self.values[("salesforce", record_id)] = dict(row)
                    self.writes[("salesforce", record_id)] += 1
                    ok.append({"sf__Id": record_id, "sf__Created": "false", **row})
        job.update(state="JobComplete", ok=ok, failed=failed, numberRecordsProcessed=len(rows),
                   numberRecordsFailed=len(failed))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if status == 429:
                    self.send_header("Retry-After", "0.05")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def _dispatch(self, method: str) -> None:
                body = self._body()
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._send(401, [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}])
                    return
                path = self.path
                endpoint = self._endpoint(method, path)
                action = crm.fault(endpoint)
                if action == "429":
                    self._send(429, {"status": "error", "category": "RATE_LIMITS", "message": "ten secondly rolling limit"})
                    return
                if action == "500":
                    self._send(500, {"status": "error", "message": "internal error"})
                    return
                if action == "timeout":
                    time.sleep(crm.timeout_sleep)
                    return
                if action == "crash":
                    crm._kill_client()
                    return
                status, payload, content_type = self._handle(method, path, body, endpoint)
                if action == "apply_then_500":
                    self._send(500, {"status": "error", "message": "internal error after commit"})
                    return
                if action == "crash_after_apply":
                    crm._kill_client()
                    return
                self._send(status, payload, content_type)

            @staticmethod
            def _endpoint(method: str, path: str) -> str:
                if path.startswith("/crm/v3/objects/contacts/batch/"):
                    return "hubspot_" + path.rsplit("/", 1)[-1]
                if path == API:
                    return "salesforce_create"
                if path.endswith("/batches"):
                    return "salesforce_upload"
                if path.endswith("Results/"):
                    return "salesforce_results"
                return "salesforce_job_" + method.lower()

            def _handle(self, method: str, path: str, body: bytes, endpoint: str) -> tuple[int, Any, str]:
                if endpoint == "hubspot_update":
                    status, answer = crm.hubspot_update(json.loads(body))
                    return status, answer, "application/json"
                if endpoint == "hubspot_read":
                    return 200, crm.hubspot_read(json.loads(body)), "application/json"
                if endpoint == "salesforce_create":
                    spec = json.loads(body)
                    if spec.get("contentType") != "CSV" or spec.get("operation") not in {"upsert", "update"}:
                        crm.problems.append(f"salesforce job spec {spec}")
                    job_id = f"750{len(crm.jobs):015d}"
                    crm.jobs[job_id] = {"id": job_id, "state": "Open", "data": "", **spec}
                    return 200, {"id": job_id, "state": "Open", "object": spec.get("object")}, "application/json"
                job_id = path[len(API) + 1 :].split("/")[0]
                job = crm.jobs.get(job_id)
                if job is None:
                    return 404, [{"errorCode": "NOT_FOUND", "message": "job not found"}], "application/json"
                if endpoint == "salesforce_upload":
                    if self.headers.get("Content-Type") != "text/csv":
                        crm.problems.append("salesforce upload without text/csv")
                    job["data"] = body.decode()
                    return 201, "", "text/plain"
                if endpoint == "salesforce_job_patch":
                    state = json.loads(body).get("state")
                    if state == "UploadComplete" and job["state"] == "Open":
                        crm.salesforce_process(job)
                    elif state == "Aborted" and job["state"] == "Open":
                        job["state"] = "Aborted"
                    return 200, {"id": job_id, "state": job["state"]}, "application/json"
                if endpoint == "salesforce_results":
                    kind = "ok" if "successfulResults" in path else "failed"
                    rows = job.get(kind, [])
                    out = io.StringIO()
                    if rows:
                        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
                        writer.writeheader()
                        writer.writerows(rows)
                    return 200, out.getvalue(), "text/csv"
                return 200, {k: v for k, v in job.items() if k not in {"data", "ok", "failed"}}, "application/json"

            def do_GET(self) -> None:  # noqa: N802
                self._dispatch("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._dispatch("POST")

            def do_PUT(self) -> None:  # noqa: N802
                self._dispatch("PUT")

            def do_PATCH(self) -> None:  # noqa: N802
                self._dispatch("PATCH")

        return Handler
