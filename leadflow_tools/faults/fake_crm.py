"""A local stand-in for the HubSpot and Salesforce APIs, and a small warehouse to sync from.

FakeCrm (loopback only) implements the request/response shapes leadflow uses: HubSpot CRM v3
contacts and companies batch update and batch read; Salesforce Bulk API 2.0 ingest (create job, upload CSV,
UploadComplete / Aborted, job status, successfulResults, failedResults) and the sObject
Collections retrieve (GET /composite/sobjects/{SObject}?ids=...&fields=...). It validates what it
receives (a bearer token per CRM, at most 100 HubSpot inputs, string property values, CSV with
the Id column first).

Faults per endpoint, in order (`faults[endpoint]`, endpoints as in `_endpoint`):
  '429'               429 with Retry-After 0.05, nothing applied
  '429_long'          429 with Retry-After `long_retry_after` (86400), nothing applied
  '500'               500, nothing applied
  'timeout'           answers too late (after `timeout_sleep`), nothing applied
  'apply_then_500'    applies, then fails: the client cannot know
  'apply_late'        no answer (the client times out), then applies after `late_delay` s
  'slow'              answers normally after `slow_sleep` s
  'html'              200 with an HTML page instead of JSON, nothing applied
  'trickle'           200 whose body arrives one byte every `trickle_interval` s, nothing applied
  'crash'             kills the client process, nothing applied
  'crash_after_apply' applies, then kills the client before it hears back
Per-record errors: `reject[record_id] = n` rejects that record's next n writes.
Salesforce jobs: `fail_after` (a queue: the next processed job applies that many rows, then ends
Failed; the rest are in no result file), `omit_results` (ids left out of both result files, and
out of HubSpot's batch update answer), `hold_jobs` (UploadComplete leaves jobs InProgress until
`finish_jobs()`).

What it saw: `requests` per endpoint, `refused` (401s) per endpoint, `writes` per (crm, record id),
`history` per (crm, record id): every value set written, in order (so a record written twice
with the same values can be told from one resent because its values changed), `fired`: each
injected fault that actually fired ('<endpoint>:<fault>', '<crm>:reject', 'salesforce:fail_after',
'<crm>:omit_results', 'salesforce:hold_jobs', '<endpoint>:401'). `clear_faults()` removes every
fault still queued (as an operator's rerun after the incident) and says which never fired.

`build_warehouse` writes a DuckDB file shaped like a dbt build (config seeds, the three sync
models, marts.dim_leads with as_of, leadflow_meta.build_runs) with a few hundred records, so the
sync tests run in seconds without the full dbt build.

Used by the sync tests (tests/python/fake_crm.py re-exports this module) and by the fault-injection
campaign (leadflow_tools/faults/campaign.py, scripts/fault_injection.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb

from .. import PROJECT_ROOT
from ..sync.cli import main
from ..sync.state import load_targets, read_model

ROOT = PROJECT_ROOT
TOKEN = "test-token"
API = "/services/data/v62.0/jobs/ingest"
RETRIEVE = "/services/data/v62.0/composite/sobjects/"
AS_OF = "2026-11-01 00:00:00"


class FakeCrm:
    def __init__(
        self, hubspot_ids: set[str], salesforce_ids: set[str], timeout_sleep: float = 1.5,
        object_of: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self.hubspot_ids = hubspot_ids
        self.salesforce_ids = salesforce_ids
        # (crm, record id) -> the object it is (warehouse_objects): a write through another
        # object's endpoint or job is a problem; empty: objects are not checked
        self.object_of = object_of or {}
        self.timeout_sleep = timeout_sleep
        self.late_delay = 1.5
        self.slow_sleep = 2.0
        self.trickle_interval = 0.2
        self.long_retry_after = "86400"
        self.tokens = {"hubspot": TOKEN, "salesforce": TOKEN}
        self.values: dict[tuple[str, str], dict[str, str]] = {}
        self.writes: Counter[tuple[str, str]] = Counter()
        self.history: defaultdict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        self.fired: Counter[str] = Counter()  # injected faults that fired
        self.faults: defaultdict[str, list[str | None]] = defaultdict(list)  # None: answer this request normally
        self.reject: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # requests answered 401, by endpoint
        self.problems: list[str] = []  # malformed requests seen
        self.jobs: dict[str, dict[str, Any]] = {}
        self.fail_after: list[int] = []
        self.omit_results: set[str] = set()
        self.hold_jobs = False
        self.started = threading.Event()  # set when a 'slow' request has arrived
        self.late_applied = threading.Event()  # set when an 'apply_late' batch has been applied
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
            action = queue.pop(0) if queue else None
            if action is not None:
                self.fired[f"{endpoint}:{action}"] += 1
            return action

    def _write(self, crm: str, record_id: str, values: dict[str, str]) -> None:
        """Apply one record's write (the caller holds the lock)."""
        self.values[(crm, record_id)] = dict(values)
        self.writes[(crm, record_id)] += 1
        self.history[(crm, record_id)].append(dict(values))

    def clear_faults(self) -> list[str]:
        """Remove every fault not yet fired (an operator reruns once the incident is over); returns
        what never fired. Jobs already stuck InProgress stay so until `finish_jobs()`."""
        with self.lock:
            unfired = [f"{endpoint}:{action}" for endpoint, queue in self.faults.items() for action in queue if action]
            unfired += [f"salesforce:fail_after {n}" for n in self.fail_after]
            unfired += [f"reject {record_id} x{n}" for record_id, n in self.reject.items() if n > 0]
            self.faults.clear()
            self.fail_after.clear()
            self.reject.clear()
            self.omit_results.clear()
            self.hold_jobs = False
        return unfired

    def _kill_client(self) -> None:
        if self.client_pid is not None:
            os.kill(self.client_pid, signal.SIGKILL)
            time.sleep(0.3)

    # -- HubSpot -------------------------------------------------------------------------------
    def _check_object(self, crm: str, record_id: str, crm_object: str | None) -> None:
        expected = self.object_of.get((crm, record_id))
        if expected is not None and expected != crm_object:
            self.problems.append(f"{crm} {record_id} belongs to {expected}, written as {crm_object}")

    def hubspot_update(self, body: dict[str, Any], crm_object: str = "contacts") -> tuple[int, dict[str, Any]]:
        inputs = body.get("inputs", [])
        if not 0 < len(inputs) <= 100:
            self.problems.append(f"hubspot batch of {len(inputs)} inputs")
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
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
                    self.fired["hubspot:reject"] += 1
                    errors.append({"status": "error", "category": "VALIDATION_ERROR",
                                   "message": f"Property values were not valid for {record_id}",
                                   "context": {"ids": [record_id]}})
                else:
                    self._check_object("hubspot", record_id, crm_object)
                    self._write("hubspot", record_id, properties)
                    if record_id in self.omit_results:
                        self.fired["hubspot:omit_results"] += 1
                    else:
                        results.append({"id": record_id, "properties": properties})
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            answer.update(numErrors=len(errors), errors=errors)
        return (207 if errors else 200), answer

    def hubspot_read(self, body: dict[str, Any]) -> dict[str, Any]:
        names = body.get("properties", [])
        if len(body.get("inputs", [])) > 100:
            self.problems.append("hubspot batch read of more than 100 inputs")
        results: list[dict[str, Any]] = []
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
        ok: list[dict[str, str]] = []
        failed: list[dict[str, str]] = []
        with self.lock:
            limit = self.fail_after.pop(0) if self.fail_after else None
            if limit is not None:
                self.fired["salesforce:fail_after"] += 1
            for row in rows[:limit]:
                record_id = row[header[0]]
                if record_id not in self.salesforce_ids:
                    failed.append({"sf__Id": "", "sf__Error": f"INVALID_CROSS_REFERENCE_KEY:invalid id:{record_id}", **row})
                elif self.reject[record_id] > 0:
                    self.reject[record_id] -= 1
                    self.fired["salesforce:reject"] += 1
                    failed.append({"sf__Id": record_id, "sf__Error": "FIELD_CUSTOM_VALIDATION_EXCEPTION:Fit grade rejected", **row})
                else:
                    self._check_object("salesforce", record_id, job.get("object"))
                    self._write("salesforce", record_id, row)
                    ok.append({"sf__Id": record_id, "sf__Created": "false", **row})
            omitted = [r for r in ok if r["sf__Id"] in self.omit_results]
            omitted += [r for r in failed if r[header[0]] in self.omit_results]
            if omitted:
                self.fired["salesforce:omit_results"] += len(omitted)
        ok = [r for r in ok if r["sf__Id"] not in self.omit_results]
        failed = [r for r in failed if r[header[0]] not in self.omit_results]
        state = "JobComplete" if limit is None or limit >= len(rows) else "Failed"
        job.update(state=state, ok=ok, failed=failed, numberRecordsProcessed=len(rows[:limit]),
                   numberRecordsFailed=len(failed))
        if state == "Failed":
            job["errorMessage"] = "InvalidBatch : Failed to process query: server restarted"

    def finish_jobs(self) -> None:
        """Process the jobs `hold_jobs` left InProgress."""
        for job in list(self.jobs.values()):
            if job["state"] == "InProgress":
                self.salesforce_process(job)

    def salesforce_retrieve(self, path: str) -> tuple[int, Any]:
        """sObject Collections retrieve: a list in the order of `ids`, null for ids not found."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        ids = query.get("ids", [""])[0].split(",")
        fields = query.get("fields", [""])[0].split(",")
        if len(ids) > 200:
            self.problems.append(f"sObject Collections retrieve of {len(ids)} ids")
        records: list[dict[str, Any] | None] = []
        for record_id in ids:
            if record_id not in self.salesforce_ids:
                records.append(None)
                continue
            stored = self.values.get(("salesforce", record_id), {})
            record: dict[str, Any] = {"attributes": {"type": "Lead", "url": f"/sobjects/Lead/{record_id}"}, "Id": record_id}
            record.update({f: None if stored.get(f) in (None, "#N/A") else stored[f] for f in fields})
            records.append(record)
        return 200, records

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def _send(self, status: int, payload: Any, content_type: str = "application/json",
                      retry_after: str = "0.05") -> None:
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if status == 429:
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def _trickle(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                try:
                    for _ in range(1000):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(crm.trickle_interval)
                except OSError:
                    pass  # the client gave up

            def _dispatch(self, method: str) -> None:
                body = self._body()
                path = self.path
                endpoint = self._endpoint(method, path)
                if self.headers.get("Authorization") != f"Bearer {crm.tokens[endpoint.split('_')[0]]}":
                    crm.refused[endpoint] += 1
                    crm.fired[f"{endpoint}:401"] += 1
                    self._send(401, [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}])
                    return
                action = crm.fault(endpoint)
                if action in ("429", "429_long"):
                    self._send(429, {"status": "error", "category": "RATE_LIMITS", "message": "ten secondly rolling limit"},
                               retry_after=crm.long_retry_after if action == "429_long" else "0.05")
                    return
                if action == "500":
                    self._send(500, {"status": "error", "message": "internal error"})
                    return
                if action == "html":
                    self._send(200, "<html><body><h1>Service unavailable</h1></body></html>", "text/html")
                    return
                if action == "trickle":
                    self._trickle()
                    return
                if action == "timeout":
                    time.sleep(crm.timeout_sleep)
                    return
                if action == "crash":
                    crm._kill_client()
                    return
                if action == "apply_late":
                    time.sleep(crm.late_delay)
                    self._handle(method, path, body, endpoint)
                    crm.late_applied.set()
                    return
                if action == "slow":
                    crm.started.set()
                    time.sleep(crm.slow_sleep)
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
                if re.match(r"/crm/v3/objects/[a-z_]+/batch/", path):  # contacts, companies
                    return "hubspot_" + path.rsplit("/", 1)[-1]
                if path.startswith(RETRIEVE):
                    return "salesforce_retrieve"
                if path == API:
                    return "salesforce_create"
                if path.endswith("/batches"):
                    return "salesforce_upload"
                if path.endswith("Results/"):
                    return "salesforce_results"
                return "salesforce_job_" + method.lower()

            def _handle(self, method: str, path: str, body: bytes, endpoint: str) -> tuple[int, Any, str]:
                if endpoint == "hubspot_update":
                    status, answer = crm.hubspot_update(json.loads(body), path.split("/")[4])
                    return status, answer, "application/json"
                if endpoint == "hubspot_read":
                    return 200, crm.hubspot_read(json.loads(body)), "application/json"
                if endpoint == "salesforce_retrieve":
                    status, records = crm.salesforce_retrieve(path)
                    return status, records, "application/json"
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
                        if crm.hold_jobs:
                            job["state"] = "InProgress"
                            crm.fired["salesforce:hold_jobs"] += 1
                        else:
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


# -- a small warehouse ------------------------------------------------------------------------
SF_FIELDS = [("fit_score", "Fit_Score__c", "score"), ("fit_grade", "Fit_Grade__c", "exact"),
             ("priority_tier", "Priority_Tier__c", "exact"), ("routing_reason", "Routing_Reason__c", "exact"),
             ("email_consent", "Leadflow_Email_Consent__c", "consent")]
HS_FIELDS = [("fit_score", "leadflow_fit_score", "score"), ("fit_grade", "leadflow_fit_grade", "exact"),
             ("priority_tier", "leadflow_priority_tier", "exact"), ("routing_reason", "leadflow_routing_reason", "exact"),
             ("email_consent", "leadflow_email_consent", "consent")]
SYNC_MODELS = {"sync_salesforce__lead_scores": ("Id", SF_FIELDS), "sync_salesforce__contact_scores": ("Id", SF_FIELDS),
               "sync_hubspot__contact_scores": ("id", HS_FIELDS)}


def _rows(prefix: str, count: int) -> list[tuple[object, ...]]:
    """Salesforce-like 18-character ids (prefix 003 / 00Q), HubSpot-like numeric ones (prefix 9)."""
    width = 6 if prefix == "9" else 18 - len(prefix)
    rows: list[tuple[object, ...]] = []
    for n in range(count):
        rows.append((f"{prefix}{n:0{width}d}", round(10 + (n * 37) % 90 + 0.5 * (n % 2), 1), "ABCD"[n % 4],
                     1 + n % 3, None if n % 7 == 0 else f"routed by territory {n % 5}",
                     "opted_out" if n % 11 == 0 else "subscribed"))
    return rows


def build_warehouse(
    database: Path, hubspot: int = 650, leads: int = 250, contacts: int = 150, build_status: str | None = "success"
) -> tuple[set[str], set[str]]:
    """A DuckDB file shaped like a dbt build; returns (HubSpot ids, Salesforce ids).
    `build_status` None leaves leadflow_meta.build_runs out (a project that does not keep it)."""
    con = duckdb.connect(str(database))
    try:
        for schema in ("config", "marts", "leadflow_meta"):
            con.execute(f"create schema {schema}")
        con.execute("create table config.sync_targets (target varchar, crm varchar, grain varchar, sync_model varchar, crm_object varchar, "
                    "record_id_column varchar, score_change_threshold double, records_per_request integer, "
                    "max_requests integer, per_seconds double, description varchar)")
        con.executemany("insert into config.sync_targets values (?, ?, 'person', ?, ?, ?, 15, ?, 1000, 1, 'test')", [
            ["salesforce_lead", "salesforce", "sync_salesforce__lead_scores", "Lead", "Id", 100],
            ["salesforce_contact", "salesforce", "sync_salesforce__contact_scores", "Contact", "Id", 100],
            ["hubspot_contact", "hubspot", "sync_hubspot__contact_scores", "contacts", "id", 100],
        ])
        con.execute("create table config.sync_fields (crm varchar, grain varchar, field varchar, crm_field_name varchar, "
                    "change_rule varchar, description varchar)")
        con.executemany("insert into config.sync_fields values (?, 'person', ?, ?, ?, 'test')",
                        [["salesforce", *f] for f in SF_FIELDS] + [["hubspot", *f] for f in HS_FIELDS])
        counts = {"sync_salesforce__lead_scores": ("00Q", leads), "sync_salesforce__contact_scores": ("003", contacts),
                  "sync_hubspot__contact_scores": ("9", hubspot)}
        for model, (id_column, fields) in SYNC_MODELS.items():
            names = [f[1] for f in fields]
            con.execute(f'create table marts.{model} ("{id_column}" varchar, "{names[0]}" double, "{names[1]}" varchar, '
                        f'"{names[2]}" integer, "{names[3]}" varchar, "{names[4]}" varchar)')
            con.executemany(f"insert into marts.{model} values (?, ?, ?, ?, ?, ?)", _rows(*counts[model]))
        con.execute("create table marts.dim_leads as select 'L' || range::varchar as lead_key, "
                    f"timestamp '{AS_OF}' as as_of from range(50)")
        if build_status is not None:
            con.execute("create table leadflow_meta.build_runs (invocation_id varchar, as_of timestamp, "
                        "started_at timestamp, finished_at timestamp, status varchar)")
            con.execute(f"insert into leadflow_meta.build_runs values ('inv-1', '{AS_OF}', '2026-11-01 01:00:00', "
                        f"'2026-11-01 01:10:00', ?)", [build_status])
        hubspot_ids = {str(r[0]) for r in con.execute("select id from marts.sync_hubspot__contact_scores").fetchall()}
        salesforce_ids = {str(r[0]) for r in con.execute(
            "select Id from marts.sync_salesforce__lead_scores union all select Id from marts.sync_salesforce__contact_scores"
        ).fetchall()}
    finally:
        con.close()
    return hubspot_ids, salesforce_ids


def push(database: Path, crm: FakeCrm, output: Path, *extra: str) -> int:
    """scripts/sync_crm.py --push against the fake, with test-sized timeouts and no settle wait."""
    return main(["--database", str(database), "--push", "--base-url", crm.url, "--output", str(output),
                 "--timeout", "1", "--backoff-seconds", "0.01", "--poll-seconds", "0.01",
                 "--settle-after-seconds", "0", *extra])


def sync_command(database: Path, crm: FakeCrm, output: Path, *extra: str) -> list[str]:
    """The same as a subprocess command line (for crash tests)."""
    return [sys.executable, str(ROOT / "scripts" / "sync_crm.py"), "--database", str(database), "--push",
            "--base-url", crm.url, "--output", str(output), "--timeout", "5", "--poll-seconds", "0.01",
            "--settle-after-seconds", "0", *extra]


def state_rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """A read-only query, connection closed at once."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def synced(database: Path) -> dict[tuple[str, str], dict[str, object]]:
    """sync_state as {(target, record id): values}."""
    rows = state_rows(database, "select target, record_id, field_values from leadflow_sync.sync_state")
    return {(str(t), str(r)): json.loads(str(v)) for t, r, v in rows}


