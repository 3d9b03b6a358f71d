{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Who works each open person, and why, decided at as_of. One row per open person
    (int_routing__open_leads):
      1 disqualifiers, guardrails, rules and kept owners come from int_routing__lead_targets
        (its header has the order): disqualified people get no owner; people a rep is working
        keep their owner (kept_working_owner), as do owned people who wait for no decision
        (kept_current_owner); a blocked person gets no rule and no owner, with blocked_reason
        (never dropped); the rest take the first matching rule of seeds/routing_rules.csv
        (existing customer -> account owner, open opportunity -> its owner, named account ->
        account owner, partner -> partner desk, suppress -> no rep, manual review -> review
        queue, nurture -> no rep, trial without account -> product-led desk, enterprise pod and
        segment, industry specialists, then territory); team targets keep a current owner who
        is an active rep of the team
      2 everyone else in the team goes to an eligible rep with capacity
        (int_routing__rep_capacity: min(daily_cap, max_open_leads minus what they carry)), by
        sticky weighted round robin:
        a) each lead's own rep is the team rep with room whose -ln(u(lead, rep)) / weight is
           lowest (weighted rendezvous hashing: rep r is chosen with probability
           weight_r / team weight, and the choice does not depend on other leads or on scores,
           so a proposal the CRM has not taken yet does not move between reps from one day to
           the next); a rep takes the leads that chose it in priority order (tier, then
           an engaging account, intent, fit, lead_key) up to its capacity and its weight's share of the team's
           served leads, rounded down (rounded up, two weight-2 reps could each keep 7 of 16
           leads and leave a weight-1 rep at 2: 3.5 against 2 a weight);
        b) the leads left over are dealt to the capacity left: rep r's slots continue at
           (taken_r + k + 0.5) / weight_r, slots in position order meet those leads in
           priority order.
        Only the leads the team's total capacity serves, in priority order, take part, so a
        lead never waits while a lower-priority one of its team is served.
        Within a tier, a lead whose account's buying group is engaging comes first: its account
        (dim_accounts through int_accounts__people) has a priority action of
        var('routing_account_boost_actions') (target_now: a good-fit new-business account) and
        at least var('routing_account_boost_min_engaged_people') engaged people (2: someone
        besides the lead; a tier-1 lead alone already makes its account's intent high, so one
        person is no buying-group signal). Customers and open deals are routing exceptions that
        the rules send to their owners, never a reason to jump the new-business queue, and an
        off-profile or unknown account ranks like no account. It never lifts a lead above a
        better tier; an empty action list turns it off. Such a lead dealt by round robin or
        waiting in the team queue says so in its reason (only there did the account take part in
        the decision).
        Deterministic, never over a cap, balanced by weight within about one lead. Leads left
        over wait in the team queue, with that reason.
      3 a person with an open, breached SLA clock (fct_lead_sla open_breached) who is held by a
        team rep or waits in a team gets a re-route recommendation: the rep of the team with
        room that the same weighted rendezvous draw prefers, the current owner left out
        (reroute_owner_id, reroute_reason). It is a recommendation: the person keeps their
        owner until someone acts, and an out-of-office owner keeps their people unless a
        clock breaches.
-#}
{%- set boost_actions = var('routing_account_boost_actions') -%}
{#- no action listed: nobody is boosted (an empty IN list is not SQL) -#}
{%- set boost_action_test = "accounts.priority_action in ('" ~ boost_actions | join("', '") ~ "')"
    if boost_actions | length > 0 else 'false' -%}
with

open_leads as (
    select * from {{ ref('int_routing__open_leads') }}
),

lead_targets as (
    select * from {{ ref('int_routing__lead_targets') }}
),

capacity as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_routing__rep_capacity') }}
),

rep_availability as (
    select * from {{ ref('int_routing__rep_availability') }}
),

account_priorities as (
    -- each person's account and its priority (people without an account have none)
    select
        account_people.lead_key,
        accounts.account_key,
        accounts.account_name,
        accounts.priority_tier as account_priority_tier,
        accounts.priority_action as account_priority_action,
        accounts.engaged_people as account_engaged_people,
        coalesce(
            {{ boost_action_test }}
            and accounts.engaged_people >= {{ var('routing_account_boost_min_engaged_people') }},
            false
        ) as is_account_boosted
    from {{ ref('int_accounts__people') }} as account_people
    inner join {{ ref('dim_accounts') }} as accounts
        on account_people.account_key = accounts.account_key
),

