{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Who works each open person, and why, decided at as_of. One row per open person
    (int_routing__open_leads), in four steps:
      1 guardrails: a blocked person (invalid email, missing company or country, duplicate,
        inactive owner) gets no rule and no owner, with blocked_reason; never dropped
      2 the first rule of seeds/routing_rules.csv (by priority) whose conditions all hold
        (an empty condition matches anything): existing customer -> account owner, open
        opportunity -> its owner, named account -> account owner, suppress and nurture -> no
        rep, enterprise pod, industry specialists, then territory (int_routing__lead_territories:
        country first, then region). An owner rule only matches when that owner is active.
      3 team targets keep their current owner when that owner is an eligible rep of the team
      4 everyone else in the team is dealt to eligible reps (seeds/sales_reps.csv: available,
        active in Salesforce, not out of office at as_of) by weighted round robin: rep r gets
        slots at (k + 0.5) / weight_r for k below its capacity, min(daily_cap, max_open_leads
        minus the open leads it already owns); slots in position order meet leads in priority
        order (tier, then intent, fit, lead_key). Deterministic, balanced by weight within one
        lead, never over a cap. Leads left over wait in the team queue, with that reason.
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
        team,
        weight,
        daily_cap,
        max_open_leads
    from rep_availability
    where can_take_leads
),

active_users as (
    select
        user_id,
        user_name
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
        open_leads.*,
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

kept as (
    -- team targets whose current owner is an eligible rep of that team keep them
    select
        targets.lead_key,
        eligible_reps.rep_id
    from targets
    inner join eligible_reps
        on targets.current_owner_id = eligible_reps.rep_id and targets.team_by_rule = eligible_reps.team
    where targets.target_type in ('team', 'territory')
),

owned_open_leads as (
    -- what each rep already carries: leads routed to them as owners or kept
    select
        rep_id,
        count(*) as open_leads
    from (
        select owner_by_rule as rep_id from targets
        where owner_by_rule is not null
        union all
        select rep_id from kept
    ) as owned
    group by rep_id
),

capacity as (
    select
        eligible_reps.*,
        greatest(
            0,
            least(eligible_reps.daily_cap, eligible_reps.max_open_leads - coalesce(owned_open_leads.open_leads, 0))
        ) as new_lead_capacity
    from eligible_reps
    left join owned_open_leads
        on eligible_reps.rep_id = owned_open_leads.rep_id
),

slots as (
    select
        team,
        rep_id,
        weight,
        (slot_index + 0.5) / weight as slot_position
    from (
        select
            capacity.*,
            {{ leadflow.integer_rows('capacity.new_lead_capacity') }} as slot_index
        from capacity
    ) as expanded
),

numbered_slots as (
    select
        *,
        row_number() over (partition by team order by slot_position asc, rep_id asc) as slot_number
    from slots
),

to_deal as (
    select
        targets.lead_key,
        targets.team_by_rule as team,
        row_number() over (
            partition by targets.team_by_rule
            order by
                targets.priority_tier asc, targets.intent_score desc, targets.fit_score desc, targets.lead_key asc
        ) as lead_number
    from targets
    left join kept
        on targets.lead_key = kept.lead_key
    where targets.target_type in ('team', 'territory') and kept.lead_key is null
),

dealt as (
    select
        to_deal.lead_key,
        numbered_slots.rep_id,
        numbered_slots.weight
    from to_deal
    inner join numbered_slots
        on to_deal.team = numbered_slots.team and to_deal.lead_number = numbered_slots.slot_number
),

decided as (
    select
        targets.*,
        coalesce(targets.owner_by_rule, kept.rep_id, dealt.rep_id) as assigned_owner_id,
        dealt.weight as round_robin_weight,
        case
            when targets.target_type = 'territory'
                then
                    'Territory '
                    || coalesce(targets.territory_id, 'none')
                    || ' ('
                    || coalesce(targets.country_code, 'no country')
                    || ')'
            else targets.rule_description
        end as route_label,
        case
            when targets.blocked_reason is not null then 'blocked'
            when targets.target_type in ('account_owner', 'opportunity_owner') then targets.target_type
            when targets.target_type in ('nurture', 'suppress') then targets.target_type
            when kept.rep_id is not null then 'kept_current_owner'
            when dealt.rep_id is not null then 'round_robin'
            else 'team_queue'
        end as assignment_method
    from targets
    left join kept
        on targets.lead_key = kept.lead_key
    left join dealt
        on targets.lead_key = dealt.lead_key
),

final as (
    select
        decided.lead_key,
        decided.priority_tier,
        decided.priority_action,
        decided.rule_id as routing_rule_id,
        decided.assignment_method,
        coalesce(
            decided.team_by_rule,
            owner_reps.team,
            case when decided.assigned_owner_id is not null then 'account_owners' end
        )
            as assigned_team,
        decided.assigned_owner_id,
        owners.user_name as assigned_owner_name,
        decided.assignment_method = 'round_robin' as is_new_assignment,
        decided.open_opportunity_id is not null as has_open_opportunity,
        decided.territory_id,
        case decided.assignment_method
            when 'blocked' then 'Blocked before assignment: ' || decided.blocked_reason
            when 'account_owner'
                then
                    case when decided.is_customer then 'Existing customer ' else 'Named account ' end
                    || coalesce(decided.account_name, decided.account_id) || ': routed to account owner '
                    || coalesce(owners.user_name, decided.assigned_owner_id)
            when 'opportunity_owner'
                then
                    'Open opportunity '
                    || coalesce(decided.open_opportunity_name, decided.open_opportunity_id)
                    || ' on '
                    || coalesce(decided.account_name, decided.account_id) || ': routed to the opportunity owner '
                    || coalesce(owners.user_name, decided.assigned_owner_id) || ', not to new-business round robin'
            when 'suppress'
                then
                    'Fit ' || decided.fit_grade || ', intent ' || decided.intent_band || ': suppressed, no rep'
            when 'nurture'
                then
                    'Fit ' || decided.fit_grade || ', intent ' || decided.intent_band || ': marketing nurture, no rep'
            when 'kept_current_owner'
                then
                    decided.route_label || ': team ' || decided.team_by_rule || ', kept with current owner '
                    || coalesce(owners.user_name, decided.assigned_owner_id)
            when 'round_robin'
                then
                    decided.route_label || ': team ' || decided.team_by_rule || ', round robin to '
                    || coalesce(owners.user_name, decided.assigned_owner_id)
                    || ' (weight ' || cast(decided.round_robin_weight as {{ dbt.type_string() }}) || ')'
            else
                decided.route_label || ': team ' || decided.team_by_rule
                || ', no rep available (out of office, unavailable or at cap): waiting in the team queue'
        end as routing_reason,
        decided.blocked_reason,
        {{ leadflow.as_of() }} as routed_at
    from decided
    left join users as owners
        on decided.assigned_owner_id = owners.user_id
    left join rep_availability as owner_reps
        on decided.assigned_owner_id = owner_reps.rep_id
)

select * from final
