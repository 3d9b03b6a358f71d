{#-
    One row per lead: the fit score (the sum of the rules that fired, fct_fit_score_components,
    clamped to 0-100), its top three reasons, and how much of it is known (fit confidence):
      known_fit_inputs      how many seeds/fit_inputs.csv inputs the profile has (seniority
                            other than 'unknown', employee_count, industry, country_code)
      missing_fit_inputs    the ones it lacks, for the enrichment team
      is_fit_known          at least qualification_rules.min_known_fit_inputs inputs known, or a
                            disqualifying fit rule fired (a competitor or student is known to be a poor
                            fit whatever else is missing). False: the person needs enrichment and
                            gets no fit grade (matrix row needs_enrichment), instead of grade D.
-#}
with

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

fit_components as (
    select * from {{ ref('fct_fit_score_components') }}
),

fit as (
    {{ leadflow.fit_summary('profiles', 'fit_components') }}
),

fit_reasons_ranked as (
    select
        lead_key,
        rule_description || ' (' || case when points > 0 then '+' else '' end
        || cast(points as {{ dbt.type_string() }}) || ')' as reason,
        row_number() over (partition by lead_key order by abs(points) desc, rule_id asc) as reason_rank
    from fit_components
),

fit_reasons as (
    select
        lead_key,
        {{ leadflow.ordered_string_agg('reason', 'reason_rank', '; ') }} as fit_reasons
    from fit_reasons_ranked
    where reason_rank <= 3
    group by lead_key
),

final as (
    select
        fit.lead_key,
        fit.fit_points,
        fit.fit_score,
        coalesce(fit_reasons.fit_reasons, 'No fit rule matched') as fit_reasons,
        fit.known_fit_inputs,
        fit.missing_fit_inputs,
        fit.has_disqualifier,
        fit.is_fit_known
    from fit
    left join fit_reasons
        on fit.lead_key = fit_reasons.lead_key
)

select * from final
