"""Nothing lost: every raw row is staged, collapsed, deleted or quarantined, and each kind of
dirt ends up normalised in staging or in audit_quarantine with a reason code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import AS_OF, query, scalar

from leadflow_tools.dbt import run_dbt
from leadflow_tools.raw_contract import load_contract


def test_reconciliation_has_every_raw_table_and_zero_unaccounted(built_db: Path) -> None:
    rows = query(
        built_db,
        "select source_table, raw_rows, duplicate_versions, soft_deleted_rows, quarantined_rows, "
        "staged_rows, unaccounted_rows from marts.audit_row_reconciliation",
    )
    assert {r[0] for r in rows} == {f"raw_{t.family}.{t.identifier}" for t in load_contract()}
    for table, raw, dup, deleted, quarantined, staged, unaccounted in rows:
        assert unaccounted == 0, table
        assert raw == dup + deleted + quarantined + staged, table
        assert raw > 0, table


def test_reconciliation_counts_match_the_raw_tables(built_db: Path) -> None:
    raw = scalar(built_db, "select count(*) from raw_salesforce.lead")
    distinct_latest_deleted = scalar(
        built_db,
        "select count(*) from (select id, is_deleted, row_number() over (partition by id "
        "order by system_modstamp desc, _fivetran_synced desc) as rn from raw_salesforce.lead) where rn = 1 and is_deleted",
    )
    row = query(
        built_db,
        "select raw_rows, duplicate_versions, soft_deleted_rows, staged_rows from marts.audit_row_reconciliation "
        "where source_table = 'raw_salesforce.lead'",
    )[0]
    assert row[0] == raw
    assert row[1] == raw - scalar(built_db, "select count(distinct id) from raw_salesforce.lead")
    assert row[2] == distinct_latest_deleted
    assert row[3] == scalar(built_db, "select count(*) from staging.stg_salesforce__leads")


def test_every_staged_count_equals_a_count_of_its_staging_model(built_db: Path) -> None:
    """Staged counts of pure-projection staging models come from int_audit__row_outcomes rather
    than from the model (macro is_pure_projection); this proves them against the models."""
    rows = query(built_db, "select staging_model, staged_rows from marts.audit_row_reconciliation")
    for model, staged in rows:
        assert staged == scalar(built_db, f"select count(*) from staging.{model}"), model


def test_only_staging_models_that_cannot_change_a_row_count_skip_the_count(built_db: Path, tmp_path: Path) -> None:
    run_dbt(
        ["compile", "--select", "audit_row_reconciliation"], built_db, {"as_of": AS_OF}, target_path=tmp_path / "target"
    )
    compiled = next((tmp_path / "target" / "compiled").rglob("audit_row_reconciliation.sql")).read_text()
    counted = set(re.findall(r"select count\(\*\) from [^)]*\.\"?(stg_\w+)", compiled))
    # joins to seeds (country, title, employee band, email domain) can multiply rows: counted
    assert counted == {
        "stg_salesforce__leads", "stg_salesforce__contacts", "stg_salesforce__accounts",
        "stg_hubspot__contacts", "stg_hubspot__companies", "stg_segment__identifies",
    }


# dirt kind -> (a query that must find the dirt handled, a query that must find none left)
OUTCOMES: dict[str, tuple[str, str | None]] = {
    "mixed case, spaces and +tags normalised": (
        "select count(*) from staging.stg_salesforce__leads where email_raw <> email and is_email_valid",
        "select count(*) from staging.stg_salesforce__leads where email <> lower(trim(email)) or email like '%+%@%'",
    ),
    "invalid emails flagged": (
        "select count(*) from staging.stg_salesforce__leads where not is_email_valid and email_domain_type = 'invalid'",
        "select count(*) from staging.stg_salesforce__leads where not is_email_valid and email_domain is not null",
    ),
    "free-mail classified": ("select count(*) from staging.stg_hubspot__contacts where email_domain_type = 'free_mail'", None),
    "student classified": ("select count(*) from staging.stg_salesforce__leads where email_domain_type = 'student'", None),
    "competitor classified": ("select count(*) from staging.stg_salesforce__leads where email_domain_type = 'competitor'", None),
    "country variants to ISO": (
        "select count(distinct country_raw) from staging.stg_salesforce__leads where country_code = 'US'",
        "select count(*) from staging.stg_salesforce__leads where country_raw is not null and country_code is null",
    ),
    "duplicate versions collapsed": (
        "select duplicate_versions from marts.audit_row_reconciliation where source_table = 'raw_salesforce.lead'",
        "select count(*) - count(distinct lead_id) from staging.stg_salesforce__leads",
    ),
    "soft-deleted dropped": (
        "select soft_deleted_rows from marts.audit_row_reconciliation where source_table = 'raw_hubspot.contact'",
        "select count(*) from staging.stg_hubspot__contacts where hubspot_contact_id in "
        "(select id from raw_hubspot.contact where _fivetran_deleted and property_lastmodifieddate = "
        "(select max(property_lastmodifieddate) from raw_hubspot.contact c where c.id = contact.id))",
    ),
    "future timestamps quarantined": (
        "select count(*) from marts.audit_quarantine where reason_code = 'future_timestamp' "
        "and source_table = 'raw_segment.pages'",
        "select count(*) from staging.stg_segment__pages where occurred_at > timestamp '2026-11-02'",
    ),
    "rows without a person quarantined": (
        "select count(*) from marts.audit_quarantine where reason_code = 'missing_identity'",
        "select count(*) from staging.stg_segment__pages where anonymous_id is null and user_id is null",
    ),
    "campaign members of deleted or unknown leads quarantined": (
        "select count(*) from marts.audit_quarantine where reason_code = 'missing_parent' "
        "and source_table = 'raw_salesforce.campaign_member'",
        None,
    ),
    "events for unknown people staged, not attributed": (
        "select count(*) from staging.stg_segment__tracks t where user_id like 'usr-ghost-%' and not exists "
        "(select 1 from intermediate.int_identity__person_records r where r.record_id = t.user_id)",
        None,
    ),
    "inactive owners visible": (
        "select count(*) from marts.dim_leads l join staging.stg_salesforce__users u on l.owner_id = u.user_id "
        "where not u.is_active",
        None,
    ),
    "null company, title, country flagged": (
        "select count(*) from marts.dim_leads where is_missing_company or is_missing_country or seniority = 'unknown'",
        None,
    ),
    "absurd employee counts nulled": (
        "select count(*) from staging.stg_salesforce__accounts where is_employee_count_implausible",
        "select count(*) from staging.stg_salesforce__accounts where employee_count < 1 or employee_count > 3000000",
    ),
    "bot page views flagged": ("select count(*) from staging.stg_segment__pages where is_bot", None),
    "internal traffic resolves to employees, never leads": (
        "select count(*) from intermediate.int_identity__persons where is_internal",
        "select count(*) from marts.dim_leads where email like '%@leadflow.io'",
    ),
    "merged HubSpot ids resolve to the survivor": (
        "select count(*) from staging.stg_hubspot__form_submissions s join intermediate.int_identity__hubspot_contact_ids i "
        "on s.hubspot_contact_id = i.hubspot_contact_id where i.is_merged",
        "select count(*) from marts.audit_quarantine q join intermediate.int_identity__hubspot_contact_ids i "
        "on q.source_record_id = cast(i.hubspot_contact_id as varchar) where q.reason_code = 'missing_parent'",
    ),
}


@pytest.mark.parametrize("kind", sorted(OUTCOMES))
def test_each_dirt_kind_has_a_clear_outcome(built_db: Path, kind: str) -> None:
    handled, leftover = OUTCOMES[kind]
    assert scalar(built_db, handled), f"{kind}: nothing found handled"
    if leftover:
        assert scalar(built_db, leftover) == 0, f"{kind}: dirt left behind"


def test_quarantine_rows_name_the_record_and_reason(built_db: Path) -> None:
    rows = query(
        built_db,
        "select q.source_table, q.source_record_id, q.reason_code, q.raw_values, q.how_to_fix "
        "from marts.audit_quarantine q",
    )
    assert rows
    for table, record_id, reason, raw_values, how_to_fix in rows:
        assert table and record_id and reason and raw_values and how_to_fix, (table, record_id)