users as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_salesforce__users') }}
),

open_breaches as (
    -- the person's oldest open breached SLA clock
    select
        lead_key,
        -- two clocks due at one instant: the first by id, so the choice holds from build to build
        min_by(clock_id, {{ leadflow.time_then_id('due_at', 'clock_id') }}) as breached_clock_id,
        min(due_at) as breached_since
    from {{ ref('fct_lead_sla') }}
    where status = 'open_breached'
    group by lead_key
),

targets as (
    select
        open_leads.*,
        lead_targets.gate,
        lead_targets.reason_code,
        lead_targets.is_orphaned_pipeline,
        lead_targets.rule_id,
        lead_targets.target_type,
        lead_targets.rule_description,
        lead_targets.owner_by_rule,
        lead_targets.team_by_rule,
        lead_targets.kept_owner_id,
        account_priorities.account_key,
        account_priorities.account_name as priority_account_name,
        account_priorities.account_priority_tier,
        account_priorities.account_priority_action,
        account_priorities.account_engaged_people,
        coalesce(account_priorities.is_account_boosted, false) as is_account_boosted
    from open_leads
    inner join lead_targets
        on open_leads.lead_key = lead_targets.lead_key
    left join account_priorities
        on open_leads.lead_key = account_priorities.lead_key
),

team_capacity as (
    select
        team,
        sum(new_lead_capacity) as new_lead_capacity
    from capacity
    group by team
),

waiting as (
    -- team leads without a kept owner, numbered per team in priority order (tier, then the
    -- lead at an engaging account first, then intent, fit, lead_key): the order in which they
    -- claim capacity when it runs short
    select
        targets.lead_key,
        targets.team_by_rule as team,
        row_number() over (
            partition by targets.team_by_rule
            order by
                targets.priority_tier asc,
                case when targets.is_account_boosted then 0 else 1 end asc,
                targets.intent_score desc,
                targets.fit_score desc,
                targets.lead_key asc
        ) as priority_number
    from targets
    where
        targets.target_type in ('team', 'territory')
        and targets.kept_owner_id is null
        and not coalesce(targets.is_orphaned_pipeline, false)
),

to_deal as (
    -- the leads the team's capacity serves; the rest wait in the team queue
    select waiting.*
    from waiting
    inner join team_capacity
        on waiting.team = team_capacity.team
    where waiting.priority_number <= team_capacity.new_lead_capacity
),

first_choices as (
    -- each lead's own rep: the eligible team rep with room that has the lowest
    -- -ln(u(lead, rep)) / weight (weighted rendezvous hashing, u a stable draw per pair). It
    -- depends on the lead and the team's reps only, not on other leads or on scores, so a
    -- proposal the CRM has not taken yet stays with the same rep from one day to the next
    select
        lead_key,
        team,
        priority_number,
        rep_id,
        weight
    from (
        select
            to_deal.*,
            capacity.rep_id,
            capacity.weight,
            row_number() over (
                partition by to_deal.lead_key
                order by {{ leadflow.rendezvous_order('to_deal.lead_key', 'capacity.rep_id', 'capacity.weight') }}
            ) as preference
        from to_deal
        inner join capacity
            on to_deal.team = capacity.team and capacity.new_lead_capacity > 0
    ) as ranked
    where preference = 1
),

own_shares as (
    -- how many of its own leads a rep takes: its weight's share of the team's served leads,
    -- rounded down, within its capacity; more would unbalance the team (the rest is dealt by
    -- slot position below, which evens the loads out)
    select
        capacity.rep_id,
        least(
            capacity.new_lead_capacity,
            cast(floor(served.leads * capacity.weight / served.team_weight) as bigint)
        ) as own_lead_quota
    from capacity
    inner join (
        select
            to_deal.team,
            count(*) as leads,
            max(team_weights.team_weight) as team_weight
        from to_deal
        inner join (
            select
                team,
                sum(weight) as team_weight
            from capacity
            where new_lead_capacity > 0
            group by team
        ) as team_weights
            on to_deal.team = team_weights.team
        group by to_deal.team
    ) as served
        on capacity.team = served.team
),

