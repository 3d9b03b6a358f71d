{#-
    Does the fit x intent matrix predict pipeline? For every person who reached MQL: the
    intent band they had at that moment (fct_lead_funnel.intent_band_at_mql, rebuilt point
    in time from their events up to mql_at) and their fit grade (fct_lead_funnel.fit_grade_at_mql:
    needs_enrichment when the fit was not known enough), then per matrix cell how many MQLs went
    on to SQL and to an opportunity, and how fast (sales velocity: median days from the MQL to
    SQL and to an opportunity). The fit is the one as of the MQL where HubSpot property history
    holds title, size or industry, else the current profile (fit_from_history_count says how
    many of the cell's MQLs used history). Every cell of seeds/priority_matrix.csv has a row, the needs_enrichment
    cells included, empty cells with zero MQLs.
-#}
with

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
    where mql_at is not null
),

priority_matrix as (
    select * from {{ ref('priority_matrix') }}
),

mqls as (
    select
        funnel.lead_key,
        -- what the MQL became: an SQL or opportunity at or after it (one reached only in an
        -- earlier cycle, before the MQL, is not its outcome)
        funnel.days_mql_to_sql is not null as reached_sql,
        funnel.days_mql_to_opportunity is not null as reached_opportunity,
        funnel.fit_score_at_mql as fit_score,
        funnel.fit_source_at_mql,
        funnel.fit_grade_at_mql as fit_grade,
        funnel.intent_score_at_mql,
        funnel.intent_band_at_mql,
        funnel.days_mql_to_sql,
        funnel.days_mql_to_opportunity
    from funnel
),

cells as (
    select
        mqls.fit_grade,
        mqls.intent_band_at_mql as intent_band,
        count(*) as mql_count,
        {{ leadflow.count_where('mqls.reached_sql') }} as sql_count,
        {{ leadflow.count_where('mqls.reached_opportunity') }} as opportunity_count,
        {{ leadflow.avg_to('mqls.fit_score', 2) }} as avg_fit_score,
        {{ leadflow.count_where("mqls.fit_source_at_mql = 'property_history'") }} as fit_from_history_count,
        {{ leadflow.avg_to('mqls.intent_score_at_mql', 2) }} as avg_intent_score_at_mql,
        {{ leadflow.median_to('mqls.days_mql_to_sql', 2) }} as median_days_mql_to_sql,
        {{ leadflow.median_to('mqls.days_mql_to_opportunity', 2) }} as median_days_mql_to_opportunity
    from mqls
    group by mqls.fit_grade, mqls.intent_band_at_mql
),

scoring_version as (
    select max(model_version) as scoring_model_version
    from {{ ref('fit_scoring_rules') }}
),

final as (
    select
        priority_matrix.fit_grade,
        priority_matrix.intent_band,
        cast(priority_matrix.priority_tier as integer) as priority_tier,
        priority_matrix.action as priority_action,
        cast(coalesce(cells.mql_count, 0) as integer) as mql_count,
        cast(coalesce(cells.sql_count, 0) as integer) as sql_count,
        cast(coalesce(cells.opportunity_count, 0) as integer) as opportunity_count,
        cast({{ leadflow.round_to('cells.sql_count / nullif(cast(cells.mql_count as double), 0)', 4) }} as double)
            as mql_to_sql_rate,
        cast(
            {{ leadflow.round_to('cells.opportunity_count / nullif(cast(cells.mql_count as double), 0)', 4) }}
            as double
        ) as mql_to_opportunity_rate,
        cast(cells.avg_fit_score as double) as avg_fit_score,
        cast(cells.avg_intent_score_at_mql as double) as avg_intent_score_at_mql,
        cast(cells.median_days_mql_to_sql as double) as median_days_mql_to_sql,
        cast(cells.median_days_mql_to_opportunity as double) as median_days_mql_to_opportunity,
        cast(coalesce(cells.fit_from_history_count, 0) as integer) as fit_from_history_count,
        scoring_version.scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from priority_matrix
    left join cells
        on priority_matrix.fit_grade = cells.fit_grade and priority_matrix.intent_band = cells.intent_band
    cross join scoring_version
)

select * from final
