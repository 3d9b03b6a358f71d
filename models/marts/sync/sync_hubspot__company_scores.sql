{{ config(enabled=var('using_hubspot', true)) }}
{#-
    Reverse-ETL feed: one row per live HubSpot company, its id and the values of the account it
    belongs to (int_accounts__hubspot_companies: a company whose domain matches a Salesforce
    account, or a duplicate of an earlier company, carries that account's values) under the
    property names of seeds/sync_fields.csv (crm = hubspot, grain = account).
-#}
with

companies as (
    select * from {{ ref('int_accounts__hubspot_companies') }}
),

account_values as (
    select * from {{ ref('int_sync__account_values') }}
),

final as (
    select
        cast(companies.hubspot_company_id as {{ dbt.type_string() }}) as id,
        {{ leadflow.sync_field_columns('hubspot', 'account_values', 'account') }}
    from companies
    inner join account_values
        on companies.account_key = account_values.account_key
)

select * from final
