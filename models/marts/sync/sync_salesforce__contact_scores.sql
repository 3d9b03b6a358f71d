{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Reverse-ETL feed: one row per Salesforce contact, its Id and leadflow's values under the field
    API names of seeds/sync_fields.csv (crm = salesforce). scripts/sync_crm.py sends the rows that
    changed since the last value the CRM accepted.
-#}
with

records as (
    select * from {{ ref('int_sync__crm_records') }}
    where sync_target = 'salesforce_contact'
),

person_values as (
    select * from {{ ref('int_sync__person_values') }}
),

final as (
    select
        records.record_id as Id,  -- noqa: CP02
        {{ leadflow.sync_field_columns('salesforce', 'person_values') }}
    from records
    inner join person_values
        on records.lead_key = person_values.lead_key
)

select * from final
