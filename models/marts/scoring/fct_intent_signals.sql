{{ config(materialized='view') }}
{#-
    Intent signals with time decay at as_of: int_intent__signal_events (which events count and
    how much after the daily cap, consent and cross-CRM hand-raise duplicates) plus
      age_days        days between occurred_at and as_of
      decayed_points  counted_points * 0.5 ^ (age_days / half_life_days)
    A view: every row's decay changes with as_of, so storing it would rewrite the largest table
    of the project every day; reading it costs one multiplication per row. Events after as_of
    are left out, so a past as_of reproduces that day (the daily cap ranks a day's events in
    time order, so a later event never changes an earlier one's points).
-#}
with

scored_events as (
    select * from {{ ref('int_intent__signal_events') }}
    where occurred_at <= {{ leadflow.as_of() }}
),

aged as (
    select
        *,
        {{ leadflow.seconds_between('occurred_at', leadflow.as_of()) }} / 86400.0 as age_days
    from scored_events
),

final as (
    select
        event_id,
        lead_key,
        signal_id,
        source,
        signal_key,
        occurred_at,
        base_points,
        counted_points,
        half_life_days,
        cast(age_days as double) as age_days,
        cast({{ leadflow.decayed('counted_points', 'age_days', 'half_life_days') }} as double) as decayed_points,
        is_excluded,
        exclusion_reason,
        duplicate_of_event_id,
        scoring_model_version,
        scored_through,
        {{ leadflow.as_of() }} as as_of
    from aged
)

select * from final
