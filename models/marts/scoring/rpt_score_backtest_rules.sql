{#-
    Which fit rules mark MQLs that convert? One row per cohort (month of the CRM's MQL, and
    'all'), seeds/fit_scoring_rules.csv rule and outcome: the judged MQLs the rule fired for at
    their MQL (int_scoring__backtest_features) and how many converted, with a 95% Wilson interval,
    against the MQLs it did not fire for, and the lift (rate with / rate without). A rule whose
    lift is far from what its points say is what scripts/suggest_weights.py re-weighs; every rule
    has a row per cohort, a rule that never fired with 0 MQLs.
-#}
with

mqls as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_scoring__backtest_mqls') }}
),

fired as (
    select
        lead_key,
        feature as rule_id
    from {{ ref('int_scoring__backtest_features') }}
    where feature_type = 'fit_rule'
),

rules as (
    select * from {{ ref('fit_scoring_rules') }}
),

outcomes as (
    {{ leadflow.backtest_cohort_outcomes('mqls', ['lead_key']) }}
),

cohort_totals as (
    select
        cohort,
        outcome,
        count(*) as people,
        {{ leadflow.count_where('converted') }} as converted
    from outcomes
    group by cohort, outcome
),

with_rule as (
    select
        outcomes.cohort,
        outcomes.outcome,
        fired.rule_id,
        count(*) as people,
        {{ leadflow.count_where('outcomes.converted') }} as converted
    from outcomes
    inner join fired
        on outcomes.lead_key = fired.lead_key
    group by outcomes.cohort, outcomes.outcome, fired.rule_id
),

grid as (
    select
        cohort_totals.cohort,
        cohort_totals.outcome,
        rules.rule_id,
        rules.points,
        coalesce(with_rule.people, 0) as people_with,
        coalesce(with_rule.converted, 0) as converted_with,
        cohort_totals.people - coalesce(with_rule.people, 0) as people_without,
        cohort_totals.converted - coalesce(with_rule.converted, 0) as converted_without
    from cohort_totals
    cross join rules
    left join with_rule
        on
            cohort_totals.cohort = with_rule.cohort
            and cohort_totals.outcome = with_rule.outcome
            and rules.rule_id = with_rule.rule_id
),

final as (
    select
        cohort,
        case when cohort <> 'all' then cast(cohort as date) end as cohort_month,
        rule_id,
        cast(points as integer) as current_points,
        outcome,
        cast(people_with as integer) as people_with_rule,
        cast(converted_with as integer) as converted_with_rule,
        cast({{ leadflow.round_to('converted_with / nullif(cast(people_with as double), 0)', 4) }} as double)
            as conversion_rate_with_rule,
        cast({{ leadflow.wilson_bound('converted_with', 'people_with', 'lower') }} as double)
            as conversion_rate_with_rule_low,
        cast({{ leadflow.wilson_bound('converted_with', 'people_with', 'upper') }} as double)
            as conversion_rate_with_rule_high,
        cast(people_without as integer) as people_without_rule,
        cast(
            {{ leadflow.round_to('converted_without / nullif(cast(people_without as double), 0)', 4) }} as double
        ) as conversion_rate_without_rule,
        cast(
            {{ leadflow.round_to(
                '(converted_with / nullif(cast(people_with as double), 0))'
                ~ ' / nullif(converted_without / nullif(cast(people_without as double), 0), 0)',
                4
            ) }} as double
        ) as lift,
        {{ leadflow.as_of() }} as as_of
    from grid
)

select * from final
