{#-
    Every sales activity the CRMs logged on a person, up to as_of, in one shape: what the
    first_touch SLA clock (fct_lead_sla) stops on.
      salesforce task      calls, emails and to-dos (Task; touch_detail is its Type); a task
                           counts as a touch only when it is completed (IsClosed or status
                           Completed), is a call, email or meeting (Type or TaskSubtype), is not
                           an inbound call (CallType Inbound) and its subject does not match
                           var('sla_inbound_task_subject_pattern') (the prospect's reply logged
                           as a task, which intent scores as a signal): an open to-do, a task of
                           type Other or the prospect writing to us never stops a clock
      salesforce event     meetings (Event), at the time the meeting starts
      hubspot call         engagement_call, at hs_timestamp
      hubspot email        engagement_email: EMAIL (sent by the rep), FORWARDED_EMAIL, or
                           INCOMING_EMAIL (the prospect's reply: never a touch)
      hubspot meeting      engagement_meeting (a no-show, cancelled or rescheduled one is not a touch)
    counts_as_touch says which rows stop a first_touch clock: only outbound, completed activity
    (a completed outbound call, a sent email, a meeting that was held) in either CRM;
    Salesforce events count once started.
    HubSpot owners are matched to Salesforce users by email, so a rep working in both CRMs is one
    touched_by_user_id; an owner with no Salesforce user is 'hubspot_owner:<id>'. Activity on no
    known person (deleted, never loaded) is left out here: the raw rows stay counted in
    audit_row_reconciliation.
-#}
{%- set parts = [] -%}
with

person_keys as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__person_keys') }}
),

{% if var('using_salesforce', true) %}
{%- do parts.append('salesforce_touches') %}
tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

sf_events as (
    select * from {{ ref('stg_salesforce__events') }}
),

task_activity as (
    select
        'salesforce_task:' || task_id as touch_id,
        who_type,
        who_id,
        case
            when lower(task_type) like '%call%' or lower(task_subtype) = 'call' then 'call'
            when lower(task_type) like '%email%' or lower(task_subtype) in ('email', 'listemail') then 'email'
            when lower(task_type) like '%meeting%' then 'meeting'
            else 'other'
        end as touch_channel,
        coalesce(task_type, task_subtype, 'Task') as touch_detail,
        owner_id as touched_by_user_id,
        -- an inbound call, or the prospect's reply logged as a task, is them reaching us
        not coalesce(lower(call_type) = 'inbound', false)
        and not coalesce(
            {{ leadflow.regexp_matches('lower(subject)', "'" ~ var('sla_inbound_task_subject_pattern') ~ "'") }},
            false
        ) as is_outbound,
        coalesce(is_closed or lower(task_status) = 'completed', false) as is_completed,
        created_at as touched_at
    from tasks
),

salesforce_activity as (
    select
        touch_id,
        'salesforce' as source_system,
        who_type,
        who_id,
        touch_channel,
        touch_detail,
        touched_by_user_id,
        is_outbound,
        is_completed,
        touch_channel in ('call', 'email', 'meeting') and is_outbound and is_completed as counts_as_touch,
        touched_at
    from task_activity
    union all
    select
        'salesforce_event:' || event_id as touch_id,
        'salesforce' as source_system,
        who_type,
        who_id,
        'meeting' as touch_channel,
        coalesce(event_type, 'Meeting') as touch_detail,
        owner_id as touched_by_user_id,
        true as is_outbound,
        true as is_completed,
        true as counts_as_touch,
        coalesce(started_at, created_at) as touched_at
    from sf_events
),

salesforce_touches as (
    select
        person_keys.lead_key,
        activity.touch_id,
        activity.source_system,
        activity.touch_channel,
        activity.touch_detail,
        activity.touched_by_user_id,
        activity.is_outbound,
        activity.is_completed,
        activity.counts_as_touch,
        activity.touched_at
    from salesforce_activity as activity
    inner join person_keys
        on
            person_keys.record_key = case
                when activity.who_type = 'contact' then 'salesforce_contact:' || activity.who_id
                else 'salesforce_lead:' || activity.who_id
            end
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.append('hubspot_engagements') %}
calls as (
    select * from {{ ref('stg_hubspot__engagement_calls') }}
),

emails as (
    select * from {{ ref('stg_hubspot__engagement_emails') }}
),

meetings as (
    select * from {{ ref('stg_hubspot__engagement_meetings') }}
),

engagement_contacts as (
    select * from {{ ref('stg_hubspot__engagement_contacts') }}
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

engagements as (
    select
        engagement_id,
        owner_id,
        'call' as touch_channel,
        'Call' as touch_detail,
        coalesce(call_direction, 'OUTBOUND') = 'OUTBOUND' as is_outbound,
        coalesce(call_status, 'COMPLETED') = 'COMPLETED' as is_completed,
        occurred_at
    from calls
    union all
    select
        engagement_id,
        owner_id,
        'email' as touch_channel,
        'Email' as touch_detail,
        coalesce(email_direction, 'EMAIL') in ('EMAIL', 'FORWARDED_EMAIL') as is_outbound,
        coalesce(email_status, 'SENT') = 'SENT' as is_completed,
        occurred_at
    from emails
    union all
    select
        engagement_id,
        owner_id,
        'meeting' as touch_channel,
        'Meeting' as touch_detail,
        true as is_outbound,
        coalesce(meeting_outcome, 'COMPLETED') not in ('NO_SHOW', 'CANCELED', 'RESCHEDULED') as is_completed,
        occurred_at
    from meetings
),

hubspot_engagements as (
    select
        person_keys.lead_key,
        'hubspot_engagement:' || cast(engagements.engagement_id as {{ dbt.type_string() }})
        || ':' || cast(engagement_contacts.hubspot_contact_id as {{ dbt.type_string() }}) as touch_id,
        'hubspot' as source_system,
        engagements.touch_channel,
        engagements.touch_detail,
        coalesce(
            owner_users.user_id,
            'hubspot_owner:' || cast(engagements.owner_id as {{ dbt.type_string() }})
        ) as touched_by_user_id,
        engagements.is_outbound,
        engagements.is_completed,
        engagements.is_outbound and engagements.is_completed as counts_as_touch,
        engagements.occurred_at as touched_at
    from engagements
    inner join engagement_contacts
        on engagements.engagement_id = engagement_contacts.engagement_id
    inner join hubspot_contact_ids
        on engagement_contacts.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
    inner join person_keys
        on
            person_keys.record_key
            = 'hubspot_contact:' || cast(hubspot_contact_ids.surviving_contact_id as {{ dbt.type_string() }})
    left join owner_users
        on engagements.owner_id = owner_users.owner_id
),
{% endif %}

{% if parts %}
unioned as (
    {{ leadflow.union_all_ctes(parts) }}
),
{% else %}
unioned as (
    {{ leadflow.no_rows({
        'lead_key': 'string', 'touch_id': 'string', 'source_system': 'string', 'touch_channel': 'string',
        'touch_detail': 'string', 'touched_by_user_id': 'string', 'is_outbound': 'boolean',
        'is_completed': 'boolean', 'counts_as_touch': 'boolean', 'touched_at': 'timestamp'
    }) }}
),
{% endif %}

final as (
    select
        lead_key,
        touch_id,
        source_system,
        touch_channel,
        touch_detail,
        touched_by_user_id,
        is_outbound,
        is_completed,
        counts_as_touch,
        touched_at
    from unioned
    where touched_at <= {{ leadflow.as_of() }}
)

select * from final
