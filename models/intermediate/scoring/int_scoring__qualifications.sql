{#-
    leadflow's own MQL, evaluated over time: one row per qualification, the first moment in a
    lifecycle cycle at which a person's scores met seeds/qualification_rules.csv.
      moments        int_scoring__qualification_moments (kept per person): the counted scored
                     events of a person whose profile can qualify at which the intent, decayed
                     to the event, reached the minimum (intent rises only at an event, so the
                     first moment the minimum is met is an event)
      fit_score      the current profile's fit (int_scoring__fit: the connectors keep no
                     history of title, size or industry on most records)
      the rule       the matrix cell (leadflow.matrix_cell) qualifies (priority_matrix.qualifies),
                     fit and intent at least the minimums, the fit known (not needs_enrichment),
                     every required field present, and the person not a customer or
                     disqualified at that moment (a terminal stage)
    A cycle starts with the person's first record and again at each recycle: the first
    qualifying event after a recycle is a new qualification (qualification_number 2, ...). An
    event at the very instant of the recycle belongs to the cycle before.
-#}
with

fit as (
    select * from {{ ref('int_scoring__fit') }}
),

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

stage_changes as (
    select * from {{ ref('int_lifecycle__stage_changes') }}
    where changed_at <= {{ leadflow.as_of() }}
),

stages as (
    select * from {{ ref('lifecycle_stages') }}
),

rules as {{ leadflow.not_materialized() }} (
    select * from {{ ref('qualification_rules') }}
),

required_fields as (
    -- every field the rule requires is present (the rule names fields '|'-separated)
    select
        profiles.lead_key,
        {{ leadflow.has_required_fields('profiles', 'rules.required_fields') | indent(4) }} as has_required_fields
    from profiles
    cross join rules
),

intent_met as (
    -- the moments whose intent reached the minimum (int_scoring__qualification_moments): only
    -- these can qualify, so the stage, the cell and the key are worked out for them alone
    select
        lead_key || ':' || {{ leadflow.epoch_micros_text('qualified_at') }} as moment_key,
        lead_key,
        qualified_at,
        intent_score
    from {{ ref('int_scoring__qualification_moments') }}
    where qualified_at is not null and qualified_at <= {{ leadflow.as_of() }}
),

stage_at as (
    -- the stage just before the moment, and how many recycles came before it
    select
        intent_met.moment_key,
        max_by(stage_changes.lifecycle_stage, stage_changes.change_number) as stage_at,
        {{ leadflow.count_where("stage_changes.lifecycle_stage = 'recycled'") }} as recycles_before
    from intent_met
    inner join stage_changes
        on intent_met.lead_key = stage_changes.lead_key and intent_met.qualified_at > stage_changes.changed_at
    group by intent_met.moment_key
),

scored_moments as (
    select
        intent_met.moment_key,
        intent_met.lead_key,
        intent_met.qualified_at,
        stage_at.stage_at,
        coalesce(stage_at.recycles_before, 0) as recycle_cycle,
        fit.fit_score,
        fit.is_fit_known,
        intent_met.intent_score
    from intent_met
    inner join fit
        on intent_met.lead_key = fit.lead_key
    left join stage_at
        on intent_met.moment_key = stage_at.moment_key
),

cells as (
    {{ leadflow.matrix_cell('scored_moments', 'moment_key', 'fit_score', 'intent_score', 'is_fit_known') }}
),

qualifying as (
    select
        scored_moments.*,
        cells.fit_grade,
        cells.intent_band,
        cells.priority_action,
        rules.rule_id as qualification_rule_id,
        rules.model_version as scoring_model_version,
        row_number() over (
            partition by scored_moments.lead_key, scored_moments.recycle_cycle
            order by scored_moments.qualified_at
        ) as rank_in_cycle
    from scored_moments
    inner join cells
        on scored_moments.moment_key = cells.moment_key
    inner join required_fields
        on scored_moments.lead_key = required_fields.lead_key
    cross join rules
    left join stages
        on scored_moments.stage_at = stages.lifecycle_stage
    where
        cells.is_qualifying_cell
        and scored_moments.is_fit_known
        and scored_moments.fit_score >= rules.min_fit_score
        and scored_moments.intent_score >= rules.min_intent_score
        and not coalesce(stages.is_terminal, false)
        and required_fields.has_required_fields
),

final as (
    select
        {{ leadflow.hash_key('moment_key') }} as qualification_id,
        lead_key,
        cast(
            row_number() over (partition by lead_key order by qualified_at, recycle_cycle) as integer
        ) as qualification_number,
        qualified_at,
        cast(recycle_cycle as integer) as recycle_cycle,
        stage_at as stage_before,
        fit_score,
        fit_grade,
        cast(intent_score as double) as intent_score,
        intent_band,
        priority_action,
        qualification_rule_id,
        scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from qualifying
    where rank_in_cycle = 1
)

select * from final
