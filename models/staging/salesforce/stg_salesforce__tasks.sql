{#- a view: its base model ranked the versions; this only renames and casts -#}
{{ config(materialized='view') }}
with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'task') }}
),

final as (
    select
        cast(id as string) as task_id,
        cast(who_id as string) as who_id,
        {{ leadflow.salesforce_who_type('who_id') }} as who_type,
        cast(what_id as string) as what_id,
        cast(owner_id as string) as owner_id,
        subject,
        type as task_type,
        task_subtype,
        call_type,
        status as task_status,
        coalesce(is_closed, false) as is_closed,
        cast(activity_date as date) as activity_date,
        cast(completed_date_time as timestamp) as completed_at,
        cast(created_date as timestamp) as created_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
