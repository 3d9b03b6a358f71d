"""Reverse ETL exactly once: crashes, lost payload files, late and failed writes (small warehouse, fake CRM)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from fake_crm import Sandbox, synced
from leadflow_tools.sync.state import SyncState



def _crash(box: Sandbox, *extra: str) -> None:
    process = subprocess.Popen(box.command(*extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    box.crm.client_pid = process.pid
    process.communicate(timeout=120)
    assert process.returncode == -9
    box.crm.client_pid = None


@pytest.mark.parametrize("crash", ["crash", "crash_after_apply"])
def test_a_crash_then_deleted_payload_files_loses_nothing_and_writes_nothing_twice(box: Sandbox, crash: str) -> None:
    box.crm.faults["hubspot_update"] += [None, None, None, None, crash]  # type: ignore[list-item]
    _crash(box, "--target", "hubspot")
    assert len(synced(box.database)) == 400  # four batches confirmed; the fifth never marked as sent
    (ids, values, digest), = box.rows("select record_ids, field_values, payload_hash from leadflow_sync.sync_pending")
    assert len(json.loads(ids)) == 100 and len(json.loads(values)) == 100 and len(digest) == 64
    shutil.rmtree(box.output)  # `make clean`: the sync must not need a file to settle

    rerun = subprocess.run(box.command("--target", "hubspot"), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert set(box.crm.writes) == {("hubspot", r) for r in box.crm.hubspot_ids}
    assert set(box.crm.writes.values()) == {1}
    assert len(synced(box.database)) == len(box.crm.hubspot_ids)
    assert box.rows("select count(*) from leadflow_sync.sync_pending") == [(0,)]
    if crash == "crash_after_apply":
        assert "settled from an earlier unfinished run: 100 records already written" in rerun.stdout
    else:
        assert "0 records already written, 100 not written" in rerun.stdout


def test_a_salesforce_job_left_by_a_crash_is_settled_from_its_results_without_any_file(box: Sandbox) -> None:
    box.crm.faults["salesforce_job_patch"] += ["crash_after_apply"]
    _crash(box, "--target", "salesforce")
    assert len(box.crm.writes) == 100 and synced(box.database) == {}
    shutil.rmtree(box.output)
    rerun = subprocess.run(box.command("--target", "salesforce"), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert set(box.crm.writes) == {("salesforce", r) for r in box.crm.salesforce_ids}
    assert set(box.crm.writes.values()) == {1}
    assert "settled from an earlier unfinished run: 100 records already written" in rerun.stdout


def test_the_old_file_based_pending_table_is_migrated_without_losing_a_row(
    box: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values_file = tmp_path / "batch-0001.values.json"
    values_file.write_text(json.dumps({"9000001": {"leadflow_fit_grade": "A"}}))
    box.execute("create schema leadflow_sync")
    box.execute("create table leadflow_sync.sync_pending (target varchar not null, run_id varchar not null, "
                "reference varchar not null, payload_path varchar not null, created_at timestamp not null, "
                "primary key (target, reference))")
    box.execute(f"insert into leadflow_sync.sync_pending values ('hubspot_contact', 'r1', 'r1/batch-0001', "
                f"'{values_file}', now()), ('hubspot_contact', 'r1', 'r1/batch-0002', '{tmp_path}/gone.json', now())")
    SyncState(box.database)
    rows = box.rows("select reference, record_ids, field_values, payload_hash from leadflow_sync.sync_pending "
                    "order by reference")
    assert [r[0] for r in rows] == ["r1/batch-0001", "r1/batch-0002"]
    assert json.loads(rows[0][1]) == ["9000001"] and json.loads(rows[0][2]) == {"9000001": {"leadflow_fit_grade": "A"}}
    assert rows[0][3] is not None and rows[1][1:] == (None, None, None)  # kept, flagged, never dropped silently
    columns = {r[0] for r in box.rows("select column_name from information_schema.columns "
                                      "where table_name = 'sync_pending'")}
    assert "payload_path" not in columns and {"record_ids", "field_values", "payload_hash"} <= columns
    SyncState(box.database)  # a second start leaves the migrated table alone
    assert len(box.rows("select * from leadflow_sync.sync_pending")) == 2

    assert box.push("--target", "hubspot") == 1  # the row with values is settled; the other needs a person
    assert box.rows("select reference from leadflow_sync.sync_pending") == [("r1/batch-0002",)]
    assert "r1/batch-0002 (run r1) has no values" in capsys.readouterr().out
    assert box.outcomes() == {"hubspot_contact": "held_pending"}
    assert set(box.crm.writes.values()) == {1} and len(synced(box.database)) == len(box.crm.hubspot_ids)


def test_an_ambiguous_hubspot_batch_is_held_not_resent_then_settled_by_read_back(
    box: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    # batch 2 is applied after the client gave up; 3 and 5 never applied; 4 applied then answered 500
    box.crm.faults["hubspot_update"] += [None, "apply_late", "timeout", "apply_then_500", "500"]  # type: ignore[list-item]
    assert box.push("--target", "hubspot") == 1
    first = capsys.readouterr().out
    assert "held: 400 records in pending writes" in first and box.outcomes() == {"hubspot_contact": "held_pending"}
    assert box.crm.requests["hubspot_update"] == 7  # not one batch resent in the run
    assert box.crm.late_applied.wait(10)
    assert len(box.rows("select * from leadflow_sync.sync_pending")) == 4

    updates = box.crm.requests["hubspot_update"]
    assert box.push("--target", "hubspot", "--settle-after-seconds", "3600") == 1  # too young to settle
    assert box.crm.requests["hubspot_update"] == updates and box.crm.requests["hubspot_read"] == 0
    assert "held: 400 records" in capsys.readouterr().out

    assert box.push("--target", "hubspot") == 0
    out = capsys.readouterr().out
    assert "settled from an earlier unfinished run: 200 records already written, 200 not written" in out
    assert set(box.crm.writes.values()) == {1}  # the late batch was not written a second time
    assert len(synced(box.database)) == len(box.crm.hubspot_ids) and box.crm.problems == []
    assert box.rows("select count(*) from leadflow_sync.sync_pending") == [(0,)]


def test_a_failed_salesforce_job_is_settled_from_its_result_files_and_unknown_rows_read_back(
    box: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    contacts = sorted(r for r in box.crm.salesforce_ids if r.startswith("003"))
    leads = sorted(r for r in box.crm.salesforce_ids if r.startswith("00Q"))
    box.crm.fail_after = [60]  # the first job (contacts 0-99) writes 60 rows, then ends Failed
    box.crm.reject[contacts[5]] = 1  # in failedResults
    omitted_written = {contacts[10], leads[20]}  # written, but in neither result file
    box.crm.omit_results = omitted_written | {contacts[80]}  # contacts[80] is past the failure: not written
    assert box.push("--target", "salesforce") == 1
    out = capsys.readouterr().out
    state = {record for _, record in synced(box.database)}
    assert omitted_written <= state  # confirmed by reading back
    assert set(contacts[:60]) - {contacts[5]} <= state
    assert not state & set(contacts[60:100]) and contacts[5] not in state
    errors = {(r[0], r[1]) for r in box.rows("select record_id, category from leadflow_sync.sync_errors")}
    assert (contacts[5], "RECORD_FAILED") in errors
    assert {r for r, c in errors if c == "UNCONFIRMED"} == set(contacts[60:100])
    assert any(c == "JOB_FAILED" for _, c in errors)
    assert box.outcomes() == {"salesforce_contact": "unconfirmed_records", "salesforce_lead": "ok"}
    assert "unknown: 40 records could not be confirmed" in out
    assert set(box.crm.writes.values()) == {1} and box.crm.problems == []

    assert box.push("--target", "salesforce") == 0
    assert set(box.crm.writes) == {("salesforce", r) for r in box.crm.salesforce_ids}
    assert set(box.crm.writes.values()) == {1}  # the 60 rows the failed job wrote were not written again


def test_a_salesforce_job_still_running_is_held_until_it_finishes(
    box: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    box.crm.hold_jobs = True
    assert box.push("--target", "salesforce", "--poll-timeout", "0.05") == 1
    out = capsys.readouterr().out
    assert "still InProgress after" in out and "--poll-timeout" in out
    assert box.outcomes() == {"salesforce_contact": "held_pending", "salesforce_lead": "held_pending"}
    assert len(box.rows("select * from leadflow_sync.sync_pending")) == 2  # one stuck job per target

    box.crm.hold_jobs = False  # new jobs run; the two stuck ones stay InProgress
    jobs = len(box.crm.jobs)
    assert box.push("--target", "salesforce") == 1
    assert "held: 100 records" in capsys.readouterr().out
    assert len(box.crm.jobs) == jobs + 3  # 50 contacts, 150 leads: the 200 held records were not sent again
    assert sum(box.crm.writes.values()) == len(box.crm.salesforce_ids) - 200

    box.crm.finish_jobs()
    assert box.push("--target", "salesforce") == 0
    assert set(box.crm.writes) == {("salesforce", r) for r in box.crm.salesforce_ids}
    assert set(box.crm.writes.values()) == {1}
    assert len(synced(box.database)) == len(box.crm.salesforce_ids)


def test_a_pending_row_is_stored_before_the_write_leaves(box: Sandbox) -> None:
    seen: list[int] = []
    original = box.crm.hubspot_update

    def spy(body: dict[str, object], crm_object: str = "contacts") -> tuple[int, dict[str, object]]:
        con = duckdb.connect(str(box.database))  # the sync holds no connection meanwhile
        try:
            seen.append(con.execute("select count(*) from leadflow_sync.sync_pending").fetchone()[0])  # type: ignore[index]
        finally:
            con.close()
        return original(body, crm_object)

    box.crm.hubspot_update = spy  # type: ignore[method-assign]
    assert box.push("--target", "hubspot") == 0
    assert seen == [1] * 7


def test_faults_are_retried_and_rejected_records_are_sent_again_next_run(box: Sandbox) -> None:
    box.crm.faults["hubspot_update"] += [None, None, "429", "429"]  # type: ignore[list-item]
    box.crm.faults["salesforce_create"] += ["500"]
    box.crm.faults["salesforce_upload"] += ["429", "timeout"]
    box.crm.faults["salesforce_job_get"] += ["500", "timeout"]
    box.crm.faults["salesforce_results"] += ["429"]
    rejected_hubspot = sorted(box.crm.hubspot_ids)[5:8]
    rejected_salesforce = sorted(box.crm.salesforce_ids)[10:12]
    for record_id in rejected_hubspot + rejected_salesforce:
        box.crm.reject[record_id] = 1
    missing = sorted(box.crm.hubspot_ids)[-1]
    box.crm.hubspot_ids.discard(missing)  # deleted in HubSpot since the last load: fails every run

    assert box.push() == 1
    errors = box.rows("select record_id, category, message from leadflow_sync.sync_errors")
    assert {str(r[0]) for r in errors} == {*rejected_hubspot, *rejected_salesforce, missing}
    assert all(r[2] for r in errors)
    assert set(box.crm.writes.values()) == {1}  # retries wrote nothing twice
    assert box.outcomes() == {"hubspot_contact": "rejected_records", "salesforce_contact": "rejected_records",
                              "salesforce_lead": "ok"}  # the rejected Salesforce ids (003...) are contacts
    assert box.crm.problems == []

    assert box.push() == 1  # only `missing` still fails
    assert all(box.crm.writes[("hubspot", r)] == 1 for r in rejected_hubspot)
    assert all(box.crm.writes[("salesforce", r)] == 1 for r in rejected_salesforce)
    assert set(box.crm.writes.values()) == {1}
    assert len(synced(box.database)) == len(box.crm.hubspot_ids) + len(box.crm.salesforce_ids)


def test_only_changed_records_are_sent(box: Sandbox) -> None:
    assert box.push("--target", "hubspot") == 0
    ids = sorted(box.crm.hubspot_ids)[:4]
    (threshold,), = box.rows("select score_change_threshold from config.sync_targets where target = 'hubspot_contact'")
    table = "marts.sync_hubspot__contact_scores"
    box.execute(f"update {table} set leadflow_fit_score = leadflow_fit_score + {threshold - 1} where id = '{ids[0]}'")
    box.execute(f"update {table} set leadflow_fit_score = leadflow_fit_score + {threshold} where id = '{ids[1]}'")
    box.execute(f"update {table} set leadflow_fit_grade = 'Z' where id = '{ids[2]}'")
    box.execute(f"update {table} set leadflow_routing_reason = 'moved' where id = '{ids[3]}'")
    assert box.push("--target", "hubspot") == 0
    assert {record for (_, record), count in box.crm.writes.items() if count == 2} == {ids[1], ids[2], ids[3]}
    assert box.crm.values[("hubspot", ids[2])]["leadflow_fit_grade"] == "Z"
