-- Every (account stage, fit grade, intent band) an account can have matches exactly one row of
-- seeds/account_priority_matrix.csv ('*' matches any): dim_accounts joins it, so a gap would lose
-- the account and an overlap would duplicate it. Fails listing each combination and how many
-- rows match it.
with

stages as (
    select distinct account_stage from {{ ref('account_priority_matrix') }}
    union
    select 'none' as account_stage
    union
    select 'open_opportunity' as account_stage
    union
    select 'customer' as account_stage
),

grades as (
    select fit_grade from {{ ref('account_fit_grade_thresholds') }}
    union
    select 'needs_enrichment' as fit_grade
),

bands as (
    select intent_band from {{ ref('intent_band_thresholds') }}
),

combinations as (
    select
        stages.account_stage,
        grades.fit_grade,
        bands.intent_band
    from stages
    cross join grades
    cross join bands
),

matches as (
    select
        combinations.account_stage,
        combinations.fit_grade,
        combinations.intent_band,
        count(matrix.action) as matching_rows
    from combinations
    left join {{ ref('account_priority_matrix') }} as matrix
        on
            combinations.account_stage = matrix.account_stage
            and matrix.fit_grade in (combinations.fit_grade, '*')
            and matrix.intent_band in (combinations.intent_band, '*')
    group by combinations.account_stage, combinations.fit_grade, combinations.intent_band
)

select * from matches
where matching_rows <> 1
