with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'campaign') }}
),

final as (
    select
        cast(id as string) as campaign_id,
        name as campaign_name,
        type as campaign_type,
        status as campaign_status,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
