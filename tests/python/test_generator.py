"""The demo-data generator: the raw contract's shapes, connector variants, arrival stamps,
determinism, dirt at its configured rates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import yaml
import pytest
from conftest import ANCHOR, ROOT, query, scalar

from leadflow_tools.generator import DirtRates, GeneratorConfig, generate
from leadflow_tools.generator.shapes import (
    EXTRA_COLUMNS,
    Shape,
    add_extra_columns,
    drop_optional_columns,
    drop_optional_tables,
    old_hubspot_connector,
)
from leadflow_tools.generator.sql import segment_slug, track_event_names
from leadflow_tools.raw_contract import Table, load_contract

CONTRACT = load_contract()
# the contract's data_type -> the DuckDB type the generator must write
DUCKDB_TYPES = {
    "string": "VARCHAR", "bigint": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP", "date": "DATE",
}
ANCHOR_TS = f"timestamp '{ANCHOR} 00:00:00'"
SMALL = GeneratorConfig(leads=1_500, events_per_lead=10, seed=42, anchor_date=ANCHOR)


def schema_of(table: Table) -> str:
    return f"raw_{table.family}"


def columns_of(database: Path, schema: str, table: str) -> dict[str, str]:
    """column -> DuckDB type of one table ({} when it does not exist)."""
    return {
        str(name): str(kind)
        for name, kind in query(
            database,
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{schema}' and table_name = '{table}'",
        )
    }


def raw_tables(database: Path) -> list[tuple[str, str]]:
    return [
        (str(s), str(t))
        for s, t in query(
            database,
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw_%' order by 1, 2",
        )
    ]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full shape at 1,500 people: copied for each variant test."""
    database = tmp_path_factory.mktemp("gen") / "full.duckdb"
    generate(SMALL, database, progress=lambda _line: None)
    return database


def variant(small_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "variant.duckdb"
    shutil.copy(small_db, copy)
    return copy


# --- the contract -------------------------------------------------------------------------


def test_contract_is_read_from_the_sources_yaml() -> None:
    names = {f"{schema_of(t)}.{t.identifier}" for t in CONTRACT}
    assert {"raw_salesforce.lead", "raw_hubspot.contact", "raw_segment.pages", "raw_salesforce.event",
            "raw_hubspot.engagement_call", "raw_hubspot.email_event_click"} <= names
    lead = next(t for t in CONTRACT if t.family == "salesforce" and t.name == "lead")
    assert {c.name for c in lead.columns if c.required} >= {"id", "created_date", "_fivetran_synced"}
    contact = next(t for t in CONTRACT if t.family == "hubspot" and t.name == "contact")
    assert {"property_hs_merged_object_ids", "property_hs_calculated_merged_vids"} <= {c.name for c in contact.columns}


def _unconfigured_by_default() -> set[str]:
    """Org-specific columns whose var is null in dbt_project.yml: an org names its own field
    (an MQL date) or has none, so the demo data has none either."""
    project_vars = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    return {
        column.name
        for table in CONTRACT
        for column in table.columns
        if column.column_var and project_vars.get(column.column_var) is None
    }


def test_writes_every_contract_column_with_its_type(generated_db: Path) -> None:
    problems = []
    unconfigured = _unconfigured_by_default()
    assert unconfigured == {"mql_date_c", "property_mql_date"}
    for table in CONTRACT:
        actual = columns_of(generated_db, schema_of(table), table.identifier)
        if not actual:
            problems.append(f"{schema_of(table)}.{table.identifier}: table missing")
            continue
        for column in table.columns:
            if column.name in unconfigured:
                continue
            expected = DUCKDB_TYPES[column.data_type]
            if column.name not in actual:
                problems.append(f"{table.identifier}.{column.name}: missing")
            elif actual[column.name] != expected:
                problems.append(f"{table.identifier}.{column.name}: {actual[column.name]}, contract {expected}")
    assert not problems, "\n".join(problems)


def test_tables_carry_columns_the_connectors_land_beyond_the_contract(generated_db: Path) -> None:
    """A few realistic extras (never read by leadflow) on the tables, names from the real shapes."""
    expected_extras = {
        ("raw_segment", "pages"): {"sent_at", "original_timestamp", "uuid_ts", "context_library_name",
                                    "context_page_url", "context_page_referrer", "context_page_title"},
        ("raw_segment", "tracks"): {"sent_at", "original_timestamp", "uuid_ts", "context_library_name"},
        ("raw_segment", "identifies"): {"sent_at", "uuid_ts", "context_library_name", "first_name", "last_name"},
        ("raw_hubspot", "owner"): {"type", "created_at", "portal_id"},
        ("raw_hubspot", "email_event"): {"sent_by_id", "portal_id", "app_id", "filtered_event"},
        ("raw_hubspot", "email_event_click"): {"browser", "location", "ip_address"},
        ("raw_hubspot", "email_event_status_change"): {"subscriptions", "bounced"},
        ("raw_salesforce", "lead"): {"salutation", "street", "postal_code", "description", "is_unread_by_owner",
                                     "last_activity_date"},
        ("raw_salesforce", "task"): {"call_type", "call_duration_in_seconds", "priority"},
        ("raw_salesforce", "user"): {"first_name", "last_name", "username", "user_type", "_fivetran_deleted"},
        ("raw_salesforce", "event"): {"location", "is_all_day_event", "activity_date"},
    }
    for (schema, table), extras in expected_extras.items():
        missing = extras - set(columns_of(generated_db, schema, table))
        assert not missing, f"{schema}.{table} lacks {missing}"
    assert "is_active" not in columns_of(generated_db, "raw_hubspot", "owner")
    assert "url" not in columns_of(generated_db, "raw_hubspot", "email_event")
    assert columns_of(generated_db, "raw_salesforce", "lead")["last_activity_date"] == "DATE"
    assert columns_of(generated_db, "raw_salesforce", "event")["activity_date"] == "DATE"


# --- Segment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Trial Started", "trial_started"), ("Feature Activated", "feature_activated"), ("sampleText", "sample_text"),
     ("2FA Enabled", "2fa_enabled"), ("iOS App Opened", "i_os_app_opened"), ("CStringRef", "cstring_ref"),
     ("Pricing Page — Viewed", "pricing_page_viewed"), ("sample___text", "sample_text"),
     ("Exported XML For InDesign", "exported_xml_for_in_design"), ("$something%", "something")],
)
def test_segment_slug_is_go_snakecase(name: str, slug: str) -> None:
    assert segment_slug(name) == slug


