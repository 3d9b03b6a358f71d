{#-
    Everything the CRMs recorded about where a person is in the lifecycle, one row per
    recorded fact, resolved to a person and mapped to a canonical stage through
    seeds/lifecycle_stage_map.csv (case-insensitive on the source value):
      stage events (event_type 'stage')
        salesforce lead.created         a lead's creation (stage lead)
        salesforce lead.status          every Status change in lead_history
        salesforce lead.converted       the conversion (leadConverted history row, else converted_date)
        salesforce opportunity.created  the opportunity a converted lead became
        salesforce opportunity.closed   that opportunity won or lost (at its close date)
        hubspot contact.lifecyclestage  every lifecyclestage change in the property history
        hubspot contact.hs_lead_status  every hs_lead_status change in the property history: a
                                        working state (working_state), which informs a stage
                                        only where the map fills lifecycle_stage, and only
                                        forward or out (moves_forward_only)
      reason events (event_type 'reason'): the free text a rep gave for an exit
        salesforce lead.rejection_reason  history of var('salesforce_rejection_reason_field'),
                                          and the lead's current rejection_reason_c stamped at
                                          its latest Status change
        hubspot contact.rejection_reason  history of var('hubspot_rejection_reason_property')
      inferred stamps, where the CRM kept no history of a field (Salesforce field history
      tracking off for Lead, or the HubSpot connector set not to sync property history): the
      record's current value, stamped once at its last modification (else its creation)
        salesforce lead.status_inferred           the lead's Status, when lead_history holds no
                                                  Status change for it
        hubspot contact.lifecyclestage_inferred   the contact's lifecyclestage, when the property
                                                  history holds none for it
        hubspot contact.hs_lead_status_inferred   likewise for hs_lead_status
        hubspot contact.rejection_reason          the current reason property, likewise
      An inferred value maps like the field it stands for (lead.status_inferred as lead.status).
      the org's own MQL date, where a var names its field (salesforce_mql_date_field,
      hubspot_mql_date_property)
        salesforce lead.mql_date, hubspot contact.mql_date   value 'set', at that date
    A stage event whose value has no row in the map keeps a null stage and is_mapped false:
    audit_unmapped_values lists it (the picklist_values_are_mapped test warns). A map row with
    an empty stage marks a value that is deliberately not a move. Facts after as_of are left out.
-#}
{%- set parts = [] -%}
{#- the record keys of int_identity__person_keys that facts come from -#}
{%- set salesforce_lead_key = 'salesforce_lead:' -%}
{%- set hubspot_contact_key = 'hubspot_contact:' -%}
with

person_keys as (
    -- only the records facts come from (Salesforce leads, HubSpot contacts): at 10M people the
    -- lookup of every record (Salesforce contacts and Segment users too, 22M) did not fit in
    -- memory beside the facts under a 12 GB limit; these 15.6M do
    select
        record_key,
        lead_key
    from {{ ref('int_identity__person_keys') }}
    where
        record_key like '{{ salesforce_lead_key }}%'
        or record_key like '{{ hubspot_contact_key }}%'
),

stage_map as (
    select * from {{ ref('lifecycle_stage_map') }}
),

stages as (
    select * from {{ ref('lifecycle_stages') }}
),

{% if var('using_salesforce', true) %}
{%- do parts.append('salesforce_events') %}
leads as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_salesforce__leads') }}
),

lead_history as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_salesforce__lead_history') }}
),

opportunities as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

lead_history_status as (
    select
        lead_id,
        max(case when lower(field_name) = 'status' then changed_at end) as last_status_change_at,
        count(case when lower(field_name) = 'status' then 1 end) as status_changes,
        min(case when lower(field_name) = 'leadconverted' then changed_at end) as converted_at
    from lead_history
    group by lead_id
),

