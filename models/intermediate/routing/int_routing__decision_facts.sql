{{ config(enabled=var('using_salesforce', true), **leadflow.delete_insert_incremental('replace_people')) }}
{#-
    The facts of every moment of int_routing__decision_moments, and the gate routing takes on
    them (leadflow.routing_gate, the same gate int_routing__lead_targets takes at as_of):
      matrix      fit grade and intent band of the moment's scores -> priority tier and action
      owner       active in Salesforce then? a rep of which team (seeds/sales_reps.csv)?
      pipeline    the account's most recently created opportunity open at the moment (created
                  by it, not closed by it) and its owner
      activity    the owner's last counted call, email or meeting within
                  var('routing_recent_activity_days') before the moment; a trial started by it
      profile     the current profile facts the rules test (int_routing__open_leads)
    Incremental by person like int_routing__decision_moments (replace_people on DuckDB, rebuilt
    whole on Spark): the people leadflow.routing_decision_people names are re-derived, the rows
    of people no longer in int_routing__decision_moments deleted.
-#}
{%- set window_start = leadflow.incremental_window_start('decided_at', var('activity_lookback_days')) -%}
-- depends_on: {{ ref('int_lifecycle__stage_changes') }} {{ ref('int_routing__owner_changes') }}
-- depends_on: {{ ref('int_identity__handle_changes') }}
with

all_moments as (
    select * from {{ ref('int_routing__decision_moments') }}
),

moments as (
    {{ leadflow.routing_decision_rows('all_moments', window_start, 'all_moments') }}
),

profiles as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_routing__open_leads') }}
),

touches as (
    select
        lead_key,
        touched_by_user_id,
        touched_at
    from {{ ref('int_sla__sales_touches') }}
    where counts_as_touch
),

trial_events as (
    {{ leadflow.trial_starts() }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

rep_availability as (
    select * from {{ ref('int_routing__rep_availability') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

cells as (
    {{ leadflow.matrix_cell('moments', 'moment_key', 'fit_score', 'intent_score', 'is_fit_known') }}
),

open_opportunities_at as (
    -- the account's most recently created opportunity that was open at the moment
    select
        moment_key,
        opportunity_id,
        owner_id
    from (
        select
            moments.moment_key,
            opportunities.opportunity_id,
            opportunities.owner_id,
            row_number() over (
                partition by moments.moment_key
                order by opportunities.created_at desc, opportunities.opportunity_id asc
            ) as opportunity_rank
        from moments
        inner join profiles
            on moments.lead_key = profiles.lead_key
        inner join opportunities
            on
                profiles.account_id = opportunities.account_id
                and moments.decided_at >= opportunities.created_at
                and (not opportunities.is_closed or cast(moments.decided_at as date) < opportunities.close_date)
    ) as ranked
    where opportunity_rank = 1
),

owner_activity_at as (
    select
        moments.moment_key,
        max(touches.touched_at) as last_owner_activity_at
    from moments
    inner join touches
        on
            moments.lead_key = touches.lead_key
            and moments.owner_at = touches.touched_by_user_id
            and moments.decided_at >= touches.touched_at
            and {{ leadflow.add_seconds('moments.decided_at', -86400 * var('routing_recent_activity_days')) }}
            <= touches.touched_at
    group by moments.moment_key
),

facts as (
    select
        moments.moment_key,
        moments.lead_key,
        moments.decided_at,
        moments.decision_trigger,
        moments.profile_fingerprint,
        moments.stage_at as current_stage,
        false as is_converted,
        moments.owner_at,
        owner_users.is_active as is_owner_active,
        owner_reps.team as owner_team,
        moments.fit_score,
        moments.intent_score,
        cells.priority_tier,
        cells.priority_action,
        profiles.is_customer,
        profiles.has_named_account,
        profiles.account_owner_id,
        profiles.country_code,
        profiles.region,
        profiles.industry,
        profiles.product_interest,
        profiles.employee_band,
        profiles.lead_source,
        profiles.account_type,
        profiles.has_account,
        profiles.territory_team,
        profiles.territory_id,
        profiles.disqualify_reason_code,
        profiles.blocked_reason,
        coalesce(trial_events.trial_started_at <= moments.decided_at, false) as has_started_trial,
        open_opportunities_at.opportunity_id as open_opportunity_id,
        open_opportunities_at.owner_id as open_opportunity_owner_id,
        owner_activity_at.last_owner_activity_at
    from moments
    inner join profiles
        on moments.lead_key = profiles.lead_key
    inner join cells
        on moments.moment_key = cells.moment_key
    left join users as owner_users
        on moments.owner_at = owner_users.user_id
    left join rep_availability as owner_reps
        on moments.owner_at = owner_reps.rep_id
    left join trial_events
        on moments.lead_key = trial_events.lead_key
    left join open_opportunities_at
        on moments.moment_key = open_opportunities_at.moment_key
    left join owner_activity_at
        on moments.moment_key = owner_activity_at.moment_key
),

gated as (
    select
        facts.*,
        {{ leadflow.routing_gate(
            'facts', 'facts.owner_at', 'facts.owner_team', 'facts.is_owner_active',
            'facts.last_owner_activity_at is not null'
        ) | indent(8) }}
    from facts
)

{{ leadflow.replace_people_select('gated', 'all_moments', window_start) }}
