{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Reverse-ETL feed: one row per Salesforce account, its Id and leadflow's account values under
    the field API names of seeds/sync_fields.csv (crm = salesforce, grain = account).
    scripts/sync_crm.py sends the rows that changed since the last value the CRM accepted.
-#}
with

account_values as (
    select * from {{ ref('int_sync__account_values') }}
    where salesforce_account_id is not null
),

final as (
    select
        account_values.salesforce_account_id as Id,  -- noqa: CP02
        {{ leadflow.sync_field_columns('salesforce', 'account_values', 'account') }}
    from account_values
)

select * from final
