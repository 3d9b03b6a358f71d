with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'email_event_click') }}
),

final as (
    select
        cast(id as string) as email_event_id,
        url,
        referer,
        user_agent,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
