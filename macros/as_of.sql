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

{#-
    The latest `timestamp_column` an incremental model already holds (none on a first or
    --full-refresh run, or when it is empty). Refuses, with a clear message, a run whose as_of is
    earlier: rewinding time needs a --full-refresh, not an incremental run.
-#}
{% macro incremental_latest(timestamp_column) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set probe -%}
        select
            max({{ timestamp_column }}) as latest,
            max({{ timestamp_column }}) > {{ leadflow.as_of() }} as is_after_as_of
        from {{ this }}
    {%- endset -%}
    {%- set row = run_query(probe).rows[0] -%}
    {%- if row[1] -%}
        {{ exceptions.raise_compiler_error(
            this ~ " already holds rows up to " ~ row[0] ~ ", later than as_of "
            ~ leadflow.as_of_literal() ~ ". An incremental run cannot rewind time: rebuild it with"
            ~ " --full-refresh (dbt build --full-refresh -s " ~ this.identifier ~ "+).") }}
    {%- endif -%}
    {{ return(row[0]) }}
{%- endmacro %}

{#-
    The first UTC day an incremental run re-reads: `lookback_days` before the day of the latest
    `timestamp_column` already in the model (none on a first or --full-refresh run, meaning: read
    everything). An as_of earlier than what the model holds is refused (incremental_latest).
-#}
{% macro incremental_window_start(timestamp_column, lookback_days) -%}
    {%- set latest = leadflow.incremental_latest(timestamp_column) -%}
    {%- if latest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest_day = latest.date() if latest.date is defined else latest -%}
    {{ return((latest_day - modules.datetime.timedelta(days=lookback_days | int)).strftime('%Y-%m-%d')) }}
{%- endmacro %}
