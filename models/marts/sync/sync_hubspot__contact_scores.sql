{{ config(enabled=var('using_hubspot', true)) }}
{#-
    Reverse-ETL feed: one row per live HubSpot contact, its id and leadflow's values under the
    property names of seeds/sync_fields.csv (crm = hubspot).
-#}
with

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

person_values as (
    select * from {{ ref('int_sync__person_values') }}
),

final as (
    select
        cast(contacts.hubspot_contact_id as {{ dbt.type_string() }}) as id,
        {{ leadflow.sync_field_columns('hubspot', 'person_values') }}
    from contacts
    inner join person_keys
        on person_keys.record_key = 'hubspot_contact:' || cast(contacts.hubspot_contact_id as {{ dbt.type_string() }})
    inner join person_values
        on person_keys.lead_key = person_values.lead_key
)

select * from final
