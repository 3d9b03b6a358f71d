{#- a view: its base model ranked the versions; this only renames and casts -#}
{{ config(materialized='view') }}
with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'contact_form_submission') }}
),

final as (
    select
        cast(conversion_id as string) as conversion_id,
        cast(contact_id as bigint) as hubspot_contact_id,
        cast(form_id as string) as form_id,
        page_url,
        '/' || split_part(
            {{ leadflow.regexp_replace_all('lower(trim(page_url))', '^[a-z]+://[^/]+/?', '') }}, '?', 1
        ) as page_path,
        title as form_title,
        cast({{ adapter.quote('timestamp') }} as timestamp) as submitted_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
)

select * from final