def warehouse_ids(database: Path) -> tuple[set[str], set[str]]:
    """(HubSpot ids, Salesforce ids) of every sync target of a warehouse (build_warehouse's or a dbt
    build's: people, accounts and companies), read as the sync reads them."""
    ids: dict[str, set[str]] = defaultdict(set)
    con = duckdb.connect(str(database), read_only=True)
    try:
        for target in load_targets(con):
            ids[target.crm] |= set(read_model(con, target))
    finally:
        con.close()
    return ids["hubspot"], ids["salesforce"]


def warehouse_objects(database: Path) -> dict[tuple[str, str], str]:
    """(crm, record id) -> the CRM object its sync target writes (Lead, Account, companies, ...)."""
    objects: dict[tuple[str, str], str] = {}
    con = duckdb.connect(str(database), read_only=True)
    try:
        for target in load_targets(con):
            objects.update({(target.crm, record_id): target.crm_object for record_id in read_model(con, target)})
    finally:
        con.close()
    return objects


class Sandbox:
    """A small warehouse, a FakeCrm (running inside `with`) and an output folder; tests set the
    tokens (TOKEN) in the environment. `template`: copy that warehouse (one build_warehouse wrote,
    never synced) instead of building one."""

    def __init__(self, root: Path, build_status: str | None = "success", template: Path | None = None) -> None:
        self.database = root / "sync.duckdb"
        self.output = root / "out"
        if template is None:
            self.hubspot_ids, self.salesforce_ids = build_warehouse(self.database, build_status=build_status)
        else:
            shutil.copyfile(template, self.database)
            self.hubspot_ids, self.salesforce_ids = warehouse_ids(self.database)
        self.crm = FakeCrm(self.hubspot_ids, self.salesforce_ids)

    def push(self, *extra: str) -> int:
        return push(self.database, self.crm, self.output, *extra)

    def command(self, *extra: str) -> list[str]:
        return sync_command(self.database, self.crm, self.output, *extra)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return state_rows(self.database, sql)

    def outcomes(self) -> dict[str, str]:
        """The last run's outcome per target (sync_runs)."""
        rows = self.rows("select target, outcome from leadflow_sync.sync_runs qualify row_number() over "
                         "(partition by target order by started_at desc) = 1")
        return {str(t): str(o) for t, o in rows}

    def __enter__(self) -> Sandbox:
        self.crm.__enter__()
        return self

    def __exit__(self, *_: object) -> None:
        self.crm.__exit__()

    def execute(self, sql: str) -> None:
        con = duckdb.connect(str(self.database))
        try:
            con.execute(sql)
        finally:
            con.close()

