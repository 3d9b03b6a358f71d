{{ config(enabled=var('using_salesforce', true)) }}
-- Nobody a rep is working loses or changes owner: a person in SAL, SQL or opportunity, or with
-- a call, email or meeting by their owner within var('routing_recent_activity_days'), whose
-- owner is an active Salesforce user, is routed to that same owner. Read from dim_leads and the
-- sales touches, not from routing's own gate, so a routing change that forgets the guardrail
-- fails here. People a rep closed (disqualified, customer) need no routing answer, and people
-- leadflow disqualifies (competitor, student, ...) are routed to nobody
-- (assert_disqualified_people_reach_no_owner). Found at 10M people: five people of customer
-- accounts, worked by their owner, whom routing leaves out, were failed for having no routing
-- row. Fails listing each person with
-- their stage, owner and routed owner.
with

leads as (
    select * from {{ ref('dim_leads') }}
),

routing as (
    select * from {{ ref('fct_lead_routing') }}
),

active_users as (
    select user_id from {{ ref('stg_salesforce__users') }}
    where is_active
),

recent_owner_activity as (
    select distinct touches.lead_key
    from {{ ref('int_sla__sales_touches') }} as touches
    inner join leads
        on touches.lead_key = leads.lead_key and touches.touched_by_user_id = leads.owner_id
    where
        touches.counts_as_touch
        and touches.touched_at <= {{ leadflow.as_of() }}
        and touches.touched_at >= {{ leadflow.add_seconds(
            leadflow.as_of(), -86400 * var('routing_recent_activity_days')
        ) }}
),

worked as (
    select
        leads.lead_key,
        leads.current_stage,
        leads.owner_id,
        recent_owner_activity.lead_key is not null as has_recent_owner_activity
    from leads
    inner join active_users
        on leads.owner_id = active_users.user_id
    left join recent_owner_activity
        on leads.lead_key = recent_owner_activity.lead_key
    where
        leads.current_stage in ('sal', 'sql', 'opportunity')
        or (
            recent_owner_activity.lead_key is not null
            and coalesce(leads.current_stage, 'lead') not in ('disqualified', 'customer')
        )
)

select
    worked.lead_key,
    worked.current_stage,
    worked.has_recent_owner_activity,
    worked.owner_id,
    routing.assigned_owner_id,
    routing.assignment_method
from worked
-- inner: people routing does not answer for at as_of (the people of a customer account without
-- an upsell signal, int_routing__open_leads.is_open) get no proposal, so no feed proposes another
-- owner for them; that every open person has a routing row is assert_every_open_person_is_routed
inner join routing
    on worked.lead_key = routing.lead_key
where
    coalesce(routing.assignment_method, '') <> 'disqualified'
    and (routing.assigned_owner_id is null or routing.assigned_owner_id <> worked.owner_id)
