with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'owner') }}
),

final as (
    select
        cast(owner_id as bigint) as owner_id,
        {{ leadflow.normalize_email('email') }} as email,
        first_name,
        last_name,
        trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) as owner_name,
        -- an owner with no active user (left, deactivated) is not active
        active_user_id is not null as is_active,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
