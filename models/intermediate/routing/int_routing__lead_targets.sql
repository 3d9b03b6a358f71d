{{ config(enabled=var('using_salesforce', true)) }}
{#-
    What routing decides for each person of int_routing__open_leads, before any rep is dealt.
    In this order, the first that applies wins (decision, with its reason_code):
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
                            nurture, review queue) do not apply to them, they go to a rep.
    A table of its own so that fct_lead_routing's dealing steps, which read it several times,
    read a table: Spark inlines every deterministic CTE at each reference.
-#}
with

open_leads as (
    select * from {{ ref('int_routing__open_leads') }}
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
        case
            when open_leads.disqualify_reason_code is not null then 'disqualified'
            when
                coalesce(open_leads.is_current_owner_active, false)
                and (
                    open_leads.is_converted
                    or open_leads.current_stage in ('sal', 'sql', 'opportunity')
                    or open_leads.last_owner_activity_at >= {{ leadflow.add_seconds(
                        leadflow.as_of(), -86400 * var('routing_recent_activity_days')
                    ) }}
                )
                then 'kept_working_owner'
            when open_leads.blocked_reason is not null then 'blocked'
            when
                coalesce(open_leads.is_current_owner_active, false)
                and open_leads.current_owner_team is not null
                and coalesce(open_leads.current_stage, 'lead') <> 'mql'
                then 'kept_current_owner'
            else 'needs_rule'
        end as gate,
        case
            when open_leads.disqualify_reason_code is not null then open_leads.disqualify_reason_code
            when not coalesce(open_leads.is_current_owner_active, false) or open_leads.current_owner_team is null
                then
                    case
                        when open_leads.blocked_reason is not null then 'missing_required_fields'
                        when open_leads.current_owner_id is null then 'owner_blank'
                        when open_leads.current_owner_id like '00G%' then 'owner_is_queue'
                        when not coalesce(open_leads.is_current_owner_active, false) then 'owner_inactive'
                        else 'owner_not_a_rep'
                    end
            when open_leads.is_converted then 'converted'
            when open_leads.current_stage in ('sal', 'sql', 'opportunity') then 'working_stage'
            when
                open_leads.last_owner_activity_at >= {{ leadflow.add_seconds(
                    leadflow.as_of(), -86400 * var('routing_recent_activity_days')
                ) }}
                then 'recent_owner_activity'
            when open_leads.blocked_reason is not null then 'missing_required_fields'
            when coalesce(open_leads.current_stage, 'lead') = 'mql' then 'awaiting_acceptance'
            else 'owned_not_awaiting_decision'
        end as reason_code
    from open_leads
),

rule_matches as (
    select
        gated.lead_key,
        rules.rule_id,
        rules.target_type,
        rules.target_team,
        rules.description as rule_description,
        row_number() over (partition by gated.lead_key order by rules.priority asc) as rule_rank
    from gated
    inner join rules
        on
            (rules.match_is_customer is null or gated.is_customer = rules.match_is_customer)
            and (
                rules.match_has_open_opportunity is null
                or rules.match_has_open_opportunity = (gated.open_opportunity_id is not null)
            )
            and (rules.match_has_named_account is null or gated.has_named_account = rules.match_has_named_account)
            and (rules.match_priority_tier is null or gated.priority_tier = rules.match_priority_tier)
            and (rules.match_priority_action is null or gated.priority_action = rules.match_priority_action)
            and (rules.match_country_code is null or gated.country_code = rules.match_country_code)
            and (rules.match_region is null or gated.region = rules.match_region)
            and (rules.match_industry is null or gated.industry = rules.match_industry)
            and (rules.match_product_interest is null or gated.product_interest = rules.match_product_interest)
            and (rules.match_employee_band is null or gated.employee_band = rules.match_employee_band)
            and (rules.match_lead_source is null or gated.lead_source = rules.match_lead_source)
            and (rules.match_account_type is null or gated.account_type = rules.match_account_type)
            and (rules.match_has_account is null or gated.has_account = rules.match_has_account)
            and (rules.match_has_trial is null or gated.has_started_trial = rules.match_has_trial)
            and (rules.min_fit_score is null or gated.fit_score >= rules.min_fit_score)
            and (rules.min_intent_score is null or gated.intent_score >= rules.min_intent_score)
    left join active_users as account_owners
        on gated.account_owner_id = account_owners.user_id
    left join active_users as opportunity_owners
        on gated.open_opportunity_owner_id = opportunity_owners.user_id
    where
        gated.gate = 'needs_rule'
        -- past marketing: a person in SAL, SQL or opportunity (or converted) whose owner left
        -- needs a rep, so the matrix rules (suppress, nurture, review queue) do not apply
        and (
            rules.match_priority_action is null
            or not (gated.is_converted or coalesce(gated.current_stage, 'lead') in ('sal', 'sql', 'opportunity'))
        )
        and (rules.target_type <> 'account_owner' or account_owners.user_id is not null)
        and (rules.target_type <> 'opportunity_owner' or opportunity_owners.user_id is not null)
),

targets as (
    select
        gated.lead_key,
        gated.gate,
        gated.reason_code,
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
