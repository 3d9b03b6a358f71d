{#-
    Lift by decile: one row per cohort, score, outcome and decile of the score (1: the tenth of
    the cohort's MQLs with the highest scores at their MQL; int_scoring__backtest_ranks), with
    the decile's conversion, its 95% Wilson interval and its lift over the cohort's conversion.
    A good score converts most in decile 1 and least in decile 10.
-#}
with

ranks as (
    select * from {{ ref('int_scoring__backtest_ranks') }}
),

deciles as (
    select
        cohort,
        score_name,
        outcome,
        decile,
        count(*) as people,
        {{ leadflow.count_where('converted') }} as converted,
        min(score_value) as min_score,
        max(score_value) as max_score
    from ranks
    group by cohort, score_name, outcome, decile
),

cohort_rates as (
    select
        cohort,
        score_name,
        outcome,
        sum(converted) / cast(sum(people) as double) as cohort_rate
    from deciles
    group by cohort, score_name, outcome
),

final as (
    select
        deciles.cohort,
        case when deciles.cohort <> 'all' then cast(deciles.cohort as date) end as cohort_month,
        deciles.score_name,
        deciles.outcome,
        deciles.decile,
        cast(deciles.people as integer) as people,
        cast(deciles.converted as integer) as converted,
        cast({{ leadflow.round_to('deciles.converted / cast(deciles.people as double)', 4) }} as double)
            as conversion_rate,
        cast({{ leadflow.wilson_bound('deciles.converted', 'deciles.people', 'lower') }} as double)
            as conversion_rate_low,
        cast({{ leadflow.wilson_bound('deciles.converted', 'deciles.people', 'upper') }} as double)
            as conversion_rate_high,
        cast(
            {{ leadflow.round_to(
                '(deciles.converted / cast(deciles.people as double)) / nullif(cohort_rates.cohort_rate, 0)', 4
            ) }} as double
        ) as lift,
        deciles.min_score,
        deciles.max_score,
        {{ leadflow.as_of() }} as as_of
    from deciles
    inner join cohort_rates
        on
            deciles.cohort = cohort_rates.cohort
            and deciles.score_name = cohort_rates.score_name
            and deciles.outcome = cohort_rates.outcome
)

select * from final
