{#-
    The fit as it stood at the CRM's first MQL, one row per lead who reached MQL: where HubSpot
    contact property history holds the person's job title, company size or industry (HubSpot's
    standard properties jobtitle, numemployees, industry), the latest value at or before the MQL
    replaces the current one (a title read through seeds/title_seniority_patterns.csv, a size
    through the staging rule for numemployees); every other fit input is the current profile's
    (Salesforce field history rarely tracks them, and the rest of the profile changes slowly).
    The fit rules (leadflow.fit_rule_matches) and fit confidence (leadflow.known_fit_inputs) then
    run on that profile. fit_source says which it used: property_history when at least one input
    came from the history, else current_profile.
-#}
{%- set properties = {'jobtitle': 'title', 'numemployees': 'employee_count', 'industry': 'industry'} -%}
with

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

first_mqls as (
    select
        lead_key,
        min(changed_at) as mql_at
    from {{ ref('int_lifecycle__stage_changes') }}
    where lifecycle_stage = 'mql' and changed_at <= {{ leadflow.as_of() }}
    group by lead_key
),

{% if var('using_hubspot', true) %}
history as (
    -- the fit properties' history, resolved to the person of the surviving contact
    select
        person_keys.lead_key,
        property_history.property_name,
        property_history.property_value,
        property_history.changed_at,
        property_history.hubspot_contact_id
    from {{ ref('stg_hubspot__contact_property_history') }} as property_history
    inner join {{ ref('int_identity__hubspot_contact_ids') }} as hubspot_contact_ids
        on property_history.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
    inner join {{ ref('int_identity__person_keys') }} as person_keys
        on
            'hubspot_contact:' || cast(hubspot_contact_ids.surviving_contact_id as {{ dbt.type_string() }})
            = person_keys.record_key
    where property_history.property_name in ('jobtitle', 'numemployees', 'industry')
),

values_at_mql as (
    -- the latest value of each property at or before the MQL (null: it was empty then)
    select
        lead_key,
        property_name,
        property_value
    from (
        select
            history.lead_key,
            history.property_name,
            history.property_value,
            row_number() over (
                partition by history.lead_key, history.property_name
                order by history.changed_at desc, history.hubspot_contact_id desc
            ) as value_rank
        from history
        inner join first_mqls
            on history.lead_key = first_mqls.lead_key and history.changed_at <= first_mqls.mql_at
    ) as ranked
    where value_rank = 1
),
{% else %}
values_at_mql as (
    {{ leadflow.no_rows({'lead_key': 'string', 'property_name': 'string', 'property_value': 'string'}) }}
),
{% endif %}

pivoted as (
    select
        lead_key,
        {%- for property, attribute in properties.items() %}
        {{ leadflow.any_true("property_name = '" ~ property ~ "'") }} as has_{{ attribute }}_history,
        max(case when property_name = '{{ property }}' then property_value end) as {{ attribute }}_at_mql,
        {%- endfor %}
        max(case when property_name = 'jobtitle' then {{ leadflow.text_key('property_value') }} end) as title_key
    from values_at_mql
    group by lead_key
),

title_seniority as (
    {{ leadflow.title_seniority_select('pivoted') }}
),

profiles_at_mql as (
    select
        profiles.lead_key,
        case when pivoted.has_title_history then pivoted.title_at_mql else profiles.title end as title,
        case
            when pivoted.has_title_history then coalesce(title_seniority.seniority, 'unknown')
            else profiles.seniority
        end as seniority,
        case
            when pivoted.has_employee_count_history
                then {{ leadflow.hubspot_employee_count('pivoted.employee_count_at_mql') }}
            else profiles.employee_count
        end as employee_count,
        case when pivoted.has_industry_history then pivoted.industry_at_mql else profiles.industry end as industry,
        profiles.country_code,
        profiles.email_domain_type,
        profiles.account_type,
        coalesce(
            pivoted.has_title_history or pivoted.has_employee_count_history or pivoted.has_industry_history, false
        ) as uses_history
    from profiles
    inner join first_mqls
        on profiles.lead_key = first_mqls.lead_key
    left join pivoted
        on profiles.lead_key = pivoted.lead_key
    left join title_seniority
        on pivoted.title_key = title_seniority.title_key
),

attributes as (
    {{ leadflow.fit_attribute_rows('profiles_at_mql') }}
),

matched as (
    {{ leadflow.fit_rule_matches('attributes') }}
),

fit as (
    {{ leadflow.fit_summary('profiles_at_mql', 'matched') }}
),

fired as (
    -- the rules that fired at the MQL, for backtests that learn their points (int_scoring__backtest_features)
    select
        lead_key,
        {{ leadflow.ordered_string_agg('rule_id', 'rule_id', ',') }} as fit_rule_ids
    from matched
    group by lead_key
),

final as (
    select
        fit.lead_key,
        first_mqls.mql_at,
        fit.fit_score,
        fit.known_fit_inputs,
        fit.is_fit_known,
        case when profiles_at_mql.uses_history then 'property_history' else 'current_profile' end as fit_source,
        fired.fit_rule_ids
    from fit
    inner join profiles_at_mql
        on fit.lead_key = profiles_at_mql.lead_key
    inner join first_mqls
        on fit.lead_key = first_mqls.lead_key
    left join fired
        on fit.lead_key = fired.lead_key
)

select * from final
