{#-
    Picklist values the CRMs hold that leadflow's seeds do not map: lifecycle values (lead
    status, lifecycle stage, HubSpot lead status: seeds/lifecycle_stage_map.csv), Salesforce
    account types and lead sources (seeds/picklist_values.csv). Every org defines its own
    picklists, so an unmapped value never stops a build: it keeps its raw text (a lifecycle value
    moves no stage) and is listed here, one row per value with how often it occurs and one record
    carrying it; the picklist_values_are_mapped test warns while this table is not empty.
-#}
{%- set parts = ['lifecycle_values'] -%}
with

lifecycle_values as (
    select
        'lifecycle_stage' as picklist,
        source_system,
        source_field,
        source_value,
        count(*) as occurrences,
        min(source_record_id) as example_record_id,
        'lifecycle_stage_map' as seed_to_edit
    from {{ ref('int_lifecycle__crm_events') }}
    where not is_mapped
    group by source_system, source_field, source_value
),

{% if var('using_salesforce', true) %}
{%- do parts.extend(['account_types', 'salesforce_lead_sources']) %}
account_types as (
    select
        'account_type' as picklist,
        'salesforce' as source_system,
        'account.type' as source_field,
        account_type_raw as source_value,
        count(*) as occurrences,
        min(account_id) as example_record_id,
        'picklist_values' as seed_to_edit
    from {{ ref('stg_salesforce__accounts') }}
    where is_account_type_unmapped
    group by account_type_raw
),

salesforce_lead_sources as (
    select
        'lead_source' as picklist,
        'salesforce' as source_system,
        'lead.lead_source' as source_field,
        lead_source_raw as source_value,
        count(*) as occurrences,
        min(lead_id) as example_record_id,
        'picklist_values' as seed_to_edit
    from {{ ref('stg_salesforce__leads') }}
    where is_lead_source_unmapped
    group by lead_source_raw
    union all
    select
        'lead_source' as picklist,
        'salesforce' as source_system,
        'contact.lead_source' as source_field,
        lead_source_raw as source_value,
        count(*) as occurrences,
        min(contact_id) as example_record_id,
        'picklist_values' as seed_to_edit
    from {{ ref('stg_salesforce__contacts') }}
    where is_lead_source_unmapped
    group by lead_source_raw
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.append('hubspot_lead_sources') %}
hubspot_lead_sources as (
    select
        'lead_source' as picklist,
        'hubspot' as source_system,
        'contact.hs_analytics_source' as source_field,
        analytics_source as source_value,
        count(*) as occurrences,
        cast(min(hubspot_contact_id) as {{ dbt.type_string() }}) as example_record_id,
        'picklist_values' as seed_to_edit
    from {{ ref('stg_hubspot__contacts') }}
    where is_lead_source_unmapped
    group by analytics_source
),
{% endif %}

unioned as (
    {{ leadflow.union_all_ctes(parts) }}
),

final as (
    select
        picklist,
        source_system,
        source_field,
        source_value,
        occurrences,
        example_record_id,
        seed_to_edit,
        {{ leadflow.as_of() }} as as_of
    from unioned
)

select * from final
