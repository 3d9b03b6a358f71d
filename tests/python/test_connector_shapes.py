"""leadflow builds on the shapes real connectors land, not only on the generator's full shape.

Each warehouse below is the small generated one turned into a shape an org really has
(leadflow_tools.generator.shapes, driven by the raw contract in the sources YAML):
- only the required columns of every table (every optional column deselected or never filled);
- no optional table at all (history tracking off, no engagements, no track calls), on an older
  HubSpot connector (merged ids only in property_hs_calculated_merged_vids), with unknown
  custom columns on every table, one of them passed through, the lead table landed under
  another name (var salesforce_lead_identifier), and HubSpot's MQL date property read as the
  org's MQL date (var hubspot_mql_date_property).
Each must build with every model, data test and unit test passing, people in dim_leads, no raw
row unaccounted for, and audit_source_columns naming exactly what is absent. A required column
that is missing stops the build with a message naming the table and the column.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import build, database_path, query, scalar

from leadflow_tools.dbt import run_dbt
from leadflow_tools.generator.shapes import Shape, apply_shape
from leadflow_tools.raw_contract import load_contract

CONTRACT = load_contract()
# an org's own lead field, landed by Fivetran as zz_custom_field_c (the extra columns the shape
# adds), carried to dim_lead_attributes; and a HubSpot property the portal does not have
PASS_THROUGH = {
    "salesforce__lead_pass_through_columns": [{"name": "ZZ_Custom_Field__c", "alias": "custom_field"}],
    "hubspot__contact_pass_through_columns": [{"name": "favourite_colour"}],
}


def _shaped(source: Path, target: Path, shape: Shape) -> Path:
    shutil.copy(source, target)
    con = duckdb.connect(str(target))
    try:
        apply_shape(con, shape)
    finally:
        con.close()
    return target


def _assert_built_and_accounted(database: Path) -> None:
    assert scalar(database, "select count(*) from marts.dim_leads") > 0
    assert scalar(database, "select sum(unaccounted_rows) from marts.audit_row_reconciliation") == 0


@pytest.fixture(scope="module")
def required_only_db(small_generated_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("required_only")
    database = _shaped(small_generated_db, database_path(folder, "required"), Shape(columns="required-columns"))
    build(database, folder / "target")
    return database


@pytest.fixture(scope="module")
def thin_old_db(small_generated_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("thin_old")
    shape = Shape(without_optional_tables=True, old_hubspot_connector=True, extra_columns=True)
    database = _shaped(small_generated_db, database_path(folder, "thin"), shape)
    con = duckdb.connect(str(database))
    try:
        # a table landed under another name, named with Fivetran's <family>_<table>_identifier var
        con.execute("alter table raw_salesforce.lead rename to sf_lead")
    finally:
        con.close()
    build(
        database, folder / "target", salesforce_lead_identifier="sf_lead",
        hubspot_mql_date_property="hs_lifecyclestage_marketingqualifiedlead_date", **PASS_THROUGH,
    )
    return database


def test_required_columns_only_builds_and_lists_every_absent_column(required_only_db: Path) -> None:
    _assert_built_and_accounted(required_only_db)
    absent = set(
        query(
            required_only_db,
            "select source_table, column_name from marts.audit_source_columns "
            "where is_table_present and not is_present",
        )
    )
    expected = {
        (f"raw_{table.family}.{table.identifier}", column.name)
        for table in CONTRACT
        for column in table.columns
        if not column.required
    }
    assert absent == expected
    assert scalar(required_only_db, "select count(*) from marts.audit_source_columns where is_required and not is_present") == 0


def test_optional_tables_absent_build_and_are_listed(thin_old_db: Path) -> None:
    _assert_built_and_accounted(thin_old_db)
    absent_tables = {
        row[0]
        for row in query(thin_old_db, "select distinct source_table from marts.audit_source_columns where not is_table_present")
    }
    assert absent_tables == {f"raw_{t.family}.{t.identifier}" for t in CONTRACT if t.optional}
    # an absent table stages nothing and is counted as empty, not lost
    assert scalar(
        thin_old_db, "select raw_rows from marts.audit_row_reconciliation where source_table = 'raw_salesforce.lead_history'"
    ) == 0


def test_without_history_the_current_stage_is_inferred(thin_old_db: Path) -> None:
    """No lead_history and no contact_property_history: every lead status and HubSpot lifecycle
    stage is stamped once from the record, marked inferred, so no person loses their stage."""
    inferred = dict(
        query(
            thin_old_db,
            "select source_field, count(*) from intermediate.int_lifecycle__crm_events "
            "where source_field like '%_inferred' group by 1",
        )
    )
    assert inferred.get("lead.status_inferred", 0) > 0
    assert inferred.get("contact.lifecyclestage_inferred", 0) > 0
    # every person with a HubSpot contact keeps a lifecycle history: the current stage is known
    assert scalar(
        thin_old_db,
        """
        select count(*)
        from marts.dim_leads as leads
        left join marts.fct_lead_stage_history as spells
            on leads.lead_key = spells.lead_key and spells.is_current
        where leads.hubspot_contact_id is not null and spells.lead_key is null
        """,
    ) == 0


def test_the_orgs_mql_date_property_stamps_the_mql_without_history(thin_old_db: Path) -> None:
    """With no property history, HubSpot's 'became an MQL' date property (named by var
    hubspot_mql_date_property) still puts the MQL moment in the funnel, at that date."""
    stamped = query(
        thin_old_db,
        """
        select count(*), count(funnel.mql_at), count(case when funnel.mql_at <= events.changed_at then 1 end)
        from intermediate.int_lifecycle__crm_events as events
        inner join marts.fct_lead_funnel as funnel
            on events.lead_key = funnel.lead_key
        where events.source_field = 'contact.mql_date'
        """,
    )[0]
    facts, with_mql, mql_by_then = stamped
    assert facts > 0 and with_mql == facts and mql_by_then == facts


def test_a_renamed_table_is_read_under_its_name(thin_old_db: Path) -> None:
    staged = query(
        thin_old_db,
        "select raw_rows, staged_rows from marts.audit_row_reconciliation where source_table = 'raw_salesforce.sf_lead'",
    )
    assert staged and staged[0][1] > 0
    assert scalar(thin_old_db, "select count(*) from staging.stg_salesforce__leads") == staged[0][1]


def test_an_older_hubspot_connector_still_resolves_merged_contacts(thin_old_db: Path) -> None:
    assert scalar(
        thin_old_db,
        "select count(*) from information_schema.columns where table_schema = 'raw_hubspot' "
        "and table_name = 'contact' and column_name = 'property_hs_merged_object_ids'",
    ) == 0
    merged = scalar(
        thin_old_db,
        "select count(*) from intermediate.int_identity__hubspot_contact_ids "
        "where hubspot_contact_id <> surviving_contact_id",
    )
    assert merged and int(str(merged)) > 0


def test_extra_columns_are_ignored_unless_passed_through(thin_old_db: Path) -> None:
    assert scalar(
        thin_old_db,
        "select count(*) from information_schema.columns where table_schema = 'raw_salesforce' "
        "and table_name = 'sf_lead' and column_name = 'zz_custom_field_c'",
    ) == 1
    listed = set(
        query(
            thin_old_db,
            "select source_table, column_name, warehouse_column, status from marts.audit_source_columns "
            "where used_for like 'pass-through%' or warehouse_column like 'zz_custom%'",
        )
    )
    assert listed == {
        ("raw_salesforce.sf_lead", "custom_field", "zz_custom_field_c", "present"),
        ("raw_hubspot.contact", "property_favourite_colour", "property_favourite_colour", "absent: read as NULL"),
    }
    values = query(
        thin_old_db,
        "select count(*), count(attributes.salesforce_lead__custom_field), "
        "count(attributes.hubspot_contact__property_favourite_colour) "
        "from marts.dim_lead_attributes as attributes where salesforce_lead_id is not null",
    )
    people, with_custom_field, with_colour = values[0]
    assert people == with_custom_field and people > 0 and with_colour == 0
    assert scalar(thin_old_db, "select count(*) from marts.dim_lead_attributes") == scalar(
        thin_old_db, "select count(*) from marts.dim_leads"
    )


def test_a_missing_required_column_stops_the_build_naming_it(small_generated_db: Path, tmp_path: Path) -> None:
    database = database_path(tmp_path, "broken")
    shutil.copy(small_generated_db, database)
    con = duckdb.connect(str(database))
    try:
        con.execute("alter table raw_salesforce.lead drop column created_date")
    finally:
        con.close()
    result = run_dbt(
        ["run", "--select", "base_salesforce__leads", "stg_salesforce__leads"], database, {"as_of": "2026-11-01 00:00:00"},
        target_path=tmp_path / "target", check=False,
    )
    assert result.returncode != 0
    assert "raw_salesforce.lead lacks required column(s) created_date" in " ".join(result.output.split())
