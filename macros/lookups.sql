{#-
    Seed lookups shared by the staging models that carry people and companies. Each join is
    one-to-one by construction (unique seed keys, non-overlapping bands, first pattern by
    priority), so a lookup can never multiply or drop a staged row.
-#}

{#- Left joins classifying an email/web domain against seeds/email_domains.csv. -#}
{% macro join_email_domains(domain_expression) -%}
    left join {{ ref('email_domains') }} as domain_exact
        on domain_exact.match_level = 'domain' and domain_exact.domain = {{ domain_expression }}
    left join {{ ref('email_domains') }} as domain_suffix_2
        on domain_suffix_2.match_level = 'suffix'
        and domain_suffix_2.domain = {{ leadflow.domain_suffix(domain_expression, 2) }}
    left join {{ ref('email_domains') }} as domain_suffix_1
        on domain_suffix_1.match_level = 'suffix'
        and domain_suffix_1.domain = {{ leadflow.domain_suffix(domain_expression, 1) }}
{%- endmacro %}

{#- free_mail / student / competitor / internal from the seed, else business; 'invalid' for an
    unusable address and 'missing' for no address at all. -#}
{% macro email_domain_type(domain_expression, email_expression) -%}
    case
        when {{ domain_expression }} is not null then coalesce(
            domain_exact.domain_type, domain_suffix_2.domain_type, domain_suffix_1.domain_type,
            'business'
        )
        when {{ email_expression }} is null then 'missing'
        else 'invalid'
    end
{%- endmacro %}

{#- A CTE body: the seniority of each distinct title_key in `input_cte`, first pattern by priority. -#}
{% macro title_seniority_select(input_cte) -%}
    {{ leadflow.title_label_select(input_cte, ref('title_seniority_patterns'), 'seniority') }}
{%- endmacro %}

{#- A CTE body: `label_column` of each distinct title_key in `input_cte` (leadflow.text_key of a
    title), from `patterns` (a seed with priority, pattern and `label_column`): the first pattern
    by priority that matches; a title no pattern matches gets no row. Seniority
    (title_seniority_patterns) and department (title_department_patterns) are read this way. -#}
{% macro title_label_select(input_cte, patterns, label_column) -%}
    select
        title_key,
        {{ label_column }}
    from (
        select
            titles.title_key,
            patterns.{{ label_column }},
            row_number() over (
                partition by titles.title_key order by patterns.priority
            ) as match_rank
        from (
            select distinct title_key from {{ input_cte }} where title_key is not null
        ) as titles
        inner join {{ patterns }} as patterns
            on {{ leadflow.regexp_matches('titles.title_key', 'patterns.pattern') }}
    ) as matches
    where match_rank = 1
{%- endmacro %}

{#-
    A CTE body: `key_column` and the label of the highest threshold `score_column` reaches, for
    each row of `input_cte`. `thresholds` (a relation or CTE) has one row per label with the
    minimum score it needs (fit_grade_thresholds, intent_band_thresholds); the lowest minimum
    must be the lowest possible score, so every row gets a label.
-#}
{% macro label_by_threshold(input_cte, key_column, score_column, thresholds, min_column, label_column) -%}
    select
        {{ key_column }},
        {{ label_column }}
    from (
        select
            {{ input_cte }}.{{ key_column }},
            thresholds.{{ label_column }},
            row_number() over (
                partition by {{ input_cte }}.{{ key_column }} order by thresholds.{{ min_column }} desc
            ) as threshold_rank
        from {{ input_cte }}
        inner join {{ thresholds }} as thresholds
            on {{ input_cte }}.{{ score_column }} >= thresholds.{{ min_column }}
    ) as ranked
    where threshold_rank = 1
{%- endmacro %}

{#-
    The select list of a sync model: every leadflow value of int_sync__person_values (grain
    person) or int_sync__account_values (grain account), aliased `values_alias`, under the CRM
    field API name seeds/sync_fields.csv gives it for `crm` and `grain`. The seed
    is read when the model runs (it is built first: the ref makes it a parent), so renaming a
    field is a seed edit and a rebuild.
-#}
{% macro sync_field_columns(crm, values_alias, grain='person') -%}
    {%- set seed = ref('sync_fields') -%}
    {%- set fields = [] -%}
    {%- if execute and load_relation(seed) is not none -%}
        {%- set rows = run_query(
            "select field, crm_field_name from " ~ seed ~ " where crm = '" ~ crm
            ~ "' and grain = '" ~ grain ~ "' order by field"
        ).rows -%}
        {%- for row in rows -%}
            {%- do fields.append((row[0], row[1])) -%}
        {%- endfor -%}
    {%- else -%}
        {#- parsing, or linting without a built seed: leadflow's own names stand in -#}
        {%- set own_names = {
            'person': ['fit_grade', 'fit_score', 'intent_band', 'intent_score', 'priority_tier',
                       'reroute_owner_id', 'routed_owner_id', 'routing_method', 'routing_reason',
                       'scoring_model_version'],
            'account': ['account_fit_grade', 'account_fit_score', 'account_intent_band',
                        'account_intent_score', 'account_priority_action', 'account_priority_tier',
                        'engaged_people', 'roles_missing', 'account_model_version']
        } -%}
        {%- for field in own_names[grain] -%}
            {%- do fields.append((field, field)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if execute and not fields -%}
        {{ exceptions.raise_compiler_error(
            "seeds/sync_fields.csv has no " ~ grain ~ " field for crm " ~ crm ~ ": a sync model needs at least one"
        ) }}
    {%- endif -%}
    {%- for field, crm_field_name in fields %}
        {{ values_alias }}.{{ field }} as {{ crm_field_name }}{{ ',' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- Left join looking a picklist value up in seeds/picklist_values.csv, as `alias` (unique seed
    key (picklist, source_value): never multiplies a row). -#}
{% macro join_picklist(picklist, value_expression, alias) -%}
    left join {{ ref('picklist_values') }} as {{ alias }}
        on
            {{ alias }}.picklist = '{{ picklist }}'
            and {{ alias }}.source_value = lower(trim({{ value_expression }}))
{%- endmacro %}

{#- The canonical value of a looked-up picklist value, else the raw value as the CRM has it. -#}
{% macro picklist_value(value_expression, alias) -%}
    coalesce({{ alias }}.canonical_value, nullif(trim({{ value_expression }}), ''))
{%- endmacro %}

{#- True when a non-empty raw value has no row in seeds/picklist_values.csv. -#}
{% macro picklist_unmapped(value_expression, alias) -%}
    (nullif(trim({{ value_expression }}), '') is not null and {{ alias }}.source_value is null)
{%- endmacro %}
