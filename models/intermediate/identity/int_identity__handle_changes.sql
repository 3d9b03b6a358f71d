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
        coalesce(profiles.is_opted_out, false) as is_opted_out
    from handles
    left join profiles
        on handles.lead_key = profiles.lead_key
),

{% if is_incremental() %}
known_history as (
    select
        handle_type,
        handle_id,
        lead_key,
        is_opted_out,
        row_number() over (
            partition by handle_type, handle_id
            order by changed_at desc, revision desc
        ) as recency
    from {{ this }}
),

revisions_at_as_of as (
    -- what an earlier run at this same as_of already recorded
    select
        handle_type,
        handle_id,
        max(revision) as revision
    from {{ this }}
    where changed_at = {{ leadflow.as_of() }}
    group by handle_type, handle_id
),

last_seen as (
    select
        handle_type,
        handle_id,
        lead_key,
        is_opted_out
    from known_history
    where recency = 1
),

changes as (
    -- new handles, and handles whose person or consent moved
    select current_state.*
    from current_state
    left join last_seen
        on
            current_state.handle_type = last_seen.handle_type
            and current_state.handle_id = last_seen.handle_id
    where
        last_seen.lead_key is null
        or current_state.lead_key != last_seen.lead_key
        or current_state.is_opted_out != last_seen.is_opted_out
    union all
    -- handles that resolved last time and no longer do
    select
        last_seen.handle_type,
        last_seen.handle_id,
        cast(null as {{ dbt.type_string() }}) as lead_key,
        cast(null as boolean) as is_opted_out
    from last_seen
    left join current_state
        on
            last_seen.handle_type = current_state.handle_type
            and last_seen.handle_id = current_state.handle_id
    where
        last_seen.lead_key is not null
        and current_state.handle_id is null
),

numbered as (
    select
        changes.*,
        coalesce(revisions_at_as_of.revision + 1, 0) as revision
    from changes
    left join revisions_at_as_of
        on
            changes.handle_type = revisions_at_as_of.handle_type
            and changes.handle_id = revisions_at_as_of.handle_id
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
