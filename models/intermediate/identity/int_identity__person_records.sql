{#-
    Every record that stands for a person, from every enabled source family, in one shape:
    Salesforce leads and contacts, HubSpot contacts (live ones, merged-away ids resolved) and
    Segment identities (one per user_id; anonymous identifies without a user_id on their own).
    `email` is set only when it is a valid address: invalid addresses never merge people.
    `linked_record_key` is a CRM link that joins two records whatever their emails say
    (lead -> converted contact, merged-away HubSpot contact -> survivor).
    `system_priority` orders records for attribute survivorship (lower wins).
-#}
{%- set parts = [] -%}
with

{% if var('using_salesforce', true) %}
{%- do parts.extend(['salesforce_lead_records', 'salesforce_contact_records']) %}
salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

salesforce_lead_records as (
    select
        'salesforce_lead:' || lead_id as record_key,
        'salesforce' as record_system,
        'salesforce_lead' as record_type,
        lead_id as record_id,
        2 as system_priority,
        case when is_email_valid then email end as email,
        email_domain,
        email_domain_type,
        case
            when converted_contact_id is not null
                then 'salesforce_contact:' || converted_contact_id
        end as linked_record_key,
        first_name,
        last_name,
        company,
        title,
        seniority,
        industry,
        employee_count,
        employee_band,
        country_code,
        website_domain,
        converted_account_id as account_id,
        has_opted_out_of_email,
        owner_id,
        lead_source,
        is_converted,
        created_at as record_created_at,
        system_modstamp_at as record_modified_at
    from salesforce_leads
),

salesforce_contact_records as (
    select
        'salesforce_contact:' || contact_id as record_key,
        'salesforce' as record_system,
        'salesforce_contact' as record_type,
        contact_id as record_id,
        1 as system_priority,
        case when is_email_valid then email end as email,
        email_domain,
        email_domain_type,
        cast(null as {{ dbt.type_string() }}) as linked_record_key,
        first_name,
        last_name,
        cast(null as {{ dbt.type_string() }}) as company,
        title,
        seniority,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as integer) as employee_count,
        cast(null as {{ dbt.type_string() }}) as employee_band,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as website_domain,
        account_id,
        has_opted_out_of_email,
        owner_id,
        lead_source,
        false as is_converted,
        created_at as record_created_at,
        system_modstamp_at as record_modified_at
    from salesforce_contacts
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.append('hubspot_contact_records') %}
hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

hubspot_contact_ids as (
    select * from {{ ref('int_identity__hubspot_contact_ids') }}
),

hubspot_contact_records as (
    select
        'hubspot_contact:' || cast(contacts.hubspot_contact_id as {{ dbt.type_string() }}) as record_key,
        'hubspot' as record_system,
        'hubspot_contact' as record_type,
        cast(contacts.hubspot_contact_id as {{ dbt.type_string() }}) as record_id,
        3 as system_priority,
        case when contacts.is_email_valid then contacts.email end as email,
        contacts.email_domain,
        contacts.email_domain_type,
        case
            when ids.surviving_contact_id <> contacts.hubspot_contact_id
                then 'hubspot_contact:' || cast(ids.surviving_contact_id as {{ dbt.type_string() }})
        end as linked_record_key,
        contacts.first_name,
        contacts.last_name,
        contacts.company,
        contacts.title,
        contacts.seniority,
        contacts.industry,
        contacts.employee_count,
        contacts.employee_band,
        contacts.country_code,
        contacts.website_domain,
        cast(null as {{ dbt.type_string() }}) as account_id,
        contacts.has_opted_out_of_email,
        cast(contacts.owner_id as {{ dbt.type_string() }}) as owner_id,
        contacts.lead_source,
        false as is_converted,
        contacts.created_at as record_created_at,
        contacts.last_modified_at as record_modified_at
    from hubspot_contacts as contacts
    left join hubspot_contact_ids as ids
        on contacts.hubspot_contact_id = ids.hubspot_contact_id
),
{% endif %}

{% if var('using_segment', true) %}
{%- do parts.append('segment_records') %}
identifies as (
    select * from {{ ref('stg_segment__identifies') }}
),

identities_ranked as (
    select
        coalesce(user_id, anonymous_id) as identity_id,
        case when user_id is not null then 'segment_user' else 'segment_anonymous' end
            as identity_type,
        case when is_email_valid then email end as email,
        email_domain,
        email_domain_type,
        identified_at,
        row_number() over (
            partition by
                case when user_id is not null then 'segment_user' else 'segment_anonymous' end,
                coalesce(user_id, anonymous_id)
            order by case when is_email_valid then 0 else 1 end asc, identified_at desc, identify_id asc
        ) as email_rank,
        min(identified_at) over (
            partition by
                case when user_id is not null then 'segment_user' else 'segment_anonymous' end,
                coalesce(user_id, anonymous_id)
        ) as first_identified_at,
        max(identified_at) over (
            partition by
                case when user_id is not null then 'segment_user' else 'segment_anonymous' end,
                coalesce(user_id, anonymous_id)
        ) as last_identified_at
    from identifies
),

segment_records as (
    select
        identity_type || ':' || identity_id as record_key,
        'segment' as record_system,
        identity_type as record_type,
        identity_id as record_id,
        4 as system_priority,
        email,
        email_domain,
        email_domain_type,
        cast(null as {{ dbt.type_string() }}) as linked_record_key,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as {{ dbt.type_string() }}) as company,
        cast(null as {{ dbt.type_string() }}) as title,
        'unknown' as seniority,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as integer) as employee_count,
        cast(null as {{ dbt.type_string() }}) as employee_band,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as website_domain,
        cast(null as {{ dbt.type_string() }}) as account_id,
        false as has_opted_out_of_email,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as lead_source,
        false as is_converted,
        first_identified_at as record_created_at,
        last_identified_at as record_modified_at
    from identities_ranked
    where email_rank = 1
),
{% endif %}

unioned as (
    {{ leadflow.union_all_ctes(parts) }}
),

final as (
    select
        *,
        record_system in ('salesforce', 'hubspot') as is_crm_record,
        coalesce(email_domain_type = 'internal', false) as is_internal
    from unioned
)

select * from final
