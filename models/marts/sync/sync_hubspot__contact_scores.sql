{{ config(enabled=var('using_hubspot', true)) }}
{#-
    Reverse-ETL feed: one row per live HubSpot contact, its id and leadflow's values under the field
    API names of seeds/sync_fields.csv (crm = hubspot). scripts/sync_crm.py sends the rows that
    changed since the last value the CRM accepted.
-#}
with

records as (
    select * from {{ ref('int_sync__crm_records') }}
    where sync_target = 'hubspot_contact'
),

person_values as (
    select * from {{ ref('int_sync__person_values') }}
),

final as (
    select
        records.record_id as id,
        {{ leadflow.sync_field_columns('hubspot', 'person_values') }}
    from records
    inner join person_values
        on records.lead_key = person_values.lead_key
)

select * from final
