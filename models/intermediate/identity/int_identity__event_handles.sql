{#-
    Every handle an activity row can name its person by, mapped to the person (lead_key):
      segment_user       a Segment user_id
      segment_anonymous  a Segment anonymous_id, once an identify call tied it to a person
      hubspot_contact    a HubSpot contact id, live or merged away (resolved to the survivor)
      email              a valid normalised email address (HubSpot email events' recipient)
      salesforce_record  a Salesforce lead or contact id (campaign members, tasks)
    int_intent__activity stores handles, not people, so identity changes (a late identify, a
    merge) re-attribute old events the next time this map is built.
-#}
{%- set string = dbt.type_string() -%}
{%- set parts = ['salesforce_handles', 'email_handles'] -%}
with

person_records as (
    select * from {{ ref('int_identity__person_records') }}
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

record_keys as (
    select
        person_records.record_type,
        person_records.record_id,
        person_records.email,
        person_keys.lead_key
    from person_records
    inner join person_keys
        on person_records.record_key = person_keys.record_key
),

salesforce_handles as (
    select
        'salesforce_record' as handle_type,
        record_id as handle_id,
        lead_key
    from record_keys
    where record_type in ('salesforce_lead', 'salesforce_contact')
),

email_handles as (
    select distinct
        'email' as handle_type,
        email as handle_id,
        lead_key
    from record_keys
    where email is not null
),

{% if var('using_segment', true) %}
{%- do parts.extend(['segment_user_handles', 'anonymous_handles']) %}
segment_user_handles as (
    select
        'segment_user' as handle_type,
        record_id as handle_id,
        lead_key
    from record_keys
    where record_type = 'segment_user'
),

anonymous_handles as (
    select
        'segment_anonymous' as handle_type,
        anonymous_id as handle_id,
        lead_key
    from {{ ref('int_identity__anonymous_ids') }}
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.append('hubspot_handles') %}
hubspot_handles as (
    select
        'hubspot_contact' as handle_type,
        cast(contact_ids.hubspot_contact_id as {{ string }}) as handle_id,
        record_keys.lead_key
    from {{ ref('int_identity__hubspot_contact_ids') }} as contact_ids
    inner join record_keys
        on
            record_keys.record_type = 'hubspot_contact'
            and record_keys.record_id = cast(contact_ids.surviving_contact_id as {{ string }})
),
{% endif %}

final as (
    {{ leadflow.union_all_ctes(parts) }}
)

select * from final
