with

source as (
    {{ leadflow.staged_source_rows('segment', 'identifies') }}
),

renamed as (
    select
        cast(id as string) as identify_id,
        cast(anonymous_id as string) as anonymous_id,
        cast(user_id as string) as user_id,
        {{ leadflow.email_columns('email') }},
        cast({{ adapter.quote('timestamp') }} as timestamp) as identified_at,
        cast(received_at as timestamp) as received_at
    from source
),

final as (
    select
        identifies.identify_id,
        identifies.anonymous_id,
        identifies.user_id,
        identifies.email_raw,
        identifies.email,
        identifies.is_email_valid,
        identifies.email_domain,
        {{ leadflow.email_domain_type('identifies.email_domain', 'identifies.email') }}
            as email_domain_type,
        identifies.identified_at,
        identifies.received_at
    from renamed as identifies
    {{ leadflow.join_email_domains('identifies.email_domain') }}
)

select * from final