def test_tracks_carry_slug_and_name_and_one_table_per_event(generated_db: Path) -> None:
    tracks = columns_of(generated_db, "raw_segment", "tracks")
    assert not {c for c in tracks if c.startswith("properties_")}
    pairs = set(query(generated_db, "select distinct event, event_text from raw_segment.tracks"))
    assert pairs == {(segment_slug(name), name) for name in track_event_names()}
    for name in track_event_names():
        slug = segment_slug(name)
        event_columns = columns_of(generated_db, "raw_segment", slug)
        assert set(tracks) < set(event_columns), slug
        properties = set(event_columns) - set(tracks)
        assert properties == ({"plan", "feature"} if name == "Feature Activated" else {"plan"}), slug
        mismatched = scalar(
            generated_db,
            f"select count(*) from raw_segment.{slug} as e full join "
            f"(select * from raw_segment.tracks where event = '{slug}') as t on e.id = t.id "
            'where e.id is null or t.id is null or e."timestamp" <> t."timestamp" or e.received_at <> t.received_at',
        )
        assert mismatched == 0, slug
        assert scalar(generated_db, f"select count(*) from raw_segment.{slug} where plan is null") == 0


def test_pages_carry_page_properties_and_the_context_copies(generated_db: Path) -> None:
    row = query(
        generated_db,
        "select count(*), count(*) filter (where path is distinct from context_page_path), "
        "count(*) filter (where url is distinct from context_page_url), "
        "count(*) filter (where title is distinct from context_page_title), "
        "count(*) filter (where title like '% | leadflow'), count(search), count(context_campaign_source), "
        "count(*) filter (where context_library_name = 'analytics.js') from raw_segment.pages",
    )[0]
    total, path_diff, url_diff, title_diff, titled, searched, campaigns, library = (int(str(v)) for v in row)
    assert path_diff == url_diff == title_diff == 0
    assert titled > 0.8 * total
    assert 0 < searched < 0.3 * total and 0 < campaigns < 0.3 * total
    assert library == total
    assert scalar(generated_db, "select count(*) from raw_segment.pages where title = 'Pricing | leadflow'")


