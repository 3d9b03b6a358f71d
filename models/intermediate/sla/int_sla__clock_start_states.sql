{{ config(meta={'replace_people_marker': 'change_number'}, **leadflow.delete_insert_incremental('replace_people')) }}
{#-
    What the history says at each SLA clock start (one row per MQL move of
    int_lifecycle__stage_changes): the part of int_sla__clock_starts that reads a person's events
    and owner changes, kept per person so that a daily run re-derives the people a day touched,
    not every MQL since the beginning (at 1M people the whole model took 49 s of a daily run).
      intent_score_at_start   the person's counted, not excluded scored events up to the start,
                              decayed to it (leadflow.intent_points_at), as a 0-100 score
                              (leadflow.intent_score, no seed)
      owner_*                 the owner states at the start (leadflow.owner_states over the
                              person's owner changes and the start, changes of the start's
                              instant included); int_sla__clock_starts applies leadflow.owner_at
                              with the current owner
    Nothing here reads the profile (fit, current owner, territory) or a seed that maps it (the
    matrix, teams, calendars): int_sla__clock_starts joins those at every run, so a changed seed
    or profile never leaves a stale stored row.

    Incremental by person (replace_people, marker change_number; DuckDB; a table on Spark): a run
    re-derives every start of
      - the people leadflow.routing_decision_people names from var('activity_lookback_days')
        days before the latest start held (a move, an owner change or a counted sales touch in
        that window; a person int_intent__scored_events rescored whole; a handle that changed
        person), as the routing decision log does: an intent event or an owner change counts
        only at or after its own instant, so one in the window changes no start before it;
      - the people whose MQL starts differ from the stored ones anywhere in their history (a
        start added, removed or moved: the comparison reads only the MQL moves);
    and deletes the rows of people who no longer have an MQL move (a merge, a history that lost
    it). Like the decision log it cannot see an owner change that lands stamped before that
    window (a late connector load older than the lookback): `--full-refresh -s
    int_sla__clock_start_states+` repairs it.
-#}
{%- set window_start = leadflow.incremental_window_start('started_at', var('activity_lookback_days')) -%}
-- depends_on: {{ ref('int_intent__signal_events') }} (read by leadflow.intent_points_at)
-- depends_on: {{ ref('int_intent__scored_events') }} {{ ref('int_sla__sales_touches') }}
-- depends_on: {{ ref('int_identity__handle_changes') }} (read by leadflow.routing_decision_people)
with

mql_moves as (
    select
        lead_key,
        change_number,
        changed_at as started_at
    from {{ ref('int_lifecycle__stage_changes') }}
    where lifecycle_stage = 'mql'
),

owner_changes as (
    select * from {{ ref('int_routing__owner_changes') }}
),

clock_people as (
    -- everyone with a clock start now: a stored person not among them is deleted
    select distinct lead_key
    from mql_moves
),

people_in_scope as (
    {%- if window_start %}
    {{ leadflow.routing_decision_people(window_start, none) | indent(4) }}
    union
    -- a start added, removed or moved anywhere in the person's history
    select coalesce(mql_moves.lead_key, stored.lead_key) as lead_key
    from mql_moves
    full outer join {{ this }} as stored
        on mql_moves.lead_key = stored.lead_key and mql_moves.change_number = stored.change_number
    where not ({{ leadflow.null_safe_equals('mql_moves.started_at', 'stored.started_at') }})
    {%- else %}
    select lead_key from clock_people
    {%- endif %}
),

starts as (
    select mql_moves.*
    from mql_moves
    inner join people_in_scope
        on mql_moves.lead_key = people_in_scope.lead_key
),

start_moments as (
    -- one per person and instant (two moves of one instant share their intent)
    select distinct
        lead_key,
        started_at
    from starts
),

intent_at_start as (
    {{ leadflow.intent_points_at('start_moments', none, 'started_at') }}
),

owner_timelines as (
    -- each start among its person's owner changes, in time order (the starts carry no change
    -- order); only the people re-derived
    select
        lead_key,
        change_number,
        started_at as happened_at,
        {{ leadflow.no_owner_change_columns() | indent(8) }}
    from starts
    union all
    select
        owner_changes.lead_key,
        cast(null as bigint) as change_number,
        owner_changes.changed_at as happened_at,
        {{ leadflow.owner_change_columns('owner_changes') | indent(8) }}
    from owner_changes
    where owner_changes.lead_key in (select starts.lead_key from starts)
),

owners_at_start as (
    select *
    from (
        select
            lead_key,
            change_number,
            {{ leadflow.owner_states('happened_at') | indent(12) }}
        from owner_timelines
    ) as timeline_states
    where change_number is not null
),

states as (
    select
        starts.lead_key,
        starts.change_number,
        starts.started_at,
        cast({{ leadflow.intent_score('intent_at_start.intent_points') }} as double) as intent_score_at_start,
        owners_at_start.owner_so_far,
        owners_at_start.owner_changes_so_far,
        owners_at_start.owner_before_changes,
        owners_at_start.owner_changes
    from starts
    inner join owners_at_start
        on starts.lead_key = owners_at_start.lead_key and starts.change_number = owners_at_start.change_number
    left join intent_at_start
        on starts.lead_key = intent_at_start.lead_key and starts.started_at = intent_at_start.started_at
)

{{ leadflow.replace_people_select('states', 'clock_people', window_start) }}
