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