# --- HubSpot ------------------------------------------------------------------------------


def test_email_events_use_hubspot_types_and_type_tables_share_their_ids(generated_db: Path) -> None:
    types = {str(r[0]) for r in query(generated_db, "select distinct type from raw_hubspot.email_event")}
    assert types == {"SENT", "DELIVERED", "OPEN", "CLICK", "BOUNCE", "SPAMREPORT", "STATUSCHANGE"}
    for child, kind in (("email_event_click", "CLICK"), ("email_event_status_change", "STATUSCHANGE")):
        unmatched = scalar(
            generated_db,
            f"select count(*) from raw_hubspot.{child} as c full join "
            f"(select * from raw_hubspot.email_event where type = '{kind}') as e on c.id = e.id "
            "where c.id is null or e.id is null",
        )
        assert unmatched == 0, child
    unsubscribed = float(str(scalar(
        generated_db,
        "select avg((portal_subscription_status = 'UNSUBSCRIBED')::int) from raw_hubspot.email_event_status_change",
    )))
    assert 0.7 < unsubscribed < 0.95
    assert scalar(generated_db, "select count(*) from raw_hubspot.email_event_click where url like 'https://%'")
    # the send an event belongs to is a SENT event
    bad_sends = scalar(
        generated_db,
        "select count(*) from raw_hubspot.email_event as e left join raw_hubspot.email_event as s "
        "on s.id = e.sent_by_id where e.sent_by_id is not null and s.type is distinct from 'SENT'",
    )
    assert bad_sends == 0


def test_owners_are_active_through_their_user(generated_db: Path) -> None:
    rows = query(generated_db, "select active_user_id is null, count(*) from raw_hubspot.owner group by 1")
    counts = {bool(k): int(str(v)) for k, v in rows}
    assert counts.get(True) and counts.get(False)
    assert scalar(generated_db, "select count(distinct type) from raw_hubspot.owner") == 1


def test_company_deletions_set_one_or_both_flags_never_contradicting(generated_db: Path) -> None:
    rows = query(
        generated_db,
        "select is_deleted, _fivetran_deleted, count(*) from raw_hubspot.company group by all",
    )
    combos = {(a, b) for a, b, _ in rows}
    assert (True, False) not in combos and (False, True) not in combos
    deleted = {(a, b) for a, b in combos if a or b}
    assert {(True, None), (None, True)} <= deleted


def test_merged_contacts_in_both_connector_formats(generated_db: Path) -> None:
    rows = query(
        generated_db,
        "select property_hs_merged_object_ids, property_hs_calculated_merged_vids from raw_hubspot.contact "
        "where property_hs_merged_object_ids is not null or property_hs_calculated_merged_vids is not null",
    )
    assert rows
    for new, old in rows:
        assert old is not None and re.fullmatch(r"\d+:\d{13}(;\d+:\d{13})*", str(old)), old
        assert re.sub(r":\d+", "", str(old)) == new


def test_contact_rejection_reason_is_the_last_reason_in_history(generated_db: Path) -> None:
    differing = scalar(
        generated_db,
        """
        with latest as (
            select contact_id, arg_max(value, "timestamp") as reason
            from raw_hubspot.contact_property_history where name = 'rejection_reason' group by 1
        )
        select count(*) from raw_hubspot.contact as c join latest on latest.contact_id = c.id
        where c.property_rejection_reason is distinct from latest.reason
          and c.property_lastmodifieddate = (select max(property_lastmodifieddate) from raw_hubspot.contact
                                             where id = c.id)
        """,
    )
    assert differing == 0
    assert scalar(generated_db, "select count(property_rejection_reason) from raw_hubspot.contact")


