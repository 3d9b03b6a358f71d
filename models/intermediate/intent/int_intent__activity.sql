{{ config(materialized='view') }}
{#-
    Every behavioural event resolved to a person, in one shape (source, source_event_id,
    lead_key, signal_key, occurred_at), ready to be matched against seeds/intent_signals.csv:
      page_view        Segment page views by path (bots excluded; anonymous views count once
                       the anonymous id is identified)
      track            Segment product events by event name
      form             HubSpot form submissions by page path (merged contact ids resolved)
      campaign_member  Salesforce campaign membership as '<campaign type>:<member status>'
      email_event      HubSpot email events by type, matched to a person by recipient email
      task             Salesforce tasks by subject (a rep logging a reply)
    Events after as_of are left out here, so a rebuild with a past as_of reproduces that day.
    Events nobody can be resolved to carry a null lead_key and score nothing. A view: the
    scoring model reads it once.
-#}
{%- set parts = [] -%}
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

email_keys as (
    select distinct
        email,
        lead_key
    from record_keys
    where email is not null
),

{% if var('using_segment', true) %}
{%- do parts.append('resolved_segment_events') %}
segment_user_keys as (
    select
        record_id as user_id,
        lead_key
    from record_keys
    where record_type = 'segment_user'
),

anonymous_ids as (
    select * from {{ ref('int_identity__anonymous_ids') }}
),

segment_events as (
    select
        page_view_id as source_event_id,
        user_id,
        anonymous_id,
        'page_view' as source,
        page_path as signal_key,
        occurred_at
    from {{ ref('stg_segment__pages') }}
    where not is_bot
    union all
    select
        track_id as source_event_id,
        user_id,
        anonymous_id,
        'track' as source,
        lower(event_name) as signal_key,
        occurred_at
    from {{ ref('stg_segment__tracks') }}
),

resolved_segment_events as (
    select
        segment_events.source_event_id,
        coalesce(segment_user_keys.lead_key, anonymous_ids.lead_key) as lead_key,
        segment_events.source,
        segment_events.signal_key,
        segment_events.occurred_at
    from segment_events
    left join segment_user_keys
        on segment_events.user_id = segment_user_keys.user_id
    left join anonymous_ids
        on segment_events.anonymous_id = anonymous_ids.anonymous_id
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.extend(['form_submissions', 'email_events']) %}
hubspot_contact_ids as (
    select * from {{ ref('int_identity__hubspot_contact_ids') }}
),

hubspot_keys as (
    select
        cast(record_id as bigint) as hubspot_contact_id,
        lead_key
    from record_keys
    where record_type = 'hubspot_contact'
),

form_submissions as (
    select
        submissions.conversion_id as source_event_id,
        hubspot_keys.lead_key,
        'form' as source,
        submissions.page_path as signal_key,
        submissions.submitted_at as occurred_at
    from {{ ref('stg_hubspot__form_submissions') }} as submissions
    left join hubspot_contact_ids
        on submissions.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
    left join hubspot_keys
        on hubspot_contact_ids.surviving_contact_id = hubspot_keys.hubspot_contact_id
),

email_events as (
    select
        events.email_event_id as source_event_id,
        email_keys.lead_key,
        'email_event' as source,
        lower(events.event_type) as signal_key,
        events.occurred_at
    from {{ ref('stg_hubspot__email_events') }} as events
    left join email_keys
        on events.recipient_email = email_keys.email
),
{% endif %}

{% if var('using_salesforce', true) %}
{%- do parts.extend(['campaign_responses', 'sales_tasks']) %}
salesforce_keys as (
    select
        record_id,
        lead_key
    from record_keys
    where record_type in ('salesforce_lead', 'salesforce_contact')
),

campaign_responses as (
    select
        members.campaign_member_id as source_event_id,
        salesforce_keys.lead_key,
        'campaign_member' as source,
        lower(campaigns.campaign_type) || ':' || lower(members.member_status) as signal_key,
        members.created_at as occurred_at
    from {{ ref('stg_salesforce__campaign_members') }} as members
    inner join {{ ref('stg_salesforce__campaigns') }} as campaigns
        on members.campaign_id = campaigns.campaign_id
    left join salesforce_keys
        on coalesce(members.lead_id, members.contact_id) = salesforce_keys.record_id
),

sales_tasks as (
    select
        tasks.task_id as source_event_id,
        salesforce_keys.lead_key,
        'task' as source,
        lower(tasks.subject) as signal_key,
        tasks.created_at as occurred_at
    from {{ ref('stg_salesforce__tasks') }} as tasks
    left join salesforce_keys
        on tasks.who_id = salesforce_keys.record_id
),
{% endif %}

unioned as (
    {{ leadflow.union_all_ctes(parts) }}
),

final as (
    select
        source,
        source_event_id,
        lead_key,
        signal_key,
        occurred_at
    from unioned
    where occurred_at <= {{ leadflow.as_of() }}
)

select * from final
