{{ config(**leadflow.day_partitioned_incremental('occurred_on')) }}
{#-
    Every behavioural event up to as_of, in one shape, keyed by the handle that names its
    person (not by the person: identity is resolved at scoring time, so a late identify or a
    merge re-attributes old events without rebuilding this table):
      page_view        Segment page views by path, bots excluded   handle segment_user / anonymous
      track            Segment product events by event name         handle segment_user / anonymous
      form             HubSpot form submissions by page path        handle hubspot_contact
      campaign_member  '<campaign type>:<member status>'            handle salesforce_record
      email_event      HubSpot email events by type                 handle email (the recipient)
      task             Salesforce tasks by subject                  handle salesforce_record

    Incremental: the largest table in the project grows by a day of events a day. A run re-reads
    whole UTC days from `activity_lookback_days` (default 3) before the latest event it already
    holds and replaces those days, so events that arrive up to that late land exactly where a
    full refresh would put them. An as_of earlier than what the table holds is refused (rebuild
    with --full-refresh).
-#}
{%- set window_start = leadflow.incremental_window_start('occurred_at', var('activity_lookback_days')) -%}
{%- set window_predicate = "occurred_at >= cast('" ~ window_start ~ "' as timestamp)" if window_start else 'true' -%}
{%- set parts = [] -%}
with

{% if var('using_segment', true) %}
{%- do parts.append('segment_events') %}
segment_events as (
    select
        'page_view' as source,
        page_view_id as source_event_id,
        'segment_user' as handle_type,
        user_id as handle_id,
        anonymous_id,
        page_path as signal_key,
        occurred_at
    from {{ ref('stg_segment__pages') }}
    where not is_bot
    union all
    select
        'track' as source,
        track_id as source_event_id,
        'segment_user' as handle_type,
        user_id as handle_id,
        anonymous_id,
        lower(event_name) as signal_key,
        occurred_at
    from {{ ref('stg_segment__tracks') }}
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.extend(['form_submissions', 'email_events']) %}
form_submissions as (
    select
        'form' as source,
        conversion_id as source_event_id,
        'hubspot_contact' as handle_type,
        cast(hubspot_contact_id as {{ dbt.type_string() }}) as handle_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        page_path as signal_key,
        submitted_at as occurred_at
    from {{ ref('stg_hubspot__form_submissions') }}
),

email_events as (
    select
        'email_event' as source,
        email_event_id as source_event_id,
        'email' as handle_type,
        recipient_email as handle_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        lower(event_type) as signal_key,
        occurred_at
    from {{ ref('stg_hubspot__email_events') }}
),
{% endif %}

{% if var('using_salesforce', true) %}
{%- do parts.extend(['campaign_responses', 'sales_tasks']) %}
campaign_responses as (
    select
        'campaign_member' as source,
        members.campaign_member_id as source_event_id,
        'salesforce_record' as handle_type,
        coalesce(members.lead_id, members.contact_id) as handle_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        lower(campaigns.campaign_type) || ':' || lower(members.member_status) as signal_key,
        members.created_at as occurred_at
    from {{ ref('stg_salesforce__campaign_members') }} as members
    inner join {{ ref('stg_salesforce__campaigns') }} as campaigns
        on members.campaign_id = campaigns.campaign_id
),

sales_tasks as (
    select
        'task' as source,
        task_id as source_event_id,
        'salesforce_record' as handle_type,
        who_id as handle_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        lower(subject) as signal_key,
        created_at as occurred_at
    from {{ ref('stg_salesforce__tasks') }}
),
{% endif %}

unioned as (
    {{ leadflow.union_all_ctes(parts) }}
),

final as (
    select
        source || ':' || source_event_id as event_id,
        source,
        source_event_id,
        handle_type,
        handle_id,
        anonymous_id,
        signal_key,
        occurred_at,
        cast(occurred_at as date) as occurred_on
    from unioned
    where
        occurred_at <= {{ leadflow.as_of() }}
        and {{ window_predicate }}
)

select * from final