def test_engagements_are_logged_by_the_contacts_owner(generated_db: Path) -> None:
    per_type = {
        str(kind): int(str(rows))
        for kind, rows in query(generated_db, "select type, count(*) from raw_hubspot.engagement group by 1")
    }
    assert set(per_type) == {"CALL", "EMAIL", "MEETING"}
    for kind in ("call", "email", "meeting"):
        mismatched = scalar(
            generated_db,
            f"select count(*) from raw_hubspot.engagement_{kind} as c left join raw_hubspot.engagement as e "
            f"on e.id = c.engagement_id where e.type is distinct from '{kind.upper()}' or c.type <> '{kind.upper()}'",
        )
        assert mismatched == 0, kind
        distinct = scalar(generated_db, f"select count(distinct engagement_id) from raw_hubspot.engagement_{kind}")
        assert distinct == per_type[kind.upper()]
    assert scalar(generated_db, "select count(*) from raw_hubspot.engagement_contact") == sum(per_type.values())
    other_owner = scalar(
        generated_db,
        """
        with logged as (
            select engagement_id, property_hubspot_owner_id as owner_id from raw_hubspot.engagement_call
            union all select engagement_id, property_hubspot_owner_id from raw_hubspot.engagement_email
            union all select engagement_id, property_hubspot_owner_id from raw_hubspot.engagement_meeting
        )
        select count(*) from logged
        join raw_hubspot.engagement_contact using (engagement_id)
        join raw_hubspot.contact as c on c.id = engagement_contact.contact_id
        where cast(logged.owner_id as varchar) <> c.property_hubspot_owner_id
        """,
    )
    assert other_owner == 0
    orphans = scalar(
        generated_db,
        "select count(*) from raw_hubspot.engagement_contact where contact_id not in (select id from raw_hubspot.contact)",
    )
    assert 0 < int(str(orphans)) < 0.02 * sum(per_type.values())
    statuses = {str(r[0]) for r in query(generated_db, "select distinct property_hs_call_status from raw_hubspot.engagement_call")}
    assert statuses == {"COMPLETED", "NO_ANSWER", "BUSY"}
    directions = {str(r[0]) for r in query(generated_db, "select distinct property_hs_email_direction from raw_hubspot.engagement_email")}
    assert directions == {"EMAIL", "INCOMING_EMAIL"}


# --- Salesforce ---------------------------------------------------------------------------


def test_tasks_are_mostly_completed_and_events_are_meetings(generated_db: Path) -> None:
    rows = query(generated_db, "select status, is_closed, count(*), count(completed_date_time) from raw_salesforce.task group by all")
    by_status = {str(s): (bool(c), int(str(n)), int(str(done))) for s, c, n, done in rows}
    assert set(by_status) == {"Completed", "Not Started", "In Progress"}
    assert by_status["Completed"][0] and by_status["Completed"][1] == by_status["Completed"][2]
    assert not by_status["Not Started"][0] and by_status["Not Started"][2] == 0
    assert by_status["Completed"][1] > 0.85 * sum(v[1] for v in by_status.values())
    events = query(
        generated_db,
        "select count(*), count(*) filter (where type = 'Meeting' and event_subtype = 'Event'), "
        "count(*) filter (where who_id like '00Q%' or who_id like '003%'), "
        "count(*) filter (where end_date_time = start_date_time + to_minutes(duration_in_minutes)), "
        "count(*) filter (where id like '00U%') from raw_salesforce.event",
    )[0]
    total = int(str(events[0]))
    assert total > 0 and all(int(str(v)) == total for v in events[1:])


# --- arrival stamps -----------------------------------------------------------------------

# Fivetran tables: the column(s) holding when the row's current version last changed
LAST_CHANGE = {
    "raw_salesforce.lead": "greatest(created_date, system_modstamp)",
    "raw_salesforce.contact": "greatest(created_date, system_modstamp)",
    "raw_salesforce.account": "greatest(created_date, system_modstamp)",
    "raw_salesforce.opportunity": "greatest(created_date, system_modstamp)",
    "raw_salesforce.campaign_member": "greatest(created_date, system_modstamp)",
    "raw_salesforce.task": "greatest(created_date, system_modstamp)",
    "raw_salesforce.event": "greatest(created_date, system_modstamp)",
    "raw_salesforce.lead_history": "created_date",
    'raw_salesforce."user"': "system_modstamp",
    "raw_hubspot.contact": "property_lastmodifieddate",
    "raw_hubspot.contact_property_history": '"timestamp"',
    "raw_hubspot.owner": "updated_at",
    "raw_hubspot.email_event": "created",
    "raw_hubspot.contact_form_submission": '"timestamp"',
    "raw_hubspot.engagement_call": "property_hs_lastmodifieddate",
    "raw_hubspot.engagement_meeting": "property_hs_lastmodifieddate",
}


