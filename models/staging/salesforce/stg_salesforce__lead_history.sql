with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'lead_history') }}
),

final as (
    select
        cast(id as string) as lead_history_id,
        cast(lead_id as string) as lead_id,
        field as field_name,
        old_value,
        new_value,
        cast(created_date as timestamp) as changed_at,
        cast(created_by_id as string) as changed_by_user_id,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
