"""Accounts on generated data: one row per account, every person counted once at one account,
the account intent recomputed independently from dim_leads, and the account model's versioning."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from conftest import assert_seeds_match_recorded_version, query, scalar

ACCOUNT_SEEDS = (
    "account_fit_rules", "account_fit_grade_thresholds", "account_scoring_rules", "account_priority_matrix",
    "buying_group_roles",
)
# seeds without a model_version column whose every edit still changes the account scores
CHECKSUMMED_ACCOUNT_SEEDS = ACCOUNT_SEEDS + ("title_department_patterns",)


def test_account_seeds_match_the_recorded_version() -> None:
    assert_seeds_match_recorded_version(ACCOUNT_SEEDS, CHECKSUMMED_ACCOUNT_SEEDS, "account_model_versions")


def test_every_account_once_and_every_person_at_one_account(built_db: Path) -> None:
    accounts = scalar(built_db, "select count(*) from marts.dim_accounts")
    salesforce = scalar(built_db, "select count(*) from staging.stg_salesforce__accounts")
    hubspot_only = scalar(
        built_db,
        "select count(*) from intermediate.int_accounts__hubspot_companies where account_match_method = 'own'",
    )
    assert accounts == salesforce + hubspot_only
    assert scalar(built_db, "select count(distinct account_key) from marts.dim_accounts") == accounts
    people_at_accounts = scalar(built_db, "select count(*) from intermediate.int_accounts__people")
    assert scalar(built_db, "select sum(people) from marts.dim_accounts") == people_at_accounts
    assert scalar(built_db, "select count(distinct lead_key) from intermediate.int_accounts__people") == people_at_accounts
    # most people of the generated data work at an account, and both CRMs' links are used
    leads = scalar(built_db, "select count(*) from marts.dim_leads")
    assert people_at_accounts > 0.5 * leads
    methods = {row[0] for row in query(built_db, "select distinct account_match_method from intermediate.int_accounts__people")}
    assert {"crm_contact_account", "hubspot_associated_company", "email_domain"} <= methods


def test_account_intent_is_the_capped_sum_of_its_engaged_people(built_db: Path) -> None:
    """An independent reading of seeds/account_scoring_rules.csv against dim_leads' intent scores."""
    ((engaged_min, cap, counted),) = query(
        built_db, "select engaged_min_intent_score, person_intent_cap, max_counted_people from config.account_scoring_rules"
    )
    scores: dict[str, list[float]] = defaultdict(list)
    for account_key, intent_score in query(
        built_db,
        "select people.account_key, leads.intent_score from intermediate.int_accounts__people as people "
        "join marts.dim_leads as leads using (lead_key)",
    ):
        scores[str(account_key)].append(float(intent_score))
    dim = {str(row[0]): (float(row[1]), int(row[2])) for row in query(
        built_db, "select account_key, intent_score, engaged_people from marts.dim_accounts"
    )}
    mismatched = []
    for account_key, (intent_score, engaged_people) in dim.items():
        engaged = sorted((s for s in scores.get(account_key, []) if s >= engaged_min), reverse=True)
        expected = min(100.0, sum(min(s, cap) for s in engaged[: int(counted)]))
        if abs(expected - intent_score) > 0.005 or engaged_people != len(engaged):
            mismatched.append((account_key, intent_score, expected, engaged_people, len(engaged)))
    assert not mismatched, mismatched[:5]
    # breadth: on generated data some accounts' intent exceeds what their most engaged person
    # alone would give them (several engaged people add up)
    broader = scalar(
        built_db,
        f"select count(*) from marts.dim_accounts where engaged_people >= 2 "
        f"and intent_score > least(top_person_intent_score, {cap})",
    )
    assert broader > 0
    bands = {row[0] for row in query(built_db, "select distinct intent_band from marts.dim_accounts")}
    stages = {row[0] for row in query(built_db, "select distinct account_stage from marts.dim_accounts")}
    assert bands == {"high", "medium", "low"} and stages == {"customer", "open_opportunity", "none"}


def test_buying_group_rows_for_every_role_of_every_account(built_db: Path) -> None:
    roles = scalar(built_db, "select count(*) from config.buying_group_roles")
    accounts = scalar(built_db, "select count(*) from marts.dim_accounts")
    assert scalar(built_db, "select count(*) from marts.fct_account_buying_group") == roles * accounts
    missing_listed = scalar(
        built_db,
        "select count(*) from marts.dim_accounts where roles_missing is not null",
    )
    assert 0 < missing_listed < accounts


def test_account_sync_feeds_carry_each_accounts_values(built_db: Path) -> None:
    """The Salesforce account and HubSpot company feeds, read through seeds/sync_fields.csv as
    scripts/sync_crm.py reads them: every Salesforce account once, every live HubSpot company once
    with the values of the account it belongs to (a company matched to a Salesforce account carries
    that account's priority), and the person feeds carry their account's priority."""
    import duckdb

    from leadflow_tools.sync.state import load_targets, read_model

    with duckdb.connect(str(built_db), read_only=True) as con:
        targets = {target.name: target for target in load_targets(con, grain="account")}
        assert set(targets) == {"salesforce_account", "hubspot_company"}
        salesforce = read_model(con, targets["salesforce_account"])
        hubspot = read_model(con, targets["hubspot_company"])
        lead_target = next(t for t in load_targets(con, "salesforce", "person") if t.name == "salesforce_lead")
        lead_feed = read_model(con, lead_target)
    tier_field = {t.name: next(f.crm_name for f in t.fields if f.name == "account_priority_tier") for t in targets.values()}
    dim = {
        str(key): (sf_id, int(str(tier)), str(action))
        for key, sf_id, tier, action in query(
            built_db, "select account_key, salesforce_account_id, priority_tier, priority_action from marts.dim_accounts"
        )
    }
    salesforce_ids = {str(sf_id) for sf_id, _, _ in dim.values() if sf_id is not None}
    assert set(salesforce) == salesforce_ids and salesforce_ids
    by_salesforce_id = {str(sf_id): tier for sf_id, tier, _ in dim.values() if sf_id is not None}
    assert all(values[tier_field["salesforce_account"]] == by_salesforce_id[record_id] for record_id, values in salesforce.items())
    company_accounts = dict(query(
        built_db, "select cast(hubspot_company_id as varchar), account_key from intermediate.int_accounts__hubspot_companies"
    ))
    live_companies = {str(row[0]) for row in query(built_db, "select hubspot_company_id from staging.stg_hubspot__companies")}
    assert set(hubspot) == live_companies and live_companies
    wrong = [c for c, values in hubspot.items() if values[tier_field["hubspot_company"]] != dim[str(company_accounts[c])][1]]
    assert not wrong, wrong[:5]
    # companies matched to a Salesforce account exist in the test data, and carry that account's values
    matched = [c for c in hubspot if str(company_accounts[c]).startswith("sf:")]
    assert matched
    # the lead feed: a lead's account tier is its account's (int_accounts__people), empty without one
    person_tier = dict(query(
        built_db,
        "select records.record_id, accounts.priority_tier from intermediate.int_sync__crm_records as records "
        "left join intermediate.int_accounts__people as people using (lead_key) "
        "left join marts.dim_accounts as accounts using (account_key) where records.sync_target = 'salesforce_lead'",
    ))
    lead_tier_field = next(f.crm_name for f in lead_target.fields if f.name == "account_priority_tier")
    assert {k: v[lead_tier_field] for k, v in lead_feed.items()} == person_tier
    assert any(v is not None for v in person_tier.values()) and any(v is None for v in person_tier.values())
