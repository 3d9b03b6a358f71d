"""leadflow's own MQL, fit confidence, stage semantics and intent timing on the built test data."""

from __future__ import annotations

from pathlib import Path

from conftest import query, scalar


def test_crm_mqls_in_suppress_cells_are_counted_in_the_agreement_report(built_db: Path) -> None:
    per_person = scalar(built_db, """
        select count(*) from marts.fct_lead_funnel
        where mql_agreement = 'crm_only' and priority_action_at_mql = 'suppress'""")
    reported = scalar(built_db, "select sum(crm_only_suppress_cell_count) from marts.rpt_mql_agreement")
    assert isinstance(per_person, int) and per_person > 0
    assert reported == per_person
    totals = query(built_db, """
        select sum(crm_mql_count), sum(model_qualified_count), sum(both_count) from marts.rpt_mql_agreement""")[0]
    funnel = query(built_db, """
        select count(mql_at), count(score_qualified_at), count(case when mql_agreement = 'both' then 1 end)
        from marts.fct_lead_funnel""")[0]
    assert totals == funnel


def test_model_qualification_meets_the_rule_at_its_moment(built_db: Path) -> None:
    rule = query(built_db, "select min_fit_score, min_intent_score from config.qualification_rules")
    min_fit, min_intent = (float(str(value)) for value in rule[0])
    rows = query(built_db, """
        select fit_score, intent_score, fit_grade, intent_band, priority_action
        from intermediate.int_scoring__qualifications""")
    assert rows, "the test data should have people leadflow qualifies"
    for fit_score, intent_score, fit_grade, intent_band, action in rows:
        assert float(str(fit_score)) >= min_fit and float(str(intent_score)) >= min_intent
        assert fit_grade in ("A", "B") and intent_band == "high" and action == "route_fast"


def test_unknown_fit_is_needs_enrichment_not_grade_d(built_db: Path) -> None:
    rows = query(built_db, """
        select fit_grade, priority_action, known_fit_inputs, missing_fit_inputs
        from marts.dim_leads where needs_enrichment""")
    assert rows
    assert {row[0] for row in rows} == {"needs_enrichment"}
    assert {row[1] for row in rows} == {"enrich"}
    assert all(int(str(row[2])) < 3 and row[3] for row in rows)
    # a person without title and company size, and no disqualifying rule, is never graded D
    graded_d = scalar(built_db, """
        select count(*) from marts.dim_leads
        where seniority = 'unknown' and employee_count is null and fit_grade = 'D'
          and lead_key not in (select lead_key from marts.fct_fit_score_components where is_disqualifier)""")
    assert graded_d == 0


def test_hubspot_lead_status_never_yields_sql_or_a_step_back(built_db: Path) -> None:
    from_lead_status = query(built_db, """
        select lifecycle_stage, count(*) from intermediate.int_lifecycle__stage_changes
        where source_field in ('contact.hs_lead_status', 'contact.hs_lead_status_inferred')
        group by lifecycle_stage""")
    stages = {row[0] for row in from_lead_status}
    assert stages and stages <= {"sal", "recycled", "disqualified"}, from_lead_status
    regressions = scalar(built_db, """
        select count(*) from intermediate.int_lifecycle__stage_changes
        where is_regression and source_field in ('contact.hs_lead_status', 'contact.hs_lead_status_inferred')""")
    assert regressions == 0


def test_campaign_responses_are_dated_at_the_response(built_db: Path) -> None:
    late = query(built_db, """
        select count(*), count(case when signals.occurred_at > members.created_at then 1 end)
        from marts.fct_intent_signals as signals
        inner join staging.stg_salesforce__campaign_members as members
            on signals.event_id = 'campaign_member:' || members.campaign_member_id
        where members.has_responded and members.first_responded_date > cast(members.created_at as date)""")[0]
    assert int(str(late[0])) > 0 and late[0] == late[1]
    registrations = scalar(built_db, """
        select count(*) from marts.fct_intent_signals where event_id like 'campaign_member:%:registered'""")
    assert isinstance(registrations, int) and registrations > 0
