{{ config(materialized='view') }}
{#-
    Why a fit score is what it is: one row per person per fit rule that fired
    (seeds/fit_scoring_rules.csv), from int_scoring__fit_components, with the as_of. A view: the
    components are stored incrementally by person there (a day re-derives the people whose fit
    profile changed), so a daily run does not rewrite a row per person and rule to restamp as_of.
-#}
with

components as (
    select * from {{ ref('int_scoring__fit_components') }}
),

final as (
    select
        fit_component_id,
        lead_key,
        rule_id,
        attribute,
        matched_value,
        points,
        is_disqualifier,
        rule_description,
        scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from components
)

select * from final
