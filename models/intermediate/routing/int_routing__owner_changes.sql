{#-
    Every owner change the CRMs recorded on a person, up to as_of, in one shape (the owner
    assignment history):
      salesforce  lead_history rows of field 'Owner' whose values are ids (Salesforce writes
                  each owner change twice, once with ids and once with display names; the
                  name copy is left out). previous_owner_id is the row's old value.
      hubspot     contact_property_history rows of property hubspot_owner_id (HubSpot keeps
                  the new value only: previous_owner_id is the contact's value before, null at
                  the first). HubSpot owners are matched to Salesforce users by email, like
                  int_sla__sales_touches; an owner without a user is 'hubspot_owner:<id>'.
    is_automated: a Salesforce change made by a user of var('crm_automation_user_ids')
    (assignment rules, integrations), or a HubSpot change whose source is not CRM_UI
    (workflows, integrations, imports). is_manual_reassignment: a person moved the record from
    one owner to another (not out of a queue, not automated), the "frequent manual owner
    changes" the articles warn about.
-#}
{%- set parts = [] -%}
with

person_keys as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__person_keys') }}
),

{% if var('using_salesforce', true) %}
{%- do parts.append('salesforce_changes') %}
lead_history as (
    select * from {{ ref('stg_salesforce__lead_history') }}
),

salesforce_changes as (
    select
        'salesforce_lead_history:' || lead_history.lead_history_id as change_id,
        'salesforce' as source_system,
        person_keys.lead_key,
        lead_history.changed_at,
        lead_history.old_value as previous_owner_id,
        lead_history.new_value as new_owner_id,
        lead_history.changed_by_user_id,
        coalesce(lead_history.changed_by_user_id in (
            {%- for user_id in var('crm_automation_user_ids') %}
            '{{ user_id }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
            {%- if not var('crm_automation_user_ids') %}''{% endif %}
        ), false) as is_automated
    from lead_history
    inner join person_keys
        on person_keys.record_key = 'salesforce_lead:' || lead_history.lead_id
    where
        lead_history.field_name = 'Owner'
        and (lead_history.new_value like '005%' or lead_history.new_value like '00G%')
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.append('hubspot_changes') %}
property_history as (
    select * from {{ ref('stg_hubspot__contact_property_history') }}
),

hubspot_contact_ids as (
    select * from {{ ref('int_identity__hubspot_contact_ids') }}
),

owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

{% if var('using_salesforce', true) -%}
-- depends_on: {{ ref('stg_salesforce__users') }} (read by leadflow.hubspot_owner_users)
{% endif -%}
owner_users as (
    {{ leadflow.hubspot_owner_users('owners') }}
),

hubspot_values as (
    select
        person_keys.lead_key,
        property_history.hubspot_contact_id,
        property_history.changed_at,
        property_history.change_source,
        property_history.property_value,
        case
            when nullif(trim(property_history.property_value), '') is not null
                then
                    coalesce(
                        owner_users.user_id,
                        'hubspot_owner:' || trim(property_history.property_value)
                    )
        end as owner_id
    from property_history
    inner join hubspot_contact_ids
        on property_history.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
    inner join person_keys
        on
            person_keys.record_key
            = 'hubspot_contact:' || cast(hubspot_contact_ids.surviving_contact_id as {{ dbt.type_string() }})
    left join owner_users
        on cast(owner_users.owner_id as {{ dbt.type_string() }}) = trim(property_history.property_value)
    where property_history.property_name = 'hubspot_owner_id'
),

hubspot_changes as (
    select
        'hubspot_property_history:' || cast(hubspot_contact_id as {{ dbt.type_string() }})
        || ':' || {{ leadflow.epoch_micros_text('changed_at') }} as change_id,
        'hubspot' as source_system,
        lead_key,
        changed_at,
        lag(owner_id) over (
            partition by hubspot_contact_id order by changed_at asc, property_value asc
        ) as previous_owner_id,
        owner_id as new_owner_id,
        cast(null as {{ dbt.type_string() }}) as changed_by_user_id,
        coalesce(change_source, '') <> 'CRM_UI' as is_automated
    from hubspot_values
),
{% endif %}

{% if parts %}
unioned as (
    {{ leadflow.union_all_ctes(parts) }}
),
{% else %}
unioned as (
    {{ leadflow.no_rows({
        'change_id': 'string', 'source_system': 'string', 'lead_key': 'string', 'changed_at': 'timestamp',
        'previous_owner_id': 'string', 'new_owner_id': 'string', 'changed_by_user_id': 'string',
        'is_automated': 'boolean'
    }) }}
),
{% endif %}

final as (
    select
        change_id,
        source_system,
        lead_key,
        changed_at,
        previous_owner_id,
        new_owner_id,
        changed_by_user_id,
        is_automated,
        coalesce(
            not is_automated
            and previous_owner_id is not null
            and previous_owner_id not like '00G%'
            and previous_owner_id <> coalesce(new_owner_id, ''),
            false
        ) as is_manual_reassignment
    from unioned
    where changed_at <= {{ leadflow.as_of() }}
)

select * from final
