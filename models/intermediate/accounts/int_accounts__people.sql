{#-
    The account of each person (lead_key) who has one, once, and the buying-group attributes of
    their title. Candidates, best first:
      1 crm_contact_account         a Salesforce contact's account   } int_identity__lead_accounts
      2 crm_converted_account       a converted lead's account       } (the person's Salesforce
      3 hubspot_associated_company  the person's HubSpot contact's associated company
      4 email_domain                their business email's domain = a Salesforce account's domain
      5 website_domain              their website = a Salesforce account's domain
      6 hubspot_email_domain        their business email's domain = a HubSpot company's domain
    A CRM's explicit link beats a domain match; HubSpot companies resolve to their account through
    int_accounts__hubspot_companies (a company matching a Salesforce account is that account).
    department: the first seeds/title_department_patterns.csv pattern by priority that matches the
    title, 'other' when none does, 'unknown' without a title.
-#}
{%- set with_salesforce = var('using_salesforce', true) -%}
{%- set with_hubspot = var('using_hubspot', true) -%}
with

profiles as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__lead_profiles') }}
),

{% if with_hubspot -%}
hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

company_accounts as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_accounts__hubspot_companies') }}
),

{% endif -%}

{%- set candidate_ctes = [] %}
{%- if with_salesforce %}
{%- do candidate_ctes.append('salesforce_accounts') %}
salesforce_accounts as (
    -- 1, 2, 4, 5: the Salesforce account int_identity__lead_accounts matched, and how
    select
        lead_key,
        'sf:' || account_id as account_key,
        account_match_method,
        case account_match_method
            when 'crm_contact_account' then 1
            when 'crm_converted_account' then 2
            when 'email_domain' then 4
            else 5
        end as method_priority
    from profiles
    where account_id is not null
),

{% endif %}
{%- if with_hubspot %}
{%- do candidate_ctes.extend(['hubspot_associations', 'hubspot_email_domains']) %}
hubspot_associations as (
    select
        profiles.lead_key,
        company_accounts.account_key,
        'hubspot_associated_company' as account_match_method,
        3 as method_priority
    from profiles
    inner join hubspot_contacts
        on profiles.hubspot_contact_id = hubspot_contacts.hubspot_contact_id
    inner join company_accounts
        on hubspot_contacts.associated_company_id = company_accounts.hubspot_company_id
),

hubspot_email_domains as (
    -- every company of a domain resolves to the same account: one candidate per account
    select distinct
        profiles.lead_key,
        company_accounts.account_key,
        'hubspot_email_domain' as account_match_method,
        6 as method_priority
    from profiles
    inner join company_accounts
        on profiles.email_domain = company_accounts.match_domain
    where profiles.email_domain_type in ('business', 'competitor')
),

{%- endif %}

candidates as (
    {{- leadflow.union_all_ctes(candidate_ctes) }}
),

ranked as (
    select
        *,
        row_number() over (partition by lead_key order by method_priority, account_key) as candidate_rank,
        {{ leadflow.count_distinct_over('account_key', 'lead_key') }} as candidate_account_count
    from candidates
),

titled as (
    select
        lead_key,
        {{ leadflow.text_key('title') }} as title_key
    from profiles
),

departments as (
    {{ leadflow.title_label_select('titled', ref('title_department_patterns'), 'department') }}
),

final as (
    select
        ranked.lead_key,
        ranked.account_key,
        ranked.account_match_method,
        cast(ranked.candidate_account_count as integer) as candidate_account_count,
        coalesce(profiles.seniority, 'unknown') as seniority,
        case
            when titled.title_key is null then 'unknown'
            else coalesce(departments.department, 'other')
        end as department
    from ranked
    inner join profiles
        on ranked.lead_key = profiles.lead_key
    inner join titled
        on ranked.lead_key = titled.lead_key
    left join departments
        on titled.title_key = departments.title_key
    where ranked.candidate_rank = 1
)

select * from final
