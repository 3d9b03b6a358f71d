-- dim_leads.fit_points and intent_points are exactly the sums of their component rows, and
-- the clamped scores follow from them. Fails naming each lead whose score does not add up.
with

fit as (
    select
        lead_key,
        sum(points) as fit_points
    from {{ ref('fct_fit_score_components') }}
    group by lead_key
),

intent as (
    select
        lead_key,
        sum(decayed_points) as intent_points
    from {{ ref('fct_intent_signals') }}
    where not is_excluded
    group by lead_key
)

select
    leads.lead_key,
    leads.fit_points,
    fit.fit_points as component_fit_points,
    leads.intent_points,
    intent.intent_points as component_intent_points
from {{ ref('dim_leads') }} as leads
left join fit
    on leads.lead_key = fit.lead_key
left join intent
    on leads.lead_key = intent.lead_key
where
    leads.fit_points <> coalesce(fit.fit_points, 0)
    or abs(leads.intent_points - coalesce(intent.intent_points, 0)) > 0.001
    or leads.fit_score <> least(100, greatest(0, leads.fit_points))
    or abs(leads.intent_score - least(100, greatest(0, leads.intent_points))) > 0.01
