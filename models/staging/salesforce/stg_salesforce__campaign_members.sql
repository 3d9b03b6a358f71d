{#- a view: its base model ranked the versions; this only renames and casts -#}
{{ config(materialized='view') }}
with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'campaign_member') }}
),

final as (
    select
        cast(id as string) as campaign_member_id,
        cast(campaign_id as string) as campaign_id,
        cast(lead_id as string) as lead_id,
        cast(contact_id as string) as contact_id,
        status as member_status,
        coalesce(has_responded, false) as has_responded,
        cast(first_responded_date as date) as first_responded_date,
        cast(created_date as timestamp) as created_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