salesforce_lead_facts as (
    select
        lead_id,
        'lead.created' as source_field,
        'created' as source_value,
        'stage' as event_type,
        'lead_created:' || lead_id as source_event_id,
        created_at as changed_at
    from leads
    union all
    select
        lead_id,
        'lead.status' as source_field,
        new_value as source_value,
        'stage' as event_type,
        lead_history_id as source_event_id,
        changed_at
    from lead_history
    where lower(field_name) = 'status'
    union all
    select
        leads.lead_id,
        'lead.status_inferred' as source_field,
        leads.status as source_value,
        'stage' as event_type,
        'lead_status_inferred:' || leads.lead_id as source_event_id,
        coalesce(leads.last_modified_at, leads.created_at) as changed_at
    from leads
    left join lead_history_status
        on leads.lead_id = lead_history_status.lead_id
    where
        coalesce(lead_history_status.status_changes, 0) = 0
        and nullif(trim(leads.status), '') is not null
    union all
    select
        lead_id,
        'lead.mql_date' as source_field,
        'set' as source_value,
        'stage' as event_type,
        'lead_mql_date:' || lead_id as source_event_id,
        mql_date_at as changed_at
    from leads
    where mql_date_at is not null
    union all
    select
        leads.lead_id,
        'lead.converted' as source_field,
        'converted' as source_value,
        'stage' as event_type,
        'lead_converted:' || leads.lead_id as source_event_id,
        coalesce(lead_history_status.converted_at, cast(leads.converted_date as timestamp)) as changed_at
    from leads
    left join lead_history_status
        on leads.lead_id = lead_history_status.lead_id
    where leads.is_converted
    union all
    select
        lead_id,
        'lead.rejection_reason' as source_field,
        new_value as source_value,
        'reason' as event_type,
        lead_history_id as source_event_id,
        changed_at
    from lead_history
    where lower(field_name) = lower('{{ var("salesforce_rejection_reason_field") }}')
    union all
    select
        leads.lead_id,
        'lead.rejection_reason' as source_field,
        leads.rejection_reason_raw as source_value,
        'reason' as event_type,
        'lead_rejection_reason:' || leads.lead_id as source_event_id,
        coalesce(lead_history_status.last_status_change_at, leads.last_modified_at) as changed_at
    from leads
    left join lead_history_status
        on leads.lead_id = lead_history_status.lead_id
    where leads.rejection_reason_raw is not null
),

salesforce_opportunity_facts as (
    select
        leads.lead_id,
        'opportunity.created' as source_field,
        'created' as source_value,
        'stage' as event_type,
        'opportunity_created:' || opportunities.opportunity_id as source_event_id,
        opportunities.created_at as changed_at
    from leads
    inner join opportunities
        on leads.converted_opportunity_id = opportunities.opportunity_id
    union all
    select
        leads.lead_id,
        'opportunity.closed' as source_field,
        case when opportunities.is_won then 'won' else 'lost' end as source_value,
        'stage' as event_type,
        'opportunity_closed:' || opportunities.opportunity_id as source_event_id,
        -- close_date is a date: a deal closed the day it was created closes after it opened
        greatest(cast(opportunities.close_date as timestamp), opportunities.created_at) as changed_at
    from leads
    inner join opportunities
        on leads.converted_opportunity_id = opportunities.opportunity_id
    where opportunities.is_closed
),

salesforce_facts as (
    select * from salesforce_lead_facts
    union all
    select * from salesforce_opportunity_facts
),

salesforce_events as (
    select
        '{{ salesforce_lead_key }}' || lead_id as record_key,
        'salesforce' as source_system,
        source_field,
        source_value,
        event_type,
        source_event_id,
        lead_id as source_record_id,
        changed_at
    from salesforce_facts
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.append('hubspot_events') %}
property_history as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_hubspot__contact_property_history') }}
),

hubspot_contact_ids as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__hubspot_contact_ids') }}
),

hubspot_contacts as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_hubspot__contacts') }}
),

properties_with_history as (
    select distinct
        hubspot_contact_ids.surviving_contact_id,
        property_history.property_name
    from property_history
    inner join hubspot_contact_ids
        on property_history.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
),

hubspot_current_values as (
    select
        hubspot_contact_id,
        'lifecyclestage' as property_name,
        'contact.lifecyclestage_inferred' as source_field,
        lifecycle_stage as source_value,
        'stage' as event_type,
        coalesce(last_modified_at, created_at) as changed_at
    from hubspot_contacts
    union all
    select
        hubspot_contact_id,
        'hs_lead_status' as property_name,
        'contact.hs_lead_status_inferred' as source_field,
        lead_status as source_value,
        'stage' as event_type,
        coalesce(last_modified_at, created_at) as changed_at
    from hubspot_contacts
    union all
    select
        hubspot_contact_id,
        '{{ var("hubspot_rejection_reason_property") }}' as property_name,
        'contact.rejection_reason' as source_field,
        rejection_reason_raw as source_value,
        'reason' as event_type,
        coalesce(last_modified_at, created_at) as changed_at
    from hubspot_contacts
),

