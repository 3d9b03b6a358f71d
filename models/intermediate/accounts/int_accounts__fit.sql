{#-
    One row per account: its fit score (the sum of the seeds/account_fit_rules.csv rules that
    fired, int_accounts__fit_components, clamped to 0-100), the top three reasons, and how much
    of it is known: known_fit_inputs counts industry, employee_count and country_code;
    is_fit_known needs seeds/account_scoring_rules.csv's min_known_fit_inputs of them, or a
    disqualifying rule (a competitor is a poor fit whatever else is missing). An account whose
    fit is not known is not graded (dim_accounts: needs_enrichment), never read as a poor fit.
-#}
with

accounts as (
    select * from {{ ref('int_accounts__accounts') }}
),

components as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_accounts__fit_components') }}
),

scoring_rules as (
    select * from {{ ref('account_scoring_rules') }}
),

points as (
    select
        account_key,
        sum(points) as fit_points,
        {{ leadflow.any_true('is_disqualifier') }} as has_disqualifier
    from components
    group by account_key
),

reasons as (
    {{ leadflow.fit_reasons('components', 'account_key') }}
),

known_inputs as (
    select
        account_key,
        (case when industry is not null then 1 else 0 end)
        + (case when employee_count is not null then 1 else 0 end)
        + (case when country_code is not null then 1 else 0 end) as known_fit_inputs,
        nullif(concat_ws(
            ', ',
            case when industry is null then 'industry' end,
            case when employee_count is null then 'employee_count' end,
            case when country_code is null then 'country_code' end
        ), '') as missing_fit_inputs
    from accounts
),

final as (
    select
        known_inputs.account_key,
        cast(coalesce(points.fit_points, 0) as integer) as fit_points,
        cast(least(100, greatest(0, coalesce(points.fit_points, 0))) as integer) as fit_score,
        coalesce(reasons.fit_reasons, 'No fit rule matched') as fit_reasons,
        cast(known_inputs.known_fit_inputs as integer) as known_fit_inputs,
        known_inputs.missing_fit_inputs,
        coalesce(points.has_disqualifier, false) as has_disqualifier,
        known_inputs.known_fit_inputs >= scoring_rules.min_known_fit_inputs
        or coalesce(points.has_disqualifier, false) as is_fit_known
    from known_inputs
    cross join scoring_rules
    left join points
        on known_inputs.account_key = points.account_key
    left join reasons
        on known_inputs.account_key = reasons.account_key
)

select * from final
