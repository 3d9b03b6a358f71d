{#-
    The backtest's rankings, one row per judged MQL (int_scoring__backtest_mqls), cohort, score
    and outcome: each MQL counts in its month's cohort and in the cohort 'all' (every judged
    month together), for each score (fit: fit_score; intent: intent_score; matrix: the cell's
    priority tier, tier 1 ranking highest) and outcome (sql, opportunity).
      score_rank   the average rank of the score in its cohort, lowest score 1 (tied scores share
                   the mean of their ranks): what the AUC's Mann-Whitney sum adds up
      decile       1 for the tenth with the highest scores ... 10 for the lowest; ties are split by
                   lead_key, so a decile boundary inside a run of equal scores is arbitrary but
                   the same on every engine and run
-#}
with

mqls as (
    select * from {{ ref('int_scoring__backtest_mqls') }}
),

cohort_outcomes as (
    {{ leadflow.backtest_cohort_outcomes('mqls', ['lead_key', 'fit_score', 'intent_score', 'priority_tier']) }}
),

scores as (
    {%- for score_name, expression in [
        ('fit', 'cast(fit_score as double)'),
        ('intent', 'cast(intent_score as double)'),
        ('matrix', 'cast(-priority_tier as double)')
    ] %}
    select
        cohort,
        lead_key,
        '{{ score_name }}' as score_name,
        outcome,
        {{ expression }} as score_value,
        converted
    from cohort_outcomes
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

ranked as (
    select
        cohort,
        lead_key,
        score_name,
        outcome,
        score_value,
        converted,
        rank() over (partition by cohort, score_name, outcome order by score_value asc)
        + (count(*) over (partition by cohort, score_name, outcome, score_value) - 1) / 2.0 as score_rank,
        ntile(10) over (
            partition by cohort, score_name, outcome order by score_value desc, lead_key asc
        ) as decile
    from scores
),

final as (
    select
        cohort,
        lead_key,
        score_name,
        outcome,
        score_value,
        cast(score_rank as double) as score_rank,
        cast(decile as integer) as decile,
        converted
    from ranked
)

select * from final