hubspot_mql_dates as (
    select
        '{{ hubspot_contact_key }}' || cast(hubspot_contact_id as {{ dbt.type_string() }}) as record_key,
        'hubspot' as source_system,
        'contact.mql_date' as source_field,
        'set' as source_value,
        'stage' as event_type,
        cast(hubspot_contact_id as {{ dbt.type_string() }}) || ':mql_date' as source_event_id,
        cast(hubspot_contact_id as {{ dbt.type_string() }}) as source_record_id,
        mql_date_at as changed_at
    from hubspot_contacts
    where mql_date_at is not null
),

hubspot_inferred_events as (
    select
        '{{ hubspot_contact_key }}' || cast(current_values.hubspot_contact_id as {{ dbt.type_string() }}) as record_key,
        'hubspot' as source_system,
        current_values.source_field,
        current_values.source_value,
        current_values.event_type,
        cast(current_values.hubspot_contact_id as {{ dbt.type_string() }}) || ':'
        || current_values.property_name || ':inferred' as source_event_id,
        cast(current_values.hubspot_contact_id as {{ dbt.type_string() }}) as source_record_id,
        current_values.changed_at
    from hubspot_current_values as current_values
    left join properties_with_history
        on
            current_values.hubspot_contact_id = properties_with_history.surviving_contact_id
            and current_values.property_name = properties_with_history.property_name
    where
        properties_with_history.surviving_contact_id is null
        and nullif(trim(current_values.source_value), '') is not null
),

hubspot_history_events as (
    select
        '{{ hubspot_contact_key }}'
        || cast(hubspot_contact_ids.surviving_contact_id as {{ dbt.type_string() }}) as record_key,
        'hubspot' as source_system,
        case
            when property_history.property_name = '{{ var("hubspot_rejection_reason_property") }}'
                then 'contact.rejection_reason'
            else 'contact.' || property_history.property_name
        end as source_field,
        property_history.property_value as source_value,
        case
            when property_history.property_name = '{{ var("hubspot_rejection_reason_property") }}' then 'reason'
            else 'stage'
        end as event_type,
        cast(property_history.hubspot_contact_id as {{ dbt.type_string() }}) || ':'
        || property_history.property_name || ':'
        || cast(property_history.changed_at as {{ dbt.type_string() }}) as source_event_id,
        cast(hubspot_contact_ids.surviving_contact_id as {{ dbt.type_string() }}) as source_record_id,
        property_history.changed_at
    from property_history
    left join hubspot_contact_ids
        on property_history.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
    where
        property_history.property_name in (
            'lifecyclestage', 'hs_lead_status', '{{ var("hubspot_rejection_reason_property") }}'
        )
),

hubspot_events as (
    select * from hubspot_history_events
    union all
    select * from hubspot_inferred_events
    union all
    select * from hubspot_mql_dates
),
{% endif %}

unioned as (
    {{ leadflow.union_all_ctes(parts) }}
),

final as (
    -- every fact resolves to its person here, in one join: a join per source would build the
    -- record-to-person lookup four times over (at 10M people, out of memory at 12 GB)
    select
        person_keys.lead_key,
        unioned.source_system,
        unioned.source_field,
        unioned.source_value,
        unioned.event_type,
        unioned.source_event_id,
        unioned.source_record_id,
        unioned.changed_at,
        nullif(stage_map.lifecycle_stage, '') as lifecycle_stage,
        stages.stage_order,
        coalesce(stages.is_exit, false) as is_exit,
        nullif(stage_map.default_reason_code, '') as default_reason_code,
        nullif(stage_map.working_state, '') as working_state,
        coalesce(stage_map.moves_forward_only, false) as moves_forward_only,
        unioned.event_type = 'reason' or stage_map.source_value is not null as is_mapped
    from unioned
    left join person_keys
        on unioned.record_key = person_keys.record_key
    left join stage_map
        on
            unioned.event_type = 'stage'
            and unioned.source_system = stage_map.source_system
            -- an inferred value maps like the field it stands for
            and replace(unioned.source_field, '_inferred', '') = stage_map.source_field
            and lower(trim(unioned.source_value)) = stage_map.source_value
    left join stages
        on stage_map.lifecycle_stage = stages.lifecycle_stage
    where unioned.changed_at <= {{ leadflow.as_of() }}
)

select * from final
