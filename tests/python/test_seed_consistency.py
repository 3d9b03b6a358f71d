"""Seeds that must agree with each other, checked from the CSV files alone (no build needed).

Each test names the seed rows that break the rule, so an edit that breaks one fails here before
any warehouse is built.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import duckdb
import pytest
import yaml
from conftest import ROOT

SEEDS = ROOT / "seeds"


def rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def current_version() -> str:
    (version,) = {row["model_version"] for row in rows("fit_scoring_rules")}
    return version


def maximum_fit() -> int:
    """The most fit points a profile can earn: per attribute, its best positive rule (the rules of one
    attribute are alternatives: one seniority, one size band, one region), summed."""
    best: dict[str, int] = defaultdict(int)
    for rule in rows("fit_scoring_rules"):
        best[rule["attribute"]] = max(best[rule["attribute"]], int(rule["points"]))
    return sum(best.values())


def test_every_region_a_territory_serves_earns_region_points() -> None:
    country_regions = {row["country_code"]: row["region"] for row in rows("country_aliases")}
    unknown = [row["country_code"] for row in rows("territories") if row["country_code"] and row["country_code"] not in country_regions]
    assert not unknown, f"territory countries seeds/country_aliases.csv cannot recognise: {unknown}"
    served = {row["region"] or country_regions[row["country_code"]] for row in rows("territories")}
    rewarded = {
        region
        for rule in rows("fit_scoring_rules")
        if rule["attribute"] == "region" and int(rule["points"]) > 0
        for region in rule["match_values"].split("|")
    }
    assert served <= rewarded, f"regions with a sales team but no region points: {sorted(served - rewarded)}"


def test_changelog_states_the_maximum_fit_the_seeds_give() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    version = current_version()
    section = changelog.split(f"### {version}", 1)
    assert len(section) == 2, f"CHANGELOG.md has no section for scoring model {version}"
    body = section[1].split("\n### ", 1)[0]
    stated = re.findall(r"[Mm]aximum fit:? (\d+)", body)
    assert stated == [str(maximum_fit())], (
        f"CHANGELOG.md section {version} must state 'maximum fit {maximum_fit()}' (computed from "
        f"seeds/fit_scoring_rules.csv), found {stated}"
    )


def test_every_fit_grade_is_reachable() -> None:
    unreachable = [row["fit_grade"] for row in rows("fit_grade_thresholds") if int(row["min_fit_score"]) > maximum_fit()]
    assert not unreachable, f"grades above the maximum fit {maximum_fit()}: {unreachable}"


REAL_TITLES = {
    "Product Owner": "individual",
    "Senior Product Owner": "individual",
    "Data Owner": "individual",
    "Business Owner": "c_level",
    "Owner/Operator": "c_level",
    "Owner": "c_level",
    "Founder & CEO": "c_level",
    "Co-Founder and CTO": "c_level",
    "Chief Revenue Officer": "c_level",
    "Chief of Staff": "director",
    "Chief of Staff to the CEO": "director",
    "Executive Assistant to the CEO": "individual",
    "Assistant to the CFO": "individual",
    "Personal Assistant": "individual",
    "Assistant Vice President, Operations": "vp",
    "Vice President of Sales": "vp",
    "SVP Marketing": "vp",
    "President": "c_level",
    "Director of Demand Generation": "director",
    "Head of RevOps": "director",
    "Marketing Manager": "manager",
    "Team Lead, SDR": "manager",
    "Lead Generation Specialist": "individual",
    "Software Engineer": "individual",
    "Marketing Intern": "student",
    "PhD Candidate": "student",
}


def first_matching_label(seed: str, label: str, title: str) -> str | None:
    """leadflow.title_label_select's rule on one title: the `label` of the first pattern of `seed`
    by priority that matches the lower-cased, single-spaced title (DuckDB's regexp_matches, as
    the models use); None when none matches."""
    row = duckdb.connect().execute(
        f"""
        select {label}
        from read_csv(?, header = true, all_varchar = true) as patterns
        where regexp_matches(trim(regexp_replace(lower(?), '\\s+', ' ', 'g')), pattern)
        order by cast(priority as integer)
        limit 1
        """,
        [str(SEEDS / f"{seed}.csv"), title],
    ).fetchone()
    return None if row is None else str(row[0])


@pytest.mark.parametrize("title", sorted(REAL_TITLES))
def test_real_world_titles_get_the_right_seniority(title: str) -> None:
    """The staging models' rule (leadflow.title_seniority_select): the first pattern by priority that
    matches the lower-cased, single-spaced title, evaluated by DuckDB's regexp_matches as the models do."""
    seniority = first_matching_label("title_seniority_patterns", "seniority", title)
    assert seniority == REAL_TITLES[title], f"{title!r} -> {seniority}"


# real titles and the department a buying group reads from them (seeds/title_department_patterns.csv;
# None: no pattern matches, the model says 'other')
DEPARTMENT_TITLES = {
    "Software Engineer": "engineering", "CTO": "engineering", "VP Engineering": "engineering",
    "Director of IT": "it", "CISO": "it", "Head of Infrastructure": "it",
    "Data Analyst": "data", "Head of Business Intelligence": "data",
    "Chief Marketing Officer": "marketing", "Sr. Director, Demand Gen": "marketing", "Head of Growth": "marketing",
    "VP Sales": "sales", "Account Executive": "sales", "Software Sales Manager": "sales",
    "Financial Analyst": "finance", "CFO": "finance", "Procurement Manager": "finance",
    "COO": "operations", "HR Business Partner": "people", "CEO": "executive", "Founder & CEO": "executive",
    "Consultant": None, "Office Administrator": None,
}


