{#-
    The people a backtest may judge: one row per CRM MQL whose outcome window has closed, with
    the scores as they stood at the MQL and what the MQL became within
    var('backtest_outcome_days') days. Nothing known after the MQL enters a score:
      fit_score / fit_grade   fct_lead_funnel's fit as of the MQL (int_scoring__fit_at_mql:
                              HubSpot property history where it holds the input, else the
                              current profile; fit_source says which)
      intent_score / band     the intent rebuilt from the person's events up to mql_at
      priority_tier           seeds/priority_matrix.csv's tier of that (fit grade, intent band)
    Cohorts are months of mql_at. A cohort is judged only when its whole month plus the outcome
    window lies before as_of: a younger cohort's MQLs have not had the time to convert, and
    counting them would read slow conversions as failures.
-#}
with

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
    where mql_at is not null
),

priority_matrix as (
    select * from {{ ref('priority_matrix') }}
),

horizon as (
    -- the first month whose MQLs may still be inside their outcome window
    select
        cast({{ dbt.date_trunc(
            'month', leadflow.add_days('cast(' ~ leadflow.as_of() ~ ' as date)', -var('backtest_outcome_days'))
        ) }} as date) as first_open_month
),

final as (
    select
        funnel.lead_key,
        cast({{ dbt.date_trunc('month', 'funnel.mql_at') }} as date) as cohort_month,
        funnel.mql_at,
        funnel.fit_score_at_mql as fit_score,
        funnel.fit_grade_at_mql as fit_grade,
        funnel.fit_source_at_mql as fit_source,
        funnel.intent_score_at_mql as intent_score,
        funnel.intent_band_at_mql as intent_band,
        cast(priority_matrix.priority_tier as integer) as priority_tier,
        coalesce(funnel.days_mql_to_sql <= {{ var('backtest_outcome_days') }}, false) as reached_sql,
        coalesce(funnel.days_mql_to_opportunity <= {{ var('backtest_outcome_days') }}, false) as reached_opportunity
    from funnel
    cross join horizon
    left join priority_matrix
        on
            funnel.fit_grade_at_mql = priority_matrix.fit_grade
            and funnel.intent_band_at_mql = priority_matrix.intent_band
    where cast({{ dbt.date_trunc('month', 'funnel.mql_at') }} as date) < horizon.first_open_month
)

select * from final
