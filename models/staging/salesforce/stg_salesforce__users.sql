with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'user') }}
),

final as (
    select
        cast(id as string) as user_id,
        name as user_name,
        {{ leadflow.normalize_email('email') }} as email,
        title,
        department,
        coalesce(is_active, false) as is_active,
        time_zone_sid_key as time_zone,
        cast(created_date as timestamp) as created_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
