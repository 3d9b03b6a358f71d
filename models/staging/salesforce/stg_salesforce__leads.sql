with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'lead') }}
),

renamed as (
    select
        cast(id as string) as lead_id,
        cast(master_record_id as string) as master_record_id,
        first_name,
        last_name,
        {{ leadflow.email_columns('email') }},
        phone,
        title,
        {{ leadflow.text_key('title') }} as title_key,
        nullif(trim(company), '') as company,
        {{ leadflow.bare_domain('website') }} as website_domain,
        industry,
        cast(number_of_employees as bigint) as employee_count_raw,
        {{ leadflow.plausible_employee_count('number_of_employees') }} as employee_count,
        cast(annual_revenue as double) as annual_revenue,
        country as country_raw,
        {{ leadflow.country_key('country') }} as country_key,
        state,
        city,
        lead_source as lead_source_raw,
        status,
        rating,
        cast(owner_id as string) as owner_id,
        coalesce(is_converted, false) as is_converted,
        cast(converted_date as date) as converted_date,
        cast(converted_account_id as string) as converted_account_id,
        cast(converted_contact_id as string) as converted_contact_id,
        cast(converted_opportunity_id as string) as converted_opportunity_id,
        coalesce(has_opted_out_of_email, false) as has_opted_out_of_email,
        rejection_reason_c as rejection_reason_raw,
        product_interest_c as product_interest,
        cast(mql_date_c as timestamp) as mql_date_at,
        cast(created_date as timestamp) as created_at,
        cast(last_modified_date as timestamp) as last_modified_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
        {{ leadflow.pass_through_select('salesforce', 'lead') }}  -- noqa: LT02
    from source
),

title_seniority as (
    {{ leadflow.title_seniority_select('renamed') }}
),

with_lookups as (
    select
        leads.*,
        {{ leadflow.email_domain_type('leads.email_domain', 'leads.email') }} as email_domain_type,
        {{ leadflow.picklist_value('leads.lead_source_raw', 'lead_source_map') }} as lead_source,
        {{ leadflow.picklist_unmapped('leads.lead_source_raw', 'lead_source_map') }} as is_lead_source_unmapped,
        country_alias.country_code,
        coalesce(title_seniority.seniority, 'unknown') as seniority,
        band.employee_band
    from renamed as leads
    {{ leadflow.join_email_domains('leads.email_domain') }}
    {{ leadflow.join_picklist('lead_source', 'leads.lead_source_raw', 'lead_source_map') }}
    left join {{ ref('country_aliases') }} as country_alias
        on leads.country_key = country_alias.alias_key
    left join title_seniority
        on leads.title_key = title_seniority.title_key
    left join {{ ref('employee_bands') }} as band
        on leads.employee_count between band.min_employees and band.max_employees
),

final as (
    select
        lead_id,
        master_record_id,
        first_name,
        last_name,
        email_raw,
        email,
        is_email_valid,
        email_domain,
        email_domain_type,
        phone,
        title,
        seniority,
        company,
        website_domain,
        industry,
        employee_count_raw,
        employee_count,
        employee_count_raw is not null and employee_count is null as is_employee_count_implausible,
        employee_band,
        annual_revenue,
        country_raw,
        country_code,
        country_key is not null and country_code is null as is_country_unrecognised,
        state,
        city,
        lead_source_raw,
        lead_source,
        is_lead_source_unmapped,
        status,
        rating,
        owner_id,
        is_converted,
        converted_date,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        has_opted_out_of_email,
        rejection_reason_raw,
        product_interest,
        mql_date_at,
        created_at,
        last_modified_at,
        system_modstamp_at,
        synced_at
        {{ leadflow.pass_through_select('salesforce', 'lead') }}  -- noqa: LT02
    from with_lookups
)

select * from final
