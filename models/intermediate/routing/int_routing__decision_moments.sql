{{ config(enabled=var('using_salesforce', true), **leadflow.delete_insert_incremental('replace_people')) }}
{#-
    The moments at which leadflow takes a routing decision for a person, for the decision log
    (fct_routing_decisions): every lifecycle move (int_lifecycle__stage_changes) and every CRM
    owner change (int_routing__owner_changes), one row per person and instant (a move and an
    owner change at the same instant are one moment; the move names it), with what the person
    was then:
      stage_at        the lifecycle stage then
      owner_at        the CRM owner then (leadflow.owner_at, as int_sla__clock_starts reads it:
                      the latest change's new owner, before the first change the owner it
                      replaced; nobody changed it: the current owner)
      intent_score    the scored events up to the moment, decayed to it (the sum dim_leads
                      takes at as_of, taken at the moment)
      fit_score       the current profile's (fit facts are not historised by the connectors)
    profile_fingerprint: the current profile facts every decision of the person reads
    (int_routing__open_leads); a change (a duplicate record arrived, a country was fixed)
    re-derives their history.

    The first of three tables (moments, facts, the log) so that each stays a small plan on Spark,
    which inlines every CTE at each reference. Incremental by person (replace_people, DuckDB;
    rebuilt whole on Spark): a run re-derives every moment of the people
    leadflow.routing_decision_people names (touched since var('activity_lookback_days') days
    before the latest moment held, rescored, or whose profile changed) and deletes the rows of
    people whose key vanished (a merge).
-#}
{%- set window_start = leadflow.incremental_window_start('decided_at', var('activity_lookback_days')) -%}
-- depends_on: {{ ref('int_intent__scored_events') }} {{ ref('int_sla__sales_touches') }}
-- depends_on: {{ ref('int_intent__signal_events') }}
-- depends_on: {{ ref('int_identity__handle_changes') }}
with

profiles as (
    {%- set fingerprinted = [
        'fit_score', 'is_fit_known', 'disqualify_reason_code', 'blocked_reason', 'is_customer', 'has_named_account', 'account_id',
        'account_owner_id', 'account_type', 'country_code', 'region', 'industry', 'product_interest',
        'employee_band', 'lead_source', 'territory_team', 'territory_id', 'current_owner_id'
    ] %}
    {%- set parts = [] %}
    {%- for column in fingerprinted %}
    {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") %}
    {%- endfor %}
    select
        lead_key,
        fit_score,
        is_fit_known,
        current_owner_id,
        {{ leadflow.hash_key("concat_ws('|', " ~ parts | join(', ') ~ ")") }} as profile_fingerprint
    from {{ ref('int_routing__open_leads') }}
),

stage_changes as (
    select
        lead_key,
        change_number,
        changed_at,
        lifecycle_stage
    from {{ ref('int_lifecycle__stage_changes') }}
    where changed_at <= {{ leadflow.as_of() }}
),

owner_changes as (
    select * from {{ ref('int_routing__owner_changes') }}
),

all_changes as (
    -- every lifecycle move and owner change, each with what it set
    select
        lead_key,
        changed_at as decided_at,
        'stage ' || lifecycle_stage as decision_trigger,
        -- a lifecycle move wins the instant, and of moves recorded together (conversion to SQL
        -- and the opportunity in one second) the last: the stage the person reached
        1000000000 - change_number as trigger_order,
        change_number,
        lifecycle_stage,
        {{ leadflow.no_owner_change_columns() | indent(8) }}
    from stage_changes
    union all
    select
        lead_key,
        changed_at as decided_at,
        case when is_manual_reassignment then 'manual owner change' else 'owner change' end as decision_trigger,
        case when is_manual_reassignment then 2000000000 else 3000000000 end as trigger_order,
        cast(null as bigint) as change_number,
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        -- owner changes in time order, those of one instant by change_id
        {{ leadflow.owner_change_columns('owner_changes') | indent(8) }}
    from owner_changes
),

changes_in_scope as (
    {{ leadflow.routing_decision_rows('all_changes', window_start, 'profiles') }}
),

states_after_changes as (
    -- after each change, what the person's changes up to its instant (those of the same instant
    -- included) made them: one pass over each person's changes in time order, where a join of
    -- every moment with every earlier change held 7M pairs at 1M people
    --   stage_so_far   the stage of the latest move (by change_number)
    --   owner_*        the owner state (leadflow.owner_states; read by leadflow.owner_at)
    select
        lead_key,
        decided_at,
        decision_trigger,
        trigger_order,
        max_by(lifecycle_stage, change_number) over (
            partition by lead_key order by decided_at range between unbounded preceding and current row
        ) as stage_so_far,
        {{ leadflow.owner_states('decided_at') | indent(8) }}
    from changes_in_scope
),

moments as (
    -- one per person and instant; every change of the instant carries the same states
    select
        lead_key,
        decided_at,
        min_by(decision_trigger, trigger_order) as decision_trigger,
        max(stage_so_far) as stage_at,
        max(owner_so_far) as owner_so_far,
        max(owner_changes_so_far) as owner_changes_so_far,
        max(owner_before_changes) as owner_before_changes,
        max(owner_changes) as owner_changes
    from states_after_changes
    group by lead_key, decided_at
),

intent_at as (
    {{ leadflow.intent_points_at('moments', none, 'decided_at') }}
),

dated as (
    select
        moments.lead_key || ':' || {{ leadflow.epoch_micros_text('moments.decided_at') }} as moment_key,
        moments.lead_key,
        moments.decided_at,
        moments.decision_trigger,
        moments.stage_at,
        {{ leadflow.owner_at('moments', 'profiles.current_owner_id') | indent(8) }} as owner_at,
        {{ leadflow.intent_score('intent_at.intent_points') }} as intent_score,
        profiles.fit_score,
        profiles.is_fit_known,
        profiles.profile_fingerprint
    from moments
    inner join profiles
        on moments.lead_key = profiles.lead_key
    left join intent_at
        on moments.lead_key = intent_at.lead_key and moments.decided_at = intent_at.decided_at
)

{{ leadflow.replace_people_select('dated', 'profiles', window_start) }}