@pytest.mark.parametrize("table", sorted(LAST_CHANGE))
def test_fivetran_synced_follows_the_change_and_some_rows_arrive_late(generated_db: Path, table: str) -> None:
    changed = LAST_CHANGE[table]
    # future-dated rows (dirt: a typed or clock-skewed date) are written before their 'date'
    real = f"{changed} < {ANCHOR_TS} - interval 1 second"
    before, late, total = query(
        generated_db,
        f"select count(*) filter (where _fivetran_synced < {changed}), "
        f"count(*) filter (where _fivetran_synced > {changed} + interval 1 hour), count(*) "
        f"from {table} where {real}",
    )[0]
    assert before == 0, f"{table}: {before} rows written before their change"
    share = int(str(late)) / int(str(total))
    assert 0.02 <= share <= 0.10, f"{table}: {share:.3f} late"


def test_nothing_arrives_after_the_anchor(generated_db: Path) -> None:
    stamps = {
        f"{schema}.\"{table}\"": column
        for schema, table in raw_tables(generated_db)
        for column in columns_of(generated_db, schema, table)
        if column in ("_fivetran_synced", "received_at", "uuid_ts", "updated_at")
    }
    assert len(stamps) > 30
    beyond = {t: scalar(generated_db, f"select count(*) from {t} where {c} >= {ANCHOR_TS}") for t, c in stamps.items()}
    assert not {t: n for t, n in beyond.items() if n}, beyond


@pytest.mark.parametrize(
    ("table", "key", "order"),
    [("raw_salesforce.lead", "id", "system_modstamp"), ("raw_salesforce.account", "id", "system_modstamp"),
     ("raw_salesforce.campaign_member", "id", "system_modstamp"), ("raw_salesforce.event", "id", "system_modstamp"),
     ("raw_hubspot.contact", "id", "property_lastmodifieddate"),
     ("raw_hubspot.engagement_meeting", "engagement_id", "property_hs_lastmodifieddate")],
)
def test_an_older_version_was_written_before_the_one_that_superseded_it(
    generated_db: Path, table: str, key: str, order: str
) -> None:
    pairs, bad = query(
        generated_db,
        f"""
        with ranked as (select *, row_number() over (partition by {key} order by {order} desc) as rn from {table})
        select count(*), count(*) filter (where old._fivetran_synced >= new._fivetran_synced)
        from ranked as new join ranked as old on old.{key} = new.{key} and new.rn = 1 and old.rn = 2
        """,
    )[0]
    assert pairs and bad == 0


def test_segment_receives_seconds_later_some_late_and_redelivered_copies_later(generated_db: Path) -> None:
    before, late, total = query(
        generated_db,
        'select count(*) filter (where received_at < "timestamp"), '
        'count(*) filter (where received_at > "timestamp" + interval 1 hour), count(*) '
        f'from raw_segment.tracks where "timestamp" < {ANCHOR_TS} - interval 1 minute',
    )[0]
    assert before == 0 and 0.02 <= int(str(late)) / int(str(total)) <= 0.10
    pairs, bad = query(
        generated_db,
        """
        with ranked as (select *, row_number() over (partition by id order by received_at) as rn from raw_segment.pages)
        select count(*), count(*) filter (where copy.received_at <= first.received_at
                                          or copy."timestamp" <> first."timestamp")
        from ranked as first join ranked as copy on copy.id = first.id and first.rn = 1 and copy.rn = 2
        """,
    )[0]
    assert pairs and bad == 0
    # Segment's clock-skew correction: timestamp = received_at - (sent_at - original_timestamp)
    skewed = scalar(
        generated_db,
        'select count(*) from raw_segment.pages where "timestamp" <> received_at - (sent_at - original_timestamp)',
    )
    assert skewed == 0


# --- connector-shape variants -------------------------------------------------------------


def test_required_columns_leaves_exactly_the_required_columns(small_db: Path, tmp_path: Path) -> None:
    database = variant(small_db, tmp_path)
    con = duckdb.connect(str(database))
    try:
        dropped = drop_optional_columns(con)
    finally:
        con.close()
    assert dropped
    for table in CONTRACT:
        actual = set(columns_of(database, schema_of(table), table.identifier))
        assert actual == {c.name for c in table.columns if c.required}, table.identifier
    # rows are untouched
    assert scalar(database, "select count(*) from raw_salesforce.lead") == scalar(
        small_db, "select count(*) from raw_salesforce.lead"
    )