@pytest.mark.parametrize("title", sorted(DEPARTMENT_TITLES))
def test_real_world_titles_get_the_right_department(title: str) -> None:
    """int_accounts__people's rule (leadflow.title_label_select over title_department_patterns), as
    the seniority test above evaluates it."""
    department = first_matching_label("title_department_patterns", "department", title)
    assert department == DEPARTMENT_TITLES[title], f"{title!r} -> {department}"


def test_variants_of_one_reason_code_agree() -> None:
    seen: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for row in rows("rejection_reasons"):
        seen[row["reason_code"]].add((row["exit_stage"], row["next_action"], row["recycle_after_days"]))
    disagreeing = {code: sorted(values) for code, values in seen.items() if len(values) > 1}
    assert not disagreeing, f"variants of one code disagree on exit stage / next action: {disagreeing}"


def test_recycle_actions_say_when() -> None:
    missing = [row["variant"] for row in rows("rejection_reasons")
               if row["next_action"] == "recycle" and not row["recycle_after_days"]]
    assert not missing, f"recycle reasons without recycle_after_days: {missing}"


def test_qualification_rule_is_one_row_with_supported_fields() -> None:
    (rule,) = rows("qualification_rules")
    supported = {"email", "company", "country_code", "title"}
    fields = {field for field in rule["required_fields"].split("|") if field}
    assert fields <= supported, f"unsupported required_fields: {sorted(fields - supported)}"
    inputs = rows("fit_inputs")
    assert 0 < int(rule["min_known_fit_inputs"]) <= len(inputs)
    assert int(rule["min_fit_score"]) <= maximum_fit()


def test_matrix_covers_every_grade_and_band_and_qualifies_only_route_fast_cells() -> None:
    grades = [row["fit_grade"] for row in rows("fit_grade_thresholds")] + ["needs_enrichment"]
    bands = [row["intent_band"] for row in rows("intent_band_thresholds")]
    matrix = {(row["fit_grade"], row["intent_band"]): row for row in rows("priority_matrix")}
    missing = [(grade, band) for grade in grades for band in bands if (grade, band) not in matrix]
    assert not missing, f"matrix cells missing: {missing}"
    odd = [cell for cell, row in matrix.items() if row["qualifies"] == "true" and row["action"] != "route_fast"]
    assert not odd, f"cells that qualify as an MQL without routing fast: {odd}"
    assert all(row["action"] == "enrich" for (grade, _), row in matrix.items() if grade == "needs_enrichment")


def test_every_matrix_action_but_route_fast_has_a_routing_rule() -> None:
    actions = {row["action"] for row in rows("priority_matrix")} - {"route_fast"}
    routed = {row["match_priority_action"] for row in rows("routing_rules") if row["match_priority_action"]}
    assert actions <= routed, f"matrix actions no routing rule handles: {sorted(actions - routed)}"


def test_queues_have_business_hours() -> None:
    teams = {row["team"] for row in rows("business_hours")}
    queues = {row["target_team"] for row in rows("routing_rules") if row["target_type"] == "queue"}
    assert queues <= teams, f"queues without business hours: {sorted(queues - teams)}"


def test_hand_raise_groups_span_sources() -> None:
    sources: dict[str, set[str]] = defaultdict(set)
    for row in rows("intent_signals"):
        if row["hand_raise_group"]:
            sources[row["hand_raise_group"]].add(row["source"])
    single = sorted(group for group, kinds in sources.items() if len(kinds) < 2)
    assert not single, f"hand-raise groups with one source never deduplicate anything: {single}"


def test_hubspot_lead_status_never_yields_sql_and_only_moves_forward() -> None:
    statuses = [row for row in rows("lifecycle_stage_map") if row["source_field"] == "contact.hs_lead_status"]
    assert statuses
    assert all(row["moves_forward_only"] == "true" for row in statuses)
    assert all(row["working_state"] for row in statuses)
    sql = [row["source_value"] for row in statuses if row["lifecycle_stage"] in ("sql", "opportunity", "customer")]
    assert not sql, f"HubSpot lead statuses that would make a person sales qualified or later: {sql}"
    (connected,) = [row for row in statuses if row["source_value"] == "connected"]
    assert connected["lifecycle_stage"] == "" and connected["working_state"] == "connected"



def documented_value_columns(model: str) -> set[str]:
    """The value columns of a sync values model as its YAML documents them (the keys left out)."""
    spec = yaml.safe_load((ROOT / "models" / "intermediate" / "sync" / "_sync__models.yml").read_text())
    (columns,) = [m["columns"] for m in spec["models"] if m["name"] == model]
    return {c["name"] for c in columns} - {"lead_key", "account_key", "salesforce_account_id"}


def test_every_sync_target_has_fields_that_its_values_model_makes() -> None:
    """sync_targets and sync_fields agree: each target has fields of its crm and grain, every field
    is a documented value column of the grain's values model (int_sync__person_values /
    int_sync__account_values; the hygiene tests keep the YAML and the SQL in step), and the two CRMs
    are sent the same values under the same change rules."""
    values_models = {
        "person": documented_value_columns("int_sync__person_values"),
        "account": documented_value_columns("int_sync__account_values"),
    }
    fields = rows("sync_fields")
    targets_without_fields = [
        t["target"] for t in rows("sync_targets")
        if not any(f["crm"] == t["crm"] and f["grain"] == t["grain"] for f in fields)
    ]
    assert not targets_without_fields
    unknown = [(f["crm"], f["grain"], f["field"]) for f in fields if f["field"] not in values_models[f["grain"]]]
    assert not unknown
    # the two CRMs write the same values (a field on one and not the other is a forgotten row)
    by_crm = defaultdict(set)
    for f in fields:
        by_crm[f["crm"]].add((f["grain"], f["field"], f["change_rule"]))
    assert by_crm["salesforce"] == by_crm["hubspot"]
