{#-
    Every CRM record leadflow writes back to, with its person: unconverted Salesforce leads,
    Salesforce contacts and live HubSpot contacts (one row per target and record id).
-#}
{%- set string = dbt.type_string() -%}
{%- set parts = [] -%}
with

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

{% if var('using_salesforce', true) %}
{%- do parts.extend(['salesforce_leads', 'salesforce_contacts']) %}
salesforce_leads as (
    select
        'salesforce_lead' as sync_target,
        lead_id as record_id,
        'salesforce_lead:' || lead_id as record_key
    from {{ ref('stg_salesforce__leads') }}
    where not is_converted
),

salesforce_contacts as (
    select
        'salesforce_contact' as sync_target,
        contact_id as record_id,
        'salesforce_contact:' || contact_id as record_key
    from {{ ref('stg_salesforce__contacts') }}
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.append('hubspot_contacts') %}
hubspot_contacts as (
    select
        'hubspot_contact' as sync_target,
        cast(hubspot_contact_id as {{ string }}) as record_id,
        'hubspot_contact:' || cast(hubspot_contact_id as {{ string }}) as record_key
    from {{ ref('stg_hubspot__contacts') }}
),
{% endif %}

records as (
    {{ leadflow.union_all_ctes(parts) }}
),

final as (
    select
        records.sync_target,
        records.record_id,
        person_keys.lead_key
    from records
    inner join person_keys
        on records.record_key = person_keys.record_key
)

select * from final
