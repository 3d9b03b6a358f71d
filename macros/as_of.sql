{#-
    Time in leadflow is the `as_of` var, never current_timestamp: a rebuild with a past as_of
    reproduces that day. Unset, it is the build's run start (UTC).
-#}
{% macro as_of_literal() -%}
    {%- set configured = var('as_of', none) -%}
    {%- if configured -%}
        {{ return(configured | string) }}
    {%- else -%}
        {{ return(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }}
    {%- endif -%}
{%- endmacro %}

{% macro as_of() -%}
    cast('{{ leadflow.as_of_literal() }}' as timestamp)
{%- endmacro %}

{#- The latest plausible timestamp: as_of plus the future tolerance (hours). -#}
{% macro future_limit() -%}
    {{ leadflow.add_hours(leadflow.as_of(), var('future_tolerance_hours')) }}
{%- endmacro %}
