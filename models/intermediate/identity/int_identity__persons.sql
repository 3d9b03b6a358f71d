{#-
    Every resolved person (one row per lead_key), whatever records they have: CRM people,
    Segment-only visitors and our own employees alike. Attributes come from the best record
    that has them (Salesforce contact, then lead, then HubSpot contact, then Segment; within a
    system the most recently modified). dim_leads keeps the people who are leads; the others
    stay here, counted, never silently dropped.
-#}
with

records as (
    select * from {{ ref('int_identity__person_records') }}
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

ranked_records as (
    select
        person_keys.lead_key,
        records.*,
        row_number() over (
            partition by person_keys.lead_key
            order by records.system_priority asc, records.record_modified_at desc, records.record_key asc
        ) as survivorship_rank
    from records
    inner join person_keys
        on records.record_key = person_keys.record_key
),

final as (
    select
        lead_key,
        {{ leadflow.survivor('record_id', only_when="record_type = 'salesforce_lead'") }} as salesforce_lead_id,
        {{ leadflow.survivor('record_id', only_when="record_type = 'salesforce_contact'") }} as salesforce_contact_id,
        {%- set live_hubspot = "record_type = 'hubspot_contact' and linked_record_key is null" %}
        cast({{ leadflow.survivor('record_id', only_when=live_hubspot) }} as bigint) as hubspot_contact_id,
        {{ leadflow.survivor('record_id', only_when="record_type = 'segment_user'") }} as segment_user_id,
        {{ leadflow.survivor('email') }} as email,
        {{ leadflow.survivor('email_domain', only_when='email is not null') }} as email_domain,
        coalesce(
            {{ leadflow.survivor('email_domain_type', only_when='email is not null') }},
            case when {{ leadflow.any_true("email_domain_type = 'invalid'") }} then 'invalid' else 'missing' end
        ) as email_domain_type,
        {{ leadflow.survivor('first_name') }} as first_name,
        {{ leadflow.survivor('last_name') }} as last_name,
        {{ leadflow.survivor('company') }} as company,
        {{ leadflow.survivor('title') }} as title,
        coalesce({{ leadflow.survivor('seniority', only_when='title is not null') }}, 'unknown') as seniority,
        {{ leadflow.survivor('industry') }} as industry,
        {{ leadflow.survivor('employee_count') }} as employee_count,
        {{ leadflow.survivor('employee_band') }} as employee_band,
        {{ leadflow.survivor('country_code') }} as country_code,
        {{ leadflow.survivor('website_domain') }} as website_domain,
        {{ leadflow.survivor('lead_source', only_when="record_system = 'salesforce'") }} as lead_source,
        {{ leadflow.survivor('owner_id', only_when="record_system = 'salesforce'") }} as owner_id,
        min(case when is_crm_record then record_created_at end) as created_at,
        max(record_modified_at) as last_modified_at,
        {{ leadflow.any_true("record_system = 'salesforce' and has_opted_out_of_email") }}
            as has_opted_out_salesforce,
        {{ leadflow.any_true("record_system = 'hubspot' and has_opted_out_of_email") }}
            as has_opted_out_hubspot,
        {{ leadflow.any_true('is_converted') }} as is_converted,
        {{ leadflow.any_true('is_crm_record') }} as has_crm_record,
        {{ leadflow.any_true('is_internal') }} as is_internal,
        {{ leadflow.count_where("record_type = 'salesforce_lead'") }} as salesforce_lead_count,
        {{ leadflow.count_where("record_type = 'salesforce_contact'") }} as salesforce_contact_count,
        {{ leadflow.count_where("record_type = 'hubspot_contact'") }} as hubspot_contact_count,
        {{ leadflow.count_where("record_system = 'segment'") }} as segment_identity_count
    from ranked_records
    group by lead_key
)

select * from final
