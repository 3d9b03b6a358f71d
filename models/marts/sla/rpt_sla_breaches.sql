{#-
    The list a manager acts on: every SLA clock that is past due or due soon, with the owner
    responsible when the clock started (a breach is charged to them, not to whoever holds the
    person today), their team, the lead, its priority at the MQL, how far over it is, what is
    missing and, on an open breach, the rep routing recommends instead (fct_lead_routing
    reroute_owner_id: the next eligible rep of the team by the same weighted round robin).
    Open breaches (open_breached) need action now; due_soon clocks can still be met; past
    breaches (breached) were answered late and stay for coaching and reporting.
-#}
with

clocks as {{ leadflow.not_materialized() }} (
    select * from {{ ref('fct_lead_sla') }}
    where status in ('breached', 'open_breached', 'due_soon')
),

{% if var('using_salesforce', true) %}
routing as (
    select
        lead_key,
        reroute_owner_id,
        reroute_reason
    from {{ ref('fct_lead_routing') }}
),
{% else %}
routing as (
    {{ leadflow.no_rows({'lead_key': 'string', 'reroute_owner_id': 'string', 'reroute_reason': 'string'}) }}
),
{% endif %}

leads as (
    select * from {{ ref('dim_leads') }}
),

stage_changes as (
    select * from {{ ref('int_lifecycle__stage_changes') }}
),

{% if var('using_salesforce', true) %}
users as (
    select
        user_id,
        user_name
    from {{ ref('stg_salesforce__users') }}
),
{% else %}
users as (
    {{ leadflow.no_rows({'user_id': 'string', 'user_name': 'string'}) }}
),
{% endif %}

reasonless_exits as (
    -- exits without a reason code after a clock started: rejected, but not in a way that counts
    select
        clocks.sla_clock_id,
        min(stage_changes.changed_at) as rejected_without_reason_at
    from clocks
    inner join stage_changes
        on
            clocks.lead_key = stage_changes.lead_key
            and clocks.started_at <= stage_changes.changed_at
            and stage_changes.is_exit
            and stage_changes.reason_code is null
    where clocks.clock_id = 'accept_or_reject'
    group by clocks.sla_clock_id
),

final as (
    select
        clocks.sla_clock_id,
        clocks.lead_key,
        clocks.clock_id,
        clocks.status,
        clocks.status in ('open_breached', 'due_soon') as is_open,
        clocks.team,
        clocks.owner_id,
        users.user_name as owner_name,
        coalesce(leads.first_name || ' ', '') || coalesce(leads.last_name, '') as lead_name,
        leads.company,
        leads.email,
        clocks.priority_tier,
        clocks.priority_action,
        clocks.started_at,
        clocks.due_at,
        clocks.stopped_at,
        clocks.minutes_overdue,
        cast({{ leadflow.round_to('clocks.minutes_overdue / 60.0', 1) }} as double) as hours_overdue,
        case
            when clocks.status = 'breached' then 'Answered late: ' || clocks.stop_detail
            when clocks.status = 'due_soon'
                then
                    'Due soon (' || cast(clocks.due_at as {{ dbt.type_string() }}) || ' UTC): '
                    || case
                        when clocks.clock_id = 'accept_or_reject' then 'accept the MQL, or reject it with a reason code'
                        else 'a first call, email or meeting'
                    end
            when reasonless_exits.rejected_without_reason_at is not null
                then
                    'A reason code: the lead was rejected without one on '
                    || cast(cast(reasonless_exits.rejected_without_reason_at as date) as {{ dbt.type_string() }})
            when clocks.clock_id = 'accept_or_reject' then 'Accept the MQL, or reject it with a reason code'
            else 'A first call, email or meeting'
        end as what_is_missing,
        case when clocks.status = 'open_breached' then routing.reroute_owner_id end as reroute_owner_id,
        case when clocks.status = 'open_breached' then routing.reroute_reason end as reroute_reason,
        clocks.as_of
    from clocks
    left join leads
        on clocks.lead_key = leads.lead_key
    left join users
        on clocks.owner_id = users.user_id
    left join reasonless_exits
        on clocks.sla_clock_id = reasonless_exits.sla_clock_id
    left join routing
        on clocks.lead_key = routing.lead_key
)

select * from final
