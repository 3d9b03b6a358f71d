{#- DuckDB only for now: on Spark every CTE is inlined at each reference and the plan ran the
    local driver out of heap (leadflow_tools/spark.py NOT_ON_SPARK). -#}
{{ config(enabled=var('using_salesforce', true) and target.type != 'spark', **leadflow.person_incremental()) }}
{#-
    The routing decision log: one row each time a person's routing outcome (rule, method,
    team, owner) changes, so "why did this rep get this lead last Tuesday" and owner churn are
    answerable. leadflow decides at the moments a person may need a decision: every lifecycle
    move (int_lifecycle__stage_changes) and every owner change in the CRMs
    (int_routing__owner_changes). At each moment the decision is taken with the facts as of that
    moment, so the log is a function of the raw history and a rebuild reproduces it:
      stage       the stage the person was in then
      CRM owner   the owner then (owner history, as int_sla__clock_starts reads it)
      scores      intent from the scored events up to the moment, decayed to it; fit from the
                  current profile (fit facts are not historised) -> tier and action
      pipeline    the account's open opportunity then (created by the moment, not closed by it)
      activity    the owner's calls, emails and meetings in var('routing_recent_activity_days')
                  before the moment; a trial started by the moment
    and the same disqualifiers, guardrails and rules as fct_lead_routing
    (leadflow.routing_rule_matches). The owner of a team target is the current owner when they
    are an active rep of the team, else the team rep the weighted rendezvous draw prefers among
    those available that day (not out of office); capacity is not applied here (that is the
    as_of dealing of fct_lead_routing, which can give the lead to the rep with room instead).
    Not routed moments (a rep disqualified the person, or they became a customer) are logged as
    not_routed.

    Incremental (DuckDB; rebuilt whole on Spark): a run re-derives the whole history of every
    person touched since the previous run (a lifecycle move or owner change, a sales touch or
    an intent event from var('activity_lookback_days') days before the latest decision held,
    or events int_intent__scored_events rescored in this run: late rows, consent and identity
    changes) and replaces their rows (strategy replace_people); a person whose key vanished (a
    merge) has their rows deleted. Everyone else's rows stay as they are: decisions are only
    re-derived when the facts of their moment change.
-#}
{%- set window_start = leadflow.incremental_window_start('decided_at', var('activity_lookback_days')) -%}
with

-- depends_on: {{ ref('int_intent__scored_events') }} (read by leadflow.intent_points_at)
profiles as (
    -- profile_fingerprint: the current profile facts every decision of the person reads; a
    -- change (a duplicate record arrived, a country was fixed) re-derives their history
    {%- set fingerprinted = [
        'fit_score', 'disqualify_reason_code', 'blocked_reason', 'is_customer', 'has_named_account', 'account_id',
        'account_owner_id', 'account_type', 'country_code', 'region', 'industry', 'product_interest',
        'employee_band', 'lead_source', 'territory_team', 'territory_id', 'current_owner_id'
    ] %}
    {%- set parts = [] %}
    {%- for column in fingerprinted %}
    {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") %}
    {%- endfor %}
    select
        *,
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

touches as (
    select
        lead_key,
        touched_by_user_id,
        touched_at
    from {{ ref('int_sla__sales_touches') }}
    where counts_as_touch
),

trial_events as (
    select
        lead_key,
        min(occurred_at) as trial_started_at
    from {{ ref('int_intent__scored_events') }}
    where
        signal_id in (
            {%- for signal_id in var('routing_trial_signal_ids') %}
            '{{ signal_id }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )
        and occurred_at <= {{ leadflow.as_of() }}
    group by lead_key
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

rules as (
    select * from {{ ref('routing_rules') }}
),

fit_grades as (
    select * from {{ ref('fit_grade_thresholds') }}
),

intent_bands as (
    select * from {{ ref('intent_band_thresholds') }}
),

priority_matrix as (
    select * from {{ ref('priority_matrix') }}
),

rep_availability as (
    select * from {{ ref('int_routing__rep_availability') }}
),

out_of_office as (
    select * from {{ ref('out_of_office') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

active_users as (
    select user_id
    from users
    where is_active
),

all_moments as (
    select
        lead_key,
        changed_at as decided_at,
        'stage ' || lifecycle_stage as decision_trigger,
        1 as trigger_order
    from stage_changes
    union all
    select
        lead_key,
        changed_at as decided_at,
        case when is_manual_reassignment then 'manual owner change' else 'owner change' end as decision_trigger,
        2 as trigger_order
    from owner_changes
),

{% if window_start %}
touched_people as (
    -- whose history this run re-derives: anyone with a moment, a touch or an intent event in
    -- the lookback window, or with events rescored by this run
    select lead_key from all_moments
    where decided_at >= cast('{{ window_start }}' as timestamp)
    union
    select lead_key from touches
    where touched_at >= cast('{{ window_start }}' as timestamp)
    union
    select lead_key from {{ ref('int_intent__scored_events') }}
    where occurred_on >= cast('{{ window_start }}' as date) or scored_through >= {{ leadflow.as_of() }}
    union
    select stored.lead_key
    from (
        select distinct
            lead_key,
            profile_fingerprint
        from {{ this }}
    ) as stored
    inner join profiles
        on stored.lead_key = profiles.lead_key
    where stored.profile_fingerprint <> profiles.profile_fingerprint
),

moments_in_scope as (
    select all_moments.*
    from all_moments
    inner join touched_people
        on all_moments.lead_key = touched_people.lead_key
),
{% else %}
moments_in_scope as (
    select * from all_moments
),
{% endif %}

moments as (
    -- one decision per person and moment (a move and an owner change at the same instant)
    select
        lead_key || ':' || cast({{ leadflow.epoch_seconds('decided_at') }} as {{ dbt.type_string() }}) as moment_key,
        lead_key,
        decided_at,
        min_by(decision_trigger, trigger_order) as decision_trigger
    from moments_in_scope
    group by lead_key, decided_at
),

stage_at as (
    select
        moments.moment_key,
        max_by(stage_changes.lifecycle_stage, stage_changes.change_number) as stage_at
    from moments
    inner join stage_changes
        on moments.lead_key = stage_changes.lead_key and moments.decided_at >= stage_changes.changed_at
    group by moments.moment_key
),

owners_at as (
    {{ leadflow.owner_at_moments('moments', 'moment_key', 'decided_at', 'owner_changes') }}
),

intent_at as (
    {{ leadflow.intent_points_at('moments', 'moment_key', 'decided_at') }}
),

dated as (
    select
        moments.*,
        profiles.fit_score,
        stage_at.stage_at,
        case
            when owners_at.has_owner_change then owners_at.owner_id
            else profiles.current_owner_id
        end as owner_at,
        {{ leadflow.round_to('least(100, greatest(0, coalesce(intent_at.intent_points, 0)))', 2) }} as intent_score
    from moments
    inner join profiles
        on moments.lead_key = profiles.lead_key
    left join stage_at
        on moments.moment_key = stage_at.moment_key
    inner join owners_at
        on moments.moment_key = owners_at.moment_key
    left join intent_at
        on moments.moment_key = intent_at.moment_key
),

graded as (
    {{ leadflow.label_by_threshold('dated', 'moment_key', 'fit_score', 'fit_grades', 'min_fit_score', 'fit_grade') }}
),

banded as (
    {{ leadflow.label_by_threshold(
        'dated', 'moment_key', 'intent_score', 'intent_bands', 'min_intent_score', 'intent_band'
    ) }}
),

open_opportunities_at as (
    -- the account's most recently created opportunity that was open at the moment
    select
        moment_key,
        opportunity_id,
        owner_id
    from (
        select
            dated.moment_key,
            opportunities.opportunity_id,
            opportunities.owner_id,
            row_number() over (
                partition by dated.moment_key
                order by opportunities.created_at desc, opportunities.opportunity_id asc
            ) as opportunity_rank
        from dated
        inner join profiles
            on dated.lead_key = profiles.lead_key
        inner join opportunities
            on
                profiles.account_id = opportunities.account_id
                and dated.decided_at >= opportunities.created_at
                and (not opportunities.is_closed or cast(dated.decided_at as date) < opportunities.close_date)
    ) as ranked
    where opportunity_rank = 1
),

owner_activity_at as (
    select
        dated.moment_key,
        max(touches.touched_at) as last_owner_activity_at
    from dated
    inner join touches
        on
            dated.lead_key = touches.lead_key
            and dated.owner_at = touches.touched_by_user_id
            and dated.decided_at >= touches.touched_at
            and {{ leadflow.add_seconds('dated.decided_at', -86400 * var('routing_recent_activity_days')) }}
            <= touches.touched_at
    group by dated.moment_key
),

facts as (
    select
        dated.moment_key,
        dated.lead_key,
        dated.decided_at,
        dated.decision_trigger,
        profiles.profile_fingerprint,
        dated.stage_at as current_stage,
        false as is_converted,
        dated.owner_at,
        owner_users.is_active as is_owner_active,
        owner_reps.team as owner_team,
        dated.fit_score,
        dated.intent_score,
        cast(priority_matrix.priority_tier as integer) as priority_tier,
        priority_matrix.action as priority_action,
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
        coalesce(trial_events.trial_started_at <= dated.decided_at, false) as has_started_trial,
        open_opportunities_at.opportunity_id as open_opportunity_id,
        open_opportunities_at.owner_id as open_opportunity_owner_id,
        owner_activity_at.last_owner_activity_at
    from dated
    inner join profiles
        on dated.lead_key = profiles.lead_key
    inner join graded
        on dated.moment_key = graded.moment_key
    inner join banded
        on dated.moment_key = banded.moment_key
    inner join priority_matrix
        on graded.fit_grade = priority_matrix.fit_grade and banded.intent_band = priority_matrix.intent_band
    left join users as owner_users
        on dated.owner_at = owner_users.user_id
    left join rep_availability as owner_reps
        on dated.owner_at = owner_reps.rep_id
    left join trial_events
        on dated.lead_key = trial_events.lead_key
    left join open_opportunities_at
        on dated.moment_key = open_opportunities_at.moment_key
    left join owner_activity_at
        on dated.moment_key = owner_activity_at.moment_key
),

gated as (
    -- the gates of int_routing__lead_targets, on the facts of the moment
    select
        facts.*,
        case
            when facts.disqualify_reason_code is not null then 'disqualified'
            when facts.current_stage in ('disqualified', 'customer') then 'not_routed'
            when
                coalesce(facts.is_owner_active, false)
                and (facts.current_stage in ('sal', 'sql', 'opportunity') or facts.last_owner_activity_at is not null)
                then 'kept_working_owner'
            when facts.blocked_reason is not null then 'blocked'
            when
                coalesce(facts.is_owner_active, false)
                and facts.owner_team is not null
                and coalesce(facts.current_stage, 'lead') <> 'mql'
                then 'kept_current_owner'
            else 'needs_rule'
        end as gate,
        case
            when facts.disqualify_reason_code is not null then facts.disqualify_reason_code
            when facts.current_stage in ('disqualified', 'customer') then 'closed_' || facts.current_stage
            when coalesce(facts.is_owner_active, false) and facts.current_stage in ('sal', 'sql', 'opportunity')
                then 'working_stage'
            when coalesce(facts.is_owner_active, false) and facts.last_owner_activity_at is not null
                then 'recent_owner_activity'
            when facts.blocked_reason is not null then 'missing_required_fields'
            when facts.owner_at is null then 'owner_blank'
            when facts.owner_at like '00G%' then 'owner_is_queue'
            when not coalesce(facts.is_owner_active, false) then 'owner_inactive'
            when facts.owner_team is null then 'owner_not_a_rep'
            when coalesce(facts.current_stage, 'lead') = 'mql' then 'awaiting_acceptance'
            else 'owned_not_awaiting_decision'
        end as reason_code,
        coalesce(facts.current_stage in ('sal', 'sql', 'opportunity'), false) as is_orphaned_pipeline
    from facts
),

rule_matches as (
    {{ leadflow.routing_rule_matches('gated', 'moment_key') }}
),

targets as (
    select
        gated.*,
        rule_matches.rule_id,
        rule_matches.target_type,
        rule_matches.rule_description,
        case
            when rule_matches.target_type = 'account_owner' then gated.account_owner_id
            when rule_matches.target_type = 'opportunity_owner' then gated.open_opportunity_owner_id
        end as owner_by_rule,
        case
            when gated.gate in ('kept_working_owner', 'kept_current_owner') then gated.owner_team
            when rule_matches.target_type in ('nurture', 'suppress') then 'marketing'
            when rule_matches.target_type in ('team', 'queue') then rule_matches.target_team
            when rule_matches.target_type = 'territory' then coalesce(gated.territory_team, 'unassigned_territory')
        end as team_by_rule
    from gated
    left join rule_matches
        on gated.moment_key = rule_matches.moment_key and rule_matches.rule_rank = 1
),

reps_on_the_day as (
    -- reps who could take a lead on the moment's date: available in the seed, active, not away
    select
        targets.moment_key,
        targets.lead_key,
        rep_availability.rep_id,
        rep_availability.weight
    from targets
    inner join rep_availability
        on
            targets.team_by_rule = rep_availability.team
            and rep_availability.is_available
            and rep_availability.is_active_in_crm
    left join out_of_office
        on
            rep_availability.rep_id = out_of_office.rep_id
            and cast(targets.decided_at as date) between out_of_office.from_date and out_of_office.to_date
    where
        targets.target_type in ('team', 'territory')
        and not targets.is_orphaned_pipeline
        and out_of_office.rep_id is null
),

rendezvous as (
    select
        moment_key,
        rep_id
    from (
        select
            moment_key,
            rep_id,
            row_number() over (
                partition by moment_key
                order by
                    -ln({{ leadflow.stable_uniform("lead_key || '|' || rep_id") }}) / weight asc,
                    rep_id asc
            ) as preference
        from reps_on_the_day
    ) as ranked
    where preference = 1
),

decided as (
    select
        targets.*,
        case
            when targets.gate in ('kept_working_owner', 'kept_current_owner') then targets.owner_at
            when targets.owner_by_rule is not null then targets.owner_by_rule
            when targets.target_type in ('team', 'territory') and kept.rep_id is not null then kept.rep_id
            when targets.target_type in ('team', 'territory') then rendezvous.rep_id
        end as assigned_owner_id,
        case
            when targets.gate <> 'needs_rule' then targets.gate
            when targets.target_type in ('account_owner', 'opportunity_owner', 'nurture', 'suppress', 'queue')
                then targets.target_type
            when kept.rep_id is not null then 'kept_current_owner'
            when rendezvous.rep_id is not null then 'round_robin'
            else 'team_queue'
        end as assignment_method
    from targets
    left join rep_availability as kept
        on
            targets.owner_at = kept.rep_id
            and targets.team_by_rule = kept.team
            and kept.is_active_in_crm
            and targets.target_type in ('team', 'territory')
    left join rendezvous
        on targets.moment_key = rendezvous.moment_key
),

compared as (
    select
        decided.*,
        lag(decided.routing_outcome) over (
            partition by decided.lead_key order by decided.decided_at asc
        ) as previous_outcome
    from (
        select
            *,
            concat_ws(
                '|',
                coalesce(rule_id, '-'),
                assignment_method,
                coalesce(team_by_rule, '-'),
                coalesce(assigned_owner_id, '-')
            ) as routing_outcome
        from decided
    ) as decided
),

changes as (
    -- the moments whose outcome differs from the one before (the first moment always)
    select *
    from compared
    where previous_outcome is null or previous_outcome <> routing_outcome
),

logged as (
    select
        changes.lead_key,
        changes.decided_at,
        changes.decision_trigger,
        changes.current_stage as stage_at_decision,
        changes.rule_id as routing_rule_id,
        changes.assignment_method,
        changes.reason_code as routing_reason_code,
        changes.team_by_rule as assigned_team,
        changes.assigned_owner_id,
        changes.owner_at as crm_owner_id,
        lag(changes.assigned_owner_id) over (
            partition by changes.lead_key order by changes.decided_at asc
        ) as previous_assigned_owner_id,
        lag(changes.assignment_method) over (
            partition by changes.lead_key order by changes.decided_at asc
        ) as previous_assignment_method,
        changes.priority_tier,
        changes.priority_action,
        cast(changes.intent_score as double) as intent_score,
        changes.profile_fingerprint,
        changes.decision_trigger || ': '
        || case changes.assignment_method
            when 'disqualified' then 'disqualified (' || changes.reason_code || '), no owner'
            when 'not_routed' then 'not routed (' || changes.current_stage || ')'
            when 'kept_working_owner' then 'kept with the owner working it (' || changes.reason_code || ')'
            when 'kept_current_owner' then 'kept with the current owner (' || changes.reason_code || ')'
            when 'blocked' then 'blocked: ' || changes.blocked_reason
            when 'round_robin'
                then changes.rule_description || ': team ' || changes.team_by_rule || ', weighted round robin'
            when 'team_queue' then changes.rule_description || ': team ' || changes.team_by_rule || ', team queue'
            else changes.rule_description
        end as decision_reason
    from changes
),

{% if window_start %}
final as (
    select * from logged
    union all
    -- people whose key no longer exists (merged into another): their stored rows are deleted
    select
        stored.lead_key,
        {%- for column in ['decided_at', 'decision_trigger', 'stage_at_decision', 'routing_rule_id',
                           'assignment_method', 'routing_reason_code', 'assigned_team', 'assigned_owner_id',
                           'crm_owner_id', 'previous_assigned_owner_id', 'previous_assignment_method',
                           'priority_tier', 'priority_action', 'intent_score', 'profile_fingerprint',
                           'decision_reason'] %}
        {%- set null_type = {'decided_at': 'timestamp', 'priority_tier': 'integer', 'intent_score': 'double'} %}
        cast(null as {{ null_type.get(column, dbt.type_string()) }}) as {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from (select distinct lead_key from {{ this }}) as stored
    left join profiles
        on stored.lead_key = profiles.lead_key
    where profiles.lead_key is null
)
{% else %}
final as (
    select * from logged
)
{% endif %}

select * from final
