with

source as (
    {{ leadflow.staged_source_rows('hubspot', 'company') }}
),

renamed as (
    select
        cast(id as bigint) as hubspot_company_id,
        property_name as company_name,
        {{ leadflow.bare_domain('property_domain') }} as domain,
        property_industry as industry,
        {{ leadflow.plausible_employee_count('property_numberofemployees') }} as employee_count,
        {{ leadflow.country_key('property_country') }} as country_key,
        property_country as country_raw,
        property_lifecyclestage as lifecycle_stage,
        try_cast(property_hubspot_owner_id as bigint) as owner_id,
        try_cast(property_hs_parent_company_id as bigint) as parent_company_id,
        cast(property_createdate as timestamp) as created_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
),

final as (
    select
        companies.hubspot_company_id,
        companies.company_name,
        companies.domain,
        companies.industry,
        companies.employee_count,
        band.employee_band,
        companies.country_raw,
        country_alias.country_code,
        companies.lifecycle_stage,
        companies.owner_id,
        companies.parent_company_id,
        companies.created_at,
        companies.synced_at
    from renamed as companies
    left join {{ ref('country_aliases') }} as country_alias
        on companies.country_key = country_alias.alias_key
    left join {{ ref('employee_bands') }} as band
        on companies.employee_count between band.min_employees and band.max_employees
)

select * from final
