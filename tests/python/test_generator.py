"""The demo-data generator: the raw source contract, determinism, dirt at its configured rates."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ANCHOR, ROOT, query, scalar

from leadflow_tools.generator import DirtRates, GeneratorConfig, generate

CONTRACT = ROOT / "docs" / "raw_sources.md"


def contract_tables() -> dict[str, set[str]]:
    """Parse docs/raw_sources.md: '<schema>.<table>' -> its contract columns."""
    tables: dict[str, set[str]] = {}
    schema = None
    for line in CONTRACT.read_text().splitlines():
        heading = re.match(r"## .*\(`(raw_\w+)`\)", line)
        if heading:
            schema = heading.group(1)
            continue
        row = re.match(r"\| `(\w+)` \| (.+) \|$", line)
        if row and schema:
            columns_text = re.sub(r"\([^)]*\)", "", row.group(2)).split(". ")[0]
            tables[f"{schema}.{row.group(1)}"] = {c.strip() for c in columns_text.split(",") if c.strip()}
    return tables


def test_contract_parses_every_table() -> None:
    tables = contract_tables()
    assert len(tables) == 18
    assert "created_date" in tables["raw_salesforce.lead_history"]
    assert "property_hs_merged_object_ids" in tables["raw_hubspot.contact"]


def test_writes_every_contract_table_with_exactly_its_columns(generated_db: Path) -> None:
    for table, expected in contract_tables().items():
        schema, name = table.split(".")
        actual = {
            row[0]
            for row in query(
                generated_db,
                "select column_name from information_schema.columns "
                f"where table_schema = '{schema}' and table_name = '{name}'",
            )
        }
        assert actual == expected, f"{table}: missing {expected - actual}, extra {actual - expected}"


def _fingerprint(database: Path) -> dict[str, object]:
    """An order-independent hash of every raw table's content."""
    out = {}
    for table in contract_tables():
        schema, name = table.split(".")
        out[table] = scalar(database, f'select sum(hash(cast(t as varchar))) from "{schema}"."{name}" as t')
    return out


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
        "inactive owners": 'select count(*) from raw_salesforce.lead l join raw_salesforce."user" u '
        "on l.owner_id = u.id where not u.is_active",
        "null company": "select count(*) from raw_salesforce.lead where company is null",
        "absurd employees": "select count(*) from raw_salesforce.account "
        "where number_of_employees <= 0 or number_of_employees > 100000000",
        "internal traffic": "select count(*) from raw_segment.pages where user_id like 'usr-int-%'",
        "same person in three CRMs": "select count(*) from raw_salesforce.lead l "
        "join raw_hubspot.contact h on h.id = 1000000 + cast(substr(l.id, 4) as bigint) "
        "where l.converted_contact_id is not null",
    }
    missing = [kind for kind, sql in present.items() if not scalar(generated_db, sql)]
    assert not missing, f"generator produced none of: {missing}"


def test_cli_help_explains_itself() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_data.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for word in ("--leads", "--seed", "--events-per-lead", "email_invalid", "raw_salesforce"):
        assert word in result.stdout


def test_cli_writes_and_reports_progress(tmp_path: Path) -> None:
    database = tmp_path / "cli.duckdb"
    result = subprocess.run(
        [
            sys.executable, str(ROOT / "scripts" / "generate_data.py"), "--leads", "200",
            "--events-per-lead", "3", "--anchor-date", "2026-11-01", "--database", str(database),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "raw_segment.pages" in result.stdout and "generated" in result.stdout
    assert scalar(database, "select count(*) from raw_salesforce.lead") > 0
    assert (tmp_path / "cli.duckdb.generator.json").exists()


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
                              ("raw_hubspot.email_event", "created"), ("raw_hubspot.contact_form_submission", '"timestamp"')):
            beyond = scalar(database, f"select count(*) from {table} where {column} > timestamp '{ANCHOR} 00:00:00' "
                                      f"and {column} < timestamp '{ANCHOR} 00:00:00' + interval 30 day")
            assert beyond == 0, table
    assert counts[5] < counts[1] / 2
