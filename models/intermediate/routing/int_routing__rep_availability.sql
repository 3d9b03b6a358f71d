{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Every rep of seeds/sales_reps.csv at as_of and whether they can take new leads: available
    in the seed, active in Salesforce, and not out of office on the as_of date
    (seeds/out_of_office.csv, inclusive dates). Routing deals only to reps who can;
    rpt_rep_workload reports all of them.
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

away as (
    select distinct rep_id
    from out_of_office
    where cast({{ leadflow.as_of() }} as date) between from_date and to_date
),

final as (
    select
        sales_reps.rep_id,
        users.user_name as rep_name,
        sales_reps.team,
        sales_reps.weight,
        sales_reps.daily_cap,
        sales_reps.max_open_leads,
        sales_reps.is_available,
        coalesce(users.is_active, false) as is_active_in_crm,
        away.rep_id is not null as is_out_of_office,
        sales_reps.is_available and coalesce(users.is_active, false) and away.rep_id is null as can_take_leads
    from sales_reps
    left join users
        on sales_reps.rep_id = users.user_id
    left join away
        on sales_reps.rep_id = away.rep_id
)

select * from final
