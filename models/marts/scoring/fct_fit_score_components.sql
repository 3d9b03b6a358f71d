{#-
    Why a fit score is what it is: one row per person per fit rule that fired
    (seeds/fit_scoring_rules.csv). A rule matches a profile attribute by value list
    ('|'-separated, exact), numeric range (inclusive; open upper bound when max_value is empty)
    or regular expression on the lower-cased value.
-#}
with

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

country_regions as (
    select distinct
        country_code,
        region
    from {{ ref('country_aliases') }}
),

rules as (
    select * from {{ ref('fit_scoring_rules') }}
),

attributes as (
    {%- set text_attributes = ['seniority', 'industry', 'country_code', 'email_domain_type', 'account_type', 'title'] %}
    {%- for attribute in text_attributes %}
    select
        lead_key,
        '{{ attribute }}' as attribute,
        cast({{ attribute }} as {{ dbt.type_string() }}) as value_text,
        cast(null as double) as value_number
    from profiles
    union all
    {%- endfor %}
    select
        lead_key,
        'employee_count' as attribute,
        cast(employee_count as {{ dbt.type_string() }}) as value_text,
        cast(employee_count as double) as value_number
    from profiles
    union all
    select
        profiles.lead_key,
        'region' as attribute,
        country_regions.region as value_text,
        cast(null as double) as value_number
    from profiles
    inner join country_regions
        on profiles.country_code = country_regions.country_code
),

matched as (
    select
        attributes.lead_key,
        rules.rule_id,
        rules.attribute,
        attributes.value_text as matched_value,
        rules.points,
        rules.description as rule_description,
        rules.model_version as scoring_model_version
    from attributes
    inner join rules
        on attributes.attribute = rules.attribute
    where
        attributes.value_text is not null
        and (
            (
                rules.match_type = 'in_list'
                and position('|' || attributes.value_text || '|' in '|' || rules.match_values || '|') > 0
            )
            or (
                rules.match_type = 'range'
                and attributes.value_number >= rules.min_value
                and (rules.max_value is null or attributes.value_number <= rules.max_value)
            )
            or (
                rules.match_type = 'pattern'
                and {{ leadflow.regexp_matches('lower(attributes.value_text)', 'rules.match_values') }}
            )
        )
),

final as (
    select
        {{ leadflow.hash_key("lead_key || '|' || rule_id") }} as fit_component_id,
        lead_key,
        rule_id,
        attribute,
        matched_value,
        cast(points as integer) as points,
        rule_description,
        scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from matched
)

select * from final
