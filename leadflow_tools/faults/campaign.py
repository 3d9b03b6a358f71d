"""A fault-injection campaign against the reverse-ETL sync: named incidents, duplicates and losses counted.

Each scenario gets a fresh copy of the hand-made warehouse (fake_crm.build_warehouse: 650 HubSpot
contacts, 150 Salesforce contacts, 250 Salesforce leads) and a fresh fake CRM on 127.0.0.1, injects
its fault into the first run(s), then reruns the sync as an operator would once the incident is
over (faults cleared, same command, --settle-after-seconds 0) until a run exits 0 or --max-runs
runs were made. Crash scenarios run the sync as a subprocess the fake CRM kills with SIGKILL at
a chosen request, then delete the payload folder (as `make clean` would) before the rerun.

Then it measures against what the fake CRM holds and saw:
  expected    records in the three sync models (their values at the end of the scenario)
  delivered   records the CRM holds with exactly the model's values (wire format: HubSpot strings,
              '' for null; Salesforce CSV cells, '#N/A' for null)
  lost        expected - delivered
  duplicates  records whose identical values were written more than once (writes counted per
              crm, record and values: a record resent because its values changed is no duplicate)
  written     record writes the CRM applied; requests: HTTP requests it received (401s included)
and whether the fault really fired (the fake records every injected fault that fired; a fault
still queued when the scenario moved on means the scenario did not test what it says).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import fnmatch
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from .fake_crm import SYNC_MODELS, TOKEN, Sandbox, build_warehouse

Inject = Callable[[Sandbox], None]
Progress = Callable[[str], None]
TOKEN_ENV = ("HUBSPOT_ACCESS_TOKEN", "SALESFORCE_ACCESS_TOKEN")
WRONG_TOKEN = "expired-token"
DEFAULT_MAX_RUNS = 5
KILLED = -9  # a subprocess's return code after SIGKILL


# -- scenarios ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One scripted run of a scenario: what to inject before it and how to run it."""

    inject: Inject | None = None
    args: tuple[str, ...] = ()  # extra sync_crm.py arguments for this run
    crash: bool = False  # a subprocess the fake CRM may kill (SIGKILL), not an in-process run
    clean_output: bool = False  # delete the payload folder first (`make clean`)
    wrong_token: bool = False  # the run's environment carries an expired token for both CRMs


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: str  # what is injected, for people
    steps: tuple[Step, ...]
    baseline: bool = False  # injects nothing on purpose (the clean push)


def faults(every: Mapping[str, Sequence[str | None]] | None = None, **queues: Sequence[str | None]) -> Inject:
    """Queue faults per endpoint (None: that request answered normally); `queues` replace `every`'s."""
    merged = {**(every or {}), **queues}

    def inject(box: Sandbox) -> None:
        for endpoint, actions in merged.items():
            box.crm.faults[endpoint] += list(actions)
    return inject


def at(position: int, action: str) -> list[str | None]:
    """`action` at the position-th request to an endpoint (1-based), the earlier ones answered normally."""
    return [None] * (position - 1) + [action]


def combine(*injects: Inject) -> Inject:
    def inject(box: Sandbox) -> None:
        for one in injects:
            one(box)
    return inject


def _ids(box: Sandbox, prefix: str) -> list[str]:
    """Record ids in the order the sync sends them: '9' HubSpot, '003' Salesforce contacts, '00Q' leads."""
    pool = box.hubspot_ids if prefix == "9" else box.salesforce_ids
    return sorted(i for i in pool if i.startswith(prefix))


def omit_answers(box: Sandbox) -> None:
    """Leave one HubSpot record (batch 1) and one Salesforce lead (job 1) out of the answers, so the
    sync reads them back: the read-back endpoints (hubspot_read, salesforce_retrieve) see traffic."""
    box.crm.omit_results |= {_ids(box, "9")[3], _ids(box, "00Q")[7]}


def reject(box: Sandbox) -> None:
    for record_id in _ids(box, "9")[5:8] + _ids(box, "003")[10:12] + _ids(box, "00Q")[40:41]:
        box.crm.reject[record_id] = 1


def failed_job(box: Sandbox) -> None:
    box.crm.fail_after = [60]  # the first job (contacts 0-99) writes 60 rows, then ends Failed