def test_required_columns_of_named_tables_only(small_db: Path, tmp_path: Path) -> None:
    database = variant(small_db, tmp_path)
    con = duckdb.connect(str(database))
    try:
        drop_optional_columns(con, ["raw_salesforce.lead", "pages"], keep_extra_columns=True)
        with pytest.raises(ValueError):
            drop_optional_columns(con, ["no_such_table"])
    finally:
        con.close()
    lead = next(t for t in CONTRACT if t.family == "salesforce" and t.name == "lead")
    lead_columns = set(columns_of(database, "raw_salesforce", "lead"))
    assert not lead_columns & {c.name for c in lead.columns if not c.required}
    assert "salutation" in lead_columns  # a realistic extra, kept
    assert "email" in columns_of(database, "raw_salesforce", "contact")
    assert "path" not in columns_of(database, "raw_segment", "pages")


def test_without_optional_tables(small_db: Path, tmp_path: Path) -> None:
    database = variant(small_db, tmp_path)
    con = duckdb.connect(str(database))
    try:
        dropped = drop_optional_tables(con)
    finally:
        con.close()
    remaining = set(raw_tables(database))
    for table in CONTRACT:
        present = (schema_of(table), table.identifier) in remaining
        assert present != table.optional, table.identifier
    assert ("raw_segment", "trial_started") not in remaining
    assert ("raw_hubspot", "engagement") not in remaining
    assert "raw_segment.trial_started" in dropped


def test_extra_columns_on_every_raw_table(small_db: Path, tmp_path: Path) -> None:
    database = variant(small_db, tmp_path)
    before = {t: scalar(database, f'select count(*) from {t[0]}."{t[1]}"') for t in raw_tables(database)}
    con = duckdb.connect(str(database))
    try:
        add_extra_columns(con)
    finally:
        con.close()
    kinds = {name: kind.upper() for name, kind, _ in EXTRA_COLUMNS}
    for schema, table in raw_tables(database):
        columns = columns_of(database, schema, table)
        assert {name: columns.get(name) for name in kinds} == kinds, f"{schema}.{table}"
        assert scalar(database, f'select count(*) from {schema}."{table}"') == before[(schema, table)]
        filled = scalar(database, f'select count(zz_custom_field_c) + count(zz_custom_score_c) '
                                  f'+ count(zz_custom_checked_at_c) from {schema}."{table}"')
        assert filled == 3 * int(str(before[(schema, table)])), f"{schema}.{table}"


def test_old_hubspot_connector_has_only_calculated_merged_vids(small_db: Path, tmp_path: Path) -> None:
    database = variant(small_db, tmp_path)
    con = duckdb.connect(str(database))
    try:
        assert old_hubspot_connector(con)
        assert not old_hubspot_connector(con)  # nothing left to drop
    finally:
        con.close()
    columns = columns_of(database, "raw_hubspot", "contact")
    assert "property_hs_merged_object_ids" not in columns
    assert "property_hs_calculated_merged_vids" in columns
    assert scalar(database, "select count(property_hs_calculated_merged_vids) from raw_hubspot.contact")


def test_the_full_shape_keeps_both_merged_id_columns(small_db: Path) -> None:
    columns = columns_of(small_db, "raw_hubspot", "contact")
    assert {"property_hs_merged_object_ids", "property_hs_calculated_merged_vids"} <= set(columns)


def test_generate_applies_and_records_a_shape(tmp_path: Path) -> None:
    database = tmp_path / "shaped.duckdb"
    shape = Shape(columns="required-columns", without_optional_tables=True, old_hubspot_connector=True)
    report = generate(replace(SMALL, leads=300, events_per_lead=3), database, progress=lambda _line: None, shape=shape)
    manifest = json.loads((tmp_path / "shaped.duckdb.generator.json").read_text())
    assert manifest["shape"] == shape.as_dict()
    assert set(manifest["rows"]) == {f"{s}.{t}" for s, t in raw_tables(database)} == set(report.rows)
    assert ("raw_salesforce", "task") not in raw_tables(database)
    with pytest.raises(ValueError):
        Shape(columns="thin")


