with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'contact_property_history') }}
),

final as (
    select
        cast(contact_id as bigint) as hubspot_contact_id,
        name as property_name,
        value as property_value,
        cast({{ adapter.quote('timestamp') }} as timestamp) as changed_at,
        source as change_source,
        source_id as change_source_id,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