def omitted_results(box: Sandbox) -> None:
    contacts, leads = _ids(box, "003"), _ids(box, "00Q")
    box.crm.reject[contacts[30]] = 1  # rejected, and in no result file: read back, not there, sent again
    box.crm.omit_results |= {contacts[10], leads[20], contacts[30]}


def stuck_jobs(box: Sandbox) -> None:
    box.crm.hold_jobs = True


def finish_jobs(box: Sandbox) -> None:
    box.crm.finish_jobs()
    box.crm.fired["salesforce:jobs finished"] += 1


def slow(seconds: float, endpoint: str, position: int = 1) -> Inject:
    def inject(box: Sandbox) -> None:
        box.crm.slow_sleep = seconds
        box.crm.faults[endpoint] += at(position, "slow")
    return inject


def wait_for_late_write(box: Sandbox) -> None:
    """The 'apply_late' batch lands (as it would during --settle-after-seconds) before the rerun."""
    if not box.crm.late_applied.wait(15):
        raise RuntimeError("the apply_late batch never landed")


def consent_change(*, models: Sequence[str] = tuple(SYNC_MODELS), first: int = 1, count: int = 3) -> Inject:
    """Between runs: `count` records per model change consent (opt out, or back in) and their score
    moves +5; every target's score threshold is raised to 1000, so consent alone makes them changed."""
    def inject(box: Sandbox) -> None:
        box.execute("update config.sync_targets set score_change_threshold = 1000")
        for model in models:
            id_column, fields = SYNC_MODELS[model]
            consent, score = fields[4][1], fields[0][1]
            prefix = "9" if "hubspot" in model else "003" if "contact" in model else "00Q"
            ids = _ids(box, prefix)[first : first + count]
            box.execute(f'update marts.{model} set "{consent}" = case when "{consent}" = \'opted_out\' then '
                        f'\'subscribed\' else \'opted_out\' end, "{score}" = "{score}" + 5 where "{id_column}" in '
                        f"({', '.join(repr(i) for i in ids)})")
            box.crm.fired["warehouse:consent changed"] += len(ids)
    return inject


def deadline_args(seconds: float) -> tuple[str, ...]:
    return ("--deadline-seconds", f"{seconds:g}", "--timeout", "5")


def _crash_scenarios() -> list[Scenario]:
    """SIGKILL at several request positions per CRM, before ('crash') and after ('crash_after_apply')
    the fake applies the request; then `make clean` and rerun. A run sends, in order: 7 hubspot
    batch updates; Salesforce contacts (2 jobs) then leads (3 jobs), each job: create, upload,
    UploadComplete (job_patch), status (job_get), successfulResults + failedResults (results)."""
    positions = [("hubspot_update", 1), ("hubspot_update", 4), ("hubspot_update", 7),
                 ("salesforce_create", 1), ("salesforce_upload", 2), ("salesforce_job_patch", 3),
                 ("salesforce_job_get", 4), ("salesforce_results", 5)]
    scenarios = []
    for endpoint, position in positions:
        for kind in ("crash", "crash_after_apply"):
            scenarios.append(Scenario(
                f"kill-{endpoint.replace('_', '-')}-{position}-{'after' if kind == 'crash_after_apply' else 'before'}",
                f"SIGKILL at {endpoint} #{position}, {'after' if kind == 'crash_after_apply' else 'before'} the CRM "
                "applied it; payload folder deleted; rerun",
                (Step(faults({endpoint: at(position, kind)}), crash=True), Step(clean_output=True)),
            ))
    scenarios.append(Scenario(
        "kill-twice-hubspot",
        "SIGKILL after hubspot_update #3 applied, then the rerun killed too while reading it back (hubspot_read #1); "
        "payload folder deleted each time",
        (Step(faults(hubspot_update=at(3, "crash_after_apply")), crash=True),
         Step(faults(hubspot_read=["crash"]), crash=True, clean_output=True), Step(clean_output=True)),
    ))
    return scenarios