# --- determinism and dirt -----------------------------------------------------------------


def _fingerprint(database: Path) -> dict[str, object]:
    """An order-independent hash of every raw table's content."""
    return {
        f"{schema}.{name}": scalar(database, f'select sum(hash(cast(t as varchar))) from "{schema}"."{name}" as t')
        for schema, name in raw_tables(database)
    }


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    cfg = GeneratorConfig(leads=400, events_per_lead=5, seed=3, anchor_date=ANCHOR)
    first, second, other = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "c.duckdb"
    generate(cfg, first, progress=lambda _line: None)
    generate(cfg, second, progress=lambda _line: None, threads=1)
    generate(replace(cfg, seed=4), other, progress=lambda _line: None)
    assert _fingerprint(first) == _fingerprint(second)
    assert _fingerprint(first)["raw_salesforce.lead"] != _fingerprint(other)["raw_salesforce.lead"]


RATE_CHECKS = {
    # dirt kind -> (SQL share over the raw rows it applies to, configured rate)
    "email_invalid": (
        "select avg(case when email not like '%@%.%' then 1 else 0 end) from raw_salesforce.lead",
        DirtRates().email_invalid,
    ),
    "email_spaces": (
        "select avg(case when email <> trim(email) then 1 else 0 end) from raw_salesforce.lead",
        DirtRates().email_spaces,
    ),
    "email_plus_tag": (
        "select avg(case when email like '%+%@%' then 1 else 0 end) from raw_salesforce.lead",
        DirtRates().email_plus_tag,
    ),
    "null_title": ("select avg(case when title is null then 1 else 0 end) from raw_salesforce.lead", DirtRates().null_title),
    "soft_deleted": (
        "select avg(case when is_deleted then 1 else 0 end) from raw_salesforce.account", DirtRates().soft_deleted
    ),
    "bot_pageviews": (
        "select avg(case when context_user_agent ilike '%bot%' or context_user_agent ilike '%headless%' "
        "or context_user_agent like 'python-requests%' then 1 else 0 end) from raw_segment.pages",
        DirtRates().bot_pageviews,
    ),
    "inactive_users": (
        'select avg(case when not is_active then 1 else 0 end) from raw_salesforce."user"',
        DirtRates().inactive_users,
    ),
    "unmapped_picklist_value": (
        "select avg(case when lead_source = 'Podcast' then 1 else 0 end) from raw_salesforce.lead",
        DirtRates().unmapped_picklist_value,
    ),
    "late_arrivals": (
        "select avg(case when received_at > \"timestamp\" + interval 1 hour then 1 else 0 end) "
        f"from raw_segment.tracks where \"timestamp\" < {ANCHOR_TS} - interval 1 minute",
        DirtRates().late_arrivals,
    ),
}


@pytest.mark.parametrize("kind", sorted(RATE_CHECKS))
def test_dirt_appears_at_its_configured_rate(generated_db: Path, kind: str) -> None:
    sql, rate = RATE_CHECKS[kind]
    share = float(scalar(generated_db, sql) or 0)  # type: ignore[arg-type]
    assert 0.4 * rate <= share <= 2.0 * rate, f"{kind}: measured {share:.4f}, configured {rate:.4f}"


