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
    scripts/sync_crm.py reads them: every Salesforce account once, every live HubSpot company once,
    each with every value of its account (dim_accounts, column by column); a company matched to a
    Salesforce account shares that account's domain."""
    import duckdb

    from leadflow_tools.sync.state import load_targets, read_model

    for model, key in (("sync_salesforce__account_scores", "Id"), ("sync_hubspot__company_scores", "id")):
        assert query(built_db, f"select count(*) - count(distinct {key}) from marts.{model}") == [(0,)]
    with duckdb.connect(str(built_db), read_only=True) as con:
        targets = {target.name: target for target in load_targets(con, grain="account")}
        assert set(targets) == {"salesforce_account", "hubspot_company"}
        feeds = {name: read_model(con, target) for name, target in targets.items()}
    # dim_accounts' own columns, under the names leadflow gives them in the account feeds
    dim_columns = {
        "account_fit_score": "fit_score", "account_fit_grade": "fit_grade", "account_intent_score": "intent_score",
        "account_intent_band": "intent_band", "engaged_people": "engaged_people", "roles_missing": "roles_missing",
        "account_priority_tier": "priority_tier", "account_priority_action": "priority_action",
        "account_model_version": "account_model_version",
    }
    fields = [f for f in targets["salesforce_account"].fields]
    assert {f.name for f in fields} == set(dim_columns)
    select = ", ".join(dim_columns[f.name] for f in fields)
    dim = {str(row[0]): (row[1], row[2], row[3:]) for row in query(
        built_db, f"select account_key, salesforce_account_id, domain, {select} from marts.dim_accounts"
    )}
    by_salesforce_id = {str(sf_id): values for sf_id, _, values in dim.values() if sf_id is not None}

    def same(sent: tuple[object, ...], expected: tuple[object, ...], names: list[str]) -> bool:
        """Equal, the intent score to its one-decimal rounding (leadflow.round_to: half away from zero)."""
        return all(
            abs(float(str(a)) - float(str(b))) <= 0.05 + 1e-9 if name == "account_intent_score" else a == b
            for a, b, name in zip(sent, expected, names, strict=True)
        )

    assert set(feeds["salesforce_account"]) == set(by_salesforce_id) and by_salesforce_id
    wrong = [
        record_id for record_id, values in feeds["salesforce_account"].items()
        if not same(tuple(values[f.crm_name] for f in fields), by_salesforce_id[record_id], [f.name for f in fields])
    ]
    assert not wrong, wrong[:5]
    # HubSpot companies: every live one, with its account's values; its account comes from
    # int_accounts__hubspot_companies, checked here against the domains themselves
    companies = {str(row[0]): (str(row[1]), row[2]) for row in query(
        built_db,
        "select cast(c.hubspot_company_id as varchar), m.account_key, c.domain from staging.stg_hubspot__companies as c "
        "join intermediate.int_accounts__hubspot_companies as m using (hubspot_company_id)",
    )}
    assert set(feeds["hubspot_company"]) == set(companies) == {
        str(row[0]) for row in query(built_db, "select hubspot_company_id from staging.stg_hubspot__companies")
    }
    hubspot_fields = targets["hubspot_company"].fields
    names = [f.name for f in fields]
    wrong = [
        company for company, values in feeds["hubspot_company"].items()
        if not same(
            tuple(values[f.crm_name] for f in hubspot_fields),
            tuple(dict(zip(names, dim[companies[company][0]][2], strict=True))[f.name] for f in hubspot_fields),
            [f.name for f in hubspot_fields],
        )
    ]
    assert not wrong, wrong[:5]
    matched = [c for c, (account_key, _) in companies.items() if account_key.startswith("sf:")]
    assert matched
    assert all(str(dim[companies[c][0]][1]).removeprefix("www.") == str(companies[c][1]).removeprefix("www.")
               for c in matched if companies[c][1] is not None)


def test_parents_come_from_salesforce_then_hubspot(built_db: Path) -> None:
    """Both CRMs' hierarchies reach dim_accounts: a Salesforce ParentId, and for an account without
    one, its first HubSpot company's hs_parent_company_id (the generator writes both)."""
    rows = query(
        built_db,
        "select accounts.account_key, accounts.parent_account_key, sf.parent_account_id is not null "
        "from marts.dim_accounts as accounts "
        "left join staging.stg_salesforce__accounts as sf on accounts.salesforce_account_id = sf.account_id "
        "where accounts.parent_account_key is not null",
    )
    assert all(key != parent for key, parent, _ in rows)
    from_salesforce = [key for key, parent, has_sf_parent in rows if has_sf_parent and str(parent).startswith("sf:")]
    from_hubspot = [key for key, parent, has_sf_parent in rows if not has_sf_parent]
    assert from_salesforce and from_hubspot
