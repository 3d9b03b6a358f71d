with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'email_event_status_change') }}
),

final as (
    select
        cast(id as string) as email_event_id,
        upper(portal_subscription_status) as subscription_status,
        source as change_source,
        requested_by,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
