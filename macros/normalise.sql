{#-
    Row-local normalisation used by every staging model that carries the attribute (and by the
    intermediate models that apply the same rule), so each rule is written once. Lookups against
    seeds (domain types, countries, seniority, bands) are in lookups.sql.
-#}

{#- Whether a user agent is a crawler, headless browser or script: var('bot_user_agent_pattern'),
    case-insensitive (null for a null agent). stg_segment__pages.is_bot per page view;
    int_intent__activity once per distinct agent. -#}
{% macro is_bot_user_agent(column) -%}
    {{ leadflow.regexp_matches('lower(' ~ column ~ ')', leadflow.sql_string(var('bot_user_agent_pattern'))) }}
{%- endmacro %}

{#- Email as a matching key: trimmed, lower case, +tag removed from the local part. -#}
{% macro normalize_email(column) -%}
    nullif({{ leadflow.regexp_replace_all('lower(trim(' ~ column ~ '))', '\\+[^@]*@', '@') }}, '')
{%- endmacro %}

{#- A usable address: one @, a non-empty local part, a dotted domain with a 2+ letter TLD. -#}
{% macro email_is_valid(normalized_column) -%}
    coalesce({{ leadflow.regexp_matches(normalized_column, leadflow.sql_string('^[^@\\s]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}$')) }}, false)
{%- endmacro %}

{#- Domain of a valid normalised email (null when the email is invalid). -#}
{% macro email_domain(normalized_column) -%}
    case when {{ leadflow.email_is_valid(normalized_column) }}
        then split_part({{ normalized_column }}, '@', 2) end
{%- endmacro %}

{#- A website or domain as a bare domain: no scheme, no www., no path, no port, lower case. -#}
{% macro bare_domain(column) -%}
    nullif(split_part(split_part({{ leadflow.regexp_replace_all('lower(trim(' ~ column ~ '))', '^([a-z]+://)?(www\\.)?', '') }}, '/', 1), ':', 1), '')
{%- endmacro %}

{#- The last n labels of a domain ('ox.ac.uk', 2 -> 'ac.uk'), for suffix rules. -#}
{% macro domain_suffix(domain_column, labels) -%}
    {%- if labels == 1 -%}
        split_part({{ domain_column }}, '.', -1)
    {%- else -%}
        split_part({{ domain_column }}, '.', -2) || '.' || split_part({{ domain_column }}, '.', -1)
    {%- endif -%}
{%- endmacro %}

{#- The key country spellings are looked up by: lower case, no dots/commas, single spaces. -#}
{% macro country_key(column) -%}
    nullif(trim({{ leadflow.regexp_replace_all(leadflow.regexp_replace_all('lower(' ~ column ~ ')', '[.,]', ''), '\\s+', ' ') }}), '')
{%- endmacro %}

{#- Free text as matched against a seed of known values (job titles against seniority patterns,
    rejection reasons against their variants): lower case, trimmed, single spaces. -#}
{% macro text_key(column) -%}
    nullif(trim({{ leadflow.regexp_replace_all('lower(' ~ column ~ ')', '\\s+', ' ') }}), '')
{%- endmacro %}

{#- Employee count when plausible (vars min/max_plausible_employees), else null. -#}
{% macro plausible_employee_count(column) -%}
    case when {{ column }} between {{ var('min_plausible_employees') }}
        and {{ var('max_plausible_employees') }} then cast({{ column }} as integer) end
{%- endmacro %}

{#- HubSpot's numemployees dropdown ('50-100', '1000+') as the lower bound of the range. -#}
{% macro hubspot_employee_count(column) -%}
    {{ leadflow.plausible_employee_count("try_cast(nullif(" ~ leadflow.regexp_replace_all("split_part(trim(" ~ column ~ "), '-', 1)", '[^0-9]', '') ~ ", '') as integer)") }}
{%- endmacro %}

{#- The four email columns every person-bearing staging model carries, from the raw address:
    email_raw, email (normalised), is_email_valid, email_domain. -#}
{% macro email_columns(raw_column) -%}
    {%- set normalized = leadflow.normalize_email(raw_column) -%}
    {{ raw_column }} as email_raw,
    {{ normalized }} as email,
    {{ leadflow.email_is_valid(normalized) }} as is_email_valid,
    {{ leadflow.email_domain(normalized) }} as email_domain
{%- endmacro %}

{#- What a Salesforce WhoId points at, by its key prefix: lead (00Q), contact (003) or other. -#}
{% macro salesforce_who_type(id_expression) -%}
    case
        when {{ id_expression }} like '00Q%' then 'lead'
        when {{ id_expression }} like '003%' then 'contact'
        else 'other'
    end
{%- endmacro %}
