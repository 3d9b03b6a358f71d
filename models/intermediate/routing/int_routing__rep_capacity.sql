{{ config(enabled=var('using_salesforce', true)) }}
{#-
    How many new leads each eligible rep (int_routing__rep_availability.can_take_leads) can be
    dealt at as_of: min(daily_cap, max_open_leads minus the open leads they carry), never
    below zero. What they carry is what int_routing__lead_targets gives them without round
    robin: open people routed to them as account or opportunity owner, and team leads they
    keep as current owner.
-#}
with

rep_availability as (
    select * from {{ ref('int_routing__rep_availability') }}
),

lead_targets as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_routing__lead_targets') }}
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

owned as (
    select owner_by_rule as rep_id
    from lead_targets
    where owner_by_rule is not null
    union all
    select kept_owner_id as rep_id
    from lead_targets
    where kept_owner_id is not null
),

owned_counts as (
    select
        rep_id,
        count(*) as open_leads
    from owned
    group by rep_id
),

final as (
    select
        eligible_reps.rep_id,
        eligible_reps.team,
        eligible_reps.weight,
        eligible_reps.daily_cap,
        eligible_reps.max_open_leads,
        coalesce(owned_counts.open_leads, 0) as open_leads,
        greatest(
            0,
            least(eligible_reps.daily_cap, eligible_reps.max_open_leads - coalesce(owned_counts.open_leads, 0))
        ) as new_lead_capacity
    from eligible_reps
    left join owned_counts
        on eligible_reps.rep_id = owned_counts.rep_id
)

select * from final
