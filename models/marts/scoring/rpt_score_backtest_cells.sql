{#-
    Conversion by fit x intent cell, with confidence: one row per cohort (month of the CRM's MQL,
    and 'all'), cell (fit grade and intent band at the MQL; int_scoring__backtest_mqls) and
    outcome, with the cell's conversion and its 95% Wilson interval. Two cells whose intervals do
    not overlap convert differently; a small cell's wide interval says its rate is not evidence
    yet. rpt_score_calibration has the same cells over every MQL, judged or not.
-#}
with

mqls as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_scoring__backtest_mqls') }}
),

outcomes as (
    {{ leadflow.backtest_cohort_outcomes('mqls', ['fit_grade', 'intent_band', 'priority_tier']) }}
),

cells as (
    select
        cohort,
        fit_grade,
        intent_band,
        priority_tier,
        outcome,
        count(*) as people,
        {{ leadflow.count_where('converted') }} as converted
    from outcomes
    group by cohort, fit_grade, intent_band, priority_tier, outcome
),

final as (
    select
        cohort,
        case when cohort <> 'all' then cast(cohort as date) end as cohort_month,
        fit_grade,
        intent_band,
        priority_tier,
        outcome,
        cast(people as integer) as people,
        cast(converted as integer) as converted,
        cast({{ leadflow.round_to('converted / cast(people as double)', 4) }} as double) as conversion_rate,
        cast({{ leadflow.wilson_bound('converted', 'people', 'lower') }} as double) as conversion_rate_low,
        cast({{ leadflow.wilson_bound('converted', 'people', 'upper') }} as double) as conversion_rate_high,
        {{ leadflow.as_of() }} as as_of
    from cells
)

select * from final
