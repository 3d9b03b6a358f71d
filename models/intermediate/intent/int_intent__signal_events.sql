{{ config(materialized='view') }}
{#-
    The scored events every intent reader sums (fct_intent_signals at as_of, and
    leadflow.intent_points_at at a routing moment, a clock start or a qualification moment):
    int_intent__scored_events (signal, daily cap, consent; incremental) with the cross-CRM
    duplicates of one hand-raise (int_intent__hand_raise_duplicates) excluded, visibly:
    counted 0, is_excluded true, exclusion_reason duplicate_hand_raise and the event they
    duplicate.
-#}
with

scored_events as (
    select * from {{ ref('int_intent__scored_events') }}
),

duplicates as (
    select * from {{ ref('int_intent__hand_raise_duplicates') }}
),

final as (
    select
        scored_events.event_id,
        scored_events.lead_key,
        scored_events.signal_id,
        scored_events.source,
        scored_events.signal_key,
        scored_events.occurred_at,
        scored_events.occurred_on,
        scored_events.base_points,
        case when duplicates.event_id is null then scored_events.counted_points else 0 end as counted_points,
        scored_events.half_life_days,
        scored_events.is_excluded or duplicates.event_id is not null as is_excluded,
        coalesce(scored_events.exclusion_reason, duplicates.exclusion_reason) as exclusion_reason,
        duplicates.duplicate_of_event_id,
        scored_events.scoring_model_version,
        scored_events.scored_through
    from scored_events
    left join duplicates
        on scored_events.event_id = duplicates.event_id
)

select * from final
