with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'engagement_contact') }}
),

final as (
    select
        cast(engagement_id as bigint) as engagement_id,
        cast(contact_id as bigint) as hubspot_contact_id,
        category as association_category,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
