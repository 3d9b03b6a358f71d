{#-
    Why a fit score is what it is: one row per person per fit rule that fired
    (seeds/fit_scoring_rules.csv). A rule matches a profile attribute by value list
    ('|'-separated, exact), numeric range (inclusive; open upper bound when max_value is empty)
    or regular expression on the lower-cased value (leadflow.fit_rule_matches, which
    int_scoring__fit_at_mql applies to the profile as of the CRM's MQL).
-#}
with

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

attributes as (
    {{ leadflow.fit_attribute_rows('profiles') }}
),

matched as (
    {{ leadflow.fit_rule_matches('attributes') }}
),

final as (
    select
        {{ leadflow.hash_key("lead_key || '|' || rule_id") }} as fit_component_id,
        lead_key,
        rule_id,
        attribute,
        matched_value,
        cast(points as integer) as points,
        coalesce(is_disqualifier, false) as is_disqualifier,
        rule_description,
        scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from matched
)

select * from final
