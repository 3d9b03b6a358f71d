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

mqls as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_scoring__backtest_mqls') }}
),

cohorts as (
    select
        cast(mqls.cohort_month as {{ dbt.type_string() }}) as cohort,
        mqls.*
    from mqls
    union all
    select
        'all' as cohort,
        mqls.*
    from mqls
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
        {{ expression }} as score_value,
        reached_sql,
        reached_opportunity
    from cohorts
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
        score_value,
        reached_sql,
        reached_opportunity,
        rank() over (partition by cohort, score_name order by score_value asc)
        + (count(*) over (partition by cohort, score_name, score_value) - 1) / 2.0 as score_rank,
        ntile(10) over (partition by cohort, score_name order by score_value desc, lead_key asc) as decile
    from scores
),

final as (
    select
        ranked.cohort,
        ranked.lead_key,
        ranked.score_name,
        outcomes.outcome,
        ranked.score_value,
        cast(ranked.score_rank as double) as score_rank,
        cast(ranked.decile as integer) as decile,
        case outcomes.outcome when 'sql' then ranked.reached_sql else ranked.reached_opportunity end as converted
    from ranked
    cross join (
        select 'sql' as outcome
        union all
        select 'opportunity' as outcome
    ) as outcomes
)

select * from final
