{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Where each open person (int_routing__open_leads) is headed, before any rep is dealt:
      - blocked people (a failed guardrail) match no rule;
      - everyone else takes the first rule of seeds/routing_rules.csv (by priority) whose
        conditions all hold (an empty condition matches anything). An owner rule
        (account_owner, opportunity_owner) only matches when that owner is an active
        Salesforce user;
      - a team or territory target whose current owner is an eligible rep of that team
        (int_routing__rep_availability.can_take_leads) keeps that owner.
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

eligible_reps as (
    select
        rep_id,
        team
    from rep_availability
    where can_take_leads
),

active_users as (
    select user_id
    from users
    where is_active
),

rule_matches as (
    select
        open_leads.lead_key,
        rules.rule_id,
        rules.target_type,
        rules.target_team,
        rules.description as rule_description,
        row_number() over (partition by open_leads.lead_key order by rules.priority asc) as rule_rank
    from open_leads
    inner join rules
        on
            (rules.match_is_customer is null or open_leads.is_customer = rules.match_is_customer)
            and (
                rules.match_has_open_opportunity is null
                or rules.match_has_open_opportunity = (open_leads.open_opportunity_id is not null)
            )
            and (rules.match_has_named_account is null or open_leads.has_named_account = rules.match_has_named_account)
            and (rules.match_priority_tier is null or open_leads.priority_tier = rules.match_priority_tier)
            and (rules.match_priority_action is null or open_leads.priority_action = rules.match_priority_action)
            and (rules.match_country_code is null or open_leads.country_code = rules.match_country_code)
            and (rules.match_region is null or open_leads.region = rules.match_region)
            and (rules.match_industry is null or open_leads.industry = rules.match_industry)
            and (rules.match_product_interest is null or open_leads.product_interest = rules.match_product_interest)
            and (rules.min_fit_score is null or open_leads.fit_score >= rules.min_fit_score)
            and (rules.min_intent_score is null or open_leads.intent_score >= rules.min_intent_score)
    left join active_users as account_owners
        on open_leads.account_owner_id = account_owners.user_id
    left join active_users as opportunity_owners
        on open_leads.open_opportunity_owner_id = opportunity_owners.user_id
    where
        open_leads.blocked_reason is null
        and (rules.target_type <> 'account_owner' or account_owners.user_id is not null)
        and (rules.target_type <> 'opportunity_owner' or opportunity_owners.user_id is not null)
),

targets as (
    select
        open_leads.lead_key,
        open_leads.current_owner_id,
        rule_matches.rule_id,
        rule_matches.target_type,
        rule_matches.rule_description,
        case
            when rule_matches.target_type = 'account_owner' then open_leads.account_owner_id
            when rule_matches.target_type = 'opportunity_owner' then open_leads.open_opportunity_owner_id
        end as owner_by_rule,
        case
            when rule_matches.target_type in ('nurture', 'suppress') then 'marketing'
            when rule_matches.target_type = 'team' then rule_matches.target_team
            when rule_matches.target_type = 'territory' then coalesce(open_leads.territory_team, 'unassigned_territory')
        end as team_by_rule
    from open_leads
    left join rule_matches
        on open_leads.lead_key = rule_matches.lead_key and rule_matches.rule_rank = 1
),

final as (
    select
        targets.lead_key,
        targets.rule_id,
        targets.target_type,
        targets.rule_description,
        targets.owner_by_rule,
        targets.team_by_rule,
        case when targets.target_type in ('team', 'territory') then eligible_reps.rep_id end as kept_owner_id
    from targets
    left join eligible_reps
        on targets.current_owner_id = eligible_reps.rep_id and targets.team_by_rule = eligible_reps.team
)

select * from final
