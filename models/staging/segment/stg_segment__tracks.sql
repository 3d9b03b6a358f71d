{#- a view: its base model ranked the versions; this only renames and casts -#}
{{ config(materialized='view') }}
with

source as (
    {{ leadflow.staged_source_rows('segment', 'tracks') }}
),

final as (
    select
        cast(id as string) as track_id,
        cast(anonymous_id as string) as anonymous_id,
        cast(user_id as string) as user_id,
        -- event is Segment's slug of the name (trial_started), event_text the name as sent
        coalesce(event_text, event) as event_name,
        event as event_slug,
        cast({{ adapter.quote('timestamp') }} as timestamp) as occurred_at,
        cast(received_at as timestamp) as received_at
    from source
)

select * from final
