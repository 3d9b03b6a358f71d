{#-
    One row per person who is a lead (lead_key): has at least one CRM record and is not one of
    our own employees. Segment-only visitors and internal people stay in int_identity__persons.

    Consent (is_opted_out): what seeds/consent_rules.csv counts as opting out of email: the
    Salesforce and HubSpot opt-out flags of any of the person's records, and an address of theirs
    whose latest email subscription change was an unsubscribe (int_identity__email_consent).
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

email_handles as (
    select
        handle_id as email,
        lead_key
    from {{ ref('int_identity__event_handles') }}
    where handle_type = 'email'
),

unsubscribed as (
    -- people one of whose addresses last said "unsubscribe"
    select
        email_handles.lead_key,
        {{ leadflow.any_true('email_consent.is_opted_out') }} as has_unsubscribed_email
    from {{ ref('int_identity__email_consent') }} as email_consent
    inner join email_handles
        on email_consent.email = email_handles.email
    group by email_handles.lead_key
),

crm_flag_rules as (
    -- which CRM opt-out flags count (one row)
    select
        {{ leadflow.any_true(
            "source = 'salesforce_has_opted_out_of_email' and lower(value) = 'true' and is_opted_out") }}
            as counts_salesforce_flag,
        {{ leadflow.any_true("source = 'hubspot_hs_email_optout' and lower(value) = 'true' and is_opted_out") }}
            as counts_hubspot_flag
    from {{ ref('consent_rules') }}
),

with_consent as (
    select
        leads.*,
        coalesce(unsubscribed.has_unsubscribed_email, false) as has_unsubscribed_email,
        (leads.has_opted_out_salesforce and crm_flag_rules.counts_salesforce_flag)
        or (leads.has_opted_out_hubspot and crm_flag_rules.counts_hubspot_flag)
        or coalesce(unsubscribed.has_unsubscribed_email, false) as is_opted_out
    from leads
    cross join crm_flag_rules
    left join unsubscribed
        on leads.lead_key = unsubscribed.lead_key
),

with_accounts as (
    select
        with_consent.*,
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
    from with_consent
    {% if with_accounts %}
    left join lead_accounts
        on with_consent.lead_key = lead_accounts.lead_key
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
        is_opted_out,
        has_opted_out_salesforce,
        has_opted_out_hubspot,
        has_unsubscribed_email,
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
