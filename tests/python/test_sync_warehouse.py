"""The sync and the warehouse: lock etiquette, marts from one dbt run, consent, one interface for every CRM."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

from fake_crm import Sandbox, synced
from leadflow_tools.sync import run as run_module
from leadflow_tools.sync.changes import changed_records
from leadflow_tools.sync.cli import main
from leadflow_tools.sync.config import Field, Target
from leadflow_tools.sync.destination import DestinationSpec, Hold, Settings
from leadflow_tools.sync.errors import WarehouseLocked
from leadflow_tools.sync.http import HttpClient
from leadflow_tools.sync.hubspot import payload as hubspot_payload
from leadflow_tools.sync.records import Change, Outcome, Pending, Values
from leadflow_tools.sync.registry import DESTINATIONS
from leadflow_tools.sync.state import SyncState



def _hold_lock(database: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process (as a dbt build would) holding the DuckDB file read-write for `seconds`."""
    code = (f"import duckdb, time; con = duckdb.connect({str(database)!r}); print('locked', flush=True); "
            f"time.sleep({seconds}); con.close()")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


def test_another_process_can_write_the_warehouse_while_the_sync_waits_on_the_crm(box: Sandbox) -> None:
    box.crm.slow_sleep = 3.0
    box.crm.faults["hubspot_update"] += [None, "slow"]  # type: ignore[list-item]
    process = subprocess.Popen(box.command("--target", "hubspot", "--timeout", "10"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert box.crm.started.wait(60)
        con = duckdb.connect(str(box.database))  # as a dbt build would, while the sync waits on HTTP
        con.execute("create table marts.built_meanwhile as select 1 as x")
        con.close()
    finally:
        out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, out
    assert len(synced(box.database)) == len(box.crm.hubspot_ids)


def test_a_locked_warehouse_is_waited_for_then_reported_clearly(box: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    holder = _hold_lock(box.database, 1.0)
    started = time.monotonic()
    SyncState(box.database, lock_wait=30).written("hubspot_contact")  # waits for the other process
    assert time.monotonic() - started > 0.3
    holder.wait(30)

    holder = _hold_lock(box.database, 10.0)
    try:
        with pytest.raises(WarehouseLocked, match="locked by another process"):
            SyncState(box.database, lock_wait=0.5)
        assert main(["--database", str(box.database), "--output", str(box.output), "--lock-wait-seconds", "0.5"]) == 1
        err = capsys.readouterr().err
        assert "stayed locked by another process (a dbt build?) for 0.5 s" in err and "rerun once" in err
    finally:
        holder.kill()
        holder.wait(30)


def _build_runs(box: Sandbox, *rows: str) -> None:
    box.execute("delete from leadflow_meta.build_runs")
    for row in rows:
        box.execute(f"insert into leadflow_meta.build_runs values ({row})")


KILLED = "'inv-2', '2026-11-02 00:00:00', '2026-11-02 01:00:00', null, 'running'"
FAILED = "'inv-2', '2026-11-02 00:00:00', '2026-11-02 01:00:00', '2026-11-02 01:05:00', 'error'"
SUCCESS = "'inv-1', '2026-11-01 00:00:00', '2026-11-01 01:00:00', '2026-11-01 01:10:00', 'success'"
OLDER_SUCCESS = "'inv-0', '2026-10-31 00:00:00', '2026-10-31 01:00:00', '2026-10-31 01:10:00', 'success'"


@pytest.mark.parametrize("case,expected", [
    ("killed", "the latest dbt build (invocation inv-2, as_of 2026-11-02 00:00:00, started 2026-11-02 01:00:00) is "
               "'running' (still running or killed): the marts may mix two runs (marts as_of: 2026-11-01 00:00:00)"),
    ("failed", "is 'error' (failed)"),
    ("two_as_of", "the marts hold 2 as_of values (marts.dim_leads: 2026-11-01 00:00:00, 2026-11-02 00:00:00)"),
    ("other_as_of", "the marts' as_of 2026-11-01 00:00:00 differs from the latest successful dbt build's as_of "
                    "2026-10-31 00:00:00"),
])
def test_marts_that_may_mix_dbt_runs_are_refused_before_anything_is_sent(
    box: Sandbox, capsys: pytest.CaptureFixture[str], case: str, expected: str
) -> None:
    if case == "killed":
        _build_runs(box, SUCCESS, KILLED)
    elif case == "failed":
        _build_runs(box, SUCCESS, FAILED)
    elif case == "two_as_of":
        box.execute("update marts.dim_leads set as_of = timestamp '2026-11-02 00:00:00' where lead_key = 'L1'")
    else:
        _build_runs(box, OLDER_SUCCESS)
    for extra in ((), ("--push",)):  # dry runs too
        argv = ["--database", str(box.database), "--output", str(box.output), "--base-url", box.crm.url, *extra]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert expected in err and "rerun dbt build" in err
    assert sum(box.crm.requests.values()) == 0
    assert set(box.outcomes().values()) == {"stale_marts"}  # sync_runs says why nothing was sent
    assert main(["--database", str(box.database), "--output", str(box.output), "--allow-stale-marts"]) == 0
    assert "warning: --allow-stale-marts: sending anyway" in capsys.readouterr().out


def test_without_build_runs_only_the_as_of_values_are_checked_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(tmp_path, build_status=None) as box:
        assert main(["--database", str(box.database), "--output", str(box.output)]) == 0
        assert "warning: leadflow_meta.build_runs does not exist" in capsys.readouterr().out
        box.execute("update marts.dim_leads set as_of = timestamp '2026-11-02 00:00:00' where lead_key = 'L1'")
        assert main(["--database", str(box.database), "--output", str(box.output)]) == 2


def test_a_consent_change_is_sent_first_and_whatever_the_thresholds() -> None:
    fields = (Field("fit_score", "Score__c", "score"), Field("fit_grade", "Grade__c", "exact"),
              Field("email_consent", "Leadflow_Email_Consent__c", "consent"))
    target = Target("t", "salesforce", "person", "m", "Lead", "Id", 1000.0, 100, 10, 1.0, fields)
    written = {r: {"Score__c": 50, "Grade__c": "B", "Leadflow_Email_Consent__c": "subscribed"} for r in "abcd"}
    model = {"a": {"Score__c": 50, "Grade__c": "B", "Leadflow_Email_Consent__c": "opted_out"},
             "b": {"Score__c": 99, "Grade__c": "A", "Leadflow_Email_Consent__c": "opted_out"},
             "c": {"Score__c": 99, "Grade__c": "B", "Leadflow_Email_Consent__c": "subscribed"},
             "d": {"Score__c": 50, "Grade__c": "A", "Leadflow_Email_Consent__c": "subscribed"}}
    changes = {c.record_id: c.why for c in changed_records(target, model, written)}
    assert changes == {"a": "consent changed", "b": "consent changed", "d": "fit_grade changed"}


def test_a_consent_change_reaches_the_crm_in_the_run_that_sees_it(box: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert box.push("--target", "hubspot") == 0
    box.execute("update config.sync_targets set score_change_threshold = 1000")
    ids = sorted(box.crm.hubspot_ids)[1:4]
    in_list = ", ".join(f"'{i}'" for i in ids)
    box.execute(f"update marts.sync_hubspot__contact_scores set leadflow_email_consent = 'opted_out', "
                f"leadflow_fit_score = leadflow_fit_score + 50 where id in ({in_list})")
    capsys.readouterr()
    assert box.push("--target", "hubspot") == 0
    assert "why changed: consent 3" in capsys.readouterr().out
    assert {r for (_, r), n in box.crm.writes.items() if n == 2} == set(ids)
    assert all(box.crm.values[("hubspot", i)]["leadflow_email_consent"] == "opted_out" for i in ids)


class _Memory:
    """A third CRM for the test: keeps what it is sent; `fail_on` chunk number raises."""

    sent: list[list[str]] = []
    fail_on: int | None = None

    def __init__(self, client: HttpClient, target: Target, settings: Settings) -> None:
        self.target = target

    def send(self, chunk: Sequence[Change], hold: Hold) -> Outcome:
        hold(f"memory-{len(self.sent) + 1}", b"payload")
        if len(self.sent) + 1 == self.fail_on:
            raise RuntimeError("the memory CRM fell over")
        self.sent.append([c.record_id for c in chunk])
        return Outcome(accepted={c.record_id: c.values for c in chunk})

    def settle(self, pending: Pending) -> Outcome:
        return Outcome(released=len(pending.record_ids))

    def read_back(self, record_ids: Sequence[str]) -> dict[str, Values]:
        return {}


@pytest.fixture()
def memory_crm(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> type[_Memory]:
    """Registers crm 'memory' (one spec, no orchestrator change) and a target for it."""
    spec = DestinationSpec("memory", "write", "MEMORY_TOKEN", "MEMORY_URL", "https://memory.invalid", True,
                           hubspot_payload, _Memory)
    monkeypatch.setitem(DESTINATIONS, "memory", spec)
    monkeypatch.setenv("MEMORY_TOKEN", "t")
    monkeypatch.setattr(_Memory, "sent", [])
    box.execute("insert into config.sync_targets values ('memory_contact', 'memory', 'person', 'sync_hubspot__contact_scores', "
                "'contacts', 'id', 15, 100, 1000, 1, 'test')")
    box.execute("insert into config.sync_fields select 'memory', grain, field, crm_field_name, change_rule, description "
                "from config.sync_fields where crm = 'hubspot' and grain = 'person'")
    return _Memory


def test_a_third_crm_is_one_module_the_orchestrator_knows_no_crm(box: Sandbox, memory_crm: type[_Memory]) -> None:
    tree = ast.parse(Path(run_module.__file__).read_text())
    body = [node for node in tree.body if not isinstance(node, ast.Expr)]  # the docstring aside
    code = ast.unparse(ast.Module(body=body, type_ignores=[])).lower()
    assert "salesforce" not in code and "hubspot" not in code
    assert box.push("--target", "memory") == 0
    assert sum(len(chunk) for chunk in memory_crm.sent) == len(box.crm.hubspot_ids)
    assert {t for t, _ in synced(box.database)} == {"memory_contact"}
    assert sorted(p.name for p in box.output.rglob("*.json"))[:2] == ["write-0001.json", "write-0002.json"]


def test_any_failure_ends_its_target_with_a_summary_and_the_others_still_run(
    box: Sandbox, memory_crm: type[_Memory], capsys: pytest.CaptureFixture[str]
) -> None:
    memory_crm.fail_on = 3
    try:
        assert box.push() == 1
    finally:
        memory_crm.fail_on = None
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "stopped: RuntimeError: the memory CRM fell over" in captured.out and "next: a bug in the sync" in captured.out
    assert box.outcomes() == {"hubspot_contact": "ok", "memory_contact": "internal_error",
                              "salesforce_contact": "ok", "salesforce_lead": "ok"}
    # the write in flight may have reached the CRM: it stays pending, its records held
    assert box.rows("select reference from leadflow_sync.sync_pending") == [("memory-3",)]
    assert len(box.crm.writes) == 1050


def test_only_the_state_module_talks_to_the_warehouse() -> None:
    """churn.py is the separate churn measurement (it rebuilds the database with dbt), not the sync."""
    folder = Path(run_module.__file__).parent
    talking = {path.name for path in folder.glob("*.py")
               if any(isinstance(node, (ast.Import, ast.ImportFrom)) and "duckdb" in ast.unparse(node)
                      for node in ast.walk(ast.parse(path.read_text())))}
    assert talking == {"state.py", "churn.py"}
