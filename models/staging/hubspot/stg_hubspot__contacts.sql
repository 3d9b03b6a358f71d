with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'contact') }}
),

renamed as (
    select
        cast(id as bigint) as hubspot_contact_id,
        -- current connectors: 'id;id'; older ones: property_hs_calculated_merged_vids 'id:epoch;id:epoch'
        coalesce(
            nullif(trim(cast(property_hs_merged_object_ids as string)), ''),
            nullif({{ leadflow.regexp_replace_all('trim(property_hs_calculated_merged_vids)', ':[0-9]*', '') }}, '')
        ) as merged_object_ids,
        {{ leadflow.email_columns('property_email') }},
        property_firstname as first_name,
        property_lastname as last_name,
        nullif(trim(property_company), '') as company,
        property_jobtitle as title,
        {{ leadflow.text_key('property_jobtitle') }} as title_key,
        property_industry as industry,
        property_numemployees as employee_range_raw,
        {{ leadflow.hubspot_employee_count('property_numemployees') }} as employee_count,
        property_country as country_raw,
        {{ leadflow.country_key('property_country') }} as country_key,
        {{ leadflow.bare_domain('property_website') }} as website_domain,
        property_lifecyclestage as lifecycle_stage,
        property_hs_lead_status as lead_status,
        try_cast(property_hubspot_owner_id as bigint) as owner_id,
        property_hs_analytics_source as analytics_source,
        coalesce(property_hs_email_optout, false) as has_opted_out_of_email,
        cast(property_associatedcompanyid as bigint) as associated_company_id,
        nullif(trim(property_rejection_reason), '') as rejection_reason_raw,
        cast(property_mql_date as timestamp) as mql_date_at,
        cast(property_createdate as timestamp) as created_at,
        cast(property_lastmodifieddate as timestamp) as last_modified_at,
        cast(_fivetran_synced as timestamp) as synced_at
        {{ leadflow.pass_through_select('hubspot', 'contact') }}  -- noqa: LT02
    from source
),

title_seniority as (
    {{ leadflow.title_seniority_select('renamed') }}
),

final as (
    select
        contacts.hubspot_contact_id,
        contacts.merged_object_ids,
        contacts.email_raw,
        contacts.email,
        contacts.is_email_valid,
        contacts.email_domain,
        {{ leadflow.email_domain_type('contacts.email_domain', 'contacts.email') }} as email_domain_type,
        contacts.first_name,
        contacts.last_name,
        contacts.company,
        contacts.title,
        coalesce(title_seniority.seniority, 'unknown') as seniority,
        contacts.industry,
        contacts.employee_range_raw,
        contacts.employee_count,
        nullif(trim(contacts.employee_range_raw), '') is not null
        and contacts.employee_count is null as is_employee_count_implausible,
        band.employee_band,
        contacts.country_raw,
        country_alias.country_code,
        contacts.country_key is not null
        and country_alias.country_code is null as is_country_unrecognised,
        contacts.website_domain,
        contacts.lifecycle_stage,
        contacts.lead_status,
        contacts.owner_id,
        contacts.analytics_source,
        {{ leadflow.picklist_value('contacts.analytics_source', 'lead_source_map') }} as lead_source,
        {{ leadflow.picklist_unmapped('contacts.analytics_source', 'lead_source_map') }} as is_lead_source_unmapped,
        contacts.has_opted_out_of_email,
        contacts.associated_company_id,
        contacts.rejection_reason_raw,
        contacts.mql_date_at,
        contacts.created_at,
        contacts.last_modified_at,
        contacts.synced_at
        {{ leadflow.pass_through_select('hubspot', 'contact', 'contacts') }}  -- noqa: LT02
    from renamed as contacts
    {{ leadflow.join_email_domains('contacts.email_domain') }}
    {{ leadflow.join_picklist('lead_source', 'contacts.analytics_source', 'lead_source_map') }}
    left join {{ ref('country_aliases') }} as country_alias
        on contacts.country_key = country_alias.alias_key
    left join title_seniority
        on contacts.title_key = title_seniority.title_key
    left join {{ ref('employee_bands') }} as band
        on contacts.employee_count between band.min_employees and band.max_employees
)

select * from final