def scenarios() -> list[Scenario]:
    """The campaign, in the order it runs."""
    every = ("salesforce_create", "salesforce_upload", "salesforce_job_patch", "salesforce_job_get",
             "salesforce_results", "salesforce_retrieve", "hubspot_read")
    return [
        Scenario("clean", "no fault: one push of every record", (Step(),), baseline=True),
        Scenario(
            "429-storm",
            "429s (Retry-After 0.05 s) on every endpoint, 3 in a row (retried); 6 in a row (= --max-attempts) on "
            "hubspot_update #2 and salesforce_results #2; one record per CRM left out of the answers (read back)",
            (Step(combine(faults({e: ["429"] * 3 for e in every},
                                 hubspot_update=["429"] * 3 + [None] + ["429"] * 6,
                                 salesforce_results=["429"] * 3 + [None] + ["429"] * 6), omit_answers)),),
        ),
        Scenario(
            "read-back-429-storm",
            "one HubSpot record (batch 1) and one Salesforce lead (job 1) left out of the answers, and their "
            "read-back answered 429 6 times in a row (= --max-attempts), after the write was applied",
            (Step(combine(faults(hubspot_read=["429"] * 6, salesforce_retrieve=["429"] * 6), omit_answers)),),
        ),
        Scenario(
            "500s-every-endpoint",
            "500s on every endpoint: hubspot_update #2 (ambiguous: held), 2 in a row elsewhere (retried), "
            "apply_then_500 on salesforce_create #1 and job_patch #2, 6 in a row on job_get of job 2 (held); "
            "one record per CRM left out of the answers",
            (Step(combine(faults({e: ["500", "500"] for e in every},
                                 hubspot_update=at(2, "500"),
                                 salesforce_create=["apply_then_500", "500"],
                                 salesforce_job_patch=["500", None, "apply_then_500"],
                                 salesforce_job_get=["500", "500", None] + ["500"] * 6), omit_answers)),),
        ),
        Scenario(
            "timeouts-every-endpoint",
            "a timeout (answer after 1.5 s, client --timeout 1) on every endpoint: hubspot_update #2 (held), "
            "a trickled answer on hubspot_update #4 (held), hubspot_read #1, create #1, upload #2, job_patch #3, "
            "job_get #4, results #5, retrieve #1; one record per CRM left out of the answers",
            (Step(combine(faults(hubspot_update=[None, "timeout", None, "trickle"], hubspot_read=["timeout"],
                                 salesforce_create=["timeout"], salesforce_upload=at(2, "timeout"),
                                 salesforce_job_patch=at(3, "timeout"), salesforce_job_get=at(4, "timeout"),
                                 salesforce_results=at(5, "timeout"), salesforce_retrieve=["timeout"]),
                          omit_answers)),),
        ),
        Scenario(
            "hubspot-apply-then-500-apply-late",
            "HubSpot batches: #2 applied after the client timed out (apply_late), #3 timeout, #4 applied then 500, "
            "#5 500; all held, settled by the next run (read back) once the late write landed",
            (Step(faults(hubspot_update=[None, "apply_late", "timeout", "apply_then_500", "500"])),
             Step(wait_for_late_write)),
        ),
        *_crash_scenarios(),
        Scenario(
            "sf-job-failed-midway",
            "Salesforce job 1 writes 60 of its 100 rows, then ends Failed (the rest in no result file)",
            (Step(failed_job),),
        ),
        Scenario(
            "sf-rows-in-no-result-file",
            "3 rows left out of both result files: 2 written, 1 rejected (read back, then sent again)",
            (Step(omitted_results),),
        ),
        Scenario(
            "sf-job-stuck-in-progress",
            "Salesforce jobs stuck InProgress (--poll-timeout 0.05); rerun while still stuck; then they finish",
            (Step(stuck_jobs, ("--poll-timeout", "0.05")), Step(), Step(finish_jobs)),
        ),
        Scenario(
            "retry-after-beyond-cap",
            "429 with Retry-After 86400 s (> --max-retry-after) on hubspot_update #2 and salesforce_create #1",
            (Step(faults(hubspot_update=at(2, "429_long"), salesforce_create=["429_long"])),),
        ),
        Scenario(
            "sf-upload-complete-500-then-retry-after-beyond-cap",
            "UploadComplete of job 1 applied then 500, its retry answered 429 with Retry-After 86400 s",
            (Step(faults(salesforce_job_patch=["apply_then_500", "429_long"])),),
        ),
        Scenario(
            "per-record-rejects",
            "3 HubSpot and 3 Salesforce records rejected once (validation errors), sent again next run",
            (Step(reject),),
        ),
        Scenario(
            "deadline-during-hubspot-batch",
            "--deadline-seconds 2 passes during a slow hubspot_update #2 (2.5 s); rerun",
            (Step(slow(2.5, "hubspot_update", 2), deadline_args(2)),),
        ),
        Scenario(
            "deadline-during-sf-job",
            "--deadline-seconds 2 passes while job 1's status call is slow (2.5 s), before its results are read "
            "(first run --target salesforce, so the job starts well inside the deadline)",
            (Step(slow(2.5, "salesforce_job_get", 1), ("--target", "salesforce", *deadline_args(2))),),
        ),
        Scenario(
            "wrong-token",
            "both tokens expired (401 at the first request of each target); rerun with the right ones",
            (Step(wrong_token=True),),
        ),
        Scenario(
            "html-with-200",
            "an HTML page with status 200 on hubspot_update #2 (held), salesforce_create #1 and job_get #2",
            (Step(faults(hubspot_update=at(2, "html"), salesforce_create=["html"], salesforce_job_get=at(2, "html"))),),
        ),
        Scenario(
            "consent-change-between-runs",
            "after a clean push, 3 records per sync model change consent (scores +5, threshold 1000)",
            (Step(), Step(consent_change())),
        ),
        Scenario(
            "consent-change-while-held",
            "hubspot_update #1 applied then 500 (held); before the rerun 3 of its records change consent",
            (Step(faults(hubspot_update=["apply_then_500"])),
             Step(consent_change(models=("sync_hubspot__contact_scores",)))),
        ),
    ]


