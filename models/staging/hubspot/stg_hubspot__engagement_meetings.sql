with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'engagement_meeting') }}
),

final as (
    select
        cast(engagement_id as bigint) as engagement_id,
        cast(property_hubspot_owner_id as bigint) as owner_id,
        cast(property_hubspot_team_id as bigint) as team_id,
        upper(property_hs_meeting_outcome) as meeting_outcome,
        property_hs_meeting_title as title,
        cast(property_hs_meeting_start_time as timestamp) as starts_at,
        cast(property_hs_timestamp as timestamp) as occurred_at,
        cast(property_hs_createdate as timestamp) as created_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
