{{ config(enabled=var('using_hubspot', true)) }}
{#-
    The account each HubSpot company belongs to, one row per company (stg_hubspot__companies):
      salesforce_domain  the Salesforce account its domain matches (int_identity__account_domains'
                         winner, the tiebreak documented there): the two CRMs' records of one
                         company are one account, keyed by the Salesforce account
      hubspot_domain     no Salesforce account has the domain, and another HubSpot company with it
                         was created first (then the lower id): the duplicate joins that account
      own                none of the above: the company is an account of its own
    A domain that is missing, free-mail, student or internal never matches (the domains people's
    business emails match by), so such a company is always its own account.
-#}
{%- set with_salesforce = var('using_salesforce', true) -%}
with

companies as (
    select * from {{ ref('stg_hubspot__companies') }}
),

{% if with_salesforce -%}
salesforce_domains as (
    select * from {{ ref('int_identity__account_domains') }}
    where is_domain_winner
),

{% endif -%}

typed as (
    select
        companies.hubspot_company_id,
        companies.domain,
        companies.created_at,
        {{ leadflow.email_domain_type('companies.domain', 'companies.domain') }} as domain_type
    from companies
    {{ leadflow.join_email_domains('companies.domain') }}
),

matchable as (
    -- the usable domain of each company, and the first company created with it
    select
        hubspot_company_id,
        case when domain_type in ('business', 'competitor') then domain end as match_domain,
        case
            when domain_type in ('business', 'competitor')
                then first_value(hubspot_company_id) over (
                    partition by case when domain_type in ('business', 'competitor') then domain end
                    order by created_at asc nulls last, hubspot_company_id asc
                    rows between unbounded preceding and unbounded following
                )
        end as first_company_id
    from typed
),

final as (
    select
        matchable.hubspot_company_id,
        matchable.match_domain,
        coalesce(
            {%- if with_salesforce %}
            'sf:' || salesforce_domains.account_id,
            {%- endif %}
            'hs:' || cast(
                coalesce(matchable.first_company_id, matchable.hubspot_company_id) as {{ dbt.type_string() }}
            )
        ) as account_key,
        case
            {%- if with_salesforce %}
            when salesforce_domains.account_id is not null then 'salesforce_domain'
            {%- endif %}
            when matchable.first_company_id <> matchable.hubspot_company_id then 'hubspot_domain'
            else 'own'
        end as account_match_method
    from matchable
    {% if with_salesforce -%}
    left join salesforce_domains
        on matchable.match_domain = salesforce_domains.domain
    {%- endif %}
)

select * from final