# -- running -----------------------------------------------------------------------------------
@dataclass
class RunResult:
    number: int
    exit_code: int  # -9: killed by the fake CRM (SIGKILL)
    seconds: float
    outcomes: dict[str, str]  # target -> sync_runs.outcome ('killed' for a run that never finished it)
    scripted: bool  # one of the scenario's steps (else an operator rerun)


@dataclass
class ScenarioResult:
    name: str
    fault: str
    runs: list[RunResult]
    expected: int
    delivered: int
    lost: int
    duplicates: int  # records with identical values written more than once
    extra_writes: int  # writes beyond the first of identical values
    written: int  # record writes the CRM applied
    requests: int
    fired: dict[str, int]
    unfired: list[str]
    problems: list[str]  # malformed requests the fake saw
    pending_left: int
    seconds: float
    baseline: bool = False
    lost_ids: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)

    @property
    def final_exit(self) -> int:
        return self.runs[-1].exit_code

    @property
    def injected(self) -> bool:
        """The fault fired (and nothing queued stayed unfired); the baseline needs none."""
        return self.baseline or (sum(self.fired.values()) > 0 and not self.unfired)

    @property
    def ok(self) -> bool:
        return self.duplicates == 0 and self.lost == 0 and self.final_exit == 0 and self.injected and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "final_exit": self.final_exit, "injected": self.injected, "ok": self.ok}


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@contextlib.contextmanager
def _tokens(value: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in TOKEN_ENV}
    os.environ.update({name: value for name in TOKEN_ENV})
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def _outcomes(box: Sandbox, since: datetime) -> dict[str, str]:
    try:
        rows = box.rows(f"select target, outcome from leadflow_sync.sync_runs where started_at >= '{since}' "
                        "order by target")
    except duckdb.Error:
        return {}
    return {str(target): str(outcome) if outcome is not None else "killed" for target, outcome in rows}


