{#-
    One row per account (account_key) across the two CRMs: every Salesforce account
    ('sf:' || account id), with the HubSpot companies whose domain matches it
    (int_accounts__hubspot_companies), and every HubSpot company that matched no Salesforce
    account and is not a later duplicate of another HubSpot company ('hs:' || company id).
    Firmographics survive Salesforce first, then the account's first-created HubSpot company;
    domain_type classifies the domain as for emails (seeds/email_domains.csv: a competitor's
    domain disqualifies the account's fit); is_hubspot_customer is true when any of the account's
    HubSpot companies is at the customer lifecycle stage.
    The parent: Salesforce's ParentId when that account exists, else the account of the parent
    company (HubSpot's hs_parent_company_id) of the account's first-created HubSpot company, when
    that is another account.
-#}
{%- set with_salesforce = var('using_salesforce', true) -%}
{%- set with_hubspot = var('using_hubspot', true) -%}
with

{% if with_salesforce -%}
salesforce_accounts as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_salesforce__accounts') }}
),

{% endif -%}
{% if with_hubspot -%}
hubspot_companies as (
    select * from {{ ref('stg_hubspot__companies') }}
),

company_accounts as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_accounts__hubspot_companies') }}
),

{% endif -%}

{% if with_hubspot -%}
hubspot_by_account as (
    -- each account's HubSpot companies, the first created first
    select
        company_accounts.account_key,
        company_accounts.account_match_method,
        hubspot_companies.*,
        row_number() over (
            partition by company_accounts.account_key
            order by hubspot_companies.created_at asc nulls last, hubspot_companies.hubspot_company_id asc
        ) as company_rank,
        count(*) over (partition by company_accounts.account_key) as hubspot_company_count,
        count(
            case when lower(hubspot_companies.lifecycle_stage) = 'customer' then 1 end
        ) over (partition by company_accounts.account_key) > 0 as is_hubspot_customer
    from company_accounts
    inner join hubspot_companies
        on company_accounts.hubspot_company_id = hubspot_companies.hubspot_company_id
),

first_hubspot_company as (
    select * from hubspot_by_account
    where company_rank = 1
),

hubspot_parents as (
    -- the account of each account's first company's parent company, when that is another account
    select
        first_hubspot_company.account_key,
        parent_companies.account_key as parent_account_key
    from first_hubspot_company
    inner join company_accounts as parent_companies
        on first_hubspot_company.parent_company_id = parent_companies.hubspot_company_id
    where parent_companies.account_key <> first_hubspot_company.account_key
),

{% endif -%}

unioned as (
    {%- if with_salesforce %}
    select
        'sf:' || salesforce_accounts.account_id as account_key,
        'salesforce' as account_source,
        salesforce_accounts.account_id as salesforce_account_id,
        {%- if with_hubspot %}
        first_hubspot_company.hubspot_company_id,
        coalesce(first_hubspot_company.hubspot_company_count, 0) as hubspot_company_count,
        coalesce(salesforce_accounts.account_name, first_hubspot_company.company_name) as account_name,
        coalesce(salesforce_accounts.website_domain, first_hubspot_company.domain) as domain,
        coalesce(salesforce_accounts.industry, first_hubspot_company.industry) as industry,
        coalesce(salesforce_accounts.employee_count, first_hubspot_company.employee_count) as employee_count,
        coalesce(salesforce_accounts.country_code, first_hubspot_company.country_code) as country_code,
        first_hubspot_company.lifecycle_stage as hubspot_lifecycle_stage,
        coalesce(first_hubspot_company.is_hubspot_customer, false) as is_hubspot_customer,
        {%- else %}
        cast(null as bigint) as hubspot_company_id,
        0 as hubspot_company_count,
        salesforce_accounts.account_name,
        salesforce_accounts.website_domain as domain,
        salesforce_accounts.industry,
        salesforce_accounts.employee_count,
        salesforce_accounts.country_code,
        cast(null as {{ dbt.type_string() }}) as hubspot_lifecycle_stage,
        false as is_hubspot_customer,
        {%- endif %}
        salesforce_accounts.annual_revenue,
        salesforce_accounts.account_type,
        {%- if with_hubspot %}
        coalesce(
            case when parents.account_id is not null then 'sf:' || parents.account_id end,
            hubspot_parents.parent_account_key
        ) as parent_account_key,
        {%- else %}
        case when parents.account_id is not null then 'sf:' || parents.account_id end as parent_account_key,
        {%- endif %}
        salesforce_accounts.created_at
    from salesforce_accounts
    left join salesforce_accounts as parents
        on salesforce_accounts.parent_account_id = parents.account_id
    {%- if with_hubspot %}
    left join first_hubspot_company
        on 'sf:' || salesforce_accounts.account_id = first_hubspot_company.account_key
    left join hubspot_parents
        on 'sf:' || salesforce_accounts.account_id = hubspot_parents.account_key
    {%- endif %}
    {%- endif %}
    {%- if with_salesforce and with_hubspot %}
    union all
    {%- endif %}
    {%- if with_hubspot %}
    select
        first_hubspot_company.account_key,
        'hubspot' as account_source,
        cast(null as {{ dbt.type_string() }}) as salesforce_account_id,
        first_hubspot_company.hubspot_company_id,
        first_hubspot_company.hubspot_company_count,
        first_hubspot_company.company_name as account_name,
        first_hubspot_company.domain,
        first_hubspot_company.industry,
        first_hubspot_company.employee_count,
        first_hubspot_company.country_code,
        first_hubspot_company.lifecycle_stage as hubspot_lifecycle_stage,
        first_hubspot_company.is_hubspot_customer,
        cast(null as double) as annual_revenue,
        cast(null as {{ dbt.type_string() }}) as account_type,
        hubspot_parents.parent_account_key,
        first_hubspot_company.created_at
    from first_hubspot_company
    left join hubspot_parents
        on first_hubspot_company.account_key = hubspot_parents.account_key
    where first_hubspot_company.account_key like 'hs:%'
    {%- endif %}
),

final as (
    select
        unioned.account_key,
        unioned.account_source,
        unioned.salesforce_account_id,
        unioned.hubspot_company_id,
        cast(unioned.hubspot_company_count as integer) as hubspot_company_count,
        unioned.account_name,
        unioned.domain,
        {{ leadflow.email_domain_type('unioned.domain', 'unioned.domain') }} as domain_type,
        unioned.industry,
        unioned.employee_count,
        band.employee_band,
        unioned.annual_revenue,
        unioned.country_code,
        unioned.account_type,
        unioned.hubspot_lifecycle_stage,
        unioned.is_hubspot_customer,
        unioned.parent_account_key,
        unioned.created_at
    from unioned
    {{ leadflow.join_email_domains('unioned.domain') }}
    left join {{ ref('employee_bands') }} as band
        on unioned.employee_count between band.min_employees and band.max_employees
)

select * from final
