{#-
    How well did each score rank the MQLs who converted? One row per cohort (month of the CRM's
    MQL, and 'all' judged months together), score (fit, intent, matrix: the cell's priority tier)
    and outcome (reached SQL / an opportunity within var('backtest_outcome_days') days), with the
    scores as they stood at the MQL (int_scoring__backtest_mqls: nothing later enters):
      auc                 the chance that a converted MQL outscored one that did not (ties count
                          half): 0.5 is a coin, 1 a perfect ranking; the Mann-Whitney U over
                          int_scoring__backtest_ranks' average ranks, null without both kinds
      top_decile_*        conversion of the tenth with the highest scores, and its lift over the
                          cohort's rate (rpt_score_backtest_deciles has every decile)
-#}
with

ranks as (
    select * from {{ ref('int_scoring__backtest_ranks') }}
),

scoring_version as (
    select max(model_version) as scoring_model_version
    from {{ ref('fit_scoring_rules') }}
),

totals as (
    select
        cohort,
        score_name,
        outcome,
        count(*) as people,
        {{ leadflow.count_where('converted') }} as converted,
        sum(case when converted then score_rank else 0 end) as converted_rank_sum,
        {{ leadflow.count_where('decile = 1') }} as top_decile_people,
        {{ leadflow.count_where('decile = 1 and converted') }} as top_decile_converted
    from ranks
    group by cohort, score_name, outcome
),

final as (
    select
        totals.cohort,
        case when totals.cohort <> 'all' then cast(totals.cohort as date) end as cohort_month,
        totals.score_name,
        totals.outcome,
        {{ var('backtest_outcome_days') }} as outcome_days,
        cast(totals.people as integer) as people,
        cast(totals.converted as integer) as converted,
        cast({{ leadflow.round_to('totals.converted / cast(totals.people as double)', 4) }} as double)
            as conversion_rate,
        cast(
            {{ leadflow.round_to(
                '(totals.converted_rank_sum - totals.converted * (totals.converted + 1) / 2.0)'
                ~ ' / nullif(cast(totals.converted as double) * (totals.people - totals.converted), 0)',
                4
            ) }} as double
        ) as auc,
        cast(totals.top_decile_people as integer) as top_decile_people,
        cast(
            {{ leadflow.round_to(
                'totals.top_decile_converted / nullif(cast(totals.top_decile_people as double), 0)', 4
            ) }} as double
        ) as top_decile_conversion_rate,
        cast(
            {{ leadflow.round_to(
                '(totals.top_decile_converted / nullif(cast(totals.top_decile_people as double), 0))'
                ~ ' / nullif(totals.converted / cast(totals.people as double), 0)',
                4
            ) }} as double
        ) as top_decile_lift,
        scoring_version.scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from totals
    cross join scoring_version
)

select * from final
