with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'engagement_email') }}
),

final as (
    select
        cast(engagement_id as bigint) as engagement_id,
        cast(property_hubspot_owner_id as bigint) as owner_id,
        cast(property_hubspot_team_id as bigint) as team_id,
        upper(property_hs_email_direction) as email_direction,
        upper(property_hs_email_status) as email_status,
        property_hs_email_subject as subject,
        cast(property_hs_timestamp as timestamp) as occurred_at,
        cast(property_hs_createdate as timestamp) as created_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
