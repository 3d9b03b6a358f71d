{{ config(**leadflow.delete_insert_incremental('replace_days_and_people')) }}
{#-
    Which behaviour counts, and how much, before time decay: one row per event of a lead that
    matches an intent signal (seeds/intent_signals.csv; first matching pattern by priority).
      counted_points   base points after the per-person, per-signal, per-UTC-day cap: the
                       day's events count in time order until the cap is reached, the rest 0
      exclusion_reason daily_cap_reached (counted 0), or consent_opted_out: a person opted
                       out in either CRM keeps explicit hand-raises (forms, webinars, in-app
                       demo requests) but passive tracking (page views, email opens/clicks,
                       product telemetry) scores 0, visibly.
    Nothing here depends on as_of beyond "events up to as_of": decay is applied when
    fct_intent_signals is read, so yesterday's rows stay right today and this table is
    incremental.

    Events are resolved to people through today's identity (int_identity__event_handles): a
    Segment event belongs to its user, else to whoever its anonymous id was identified as.

    Incremental (DuckDB; on Spark without Delta the table is rebuilt whole): a run rescores
      - every event of the UTC days from `activity_lookback_days` before the latest event held
        (the days int_intent__activity replaced), for everyone, and
      - every event of the people whose stored rows identity or consent changes invalidated:
        the old and new person of each handle int_identity__handle_changes recorded at or
        after this table's last as_of (but not the history's first snapshot at that as_of),
        plus the current person of every event naming such a handle (an event that now
        resolves through its user id used to resolve through its anonymous id, and the other
        way round). A --full-refresh of int_identity__handle_changes takes its downstream
        with it (`+`): a new snapshot at the as_of this table last scored is not read again.
    Every row carries rescored_from, the first of the days the run that wrote it rescored for
    everyone (null: that run scored every day, a full build), so that a reader can tell the
    people rescored whole (rows before it) from the days rescored for all.
    The strategy (get_incremental_replace_days_and_people_sql) deletes those days and people
    and inserts what the run scored. The temp batch also carries one marker row per rescored
    person (event_id null), so a person whose events all moved away is deleted too; markers are
    never inserted. Stored rows scored under another signal set are refused (--full-refresh).
-#}
{%- set lookback = var('activity_lookback_days') -%}
{%- set window_start = leadflow.incremental_window_start('occurred_at', lookback) -%}
{%- set rescored_from = "cast('" ~ window_start ~ "' as date)" if window_start else 'cast(null as date)' -%}
{%- if window_start -%}
{%- do leadflow.refuse_stale_signal_versions(this, ref('intent_signals')) -%}
{%- endif -%}
with

-- depends_on: {{ ref('int_identity__handle_changes') }} (read on incremental runs only)
handles as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__event_handles') }}
),

{% if window_start %}
previous_run as (
    select max(scored_through) as scored_through from {{ this }}
),

handle_history as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__handle_changes') }}
),

history_start as (
    select min(changed_at) as first_changed_at from handle_history
),

read_history as (
    -- is_unread: a change the last run may not have seen: stamped after it, or stamped at its
    -- as_of (a rerun at that as_of may have recorded more since), except the first snapshot:
    -- when the last run's as_of is the history's first stamp, the history's first run (a full
    -- build) recorded every handle at revision 0, and taking them again rescored every person
    -- in the first daily run after a full build (3.8M handles at 1M people); a rerun at that
    -- as_of records its changes at revision 1 or more. The rest is what the last run read.
    select
        handle_history.*,
        handle_history.changed_at > previous_run.scored_through
        or (
            handle_history.changed_at = previous_run.scored_through
            and {{ leadflow.is_recorded_handle_change('handle_history', 'history_start.first_changed_at') }}
        ) as is_unread
    from handle_history
    cross join previous_run
    cross join history_start
),

changes_since as (
    select * from read_history
    where is_unread
),

changed_handles as (
    select distinct
        handle_type,
        handle_id
    from changes_since
),

owners_before as (
    -- who held each changed handle before the changes read above (the history the last run
    -- had read)
    select
        read_history.handle_type,
        read_history.handle_id,
        read_history.lead_key,
        row_number() over (
            partition by read_history.handle_type, read_history.handle_id
            order by read_history.changed_at desc, read_history.revision desc
        ) as recency
    from read_history
    inner join changed_handles
        on
            read_history.handle_type = changed_handles.handle_type
            and read_history.handle_id = changed_handles.handle_id
    where not read_history.is_unread
),

events_naming_changes as (
    -- The activity table is read where needed, never as one shared CTE (a CTE read more than
    -- once is materialised whole: 100M rows at 1M people), and matched to the few handles by
    -- left joins (an exists per handle kind makes DuckDB copy the scanned rows first).
    select
        events.handle_type,
        events.handle_id,
        events.anonymous_id
    from {{ ref('int_intent__activity') }} as events
    {{ leadflow.join_named_handles('events', 'changed_handles') }} -- noqa: LT02
        and events.occurred_at <= {{ leadflow.as_of() }}
),

rescored_people as (
    select lead_key from changes_since
    union
    select lead_key from owners_before
    where recency = 1
    union
    select named.lead_key
    from events_naming_changes
    inner join handles as named
        on
            events_naming_changes.handle_type = named.handle_type
            and events_naming_changes.handle_id = named.handle_id
    union
    select anonymous.lead_key
    from events_naming_changes
    inner join handles as anonymous
        on
            anonymous.handle_type = 'segment_anonymous'
            and events_naming_changes.anonymous_id = anonymous.handle_id
),

