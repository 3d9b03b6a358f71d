{#-
    Why an account's fit is what it is: one row per account per seeds/account_fit_rules.csv rule
    that fired on its firmographics (int_accounts__accounts): industry, employee_count,
    annual_revenue, country_code, its sales region (seeds/country_aliases.csv), account_type and
    domain_type (competitor for a competitor's domain, seeds/email_domains.csv).
    The rules match exactly as the people's fit rules do (leadflow.fit_rule_matches).
-#}
with

accounts as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_accounts__accounts') }}
),

regions as (
    select distinct
        country_code,
        region
    from {{ ref('country_aliases') }}
),

attributes as (
    {%- for attribute in ['industry', 'country_code', 'account_type', 'domain_type'] %}
    select
        account_key,
        '{{ attribute }}' as attribute,
        cast({{ attribute }} as {{ dbt.type_string() }}) as value_text,
        cast(null as double) as value_number
    from accounts
    union all
    {%- endfor %}
    {%- for attribute in ['employee_count', 'annual_revenue'] %}
    select
        account_key,
        '{{ attribute }}' as attribute,
        -- through bigint: a double's text differs between engines (5.0E7 on Spark)
        cast(cast({{ attribute }} as bigint) as {{ dbt.type_string() }}) as value_text,
        cast({{ attribute }} as double) as value_number
    from accounts
    union all
    {%- endfor %}
    select
        accounts.account_key,
        'region' as attribute,
        regions.region as value_text,
        cast(null as double) as value_number
    from accounts
    inner join regions
        on accounts.country_code = regions.country_code
),

matched as (
    {{ leadflow.fit_rule_matches('attributes', ref('account_fit_rules'), 'account_key') }}
),

final as (
    select
        {{ leadflow.hash_key("account_key || '|' || rule_id") }} as account_fit_component_id,
        account_key,
        rule_id,
        attribute,
        matched_value,
        cast(points as integer) as points,
        coalesce(is_disqualifier, false) as is_disqualifier,
        rule_description,
        scoring_model_version as account_model_version
    from matched
)

select * from final
