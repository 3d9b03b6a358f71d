{#-
    Time in leadflow is the `as_of` var, never current_timestamp: a rebuild with a past as_of
    reproduces that day. Unset, it is the build's run start (UTC). The var is parsed and
    normalised to UTC (utc_timestamp_literal); the run guards (macros/run_guards.sql) check it
    against the data and the incremental models before anything is built.
-#}
{% macro as_of_literal() -%}
    {%- set configured = var('as_of', none) -%}
    {%- if configured is none or (configured | string | trim) == '' -%}
        {{ return(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }}
    {%- endif -%}
    {{ return(leadflow.utc_timestamp_literal(configured, 'as_of')) }}
{%- endmacro %}

{#-
    A timestamp var checked and normalised to 'YYYY-MM-DD HH:MM:SS' in UTC: a date, or a date and
    time (space or T, seconds and fraction optional), optionally with 'Z'/'UTC' or an offset
    (+05:00, -0800), which is converted to UTC. Anything else stops the run with a message naming
    the var; the literal is rebuilt from the parsed numbers, so no text of the var reaches SQL.
-#}
{% macro utc_timestamp_literal(value, name) -%}
    {%- set text = value | string | trim -%}
    {%- set pattern = '(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?'
        ~ ' ?(Z|UTC|[+-]\d{2}:?\d{2})?' -%}
    {%- set match = modules.re.fullmatch(pattern, text) -%}
    {%- set usage = name ~ " must look like 'YYYY-MM-DD HH:MM:SS' (UTC), optionally with an offset"
        ~ " such as +05:00 (converted to UTC); got '" ~ text ~ "'." -%}
    {%- if not match -%}
        {{ exceptions.raise_compiler_error("leadflow: " ~ usage) }}
    {%- endif -%}
    {%- set parts = match.groups() -%}
    {%- set year, month, day = parts[0] | int, parts[1] | int, parts[2] | int -%}
    {%- set hour, minute, second = (parts[3] or 0) | int, (parts[4] or 0) | int, (parts[5] or 0) | int -%}
    {%- set in_range = 1 <= month <= 12 and 1 <= day and hour <= 23 and minute <= 59 and second <= 59 -%}
    {%- if in_range -%}
        {%- set first = modules.datetime.date(year, month, 1) -%}
        {%- set last_day = ((first + modules.datetime.timedelta(days=31)).replace(day=1)
            - modules.datetime.timedelta(days=1)).day -%}
        {%- set in_range = day <= last_day -%}
    {%- endif -%}
    {%- if not in_range -%}
        {{ exceptions.raise_compiler_error("leadflow: " ~ name ~ " is not a real moment: '" ~ text ~ "'.") }}
    {%- endif -%}
    {%- set moment = modules.datetime.datetime(year, month, day, hour, minute, second) -%}
    {%- set zone = parts[6] -%}
    {%- if zone and zone not in ('Z', 'UTC') -%}
        {%- set digits = zone[1:] | replace(':', '') -%}
        {%- set offset = modules.datetime.timedelta(hours=digits[:2] | int, minutes=digits[2:] | int) -%}
        {%- set moment = moment - offset if zone[0] == '+' else moment + offset -%}
    {%- endif -%}
    {{ return(moment.strftime('%Y-%m-%d %H:%M:%S')) }}
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
