{#-
    Why a fit score is what it is: one row per person per fit rule that fired
    (seeds/fit_scoring_rules.csv). A rule matches a profile attribute by value list
    ('|'-separated, exact), numeric range (inclusive; open upper bound when max_value is empty)
    or regular expression on the lower-cased value (leadflow.fit_rule_matches, which
    int_scoring__fit_at_mql applies to the profile as of the CRM's MQL). fct_fit_score_components
    is a view over it with the as_of.

    Incremental by person (replace_people, DuckDB; rebuilt whole on Spark): a person's components
    depend only on their own fit profile columns and the fit seeds, so each row carries
    inputs_fingerprint (leadflow.fit_input_fingerprints) and a run re-derives only the people
    whose fingerprint changed, appeared or vanished.
-#}
{{ config(meta={'replace_people_marker': 'fit_component_id'}, **leadflow.delete_insert_incremental('replace_people')) }}
{%- if is_incremental() -%}
{%- do leadflow.refuse_relation_without_column(this, 'inputs_fingerprint', '2026-12-06, session 23') -%}
{%- endif %}
with

profiles as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__lead_profiles') }}
),

person_inputs as (
    {{ leadflow.fit_input_fingerprints('profiles') | indent(4) }}
),

{{ leadflow.rows_of_changed_people('profiles', 'person_inputs', 'profiles_in_scope') }}

attributes as (
    {{ leadflow.fit_attribute_rows('profiles_in_scope') }}
),

matched as (
    {{ leadflow.fit_rule_matches('attributes') }}
),

final as (
    select
        {{ leadflow.hash_key("matched.lead_key || '|' || matched.rule_id") }} as fit_component_id,
        matched.lead_key,
        matched.rule_id,
        matched.attribute,
        matched.matched_value,
        cast(matched.points as integer) as points,
        coalesce(matched.is_disqualifier, false) as is_disqualifier,
        matched.rule_description,
        matched.scoring_model_version,
        person_inputs.inputs_fingerprint
    from matched
    inner join person_inputs
        on matched.lead_key = person_inputs.lead_key
)

{{ leadflow.rows_and_person_markers('final', 'select lead_key from people_in_scope' if is_incremental() else none) }}
