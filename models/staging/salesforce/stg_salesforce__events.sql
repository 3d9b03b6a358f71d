{#- a view: its base model ranked the versions; this only renames and casts -#}
{{ config(materialized='view') }}
with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'event') }}
),

final as (
    select
        cast(id as string) as event_id,
        cast(who_id as string) as who_id,
        {{ leadflow.salesforce_who_type('who_id') }} as who_type,
        cast(what_id as string) as what_id,
        cast(owner_id as string) as owner_id,
        subject,
        type as event_type,
        event_subtype,
        cast(coalesce(start_date_time, activity_date_time) as timestamp) as started_at,
        cast(end_date_time as timestamp) as ended_at,
        cast(duration_in_minutes as bigint) as duration_minutes,
        cast(created_date as timestamp) as created_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
