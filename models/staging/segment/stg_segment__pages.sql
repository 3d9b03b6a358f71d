with

source as (
    {{ leadflow.staged_source_rows('segment', 'pages') }}
),

final as (
    select
        cast(id as string) as page_view_id,
        cast(anonymous_id as string) as anonymous_id,
        cast(user_id as string) as user_id,
        lower(context_page_path) as page_path,
        context_page_url as page_url,
        context_page_referrer as referrer,
        context_user_agent as user_agent,
        coalesce(
            {{ leadflow.regexp_matches(
                'lower(context_user_agent)', leadflow.sql_string(var('bot_user_agent_pattern'))
            ) }},
            false
        ) as is_bot,
        context_ip as ip_address,
        name as page_name,
        cast({{ adapter.quote('timestamp') }} as timestamp) as occurred_at,
        cast(received_at as timestamp) as received_at
    from source
)

select * from final
