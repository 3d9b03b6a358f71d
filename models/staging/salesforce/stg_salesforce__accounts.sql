with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'account') }}
),

renamed as (
    select
        cast(id as string) as account_id,
        name as account_name,
        website as website_raw,
        {{ leadflow.bare_domain('website') }} as website_domain,
        industry,
        cast(number_of_employees as bigint) as employee_count_raw,
        {{ leadflow.plausible_employee_count('number_of_employees') }} as employee_count,
        cast(annual_revenue as double) as annual_revenue,
        billing_country as billing_country_raw,
        {{ leadflow.country_key('billing_country') }} as country_key,
        billing_state,
        type as account_type_raw,
        cast(owner_id as string) as owner_id,
        cast(parent_id as string) as parent_account_id,
        cast(created_date as timestamp) as created_at,
        cast(last_modified_date as timestamp) as last_modified_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
    from source
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.website_raw,
        accounts.website_domain,
        {{ leadflow.email_domain_type('accounts.website_domain', 'accounts.website_raw') }}
            as website_domain_type,
        accounts.industry,
        accounts.employee_count_raw,
        accounts.employee_count,
        accounts.employee_count_raw is not null
        and accounts.employee_count is null as is_employee_count_implausible,
        band.employee_band,
        accounts.annual_revenue,
        accounts.billing_country_raw,
        country_alias.country_code,
        accounts.billing_state,
        accounts.account_type_raw,
        {{ leadflow.picklist_value('accounts.account_type_raw', 'account_type_map') }} as account_type,
        {{ leadflow.picklist_unmapped('accounts.account_type_raw', 'account_type_map') }} as is_account_type_unmapped,
        accounts.owner_id,
        accounts.parent_account_id,
        accounts.created_at,
        accounts.last_modified_at,
        accounts.system_modstamp_at,
        accounts.synced_at
    from renamed as accounts
    {{ leadflow.join_email_domains('accounts.website_domain') }}
    {{ leadflow.join_picklist('account_type', 'accounts.account_type_raw', 'account_type_map') }}
    left join {{ ref('country_aliases') }} as country_alias
        on accounts.country_key = country_alias.alias_key
    left join {{ ref('employee_bands') }} as band
        on accounts.employee_count between band.min_employees and band.max_employees
)

select * from final
