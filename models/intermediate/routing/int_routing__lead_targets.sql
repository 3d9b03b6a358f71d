{{ config(enabled=var('using_salesforce', true)) }}
{#-
    What routing decides for each person of int_routing__open_leads, before any rep is dealt.
    In this order, the first that applies wins (decision, with its reason_code; the gate is
    leadflow.routing_gate, which int_routing__decision_facts takes at every past moment):
      1 disqualified        a row of seeds/routing_disqualifiers.csv matches (competitor,
                            employee, student, unmerged duplicate, non-commercial, unsupported
                            geography): no owner, whoever holds the record now; decided before
                            any owner rule so they never reach an account or opportunity owner
      2 kept_working_owner  an active owner is working the person: reason_code working_stage
                            (SAL, SQL or opportunity), converted (the lead was converted) or
                            recent_owner_activity (their call, email or meeting within
                            var('routing_recent_activity_days')). Out of office or not, they
                            keep the person (a breached SLA adds a re-route recommendation in
                            fct_lead_routing, never a silent move)
      3 blocked             required contact fields missing (missing_required_fields)
      4 kept_current_owner  owned by an active sales rep and not waiting for a decision
                            (reason_code owned_not_awaiting_decision): routing only decides for
                            people who need it
      5 routed by rule      everyone else needs a decision, reason_code owner_blank (no
                            owner), owner_is_queue (a Salesforce queue, id 00G..., holds it),
                            owner_inactive (owner deactivated in Salesforce),
                            owner_not_a_rep (owned by a user outside seeds/sales_reps.csv, e.g.
                            an integration user) or awaiting_acceptance (an MQL): the first rule
                            of seeds/routing_rules.csv (by priority) whose conditions all hold
                            (an empty condition matches anything). An owner rule
                            (account_owner, opportunity_owner) matches only when that owner is
                            active. A team or territory target whose current owner is an active
                            rep of that team keeps that owner (kept_owner_id), away or not.
                            A person in SAL, SQL or opportunity (or converted) whose owner left
                            is past marketing: the matrix rules (match_priority_action: suppress,
                            nurture, review queue) do not apply to them; a team target puts them
                            in the team queue for a manager to reassign (is_orphaned_pipeline),
                            never round robin.
    A table of its own so that fct_lead_routing's dealing steps, which read it several times,
    read a table: Spark inlines every deterministic CTE at each reference.
-#}
with

open_leads as (
    select * from {{ ref('int_routing__open_leads') }}
    where is_open
),

rules as (
    select * from {{ ref('routing_rules') }}
),

rep_availability as (
    select * from {{ ref('int_routing__rep_availability') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

active_users as (
    select user_id
    from users
    where is_active
),

staffed_reps as (
    -- reps who keep the people they hold: active in Salesforce, out of office or not
    select
        rep_id,
        team
    from rep_availability
    where is_active_in_crm
),

gated as (
    -- steps 1 to 4: who needs a rule at all
    select
        open_leads.*,
        {{ leadflow.routing_gate(
            'open_leads', 'open_leads.current_owner_id', 'open_leads.current_owner_team',
            'open_leads.is_current_owner_active',
            'open_leads.last_owner_activity_at >= ' ~ leadflow.add_seconds(
                leadflow.as_of(), -86400 * var('routing_recent_activity_days')
            )
        ) | indent(8) }}
    from open_leads
),

rule_matches as (
    {{ leadflow.routing_rule_matches('gated', 'lead_key') }}
),

targets as (
    select
        gated.lead_key,
        gated.gate,
        gated.reason_code,
        gated.is_orphaned_pipeline,
        gated.current_owner_id,
        gated.current_owner_team,
        rule_matches.rule_id,
        rule_matches.target_type,
        rule_matches.rule_description,
        case
            when rule_matches.target_type = 'account_owner' then gated.account_owner_id
            when rule_matches.target_type = 'opportunity_owner' then gated.open_opportunity_owner_id
        end as owner_by_rule,
        case
            when rule_matches.target_type in ('nurture', 'suppress') then 'marketing'
            when rule_matches.target_type in ('team', 'queue') then rule_matches.target_team
            when rule_matches.target_type = 'territory' then coalesce(gated.territory_team, 'unassigned_territory')
        end as team_by_rule
    from gated
    left join rule_matches
        on gated.lead_key = rule_matches.lead_key and rule_matches.rule_rank = 1
),

final as (
    select
        targets.lead_key,
        targets.gate,
        targets.reason_code,
        targets.gate = 'needs_rule' and targets.is_orphaned_pipeline as is_orphaned_pipeline,
        targets.rule_id,
        targets.target_type,
        targets.rule_description,
        targets.owner_by_rule,
        case
            when targets.gate in ('kept_working_owner', 'kept_current_owner') then targets.current_owner_team
            else targets.team_by_rule
        end as team_by_rule,
        case
            when targets.gate in ('kept_working_owner', 'kept_current_owner') then targets.current_owner_id
            when targets.target_type in ('team', 'territory') then staffed_reps.rep_id
        end as kept_owner_id
    from targets
    left join staffed_reps
        on targets.current_owner_id = staffed_reps.rep_id and targets.team_by_rule = staffed_reps.team
)

select * from final
