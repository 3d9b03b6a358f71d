{#-
    leadflow.intent_points_at keeps one running sum per distinct half-life of the intent signals,
    in var('intent_half_life_slots') columns. A half-life beyond the last slot would be left out of
    the intent at qualification, routing and SLA moments: fail, naming it, so the var is raised.
-#}
with

half_lives as (
    select
        half_life_days,
        dense_rank() over (order by half_life_days) as slot
    from (select distinct half_life_days from {{ ref('intent_signals') }}) as distinct_half_lives
)

select
    half_life_days,
    slot,
    'intent_half_life_slots is {{ var("intent_half_life_slots") }}: raise it' as fix
from half_lives
where slot > {{ var('intent_half_life_slots') }}
