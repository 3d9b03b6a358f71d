{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Reverse-ETL feed: one row per unconverted Salesforce lead, its Id and leadflow's values under
    the field API names of seeds/sync_fields.csv (crm = salesforce). Duplicate leads of one person
    each get the person's values. scripts/sync_crm.py sends the rows that changed.
-#}
with

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
    where not is_converted
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

person_values as (
    select * from {{ ref('int_sync__person_values') }}
),

final as (
    select
        leads.lead_id as Id,  -- noqa: CP02
        {{ leadflow.sync_field_columns('salesforce', 'person_values') }}
    from leads
    inner join person_keys
        on person_keys.record_key = 'salesforce_lead:' || leads.lead_id
    inner join person_values
        on person_keys.lead_key = person_values.lead_key
)

select * from final
