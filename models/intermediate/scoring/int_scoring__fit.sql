{#-
    One row per lead: the fit score (the sum of the rules that fired, int_scoring__fit_components,
    clamped to 0-100), its top three reasons, and how much of it is known (fit confidence):
      known_fit_inputs      how many seeds/fit_inputs.csv inputs the profile has (seniority
                            other than 'unknown', employee_count, industry, country_code)
      missing_fit_inputs    the ones it lacks, for the enrichment team
      is_fit_known          at least qualification_rules.min_known_fit_inputs inputs known, or a
                            disqualifying fit rule fired (a competitor or student is known to be a poor
                            fit whatever else is missing). False: the person needs enrichment and
                            gets no fit grade (matrix row needs_enrichment), instead of grade D.

    Incremental by person (replace_people, DuckDB; rebuilt whole on Spark), with the fingerprint
    int_scoring__fit_components keeps (leadflow.fit_input_fingerprints: the fit profile columns
    and the fit seeds, qualification_rules' min_known_fit_inputs included): a run re-derives the
    people whose fingerprint changed, appeared or vanished. A person's row stores the fingerprint
    their components were derived with (the current one when no rule fired), so a fit derived from
    components not yet brought up to date is derived again by the next run.
-#}
{{ config(meta={'replace_people_marker': 'fit_score'}, **leadflow.delete_insert_incremental('replace_people')) }}
{%- if is_incremental() -%}
{%- do leadflow.refuse_relation_without_column(this, 'inputs_fingerprint', '2026-12-06, session 23') -%}
{%- endif %}
with

profiles as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__lead_profiles') }}
),

all_fit_components as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_scoring__fit_components') }}
),

person_inputs as (
    {{ leadflow.fit_input_fingerprints('profiles') | indent(4) }}
),

{{ leadflow.rows_of_changed_people('profiles', 'person_inputs', 'profiles_in_scope') }}

{{ leadflow.rows_of_people_in_scope('all_fit_components', 'fit_components') }}

fit as (
    {{ leadflow.fit_summary('profiles_in_scope', 'fit_components') }}
),

component_fingerprints as (
    -- the fingerprint the person's stored components were derived with: stamped on the fit in
    -- place of the current one, so a fit derived from stale components (only this model run
    -- after its inputs changed) differs from the current fingerprint and is derived again
    select
        lead_key,
        min(inputs_fingerprint) as inputs_fingerprint
    from fit_components
    group by lead_key
),

fit_reasons as (
    {{ leadflow.fit_reasons('fit_components', 'lead_key') }}
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
        fit.is_fit_known,
        coalesce(component_fingerprints.inputs_fingerprint, person_inputs.inputs_fingerprint)
            as inputs_fingerprint
    from fit
    inner join person_inputs
        on fit.lead_key = person_inputs.lead_key
    left join component_fingerprints
        on fit.lead_key = component_fingerprints.lead_key
    left join fit_reasons
        on fit.lead_key = fit_reasons.lead_key
)

{{ leadflow.rows_and_person_markers('final', 'select lead_key from people_in_scope' if is_incremental() else none) }}
