{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
{#-
    The history of every event handle's person, as the builds saw it: one row per handle each
    time its person (lead_key) or that person's consent (is_opted_out) differs from what the
    previous build saw, stamped with that build's as_of (changed_at). A handle that no longer
    resolves gets a row with a null lead_key. Append-only: a run at the same as_of with nothing
    changed adds nothing, and the first run (or a --full-refresh) records every handle. A rerun
    at the same as_of after the raw data changed (an orchestrator retrying a failed day) appends
    the new state as the next `revision` at that stamp, so the key (handle, changed_at,
    revision) stays unique and the people it named before are still known. An as_of earlier
    than the latest changed_at is refused (incremental_latest, and the run guards up front).

    int_intent__scored_events reads the rows stamped after its own last run to learn whose
    stored events a late identify, a merge or a consent change moved or re-priced.
-#}
{%- do leadflow.incremental_latest('changed_at') -%}
with

handles as (
    select * from {{ ref('int_identity__event_handles') }}
),

profiles as (
    select
        lead_key,
        is_opted_out
    from {{ ref('int_identity__lead_profiles') }}
),

current_state as (
    select
        handles.handle_type,
        handles.handle_id,
        handles.lead_key,
        coalesce(profiles.is_opted_out, false) as is_opted_out,
        true as is_current
    from handles
    left join profiles
        on handles.lead_key = profiles.lead_key
),

{% if is_incremental() %}
last_seen as (
    -- one pass over the history: each handle's latest recorded state (by changed_at, then
    -- revision; a null person or consent is kept, it records a handle that stopped resolving),
    -- and the revision an earlier run at this same as_of already recorded
    {%- set revision_text = "lpad(cast(revision as " ~ dbt.type_string() ~ "), 10, '0')" %}
    {%- set latest = leadflow.time_then_id('changed_at', revision_text) %}
    select
        handle_type,
        handle_id,
        {{ leadflow.max_by_keeping_nulls('lead_key', latest) }} as lead_key,
        {{ leadflow.max_by_keeping_nulls('is_opted_out', latest) }} as is_opted_out,
        max(case when changed_at = {{ leadflow.as_of() }} then revision end) as revision_at_as_of
    from {{ this }}
    group by handle_type, handle_id
),

changes as (
    -- one comparison of now with what was last seen (a full join, so neither side is read twice):
    -- new handles, handles whose person or consent moved, and handles that resolved last time
    -- and no longer do
    select
        coalesce(current_state.handle_type, last_seen.handle_type) as handle_type,
        coalesce(current_state.handle_id, last_seen.handle_id) as handle_id,
        current_state.lead_key,
        current_state.is_opted_out,
        last_seen.revision_at_as_of
    from current_state
    full outer join last_seen
        on
            current_state.handle_type = last_seen.handle_type
            and current_state.handle_id = last_seen.handle_id
    where
        (
            current_state.is_current
            and (
                last_seen.lead_key is null
                or current_state.lead_key != last_seen.lead_key
                or current_state.is_opted_out != last_seen.is_opted_out
            )
        )
        or (current_state.is_current is null and last_seen.lead_key is not null)
),

numbered as (
    select
        handle_type,
        handle_id,
        lead_key,
        is_opted_out,
        coalesce(revision_at_as_of + 1, 0) as revision
    from changes
),
{% else %}
numbered as (
    select
        *,
        0 as revision
    from current_state
),
{% endif %}

final as (
    select
        handle_type,
        handle_id,
        lead_key,
        is_opted_out,
        {{ leadflow.as_of() }} as changed_at,
        revision
    from numbered
)

select * from final
