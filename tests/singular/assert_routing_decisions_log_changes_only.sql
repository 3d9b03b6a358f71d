{{ config(enabled=var('using_salesforce', true)) }}
-- The decision log holds a row only when a person's routing outcome changed: two consecutive
-- rows of one person never carry the same rule, method, team and owner. Fails listing each
-- repeated decision with the moment before it.
with

decisions as (
    select
        lead_key,
        decided_at,
        concat_ws(
            '|',
            coalesce(routing_rule_id, '-'),
            assignment_method,
            coalesce(assigned_team, '-'),
            coalesce(assigned_owner_id, '-')
        ) as outcome
    from {{ ref('fct_routing_decisions') }}
),

sequenced as (
    select
        lead_key,
        decided_at,
        outcome,
        lag(outcome) over (partition by lead_key order by decided_at) as previous_outcome,
        lag(decided_at) over (partition by lead_key order by decided_at) as previous_decided_at
    from decisions
)

select *
from sequenced
where outcome = previous_outcome