chosen as (
    -- a rep takes the leads that chose it, in priority order, up to its quota
    select
        numbered.lead_key,
        numbered.rep_id,
        numbered.weight
    from (
        select
            first_choices.*,
            row_number() over (partition by first_choices.rep_id order by first_choices.priority_number asc) as taken
        from first_choices
    ) as numbered
    inner join own_shares
        on numbered.rep_id = own_shares.rep_id
    where numbered.taken <= own_shares.own_lead_quota
),

remaining_capacity as (
    select
        capacity.team,
        capacity.rep_id,
        capacity.weight,
        count(chosen.lead_key) as taken,
        capacity.new_lead_capacity - count(chosen.lead_key) as slots_left
    from capacity
    left join chosen
        on capacity.rep_id = chosen.rep_id
    group by capacity.team, capacity.rep_id, capacity.weight, capacity.new_lead_capacity
),

slots as (
    select
        team,
        rep_id,
        weight,
        (taken + slot_index + 0.5) / weight as slot_position
    from (
        select
            remaining_capacity.*,
            {{ leadflow.integer_rows('remaining_capacity.slots_left') }} as slot_index
        from remaining_capacity
    ) as expanded
),

numbered_slots as (
    select
        *,
        row_number() over (partition by team order by slot_position asc, rep_id asc) as slot_number
    from slots
),

overflow as (
    -- leads whose own rep was full, renumbered per team in priority order
    select
        to_deal.lead_key,
        to_deal.team,
        row_number() over (partition by to_deal.team order by to_deal.priority_number asc) as lead_number
    from to_deal
    left join chosen
        on to_deal.lead_key = chosen.lead_key
    where chosen.lead_key is null
),

dealt as (
    select
        lead_key,
        rep_id,
        weight
    from chosen
    union all
    select
        overflow.lead_key,
        numbered_slots.rep_id,
        numbered_slots.weight
    from overflow
    inner join numbered_slots
        on overflow.team = numbered_slots.team and overflow.lead_number = numbered_slots.slot_number
),

decided as (
    select
        targets.*,
        coalesce(targets.owner_by_rule, targets.kept_owner_id, dealt.rep_id) as assigned_owner_id,
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
            when targets.gate in ('disqualified', 'kept_working_owner', 'blocked', 'kept_current_owner')
                then targets.gate
            when targets.target_type in ('account_owner', 'opportunity_owner') then targets.target_type
            when targets.target_type in ('nurture', 'suppress', 'queue') then targets.target_type
            when targets.kept_owner_id is not null then 'kept_current_owner'
            when dealt.rep_id is not null then 'round_robin'
            else 'team_queue'
        end as assignment_method
    from targets
    left join dealt
        on targets.lead_key = dealt.lead_key
),

reroute_choices as (
    -- on an open breach: the team rep with room the weighted rendezvous draw prefers, the
    -- current holder left out
    select
        lead_key,
        rep_id as reroute_owner_id,
        breached_clock_id,
        breached_since
    from (
        select
            decided.lead_key,
            capacity.rep_id,
            open_breaches.breached_clock_id,
            open_breaches.breached_since,
            row_number() over (
                partition by decided.lead_key
                order by {{ leadflow.rendezvous_order('decided.lead_key', 'capacity.rep_id', 'capacity.weight') }}
            ) as preference
        from decided
        inner join open_breaches
            on decided.lead_key = open_breaches.lead_key
        inner join capacity
            on
                decided.team_by_rule = capacity.team
                and capacity.new_lead_capacity > 0
                and capacity.rep_id <> coalesce(decided.assigned_owner_id, '')
        where decided.assignment_method in ('kept_working_owner', 'kept_current_owner', 'round_robin', 'team_queue')
    ) as ranked
    where preference = 1
),