def run_step(box: Sandbox, step: Step, number: int, scripted: bool) -> tuple[RunResult, str]:
    """One sync run (push, every target); returns its result and its printed output."""
    token = WRONG_TOKEN if step.wrong_token else TOKEN
    since, started = _utc_now(), time.monotonic()
    if step.crash:
        env = {**os.environ, **{name: token for name in TOKEN_ENV}}
        process = subprocess.Popen(box.command(*step.args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, env=env)
        box.crm.client_pid = process.pid
        try:
            output, _ = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        finally:
            box.crm.client_pid = None
        code = process.returncode
    else:
        buffer = io.StringIO()
        with _tokens(token), contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            code = box.push(*step.args)
        output = buffer.getvalue()
    result = RunResult(number, code, round(time.monotonic() - started, 2), _outcomes(box, since), scripted)
    return result, output


def _wire(crm: str, value: object) -> str:
    """A model value as the CRM stores it (the documented wire format, see sync/payloads.py)."""
    if value is None:
        return "#N/A" if crm == "salesforce" else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def expected_values(database: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(crm, record id) -> the values the CRM should hold, read straight from the sync models."""
    expected: dict[tuple[str, str], dict[str, str]] = {}
    con = duckdb.connect(str(database), read_only=True)
    try:
        for model, (id_column, fields) in SYNC_MODELS.items():
            crm = "salesforce" if model.startswith("sync_salesforce__") else "hubspot"
            names = [f[1] for f in fields]
            columns = ", ".join(f'"{c}"' for c in [id_column, *names])
            for row in con.execute(f"select {columns} from marts.{model}").fetchall():
                record_id = str(row[0])
                values = {name: _wire(crm, value) for name, value in zip(names, row[1:], strict=True)}
                expected[(crm, record_id)] = {id_column: record_id, **values} if crm == "salesforce" else values
    finally:
        con.close()
    return expected


def measure(box: Sandbox, scenario: Scenario, runs: list[RunResult], unfired: list[str],
            seconds: float) -> ScenarioResult:
    expected = expected_values(box.database)
    delivered = {key for key, values in expected.items() if box.crm.values.get(key) == values}
    lost = sorted(f"{crm}:{record_id}" for crm, record_id in set(expected) - delivered)
    duplicate_ids, extra = [], 0
    for (crm, record_id), history in sorted(box.crm.history.items()):
        counts = Counter(json.dumps(values, sort_keys=True) for values in history)
        repeats = sum(n - 1 for n in counts.values())
        if repeats:
            duplicate_ids.append(f"{crm}:{record_id}")
            extra += repeats
    try:
        (pending,), = box.rows("select count(*) from leadflow_sync.sync_pending")
    except duckdb.Error:
        pending = -1
    return ScenarioResult(
        name=scenario.name, fault=scenario.fault, runs=runs, expected=len(expected), delivered=len(delivered),
        lost=len(lost), duplicates=len(duplicate_ids), extra_writes=extra,
        written=sum(len(h) for h in box.crm.history.values()),
        requests=sum(box.crm.requests.values()) + sum(box.crm.refused.values()),
        fired=dict(sorted(box.crm.fired.items())), unfired=unfired, problems=list(box.crm.problems),
        pending_left=int(pending), seconds=round(seconds, 2), baseline=scenario.baseline,
        lost_ids=lost[:20], duplicate_ids=duplicate_ids[:20],
    )


def run_scenario(scenario: Scenario, folder: Path, max_runs: int = DEFAULT_MAX_RUNS,
                 progress: Progress = lambda _line: None, template: Path | None = None) -> ScenarioResult:
    """The scenario's scripted runs, then operator reruns (faults cleared) until exit 0 or `max_runs`,
    on a copy of `template` (a warehouse build_warehouse wrote; built afresh when None)."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    runs: list[RunResult] = []
    unfired: list[str] = []
    with Sandbox(folder, template=template) as box:
        def one(step: Step, scripted: bool) -> None:
            if runs:
                unfired.extend(box.crm.clear_faults())  # the incident is over before the next run
            if step.inject is not None:
                step.inject(box)
            if step.clean_output:
                shutil.rmtree(box.output, ignore_errors=True)
            result, _ = run_step(box, step, len(runs) + 1, scripted)
            runs.append(result)
            outcomes = ", ".join(f"{t} {o}" for t, o in result.outcomes.items()) or "no target started"
            how = "killed (SIGKILL)" if result.exit_code == KILLED else f"exit {result.exit_code}"
            progress(f"    run {result.number}{'' if scripted else ' (rerun)'}: {how} in {result.seconds:.1f} s: "
                     f"{outcomes}")

        for step in scenario.steps:
            one(step, True)
        while runs[-1].exit_code != 0 and len(runs) < max_runs:
            one(Step(), False)
        unfired.extend(box.crm.clear_faults())
        return measure(box, scenario, runs, unfired, time.monotonic() - started)


# -- report ------------------------------------------------------------------------------------
@dataclass
class CampaignReport:
    results: list[ScenarioResult]
    seconds: float
    max_runs: int

    @property
    def totals(self) -> dict[str, int]:
        r = self.results
        return {
            "scenarios": len(r), "runs": sum(len(x.runs) for x in r), "requests": sum(x.requests for x in r),
            "written": sum(x.written for x in r), "duplicates": sum(x.duplicates for x in r),
            "lost": sum(x.lost for x in r), "not_settled": sum(1 for x in r if x.final_exit != 0),
            "fault_not_fired": sum(1 for x in r if not x.injected),
        }

    @property
    def exit_code(self) -> int:
        return 0 if all(x.ok for x in self.results) else 1

    def as_dict(self) -> dict[str, Any]:
        return {"seconds": round(self.seconds, 1), "max_runs": self.max_runs, "totals": self.totals,
                "exit_code": self.exit_code, "scenarios": [x.as_dict() for x in self.results]}


def render(report: CampaignReport) -> str:
    width = max([len("scenario"), *(len(x.name) for x in report.results)])
    header = (f"{'scenario':<{width}} {'runs':>4} {'exits':<12} {'requests':>8} {'written':>7} {'expected':>8} "
              f"{'delivered':>9} {'dupes':>5} {'lost':>4} {'final':>5}  fault fired")
    lines = ["", header, "-" * len(header)]
    for x in report.results:
        exits = ",".join("k" if r.exit_code == KILLED else str(r.exit_code) for r in x.runs)
        fired = "n/a (baseline)" if x.baseline else ("yes" if x.injected else
                                                     "NO: " + ("; ".join(x.unfired[:3]) or "nothing fired"))
        flag = "" if x.ok else "  <-- FAIL"
        lines.append(f"{x.name:<{width}} {len(x.runs):>4} {exits:<12} {x.requests:>8} {x.written:>7} {x.expected:>8} "
                     f"{x.delivered:>9} {x.duplicates:>5} {x.lost:>4} {x.final_exit:>5}  {fired}{flag}")
    lines.append("(exits: each run's exit status in order, k = killed by SIGKILL; written = record writes the CRM "
                 "applied; dupes = records written more than once with identical values)")
    t = report.totals
    lines += ["", "totals", f"  scenarios tried   {t['scenarios']:>7}", f"  sync runs         {t['runs']:>7}",
              f"  requests          {t['requests']:>7}", f"  records written   {t['written']:>7}",
              f"  duplicates        {t['duplicates']:>7}", f"  lost              {t['lost']:>7}",
              f"  not settled       {t['not_settled']:>7}  (no exit 0 within {report.max_runs} runs)",
              f"  fault not fired   {t['fault_not_fired']:>7}", f"  wall time         {report.seconds:>6.1f}s"]
    for x in report.results:
        if x.duplicate_ids or x.lost_ids or x.problems or x.pending_left:
            lines.append(f"{x.name}: duplicates {x.duplicate_ids[:5]} lost {x.lost_ids[:5]} problems "
                         f"{x.problems[:3]} pending rows left {x.pending_left}")
    lines.append("result: " + ("every scenario settled with no duplicate and no lost record" if report.exit_code == 0
                               else "FAILED (see the rows marked FAIL)"))
    return "\n".join(lines)


def _verdict(result: ScenarioResult) -> str:
    return (f"    {'ok' if result.ok else 'FAIL'}: {len(result.runs)} runs, {result.requests} requests, "
            f"{result.written} written, {result.duplicates} duplicates, {result.lost} lost, {result.seconds:.1f} s")


def _run_by_name(name: str, folder: Path, max_runs: int, template: Path) -> tuple[ScenarioResult, list[str]]:
    """A worker process's job (scenarios hold closures: they are found again by name)."""
    scenario = next(s for s in scenarios() if s.name == name)
    lines: list[str] = []
    return run_scenario(scenario, folder, max_runs, lines.append, template), lines


def run_campaign(selected: Sequence[Scenario], workdir: Path, max_runs: int = DEFAULT_MAX_RUNS,
                 progress: Progress = lambda _line: None, jobs: int = 1) -> CampaignReport:
    """Every selected scenario, one after the other (jobs=1, progress as it happens) or in `jobs`
    worker processes (each scenario still alone with its warehouse copy and fake CRM; its progress
    lines come when it ends). Results in the order of `selected`."""
    started = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    template = workdir / "template.duckdb"  # built once; each scenario syncs a fresh copy
    template.unlink(missing_ok=True)
    build_warehouse(template)
    folders = [workdir / f"{number:02d}-{s.name}" for number, s in enumerate(selected, start=1)]
    header = [f"[{n:>2}/{len(selected)}] {s.name}: {s.fault}" for n, s in enumerate(selected, start=1)]
    results: list[ScenarioResult | None] = [None] * len(selected)
    if jobs <= 1:
        for index, scenario in enumerate(selected):
            progress(header[index])
            result = run_scenario(scenario, folders[index], max_runs, progress, template)
            results[index] = result
            progress(_verdict(result))
    else:
        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(_run_by_name, s.name, folders[i], max_runs, template): i
                       for i, s in enumerate(selected)}
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                result, lines = future.result()
                results[index] = result
                for line in [header[index], *lines, _verdict(result)]:
                    progress(line)
    done = [r for r in results if r is not None]
    return CampaignReport(done, time.monotonic() - started, max_runs)


def select(names: Sequence[str] | None) -> list[Scenario]:
    """Scenarios whose name matches one of `names` (shell patterns; all when None)."""
    every = scenarios()
    if not names:
        return every
    chosen = [s for s in every if any(fnmatch.fnmatch(s.name, pattern) for pattern in names)]
    if not chosen:
        raise ValueError(f"no scenario matches {', '.join(names)} (see --list)")
    return chosen


# -- command line ------------------------------------------------------------------------------
DESCRIPTION = """\
Fault-injection campaign for the reverse-ETL sync (leadflow_tools/sync, scripts/sync_crm.py).

Each named scenario runs on a fresh copy of a small hand-made warehouse (650 HubSpot contacts, 150
Salesforce contacts, 250 Salesforce leads) against a fresh fake HubSpot + Salesforce on 127.0.0.1
(leadflow_tools/faults/fake_crm.py). The fault is injected into the first run(s); then the sync is
rerun as an operator would (faults cleared, --settle-after-seconds 0) until it exits 0 or --max-runs
runs were made. Crash scenarios run the sync as a subprocess that the fake CRM kills (SIGKILL) at a
chosen request, before or after applying it, and delete the payload folder before the rerun.

Measured per scenario against the fake CRM: expected (records in the sync models), delivered (the
CRM holds exactly the model's values), lost (expected - delivered), duplicates (records whose
identical values were written more than once; a record resent because its values changed, as in
the consent scenarios, is not one), records written, requests, and whether the fault fired.

Progress goes to stderr, the tables to stdout. Exit status: 0 when every scenario ended with exit 0,
no duplicate, no lost record and its fault fired; 1 otherwise (2: bad arguments). A full campaign
takes about 100 s on 2 cores (about 60 s with --jobs 2); use --only to run some scenarios.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fault_injection.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="PATTERN",
                        help="run only scenarios whose name matches (shell pattern, repeatable), e.g. 'kill-*'")
    parser.add_argument("--list", action="store_true", help="list the scenarios and what each injects, then exit")
    parser.add_argument("--max-runs", type=int, default=DEFAULT_MAX_RUNS,
                        help=f"runs per scenario, scripted ones included, before giving up ({DEFAULT_MAX_RUNS})")
    parser.add_argument("--jobs", type=int, default=1,
                        help="scenarios run at once, each in its own process (1); 2 halves the time on 2 cores, "
                             "progress then comes per finished scenario")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every measurement as JSON here")
    parser.add_argument("--workdir", type=Path,
                        help="keep each scenario's warehouse and payload folder here (default: a temporary folder, "
                             "removed at the end)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.max_runs < 1 or args.jobs < 1:
        parser.error("--max-runs and --jobs must be >= 1")
    try:
        selected = select(args.only)
    except ValueError as error:
        parser.error(str(error))
    if args.list:
        for scenario in selected:
            print(f"{scenario.name}\n    {scenario.fault}")
        return 0

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fault-injection-")))
        progress(f"{len(selected)} scenarios, {args.jobs} at a time, sandboxes under {workdir}")
        report = run_campaign(selected, workdir, args.max_runs, progress, args.jobs)
    print(render(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_dict(), indent=1) + "\n")
        print(f"JSON: {args.json}")
    return report.exit_code
