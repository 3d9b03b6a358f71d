{#- a view: its base model ranked the versions; this only renames and casts -#}
{{ config(materialized='view') }}
with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'email_event') }}
),

final as (
    select
        cast(id as string) as email_event_id,
        upper(type) as event_type,
        recipient as recipient_raw,
        {{ leadflow.normalize_email('recipient') }} as recipient_email,
        cast(email_campaign_id as bigint) as email_campaign_id,
        cast(created as timestamp) as occurred_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
