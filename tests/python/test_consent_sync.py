"""Consent end to end: a Salesforce opt-out and a HubSpot unsubscribe land in the raw tables after
the day's build and push; the day is rebuilt at the same as_of (an orchestrator's rerun) and the
next sync resends exactly those people's records, with their email consent, whatever the score
threshold."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import AS_OF, build, query

from leadflow_tools.faults.fake_crm import TOKEN, FakeCrm, push, warehouse_ids


def _opt_out(database: Path, lead_id: str, email: str) -> None:
    con = duckdb.connect(str(database))
    try:
        stamp = f"timestamp '{AS_OF}' - interval 1 hour"
        con.execute(
            "create temp table opted as select * from raw_salesforce.lead where id = ? "
            "order by system_modstamp desc, _fivetran_synced desc limit 1",
            [lead_id],
        )
        con.execute(
            "update opted set has_opted_out_of_email = true, "
            f"system_modstamp = greatest(system_modstamp + interval 1 second, {stamp}), "
            f"_fivetran_synced = greatest(_fivetran_synced + interval 1 second, {stamp})"
        )
        con.execute("insert into raw_salesforce.lead select * from opted")
        # HubSpot records an unsubscribe click as a STATUSCHANGE email event plus its status change
        con.execute(
            "insert into raw_hubspot.email_event (id, type, recipient, created, _fivetran_synced) "
            f"values ('ee-consent-1', 'STATUSCHANGE', ?, {stamp} - interval 1 hour, {stamp})",
            [email],
        )
        con.execute(
            "insert into raw_hubspot.email_event_status_change (id, portal_subscription_status, source, _fivetran_synced) "
            f"values ('ee-consent-1', 'UNSUBSCRIBED', 'SOURCE_RECIPIENT', {stamp})"
        )
    finally:
        con.close()


def test_an_opt_out_and_an_unsubscribe_are_resent_in_the_next_sync(
    small_generated_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "consent.duckdb"
    shutil.copy(small_generated_db, database)
    build(database, tmp_path / "target")
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SALESFORCE_INSTANCE_URL", "https://unused.invalid")
    hubspot, salesforce = warehouse_ids(database)
    with FakeCrm(hubspot, salesforce) as crm:
        assert push(database, crm, tmp_path / "out") == 0
        ((lead_id,),) = query(database, "select Id from marts.sync_salesforce__lead_scores "
                                        "where Leadflow_Email_Consent__c = 'subscribed' order by Id limit 1")
        ((contact_id, email),) = query(
            database,
            "select feed.id, contacts.email from marts.sync_hubspot__contact_scores as feed "
            "inner join staging.stg_hubspot__contacts as contacts on feed.id = contacts.hubspot_contact_id "
            "where feed.leadflow_email_consent = 'subscribed' and contacts.email is not null "
            "order by feed.id limit 1",
        )
        _opt_out(database, str(lead_id), str(email))
        build(database, tmp_path / "target")  # the same as_of again
        assert query(database, "select leadflow_email_consent from marts.sync_hubspot__contact_scores "
                               f"where id = '{contact_id}'") == [("opted_out",)]
        before = dict(crm.writes)
        assert push(database, crm, tmp_path / "out") == 0
        resent = {key for key, count in crm.writes.items() if count > before.get(key, 0)}
        assert ("salesforce", str(lead_id)) in resent and ("hubspot", str(contact_id)) in resent
        assert crm.values[("salesforce", str(lead_id))]["Leadflow_Email_Consent__c"] == "opted_out"
        assert crm.values[("hubspot", str(contact_id))]["leadflow_email_consent"] == "opted_out"
        # only the people whose consent changed (and their other records) were sent
        assert len(resent) <= 8, sorted(resent)
    reasons = query(database, "select target, changed from leadflow_sync.sync_runs order by started_at desc limit 3")
    assert all(int(changed) <= 8 for _, changed in reasons)  # type: ignore[call-overload]
