{{ config(**leadflow.day_partitioned_incremental('occurred_on')) }}
{#-
    Every behavioural event up to as_of that an intent signal can score, in one shape, keyed by
    the handle that names its person (not by the person: identity is resolved at scoring time,
    so a late identify or a merge re-attributes old events without rebuilding this table):
      page_view        Segment page views by path, bots excluded   handle segment_user / anonymous
                       (stg_segment__pages.is_bot's rule, once per user agent)
      track            Segment product events by event name         handle segment_user / anonymous
      form             HubSpot form submissions by page path        handle hubspot_contact
      campaign_member  '<campaign type>:<member status>'            handle salesforce_record
                       dated at the response (first_responded_date) when the member
                       responded, with '<campaign type>:registered' at creation its own event
      email_event      HubSpot email events by type (unsubscribe:   handle email (the recipient)
                       a STATUSCHANGE to UNSUBSCRIBED)
      task             Salesforce tasks by subject                  handle salesforce_record

    Only events whose signal key matches a pattern of seeds/intent_signals.csv (for their
    source) are kept: at 1M people about half of all events (email sends and deliveries, blog
    and docs views, log-ins) can never score, and writing them was the largest single cost of a
    full build. Every row carries signal_patterns_hash, the fingerprint of the pattern set it
    was filtered with; an incremental run under other patterns is refused (--full-refresh), as
    events the new patterns match may have been left out.

    Incremental: the largest table in the project grows by a day of events a day. A run re-reads
    whole UTC days from `activity_lookback_days` (default 3) before the latest event it already
    holds and replaces those days, so events that arrive up to that late land exactly where a
    full refresh would put them. An as_of earlier than what the table holds is refused (rebuild
    with --full-refresh).
-#}
{%- set window_start = leadflow.incremental_window_start('occurred_at', var('activity_lookback_days')) -%}
{%- set window_predicate = "occurred_at >= cast('" ~ window_start ~ "' as timestamp)" if window_start else 'true' -%}
{%- if window_start -%}
{%- do leadflow.refuse_changed_signal_patterns(this, ref('intent_signals')) -%}
{%- endif -%}
{%- set parts = [] -%}
{#- The event CTEs below, their union and its filters are NOT MATERIALIZED (leadflow.not_materialized;
    nothing on Spark, which inlines every CTE): DuckDB 2.0 otherwise materialized the union (the
    signal match's decorrelated `exists` reads it again), about 94M rows at 1M people: the query
    wrote 7.6 GB instead of the table's 1.3 GB. Inlined, and with bots decided once per agent
    (bot_agents), the model took 35.0 s alone instead of 60.4 s (docs/scale.md). The page views
    feed both the union and bot_agents, each reading only its columns; bot_agents (read once) and
    campaign_members (read by both campaign branches, and small) stay plain CTEs. -#}
with

signal_patterns as (
    select
        source,
        match_pattern
    from {{ ref('intent_signals') }}
),

pattern_set as (
    select {{ leadflow.signal_patterns_hash('source', 'match_pattern') }} as signal_patterns_hash
    from signal_patterns
),

{% if var('using_segment', true) %}
{%- do parts.append('segment_events') %}
page_views as {{ leadflow.not_materialized() }} (
    select
        page_view_id,
        user_id,
        anonymous_id,
        page_path,
        user_agent,
        occurred_at
    from {{ ref('stg_segment__pages') }}
    where
        occurred_at <= {{ leadflow.as_of() }}
        and {{ window_predicate }}
),

bot_agents as (
    -- stg_segment__pages.is_bot's rule (leadflow.is_bot_user_agent) decided once per distinct
    -- user agent, not per page view: the regular expression on every view's agent was 16.4 of
    -- the model's 127.7 operator seconds at 1M people (55M page views, 8 distinct agents in the
    -- generated data; real traffic has thousands, still far fewer than its views). The agent is
    -- taken through an aggregate (min of one value) on purpose: DuckDB pushes a filter on a
    -- grouping column below the grouping, back onto every page view.
    select user_agent
    from (
        select min(user_agent) as user_agent
        from page_views
        where user_agent is not null
        group by user_agent
    ) as agents
    where {{ leadflow.is_bot_user_agent('user_agent') }}
),

segment_events as {{ leadflow.not_materialized() }} (
    select
        'page_view' as source,
        page_views.page_view_id as source_event_id,
        'segment_user' as handle_type,
        page_views.user_id as handle_id,
        page_views.anonymous_id,
        page_views.page_path as signal_key,
        page_views.occurred_at
    from page_views
    left join bot_agents
        on page_views.user_agent = bot_agents.user_agent
    where bot_agents.user_agent is null
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
form_submissions as {{ leadflow.not_materialized() }} (
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

email_events as {{ leadflow.not_materialized() }} (
    -- HubSpot records an unsubscribe as a STATUSCHANGE event whose status change says UNSUBSCRIBED
    select
        'email_event' as source,
        email_events.email_event_id as source_event_id,
        'email' as handle_type,
        email_events.recipient_email as handle_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        case
            when email_events.event_type = 'STATUSCHANGE' and status_changes.subscription_status = 'UNSUBSCRIBED'
                then 'unsubscribe'
            else lower(email_events.event_type)
        end as signal_key,
        email_events.occurred_at
    from {{ ref('stg_hubspot__email_events') }} as email_events
    left join {{ ref('stg_hubspot__email_event_status_changes') }} as status_changes
        on email_events.email_event_id = status_changes.email_event_id
),
{% endif %}

{% if var('using_salesforce', true) %}
{%- do parts.extend(['campaign_registrations', 'campaign_responses', 'sales_tasks']) %}
campaign_members as (
    select
        members.campaign_member_id,
        coalesce(members.lead_id, members.contact_id) as handle_id,
        lower(campaigns.campaign_type) as campaign_type,
        lower(members.member_status) as member_status,
        members.created_at,
        -- first_responded_date is a date: the response is dated at the start of that UTC day,
        -- never before the member was added
        case
            when members.has_responded and members.first_responded_date is not null
                then greatest(members.created_at, cast(members.first_responded_date as timestamp))
        end as responded_at
    from {{ ref('stg_salesforce__campaign_members') }} as members
    inner join {{ ref('stg_salesforce__campaigns') }} as campaigns
        on members.campaign_id = campaigns.campaign_id
),

campaign_registrations as {{ leadflow.not_materialized() }} (
    -- a member who responded was first registered: that is its own event, at creation
    select
        'campaign_member' as source,
        campaign_member_id || ':registered' as source_event_id,
        'salesforce_record' as handle_type,
        handle_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        campaign_type || ':registered' as signal_key,
        created_at as occurred_at
    from campaign_members
    where responded_at is not null
),

campaign_responses as {{ leadflow.not_materialized() }} (
    -- the member's status, dated at the response (first_responded_date) when they responded
    -- (attended, downloaded, responded), else at creation (registered, no show)
    select
        'campaign_member' as source,
        campaign_member_id as source_event_id,
        'salesforce_record' as handle_type,
        handle_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        campaign_type || ':' || member_status as signal_key,
        coalesce(responded_at, created_at) as occurred_at
    from campaign_members
),

sales_tasks as {{ leadflow.not_materialized() }} (
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

unioned as {{ leadflow.not_materialized() }} (
    {{ leadflow.union_all_ctes(parts) }}
),

in_window as {{ leadflow.not_materialized() }} (
    select * from unioned
    where
        occurred_at <= {{ leadflow.as_of() }}
        and {{ window_predicate }}
),

scoreable as {{ leadflow.not_materialized() }} (
    -- the match int_intent__scored_events picks a signal by (any pattern of the event's source)
    select in_window.*
    from in_window
    where exists (
        select 1
        from signal_patterns
        where {{ leadflow.signal_key_matches('in_window', 'signal_patterns') }}
    )
),

final as (
    select
        scoreable.source || ':' || scoreable.source_event_id as event_id,
        scoreable.source,
        scoreable.source_event_id,
        scoreable.handle_type,
        scoreable.handle_id,
        scoreable.anonymous_id,
        scoreable.signal_key,
        scoreable.occurred_at,
        cast(scoreable.occurred_at as date) as occurred_on,
        pattern_set.signal_patterns_hash,
        {{ leadflow.as_of() }} as _run_as_of
    from scoreable
    cross join pattern_set
)

select * from final