rescored_handles as (
    select handles.*
    from handles
    inner join rescored_people
        on handles.lead_key = rescored_people.lead_key
),

candidate_events as (
    -- the replaced days, and older events naming a handle of a rescored person
    select * from {{ ref('int_intent__activity') }}
    where
        occurred_on >= cast('{{ window_start }}' as date)
        and occurred_at <= {{ leadflow.as_of() }}
    union all
    select events.*
    from {{ ref('int_intent__activity') }} as events
    {{ leadflow.join_named_handles('events', 'rescored_handles') }} -- noqa: LT02
        and events.occurred_on < cast('{{ window_start }}' as date)
),
{% else %}
candidate_events as (
    select * from {{ ref('int_intent__activity') }}
    where occurred_at <= {{ leadflow.as_of() }}
),
{% endif %}

resolved as (
    select
        candidate_events.event_id,
        coalesce(named.lead_key, anonymous.lead_key) as lead_key,
        candidate_events.source,
        candidate_events.signal_key,
        candidate_events.occurred_at,
        cast(candidate_events.occurred_at as date) as occurred_on
    from candidate_events
    left join handles as named
        on
            candidate_events.handle_type = named.handle_type
            and candidate_events.handle_id = named.handle_id
    left join handles as anonymous
        on
            anonymous.handle_type = 'segment_anonymous'
            and candidate_events.anonymous_id = anonymous.handle_id
),

activity as (
    select resolved.*
    from resolved
    {% if window_start %}
    left join rescored_people
        on resolved.lead_key = rescored_people.lead_key
    {% endif %}
    where
        resolved.lead_key is not null
    {% if window_start %}
    -- an older event is rescored only with the rest of its person's events
    and (
        resolved.occurred_on >= cast('{{ window_start }}' as date)
        or rescored_people.lead_key is not null
    )
    {% endif %}
),

leads as (
    select
        lead_key,
        is_opted_out
    from {{ ref('int_identity__lead_profiles') }}
),

signals as {{ leadflow.not_materialized() }} (
    select * from {{ ref('intent_signals') }}
),

signal_keys as (
    -- every key the activity table holds (a superset of this run's): matching a few hundred
    -- keys is cheap, and reading `activity` a second time would materialise it
    select distinct
        source,
        signal_key
    from {{ ref('int_intent__activity') }}
),

key_matches as (
    select
        signal_keys.source,
        signal_keys.signal_key,
        -- a number per key, which the daily-cap window carries instead of the key's two strings
        dense_rank() over (order by signal_keys.source, signal_keys.signal_key) as key_number,
        signals.signal_id,
        row_number() over (
            partition by signal_keys.source, signal_keys.signal_key
            order by signals.priority asc, signals.signal_id asc
        ) as match_rank
    from signal_keys
    inner join signals
        on {{ leadflow.signal_key_matches('signal_keys', 'signals') }}
),

matched_events as (
    -- narrow on purpose: the daily-cap window below carries these columns only, the key as its
    -- number (source and signal_key, two strings per event, made the window's sort 1.6x slower
    -- at 1M people); the key is joined back after it
    select
        activity.event_id,
        activity.lead_key,
        activity.occurred_at,
        activity.occurred_on,
        key_matches.key_number,
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
            partition by lead_key, signal_id, occurred_on
            order by occurred_at asc, event_id asc
        ) as daily_rank
    from matched_events
),

with_signal as (
    select
        ranked_in_day.*,
        event_keys.source,
        event_keys.signal_key,
        signals.base_points,
        signals.daily_cap_points,
        signals.half_life_days,
        signals.model_version,
        leads.is_opted_out and signals.is_passive as is_consent_excluded
    from ranked_in_day
    -- every key_number has its row; a left join, so DuckDB keeps its estimate of the events
    -- (an inner join here made it build the join with leads on the 46M events at 1M people)
    left join key_matches as event_keys
        on ranked_in_day.key_number = event_keys.key_number and event_keys.match_rank = 1
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
        end as counted_points
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
        occurred_on,
        cast(base_points as double) as base_points,
        cast(counted_points as double) as counted_points,
        cast(half_life_days as double) as half_life_days,
        is_consent_excluded or counted_points = 0 as is_excluded,
        case
            when is_consent_excluded then 'consent_opted_out'
            when counted_points = 0 then 'daily_cap_reached'
        end as exclusion_reason,
        model_version as scoring_model_version,
        {{ leadflow.as_of() }} as scored_through,
        {{ rescored_from }} as rescored_from
    from capped
    {% if window_start %}
    union all
    -- markers: people whose stored rows this run replaces (see the strategy)
    select
        cast(null as {{ dbt.type_string() }}) as event_id,
        lead_key,
        cast(null as {{ dbt.type_string() }}) as signal_id,
        cast(null as {{ dbt.type_string() }}) as source,
        cast(null as {{ dbt.type_string() }}) as signal_key,
        cast(null as timestamp) as occurred_at,
        cast(null as date) as occurred_on,
        cast(null as double) as base_points,
        cast(null as double) as counted_points,
        cast(null as double) as half_life_days,
        cast(null as boolean) as is_excluded,
        cast(null as {{ dbt.type_string() }}) as exclusion_reason,
        cast(null as {{ dbt.type_string() }}) as scoring_model_version,
        {{ leadflow.as_of() }} as scored_through,
        {{ rescored_from }} as rescored_from
    from rescored_people
    where lead_key is not null
    {% endif %}
)

select * from final
