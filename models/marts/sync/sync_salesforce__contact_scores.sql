{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Reverse-ETL feed: one row per Salesforce contact, its Id and leadflow's values under the
    field API names of seeds/sync_fields.csv (crm = salesforce).
-#}
with

contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

person_values as (
    select * from {{ ref('int_sync__person_values') }}
),

final as (
    select
        contacts.contact_id as Id,  -- noqa: CP02
        {{ leadflow.sync_field_columns('salesforce', 'person_values') }}
    from contacts
    inner join person_keys
        on person_keys.record_key = 'salesforce_contact:' || contacts.contact_id
    inner join person_values
        on person_keys.lead_key = person_values.lead_key
)

select * from final
