{{ config(enabled=var('using_salesforce', true)) }}
{#-
    The account of each person, one row per lead_key that matches one. Candidates, best first:
      1 crm_contact_account   a Salesforce contact's account_id
      2 crm_converted_account  a converted lead's converted_account_id
      3 email_domain           the domain of a business (or competitor) email = an account's domain
      4 website_domain         the website on a lead or HubSpot contact = an account's domain
    Free-mail, student, internal and invalid emails never match by domain. Shared domains
    resolve through int_identity__account_domains' documented tiebreak. Among equal
    candidates the higher-priority record wins, then the lowest record key.
-#}
with

records as (
    select * from {{ ref('int_identity__person_records') }}
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

account_domains as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__account_domains') }}
    where is_domain_winner
),

keyed_records as (
    select
        person_keys.lead_key,
        records.*
    from records
    inner join person_keys
        on records.record_key = person_keys.record_key
),

crm_linked as (
    select
        keyed_records.lead_key,
        keyed_records.account_id,
        case
            when keyed_records.record_type = 'salesforce_contact' then 'crm_contact_account'
            else 'crm_converted_account'
        end as account_match_method,
        case when keyed_records.record_type = 'salesforce_contact' then 1 else 2 end
            as method_priority,
        keyed_records.system_priority,
        keyed_records.record_key
    from keyed_records
    inner join accounts
        on keyed_records.account_id = accounts.account_id
),

by_email_domain as (
    select
        keyed_records.lead_key,
        account_domains.account_id,
        'email_domain' as account_match_method,
        3 as method_priority,
        keyed_records.system_priority,
        keyed_records.record_key
    from keyed_records
    inner join account_domains
        on keyed_records.email_domain = account_domains.domain
    where keyed_records.email_domain_type in ('business', 'competitor')
),

by_website_domain as (
    select
        keyed_records.lead_key,
        account_domains.account_id,
        'website_domain' as account_match_method,
        4 as method_priority,
        keyed_records.system_priority,
        keyed_records.record_key
    from keyed_records
    inner join account_domains
        on keyed_records.website_domain = account_domains.domain
),

candidates as (
    select * from crm_linked
    union all
    select * from by_email_domain
    union all
    select * from by_website_domain
),

ranked as (
    select
        *,
        row_number() over (
            partition by lead_key
            order by method_priority, system_priority, record_key
        ) as candidate_rank,
        {{ leadflow.count_distinct_over('account_id', 'lead_key') }} as candidate_account_count
    from candidates
),

final as (
    select
        lead_key,
        account_id,
        account_match_method,
        candidate_account_count
    from ranked
    where candidate_rank = 1
)

select * from final
