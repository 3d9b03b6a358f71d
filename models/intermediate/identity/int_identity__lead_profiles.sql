{#-
    One row per person who is a lead (lead_key): has at least one CRM record and is not one of
    our own employees. Segment-only visitors and internal people stay in int_identity__persons.
-#}
{%- set with_accounts = var('using_salesforce', true) -%}
with

persons as (
    select * from {{ ref('int_identity__persons') }}
),

{% if with_accounts %}
lead_accounts as (
    select * from {{ ref('int_identity__lead_accounts') }}
),

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),
{% endif %}

leads as (
    select * from persons
    where has_crm_record and not is_internal
),

with_accounts as (
    select
        leads.*,
        {% if with_accounts %}
        lead_accounts.account_id,
        lead_accounts.account_match_method,
        accounts.account_name,
        accounts.account_type,
        accounts.industry as account_industry,
        accounts.employee_count as account_employee_count,
        accounts.employee_band as account_employee_band,
        accounts.country_code as account_country_code
        {% else %}
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_string() }}) as account_match_method,
        cast(null as {{ dbt.type_string() }}) as account_name,
        cast(null as {{ dbt.type_string() }}) as account_type,
        cast(null as {{ dbt.type_string() }}) as account_industry,
        cast(null as integer) as account_employee_count,
        cast(null as {{ dbt.type_string() }}) as account_employee_band,
        cast(null as {{ dbt.type_string() }}) as account_country_code
        {% endif %}
    from leads
    {% if with_accounts %}
    left join lead_accounts
        on leads.lead_key = lead_accounts.lead_key
    left join accounts
        on lead_accounts.account_id = accounts.account_id
    {% endif %}
),

final as (
    select
        lead_key,
        salesforce_lead_id,
        salesforce_contact_id,
        hubspot_contact_id,
        segment_user_id,
        account_id,
        account_match_method,
        account_name,
        account_type,
        email,
        email_domain,
        email_domain_type,
        email is not null as is_email_valid,
        first_name,
        last_name,
        coalesce(company, account_name) as company,
        title,
        seniority,
        coalesce(industry, account_industry) as industry,
        coalesce(employee_count, account_employee_count) as employee_count,
        coalesce(employee_band, account_employee_band) as employee_band,
        coalesce(country_code, account_country_code) as country_code,
        lead_source,
        owner_id,
        created_at,
        last_modified_at,
        has_opted_out_salesforce or has_opted_out_hubspot as is_opted_out,
        has_opted_out_salesforce,
        has_opted_out_hubspot,
        is_converted,
        email is null as has_invalid_email,
        coalesce(company, account_name) is null as is_missing_company,
        coalesce(country_code, account_country_code) is null as is_missing_country,
        salesforce_lead_count,
        salesforce_contact_count,
        hubspot_contact_count,
        segment_identity_count,
        cast(
            case when salesforce_lead_count > 1 then salesforce_lead_count - 1 else 0 end
            + case when salesforce_contact_count > 1 then salesforce_contact_count - 1 else 0 end
            + case when hubspot_contact_count > 1 then hubspot_contact_count - 1 else 0 end
            as integer
        ) as duplicate_record_count
    from with_accounts
)

select * from final
