{#- a view: its base model ranked the versions; this only renames and casts -#}
{{ config(materialized='view') }}
with

source as (
    {{ leadflow.staged_source_rows('segment', 'pages') }}
),

final as (
    select
        cast(id as string) as page_view_id,
        cast(anonymous_id as string) as anonymous_id,
        cast(user_id as string) as user_id,
        -- analytics.js sends the page twice: as properties (path, url, ...) and as context.page;
        -- the properties win, the context fills in where a source never sent them
        lower(coalesce(path, context_page_path)) as page_path,
        url as page_url,
        referrer,
        title as page_title,
        search,
        context_campaign_source as utm_source,
        context_campaign_medium as utm_medium,
        context_campaign_name as utm_campaign,
        context_user_agent as user_agent,
        coalesce({{ leadflow.is_bot_user_agent('context_user_agent') }}, false) as is_bot,
        context_ip as ip_address,
        cast({{ adapter.quote('timestamp') }} as timestamp) as occurred_at,
        cast(received_at as timestamp) as received_at
    from source
)

select * from final