final as (
    select
        decided.lead_key,
        decided.priority_tier,
        decided.priority_action,
        decided.rule_id as routing_rule_id,
        decided.assignment_method,
        decided.reason_code as routing_reason_code,
        coalesce(
            decided.team_by_rule,
            owner_reps.team,
            case when decided.assigned_owner_id is not null then 'account_owners' end
        )
            as assigned_team,
        decided.assigned_owner_id,
        owners.user_name as assigned_owner_name,
        decided.current_owner_id,
        coalesce(decided.assigned_owner_id = decided.current_owner_id, false) as keeps_current_owner,
        decided.assignment_method = 'round_robin' as is_new_assignment,
        decided.open_opportunity_id is not null as has_open_opportunity,
        decided.territory_id,
        decided.account_key,
        decided.account_priority_tier,
        decided.account_priority_action,
        decided.account_engaged_people,
        decided.is_account_boosted,
        case decided.assignment_method
            when 'disqualified'
                then
                    'Disqualified (' || decided.disqualify_reason_code || '): ' || decided.disqualify_description
                    || '; no owner, whoever holds the record'
            when 'kept_working_owner'
                then
                    'Being worked: kept with '
                    || coalesce(owners.user_name, decided.assigned_owner_id)
                    || case decided.reason_code
                        when 'working_stage' then ' (stage ' || decided.current_stage || ')'
                        when 'converted' then ' (converted lead)'
                        else
                            ' (their last call, email or meeting on '
                            || cast(cast(decided.last_owner_activity_at as date) as {{ dbt.type_string() }})
                            || ')'
                    end
                    || case when decided.is_current_owner_away then '; out of office' else '' end
            when 'queue'
                then
                    decided.rule_description || ': queue ' || decided.team_by_rule || ', no rep dealt'
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
                    case
                        when decided.gate = 'kept_current_owner'
                            then
                                'Owned by ' || coalesce(owners.user_name, decided.assigned_owner_id)
                                || ' and not waiting for a routing decision: kept'
                        else
                            decided.route_label || ': team ' || decided.team_by_rule || ', kept with current owner '
                            || coalesce(owners.user_name, decided.assigned_owner_id)
                    end
            when 'round_robin'
                then
                    decided.route_label || ': team ' || decided.team_by_rule || ', round robin to '
                    || coalesce(owners.user_name, decided.assigned_owner_id)
                    || ' (weight ' || cast(decided.round_robin_weight as {{ dbt.type_string() }}) || ')'
            when 'team_queue'
                then
                    case
                        when coalesce(decided.is_orphaned_pipeline, false)
                            then
                                decided.route_label || ': team ' || decided.team_by_rule || ', in stage '
                                || coalesce(decided.current_stage, 'converted') || ' and its owner '
                                || case decided.reason_code
                                    when 'owner_inactive' then 'left Salesforce'
                                    when 'owner_is_queue' then 'is a queue'
                                    else 'is blank'
                                end
                                || ': waiting in the team queue for a manager to reassign (never dealt blindly)'
                        else
                            decided.route_label || ': team ' || decided.team_by_rule
                            || ', no rep available (out of office, unavailable or at cap): waiting in the team queue'
                    end
        end
        || case
            when
                decided.assignment_method in ('round_robin', 'team_queue')
                and decided.is_account_boosted
                and not coalesce(decided.is_orphaned_pipeline, false)
                then
                    '; account ' || coalesce(decided.priority_account_name, decided.account_key) || ' has '
                    || cast(decided.account_engaged_people as {{ dbt.type_string() }})
                    || ' people engaging (' || decided.account_priority_action || ')'
                    || case when decided.assignment_method = 'round_robin' then ': first in its tier' else '' end
            else ''
        end as routing_reason,
        decided.blocked_reason,
        decided.is_current_owner_away,
        reroute_choices.reroute_owner_id,
        case
            when reroute_choices.reroute_owner_id is not null
                then
                    'SLA ' || reroute_choices.breached_clock_id || ' breached since '
                    || cast(reroute_choices.breached_since as {{ dbt.type_string() }}) || ' UTC'
                    || case when decided.is_current_owner_away then ' while the owner is out of office' else '' end
                    || ': re-route to ' || coalesce(reroute_users.user_name, reroute_choices.reroute_owner_id)
                    || ' recommended'
        end as reroute_reason,
        {{ leadflow.as_of() }} as routed_at
    from decided
    left join users as owners
        on decided.assigned_owner_id = owners.user_id
    left join reroute_choices
        on decided.lead_key = reroute_choices.lead_key
    left join users as reroute_users
        on reroute_choices.reroute_owner_id = reroute_users.user_id
    left join rep_availability as owner_reps
        on decided.assigned_owner_id = owner_reps.rep_id
)

select * from final
