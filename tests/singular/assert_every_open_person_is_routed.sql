{{ config(enabled=var('using_salesforce', true)) }}
-- Every open person has exactly one routing row, and every routing row is an open person.
-- Fails listing each lead_key on one side only (or routed twice).
with

open_leads as (
    select lead_key from {{ ref('int_routing__open_leads') }}
    where is_open
),

routed as (
    select
        lead_key,
        count(*) as routing_rows
    from {{ ref('fct_lead_routing') }}
    group by lead_key
)

select
    coalesce(open_leads.lead_key, routed.lead_key) as lead_key,
    open_leads.lead_key is not null as is_open,
    coalesce(routed.routing_rows, 0) as routing_rows
from open_leads
full outer join routed
    on open_leads.lead_key = routed.lead_key
where open_leads.lead_key is null or routed.lead_key is null or routed.routing_rows <> 1
