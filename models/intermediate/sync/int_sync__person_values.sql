{#-
    The values leadflow writes back to the CRMs, one row per person, under leadflow's own names
    (the sync models rename them to each CRM's field API names, seeds/sync_fields.csv).
    Consent: an opted-out person's intent score already counts explicit hand-raises only
    (fct_intent_signals), so it may be written; nothing finer-grained about their behaviour
    (pages, email engagement, last signal time) is ever written back. email_consent is written
    too: its change_rule (consent) makes the sync resend a person who opted out at once, so the
    CRM never keeps behaviour-based scores for someone who objected.
    The account's priority is not written to people: it goes to the account records
    (int_sync__account_values); on people it would resend everyone at an account whose intent
    band moves (measured: 2.6% -> 7.1% of people a day, docs/accounts_and_backtest.md).
-#}
with

leads as (
    select * from {{ ref('dim_leads') }}
),

{% if var('using_salesforce', true) %}
routing as (
    select * from {{ ref('fct_lead_routing') }}
),
{% else %}
routing as (
    -- routing needs Salesforce (reps, accounts, opportunities): without it nobody is routed
    {{ leadflow.no_rows({
        'lead_key': 'string', 'assigned_owner_id': 'string', 'routing_reason': 'string',
        'assignment_method': 'string', 'reroute_owner_id': 'string'
    }) }}
),
{% endif %}

final as (
    select
        leads.lead_key,
        leads.fit_score,
        leads.fit_grade,
        {{ leadflow.round_to('leads.intent_score', 1) }} as intent_score,
        leads.intent_band,
        leads.priority_tier,
        routing.assigned_owner_id as routed_owner_id,
        routing.routing_reason,
        routing.assignment_method as routing_method,
        routing.reroute_owner_id,
        leads.scoring_model_version,
        case when leads.is_opted_out then 'opted_out' else 'subscribed' end as email_consent,
        cast(cast(leads.latest_score_qualified_at as date) as {{ dbt.type_string() }}) as score_qualified_on,
        leads.recommended_lifecycle_action,
        leads.next_action
    from leads
    left join routing
        on leads.lead_key = routing.lead_key
)

select * from final
