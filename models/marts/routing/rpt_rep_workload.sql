{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Every rep in seeds/sales_reps.csv at as_of: can they take leads (available, active in
    Salesforce, not out of office), how many open leads they carry after routing, how many
    were dealt to them by round robin at as_of, and the headroom left under each cap.
-#}
with

rep_availability as (
    select * from {{ ref('int_routing__rep_availability') }}
),

routing as (
    select * from {{ ref('fct_lead_routing') }}
),

loads as (
    select
        assigned_owner_id as rep_id,
        count(*) as open_leads,
        {{ leadflow.count_where('is_new_assignment') }} as new_assignments
    from routing
    where assigned_owner_id is not null
    group by assigned_owner_id
),

final as (
    select
        rep_availability.rep_id,
        rep_availability.rep_name,
        rep_availability.team,
        cast(rep_availability.weight as integer) as weight,
        cast(rep_availability.daily_cap as integer) as daily_cap,
        cast(rep_availability.max_open_leads as integer) as max_open_leads,
        rep_availability.is_available,
        rep_availability.is_active_in_crm,
        rep_availability.is_out_of_office,
        rep_availability.can_take_leads,
        cast(coalesce(loads.open_leads, 0) as integer) as open_leads,
        cast(coalesce(loads.new_assignments, 0) as integer) as new_assignments,
        cast(rep_availability.daily_cap - coalesce(loads.new_assignments, 0) as integer) as daily_cap_headroom,
        cast(rep_availability.max_open_leads - coalesce(loads.open_leads, 0) as integer) as open_leads_headroom,
        {{ leadflow.as_of() }} as as_of
    from rep_availability
    left join loads
        on rep_availability.rep_id = loads.rep_id
)

select * from final
