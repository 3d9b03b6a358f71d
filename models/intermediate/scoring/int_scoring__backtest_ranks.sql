{#-
    The backtest's rankings, one row per judged MQL (int_scoring__backtest_mqls), cohort, score
    and outcome: each MQL counts in its month's cohort and in the cohort 'all' (every judged
    month together), for each score (fit: fit_score; intent: intent_score; matrix: the cell's
    priority tier, tier 1 ranking highest) and outcome (sql, opportunity).
      score_rank   the average rank of the score in its cohort, lowest score 1 (tied scores share
                   the mean of their ranks): what the AUC's Mann-Whitney sum adds up
      decile       1 for the tenth with the highest scores ... 10 for the lowest, by the rank of
                   the score from the top (ceil(10 * rank / MQLs)): equal scores share a decile, so
                   a score held by more than a tenth of the cohort fills a decile of its own and
                   leaves the next ones empty (the matrix tier has four values: its 'deciles' are
                   its tiers), never split at random between two
-#}
with

mqls as {{ leadflow.not_materialized() }} (
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
        ceil(
            10.0 * rank() over (partition by cohort, score_name, outcome order by score_value desc)
            / count(*) over (partition by cohort, score_name, outcome)
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
