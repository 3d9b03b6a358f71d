{#-
    What each email address last said about email through HubSpot's subscription status changes
    (an unsubscribe click is a STATUSCHANGE event whose status change says UNSUBSCRIBED): the
    latest change up to as_of whose status seeds/consent_rules.csv maps (source
    hubspot_email_subscription_status). int_identity__lead_profiles counts a person opted out
    when any of their addresses last unsubscribed, whatever the CRM's opt-out flag says yet.
-#}
with

{% if var('using_hubspot', true) %}
email_events as (
    select
        email_event_id,
        recipient_email,
        occurred_at
    from {{ ref('stg_hubspot__email_events') }}
    where
        event_type = 'STATUSCHANGE'
        and recipient_email is not null
        and occurred_at <= {{ leadflow.as_of() }}
),

status_changes as (
    select
        email_event_id,
        subscription_status
    from {{ ref('stg_hubspot__email_event_status_changes') }}
),
{% else %}
email_events as (
    {{ leadflow.no_rows({'email_event_id': 'string', 'recipient_email': 'string', 'occurred_at': 'timestamp'}) }}
),

status_changes as (
    {{ leadflow.no_rows({'email_event_id': 'string', 'subscription_status': 'string'}) }}
),
{% endif %}

rules as (
    select
        upper(value) as subscription_status,
        is_opted_out
    from {{ ref('consent_rules') }}
    where source = 'hubspot_email_subscription_status'
),

consent_events as (
    select
        email_events.recipient_email as email,
        email_events.email_event_id,
        email_events.occurred_at,
        status_changes.subscription_status,
        rules.is_opted_out
    from email_events
    inner join status_changes
        on email_events.email_event_id = status_changes.email_event_id
    inner join rules
        on status_changes.subscription_status = rules.subscription_status
),

ranked as (
    select
        *,
        row_number() over (
            partition by email
            order by occurred_at desc, email_event_id desc
        ) as recency
    from consent_events
),

final as (
    select
        email,
        subscription_status,
        is_opted_out,
        occurred_at as changed_at,
        email_event_id
    from ranked
    where recency = 1
)

select * from final
