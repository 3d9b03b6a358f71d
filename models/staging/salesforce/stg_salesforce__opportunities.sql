with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'opportunity') }}
),

final as (
    select
        cast(id as string) as opportunity_id,
        cast(account_id as string) as account_id,
        name as opportunity_name,
        type as opportunity_type,
        stage_name,
        cast(amount as double) as amount,
        cast(close_date as date) as close_date,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,
        cast(owner_id as string) as owner_id,
        lead_source,
        cast(created_date as timestamp) as created_at,
        cast(last_modified_date as timestamp) as last_modified_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
