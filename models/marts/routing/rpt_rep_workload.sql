{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Every rep in seeds/sales_reps.csv at as_of: can they take leads (available, active in
    Salesforce, not out of office), how many open leads they carry after routing, how many
    were dealt to them by round robin at as_of, and the headroom left under each cap.
-#}
with

sales_reps as (
    select * from {{ ref('sales_reps') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

out_of_office as (
    select * from {{ ref('out_of_office') }}
),

routing as (
    select * from {{ ref('fct_lead_routing') }}
),

away as (
    select distinct rep_id
    from out_of_office
    where cast({{ leadflow.as_of() }} as date) between from_date and to_date
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
        sales_reps.rep_id,
        users.user_name as rep_name,
        sales_reps.team,
        cast(sales_reps.weight as integer) as weight,
        cast(sales_reps.daily_cap as integer) as daily_cap,
        cast(sales_reps.max_open_leads as integer) as max_open_leads,
        sales_reps.is_available,
        coalesce(users.is_active, false) as is_active_in_crm,
        away.rep_id is not null as is_out_of_office,
        sales_reps.is_available and coalesce(users.is_active, false) and away.rep_id is null as can_take_leads,
        cast(coalesce(loads.open_leads, 0) as integer) as open_leads,
        cast(coalesce(loads.new_assignments, 0) as integer) as new_assignments,
        cast(sales_reps.daily_cap - coalesce(loads.new_assignments, 0) as integer) as daily_cap_headroom,
        cast(sales_reps.max_open_leads - coalesce(loads.open_leads, 0) as integer) as open_leads_headroom,
        {{ leadflow.as_of() }} as as_of
    from sales_reps
    left join users
        on sales_reps.rep_id = users.user_id
    left join away
        on sales_reps.rep_id = away.rep_id
    left join loads
        on sales_reps.rep_id = loads.rep_id
)

select * from final
