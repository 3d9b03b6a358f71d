{#-
    Which behaviour counts, and how much: one row per event of a lead that matches an intent
    signal (seeds/intent_signals.csv; first matching pattern by priority).
      counted_points   base points after the per-person, per-signal, per-UTC-day cap: the
                       day's events count in time order until the cap is reached, the rest 0
      decayed_points   counted_points * 0.5 ^ (age_days / half_life_days) at as_of
      exclusion_reason daily_cap_reached (counted 0), or consent_opted_out: a person opted
                       out in either CRM keeps explicit hand-raises (forms, webinars, in-app
                       demo requests) but passive tracking (page views, email opens/clicks,
                       product telemetry) scores 0, visibly.
    Events are resolved to people here, through today's identity (int_identity__event_handles),
    so a late identify or a merge re-attributes history. Signals are matched on the distinct
    (source, signal_key) pairs first, so the regular expressions run over a few hundred keys,
    not over every event.
-#}
with

events as (
    select * from {{ ref('int_intent__activity') }}
    where occurred_at <= {{ leadflow.as_of() }}
),

handles as (
    select * from {{ ref('int_identity__event_handles') }}
),

activity as (
    -- a Segment event belongs to its user, else to whoever its anonymous id was identified as
    select
        events.event_id,
        coalesce(named.lead_key, anonymous.lead_key) as lead_key,
        events.source,
        events.signal_key,
        events.occurred_at
    from events
    left join handles as named
        on
            events.handle_type = named.handle_type
            and events.handle_id = named.handle_id
    left join handles as anonymous
        on
            anonymous.handle_type = 'segment_anonymous'
            and events.anonymous_id = anonymous.handle_id
    where coalesce(named.lead_key, anonymous.lead_key) is not null
),

leads as (
    select
        lead_key,
        is_opted_out
    from {{ ref('int_identity__lead_profiles') }}
),

signals as (
    select * from {{ ref('intent_signals') }}
),

signal_keys as (
    select distinct
        source,
        signal_key
    from activity
),

key_matches as (
    select
        signal_keys.source,
        signal_keys.signal_key,
        signals.signal_id,
        row_number() over (
            partition by signal_keys.source, signal_keys.signal_key
            order by signals.priority asc, signals.signal_id asc
        ) as match_rank
    from signal_keys
    inner join signals
        on
            signal_keys.source = signals.source
            and {{ leadflow.regexp_matches('lower(signal_keys.signal_key)', 'signals.match_pattern') }}
),

matched_events as (
    -- narrow on purpose: the daily-cap window below sorts these columns only
    select
        activity.event_id,
        activity.lead_key,
        activity.source,
        activity.signal_key,
        activity.occurred_at,
        key_matches.signal_id
    from activity
    inner join key_matches
        on
            activity.source = key_matches.source
            and activity.signal_key = key_matches.signal_key
            and key_matches.match_rank = 1
),

ranked_in_day as (
    select
        *,
        row_number() over (
            partition by lead_key, signal_id, cast(occurred_at as date)
            order by occurred_at asc, event_id asc
        ) as daily_rank
    from matched_events
),

with_signal as (
    select
        ranked_in_day.*,
        signals.base_points,
        signals.daily_cap_points,
        signals.half_life_days,
        signals.model_version,
        leads.is_opted_out and signals.is_passive as is_consent_excluded
    from ranked_in_day
    inner join signals
        on ranked_in_day.signal_id = signals.signal_id
    inner join leads
        on ranked_in_day.lead_key = leads.lead_key
),

capped as (
    select
        *,
        case
            when is_consent_excluded then 0
            else sign(base_points) * greatest(
                0, least(abs(base_points), abs(daily_cap_points) - abs(base_points) * (daily_rank - 1))
            )
        end as counted_points,
        {{ leadflow.seconds_between('occurred_at', leadflow.as_of()) }} / 86400.0 as age_days
    from with_signal
),

final as (
    select
        event_id,
        lead_key,
        signal_id,
        source,
        signal_key,
        occurred_at,
        cast(base_points as double) as base_points,
        cast(counted_points as double) as counted_points,
        cast(half_life_days as double) as half_life_days,
        cast(age_days as double) as age_days,
        cast({{ leadflow.decayed('counted_points', 'age_days', 'half_life_days') }} as double) as decayed_points,
        is_consent_excluded or counted_points = 0 as is_excluded,
        case
            when is_consent_excluded then 'consent_opted_out'
            when counted_points = 0 then 'daily_cap_reached'
        end as exclusion_reason,
        model_version as scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from capped
)

select * from final
