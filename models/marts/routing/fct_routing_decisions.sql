{{ config(enabled=var('using_salesforce', true), **leadflow.delete_insert_incremental('replace_people')) }}
{#-
    The routing decision log: one row each time a person's routing outcome (rule, method,
    team, owner) changes, so "why did this rep get this lead last Tuesday" and owner churn are
    answerable. leadflow decides at the moments a person may need a decision: every lifecycle
    move and every owner change in the CRMs (int_routing__decision_moments), with the facts as
    of that moment and the gate taken on them (int_routing__decision_facts: stage, CRM owner,
    decayed intent and the matrix, open opportunity, recent owner activity, trial), so the log
    is a function of the raw history and a rebuild reproduces it. Here: the rules of
    seeds/routing_rules.csv (leadflow.routing_rule_matches, as fct_lead_routing) and the owner.
    The owner of a team target is the current owner when they are an active rep of the team,
    else the team rep the weighted rendezvous draw prefers among those available that day (not
    out of office); capacity is not applied here (that is the as_of dealing of fct_lead_routing,
    which can give the lead to the rep with room instead). Not routed moments (a rep
    disqualified the person, or they became a customer) are logged as not_routed.

    Incremental by person (replace_people on DuckDB, rebuilt whole on Spark), like the two tables
    it reads: a run re-derives the whole history of the people leadflow.routing_decision_people
    names and replaces their rows; people no longer in int_routing__decision_facts (merged) have
    their rows deleted. Everyone else's rows stay as they are: decisions are only re-derived
    when the facts of their moment change.
-#}
{%- set window_start = leadflow.incremental_window_start('decided_at', var('activity_lookback_days')) -%}
-- depends_on: {{ ref('int_lifecycle__stage_changes') }} {{ ref('int_routing__owner_changes') }}
-- depends_on: {{ ref('int_identity__handle_changes') }}
-- depends_on: {{ ref('int_sla__sales_touches') }} {{ ref('int_intent__scored_events') }}
with

{# Several steps read the facts of the moments (all of them on a full build): DuckDB would copy
    the whole table, every column of every row, before any step projects; inlined, each scans only
    its columns (the copy spilled more than 26 GB at 10M people). On an incremental run the facts
    of the people touched (gated) are a small copy worth keeping. #}
all_facts as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_routing__decision_facts') }}
),

gated as {{ leadflow.not_materialized() if not window_start }} (
    {{ leadflow.routing_decision_rows('all_facts', window_start, 'all_facts') }}
),

rules as (
    select * from {{ ref('routing_rules') }}
),

rep_availability as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_routing__rep_availability') }}
),

out_of_office as (
    select * from {{ ref('out_of_office') }}
),

active_users as (
    select user_id
    from {{ ref('stg_salesforce__users') }}
    where is_active
),

rule_matches as (
    {{ leadflow.routing_rule_matches('gated', 'moment_key') }}
),

targets as (
    -- only the columns the owner and the outcome need: the log's other columns are joined back
    -- to the moments whose outcome changed (logged)
    select
        gated.moment_key,
        gated.lead_key,
        gated.decided_at,
        gated.gate,
        gated.owner_at,
        gated.is_orphaned_pipeline,
        rule_matches.rule_id,
        rule_matches.target_type,
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
                order by {{ leadflow.rendezvous_order('lead_key', 'rep_id', 'weight') }}
            ) as preference
        from reps_on_the_day
    ) as ranked
    where preference = 1
),

decided as (
    select
        targets.moment_key,
        targets.lead_key,
        targets.decided_at,
        targets.rule_id,
        targets.team_by_rule,
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
    -- the moments whose outcome differs from the one before (the first moment always), with the
    -- outcome they replace
    select
        moment_key,
        rule_id,
        assignment_method,
        team_by_rule,
        assigned_owner_id,
        lag(assigned_owner_id) over (partition by lead_key order by decided_at asc) as previous_assigned_owner_id,
        lag(assignment_method) over (partition by lead_key order by decided_at asc) as previous_assignment_method
    from compared
    where previous_outcome is null or previous_outcome <> routing_outcome
),

logged as (
    select
        gated.lead_key,
        gated.decided_at,
        gated.decision_trigger,
        gated.current_stage as stage_at_decision,
        changes.rule_id as routing_rule_id,
        changes.assignment_method,
        gated.reason_code as routing_reason_code,
        changes.team_by_rule as assigned_team,
        changes.assigned_owner_id,
        gated.owner_at as crm_owner_id,
        changes.previous_assigned_owner_id,
        changes.previous_assignment_method,
        gated.priority_tier,
        gated.priority_action,
        cast(gated.intent_score as double) as intent_score,
        gated.profile_fingerprint,
        gated.decision_trigger || ': '
        || case changes.assignment_method
            when 'disqualified' then 'disqualified (' || gated.reason_code || '), no owner'
            when 'not_routed' then 'not routed (' || gated.current_stage || ')'
            when 'kept_working_owner' then 'kept with the owner working it (' || gated.reason_code || ')'
            when 'kept_current_owner' then 'kept with the current owner (' || gated.reason_code || ')'
            when 'blocked' then 'blocked: ' || gated.blocked_reason
            when 'round_robin'
                then rules.description || ': team ' || changes.team_by_rule || ', weighted round robin'
            when 'team_queue' then rules.description || ': team ' || changes.team_by_rule || ', team queue'
            else rules.description
        end as decision_reason
    from changes
    inner join gated
        on changes.moment_key = gated.moment_key
    left join rules
        on changes.rule_id = rules.rule_id
)

{{ leadflow.replace_people_select('logged', 'all_facts', window_start) }}