def test_every_contract_dirt_kind_is_present(generated_db: Path) -> None:
    present = {
        "mixed case email": "select count(*) from raw_salesforce.lead where email <> lower(email)",
        "country variants": "select count(distinct country) from raw_salesforce.lead "
        "where country in ('US', 'USA', 'United States', 'u.s.')",
        "student domains": "select count(*) from raw_salesforce.lead where email like '%.edu' or email like '%.ac.uk'",
        "free-mail": "select count(*) from raw_salesforce.lead where email like '%@gmail.com'",
        "competitor domains": "select count(*) from raw_salesforce.lead where lower(email) like '%@marketo.com'",
        "hubspot merged": "select count(*) from raw_hubspot.contact where property_hs_merged_object_ids is not null",
        "duplicate versions": "select count(*) - count(distinct id) from raw_salesforce.lead",
        "future timestamps": "select count(*) from raw_segment.pages where timestamp > timestamp '2026-12-01'",
        "unknown people": "select count(*) from raw_segment.tracks where user_id like 'usr-ghost-%'",
        "orphan campaign members": "select count(*) from raw_salesforce.campaign_member m "
        "where lead_id is not null and lead_id not in (select id from raw_salesforce.lead)",
        "orphan meetings": "select count(*) from raw_salesforce.event "
        "where who_id not in (select id from raw_salesforce.lead union all select id from raw_salesforce.contact)",
        "inactive owners": 'select count(*) from raw_salesforce.lead l join raw_salesforce."user" u '
        "on l.owner_id = u.id where not u.is_active",
        "null company": "select count(*) from raw_salesforce.lead where company is null",
        "absurd employees": "select count(*) from raw_salesforce.account "
        "where number_of_employees <= 0 or number_of_employees > 100000000",
        "internal traffic": "select count(*) from raw_segment.pages where user_id like 'usr-int-%'",
        "same person in three CRMs": "select count(*) from raw_salesforce.lead l "
        "join raw_hubspot.contact h on h.id = 1000000 + cast(substr(l.id, 4) as bigint) "
        "where l.converted_contact_id is not null",
        "deleted engagements": "select count(*) from raw_hubspot.engagement_call where _fivetran_deleted",
        "late Fivetran rows": "select count(*) from raw_salesforce.task "
        "where _fivetran_synced > system_modstamp + interval 1 day",
    }
    missing = [kind for kind, sql in present.items() if not scalar(generated_db, sql)]
    assert not missing, f"generator produced none of: {missing}"


# --- command line -------------------------------------------------------------------------


def test_cli_help_explains_itself() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_data.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for word in ("--leads", "--seed", "--events-per-lead", "email_invalid", "raw_salesforce", "--shape",
                 "required-columns", "--without-optional-tables", "--extra-columns", "--old-hubspot-connector",
                 "late_arrivals"):
        assert word in result.stdout


def test_cli_writes_and_reports_progress(tmp_path: Path) -> None:
    database = tmp_path / "cli.duckdb"
    result = subprocess.run(
        [
            sys.executable, str(ROOT / "scripts" / "generate_data.py"), "--leads", "200",
            "--events-per-lead", "3", "--anchor-date", "2026-11-01", "--database", str(database),
            "--shape", "required-columns", "--extra-columns",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "raw_segment.pages" in result.stdout and "generated" in result.stdout
    assert "shape" in result.stdout
    assert int(str(scalar(database, "select count(*) from raw_salesforce.lead"))) > 0
    manifest = json.loads((tmp_path / "cli.duckdb.generator.json").read_text())
    assert manifest["shape"]["columns"] == "required-columns" and manifest["shape"]["extra_columns"]
    assert set(columns_of(database, "raw_segment", "pages")) == {
        "id", "timestamp", "received_at", *(name for name, _, _ in EXTRA_COLUMNS)
    }


def test_activity_comes_in_sessions_and_never_after_the_anchor(tmp_path: Path) -> None:
    """Events of a person fall on few days (visits, product sessions, email sends), not one day each."""
    person_days = "select count(distinct anonymous_id || cast(cast(\"timestamp\" as date) as varchar)) from raw_segment.pages"
    counts = {}
    for per_session in (1, 5):
        database = tmp_path / f"s{per_session}.duckdb"
        cfg = GeneratorConfig(leads=500, events_per_lead=60, seed=3, anchor_date=ANCHOR, events_per_session=per_session)
        generate(cfg, database, progress=lambda _line: None)
        counts[per_session] = int(scalar(database, person_days))  # type: ignore[call-overload]
        # the anchor is 'now': only the future_timestamp dirt (30+ days ahead) lies beyond it
        for table, column in (("raw_segment.pages", '"timestamp"'), ("raw_segment.tracks", '"timestamp"'),
                              ("raw_hubspot.email_event", "created"), ("raw_hubspot.contact_form_submission", '"timestamp"'),
                              ("raw_salesforce.event", "start_date_time"),
                              ("raw_hubspot.engagement_call", "property_hs_timestamp")):
            beyond = scalar(database, f"select count(*) from {table} where {column} > timestamp '{ANCHOR} 00:00:00' "
                                      f"and {column} < timestamp '{ANCHOR} 00:00:00' + interval 30 day")
            assert beyond == 0, table
    assert counts[5] < counts[1] / 2
