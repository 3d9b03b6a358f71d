{#-
    Engine-specific SQL lives here only, one dispatched macro per construct, the DuckDB and
    Spark implementations side by side. Models call leadflow.<name>(...).
-#}

{#- A SQL string literal holding `text` exactly (quotes escaped; on Spark, whose literals read
    backslash escapes, backslashes too: see spark__escape_single_quotes). -#}
{% macro sql_string(text) -%}
    '{{ dbt.escape_single_quotes(text) }}'
{%- endmacro %}

{#- Replace every match of a regular expression (`pattern` and `replacement` are plain text). -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'leadflow')(expression, pattern, replacement)) }}
{%- endmacro %}
{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ leadflow.sql_string(pattern) }}, {{ leadflow.sql_string(replacement) }}, 'g')
{%- endmacro %}
{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ leadflow.sql_string(pattern) }}, {{ leadflow.sql_string(replacement) }})
{%- endmacro %}

{#- True when a regular expression (a SQL expression, e.g. a column) matches anywhere. -#}
{% macro regexp_matches(expression, pattern_expression) -%}
    {{ return(adapter.dispatch('regexp_matches', 'leadflow')(expression, pattern_expression)) }}
{%- endmacro %}
{% macro default__regexp_matches(expression, pattern_expression) -%}
    regexp_matches({{ expression }}, {{ pattern_expression }})
{%- endmacro %}
{% macro spark__regexp_matches(expression, pattern_expression) -%}
    ({{ expression }} rlike {{ pattern_expression }})
{%- endmacro %}

{#- A timestamp plus a number of hours. -#}
{% macro add_hours(timestamp_expression, hours) -%}
    {{ return(adapter.dispatch('add_hours', 'leadflow')(timestamp_expression, hours)) }}
{%- endmacro %}
{% macro default__add_hours(timestamp_expression, hours) -%}
    ({{ timestamp_expression }} + interval ({{ hours }}) hour)
{%- endmacro %}
{% macro spark__add_hours(timestamp_expression, hours) -%}
    ({{ timestamp_expression }} + make_interval(0, 0, 0, 0, {{ hours }}, 0, 0))
{%- endmacro %}

{#- Join clause giving one row per element of a delimited string, as `alias.column`. -#}
{% macro cross_join_split(expression, delimiter, alias, column) -%}
    {{ return(adapter.dispatch('cross_join_split', 'leadflow')(expression, delimiter, alias, column)) }}
{%- endmacro %}
{% macro default__cross_join_split(expression, delimiter, alias, column) -%}
    cross join unnest(string_split({{ expression }}, '{{ delimiter }}')) as {{ alias }} ({{ column }})
{%- endmacro %}
{% macro spark__cross_join_split(expression, delimiter, alias, column) -%}
    lateral view explode(split({{ expression }}, '{{ delimiter }}')) {{ alias }} as {{ column }}
{%- endmacro %}

{#- A 64-bit hash of one or more columns (each prefixed with `prefix`), for grouping within one
    query: not stable across engines or versions, never stored. -#}
{% macro hash64(columns, prefix='') -%}
    {{ return(adapter.dispatch('hash64', 'leadflow')(columns, prefix)) }}
{%- endmacro %}
{% macro default__hash64(columns, prefix) -%}
    hash({{ prefix ~ (columns | join(', ' ~ prefix)) }})
{%- endmacro %}
{% macro spark__hash64(columns, prefix) -%}
    xxhash64({{ prefix ~ (columns | join(', ' ~ prefix)) }})
{%- endmacro %}

{#- A stable 32-character hex key from a string expression. -#}
{% macro hash_key(expression) -%}
    md5(cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}

{#- A number in (0, 1) fixed by a string expression: the first 32 bits of its md5, so the
    same on every engine and every run (a stable "random" draw, e.g. for sticky assignment). -#}
{% macro stable_uniform(expression) -%}
    ((cast({{ leadflow.hex_to_bigint('substr(' ~ leadflow.hash_key(expression) ~ ', 1, 8)') }} as double) + 0.5) / 4294967296.0)
{%- endmacro %}

{#- A bigint from a string of hex digits (at most 15 of them). -#}
{% macro hex_to_bigint(expression) -%}
    {{ return(adapter.dispatch('hex_to_bigint', 'leadflow')(expression)) }}
{%- endmacro %}
{% macro default__hex_to_bigint(expression) -%}
    cast('0x' || {{ expression }} as bigint)
{%- endmacro %}
{% macro spark__hex_to_bigint(expression) -%}
    cast(conv({{ expression }}, 16, 10) as bigint)
{%- endmacro %}

{#- Seconds since the Unix epoch of a timestamp, as a double. -#}
{% macro epoch_seconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'leadflow')(timestamp_expression)) }}
{%- endmacro %}
{% macro default__epoch_seconds(timestamp_expression) -%}
    epoch({{ timestamp_expression }})
{%- endmacro %}
{% macro spark__epoch_seconds(timestamp_expression) -%}
    cast(unix_micros({{ timestamp_expression }}) as double) / 1000000.0
{%- endmacro %}

{#- A timestamp as text of its whole epoch microseconds, for keys: the same text on every engine
    (a double's text differs: 1744519720.302786 on DuckDB, 1.744519720302786E9 on Spark). -#}
{% macro epoch_micros_text(timestamp_expression) -%}
    cast(cast(round({{ leadflow.epoch_seconds(timestamp_expression) }} * 1000000) as bigint) as {{ dbt.type_string() }})
{%- endmacro %}

{#- A text that sorts like (timestamp, id): epoch microseconds zero-padded to a fixed width, then the
    id. For min_by/max_by where two rows may share an instant, so the pick does not depend on the
    engine's scan order (fct_lead_sla's first touch, fct_lead_routing's oldest breached clock). -#}
{% macro time_then_id(timestamp_expression, id_expression) -%}
    lpad({{ leadflow.epoch_micros_text(timestamp_expression) }}, 20, '0') || '|' || {{ id_expression }}
{%- endmacro %}

{#- Aggregates (also over a window): the value of the row with the greatest (max) or least (min)
    `order_expression`, null when that row's value is null; rows whose order is null are skipped.
    DuckDB's max_by/min_by skip a null value and take the next row's (arg_max_null keeps it),
    Spark's keep it: an owner change that cleared the owner, or a first HubSpot owner change
    whose previous owner is blank, must read as "no owner", not as another change's owner. -#}
{% macro max_by_keeping_nulls(value_expression, order_expression) -%}
    {{ return(adapter.dispatch('max_by_keeping_nulls', 'leadflow')(value_expression, order_expression)) }}
{%- endmacro %}
{% macro default__max_by_keeping_nulls(value_expression, order_expression) -%}
    arg_max_null({{ value_expression }}, {{ order_expression }})
{%- endmacro %}
{% macro spark__max_by_keeping_nulls(value_expression, order_expression) -%}
    max_by({{ value_expression }}, {{ order_expression }})
{%- endmacro %}
{% macro min_by_keeping_nulls(value_expression, order_expression) -%}
    {{ return(adapter.dispatch('min_by_keeping_nulls', 'leadflow')(value_expression, order_expression)) }}
{%- endmacro %}
{% macro default__min_by_keeping_nulls(value_expression, order_expression) -%}
    arg_min_null({{ value_expression }}, {{ order_expression }})
{%- endmacro %}
{% macro spark__min_by_keeping_nulls(value_expression, order_expression) -%}
    min_by({{ value_expression }}, {{ order_expression }})
{%- endmacro %}

{#- Seconds from `start_expression` to `end_expression` (negative when end is earlier), a double. -#}
{% macro seconds_between(start_expression, end_expression) -%}
    ({{ leadflow.epoch_seconds(end_expression) }} - {{ leadflow.epoch_seconds(start_expression) }})
{%- endmacro %}

{#- Aggregate: the values joined with a delimiter, in the order of `order_expression`. -#}
{% macro ordered_string_agg(value_expression, order_expression, delimiter) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'leadflow')(value_expression, order_expression, delimiter)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(value_expression, order_expression, delimiter) -%}
    string_agg({{ value_expression }}, '{{ delimiter }}' order by {{ order_expression }})
{%- endmacro %}
{% macro spark__ordered_string_agg(value_expression, order_expression, delimiter) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('k', {{ order_expression }}, 'v', {{ value_expression }}))),
            x -> x.v
        ),
        '{{ delimiter }}'
    )
{%- endmacro %}

{#- Select-list expression: one row per integer 0 .. count - 1 of `count_expression` (none when
    it is 0 or less), as a set-returning column. -#}
{% macro integer_rows(count_expression) -%}
    {{ return(adapter.dispatch('integer_rows', 'leadflow')(count_expression)) }}
{%- endmacro %}
{% macro default__integer_rows(count_expression) -%}
    unnest(range(cast(greatest({{ count_expression }}, 0) as bigint)))
{%- endmacro %}
{% macro spark__integer_rows(count_expression) -%}
    explode(case
        when {{ count_expression }} > 0
            then sequence(cast(0 as bigint), cast({{ count_expression }} as bigint) - 1)
        else array()
    end)
{%- endmacro %}

{#- A double rounded to `places` decimals, half away from zero, the same on both engines. Not a
    dispatch: the engines' own round() disagree on doubles (DuckDB rounds the exact binary value,
    0.15 -> 0.1; Spark its shortest decimal form, 0.15 -> 0.2), so both get this arithmetic,
    which IEEE doubles evaluate identically everywhere (0.15 -> 0.2). -#}
{% macro round_to(expression, places) -%}
    {%- set scale = (10 ** places) ~ '.0' -%}
    (sign({{ expression }}) * floor(abs({{ expression }}) * {{ scale }} + 0.5) / {{ scale }})
{%- endmacro %}

{#- Aggregate: the median of a column already rounded to `places` decimals, the same on both
    engines. Their interpolations between the two middle values differ in the last bits, which
    decides a value ending in 5 at the next rounding; the median of whole hundredths (for
    places = 2) is exact on both, and is divided back. -#}
{% macro median_to(expression, places) -%}
    {%- set scale = (10 ** places) ~ '.0' -%}
    (median(cast(sign({{ expression }}) * floor(abs({{ expression }}) * {{ scale }} + 0.5) as bigint)) / {{ scale }})
{%- endmacro %}

{#- Aggregate: the average of `expression` to `places` decimals, the same on both engines: each
    value is first taken in whole units of 10^-places (an integer), so the sum is exact whatever
    the order the engine adds in; the one division is then rounded half up. A plain avg() of
    doubles differs in the last bits between DuckDB and Spark, which decides a value ending in 5
    at the rounding (0.535 -> 0.53 on one engine, 0.54 on the other). -#}
{% macro avg_to(expression, places) -%}
    {%- set scale = (10 ** places) ~ '.0' -%}
    (floor(
        sum(cast(sign({{ expression }}) * floor(abs({{ expression }}) * {{ scale }} + 0.5) as bigint))
        / cast(count({{ expression }}) as double) + 0.5
    ) / {{ scale }})
{%- endmacro %}

{#- Window: how many distinct non-null values of `expression` the partition holds (Spark has no
    distinct window aggregates; a set's size counts the same). -#}
{% macro count_distinct_over(expression, partition_by) -%}
    {{ return(adapter.dispatch('count_distinct_over', 'leadflow')(expression, partition_by)) }}
{%- endmacro %}
{% macro default__count_distinct_over(expression, partition_by) -%}
    count(distinct {{ expression }}) over (partition by {{ partition_by }})
{%- endmacro %}
{% macro spark__count_distinct_over(expression, partition_by) -%}
    size(collect_set({{ expression }}) over (partition by {{ partition_by }}))
{%- endmacro %}

{#- One row per day from `first_day` to `last_day` (date columns), as offsets 0, 1, ... (a calendar's days). -#}
{% macro day_offsets(first_day, last_day) -%}
    {{ leadflow.integer_rows(
        leadflow.seconds_between('cast(' ~ first_day ~ ' as timestamp)', 'cast(' ~ last_day ~ ' as timestamp)')
        ~ ' / 86400 + 1'
    ) }}
{%- endmacro %}

{#- A wall-clock timestamp in IANA zone `time_zone_expression` (naive, local) as naive UTC. -#}
{% macro local_to_utc(timestamp_expression, time_zone_expression) -%}
    {{ return(adapter.dispatch('local_to_utc', 'leadflow')(timestamp_expression, time_zone_expression)) }}
{%- endmacro %}
{% macro default__local_to_utc(timestamp_expression, time_zone_expression) -%}
    timezone('UTC', timezone({{ time_zone_expression }}, {{ timestamp_expression }}))
{%- endmacro %}
{% macro spark__local_to_utc(timestamp_expression, time_zone_expression) -%}
    to_utc_timestamp({{ timestamp_expression }}, {{ time_zone_expression }})
{%- endmacro %}

{#- A naive UTC timestamp as the wall-clock time in IANA zone `time_zone_expression`. -#}
{% macro utc_to_local(timestamp_expression, time_zone_expression) -%}
    {{ return(adapter.dispatch('utc_to_local', 'leadflow')(timestamp_expression, time_zone_expression)) }}
{%- endmacro %}
{% macro default__utc_to_local(timestamp_expression, time_zone_expression) -%}
    timezone({{ time_zone_expression }}, timezone('UTC', {{ timestamp_expression }}))
{%- endmacro %}
{% macro spark__utc_to_local(timestamp_expression, time_zone_expression) -%}
    from_utc_timestamp({{ timestamp_expression }}, {{ time_zone_expression }})
{%- endmacro %}

{#- A timestamp plus a (fractional) number of seconds, exact to the microsecond (the seconds are
    taken as a double first, so an integer product such as -86400 * 14 cannot overflow). -#}
{% macro add_seconds(timestamp_expression, seconds_expression) -%}
    {{ return(adapter.dispatch('add_seconds', 'leadflow')(timestamp_expression, seconds_expression)) }}
{%- endmacro %}
{% macro default__add_seconds(timestamp_expression, seconds_expression) -%}
    ({{ timestamp_expression }} + to_microseconds(cast(round(cast({{ seconds_expression }} as double) * 1000000) as bigint)))
{%- endmacro %}
{% macro spark__add_seconds(timestamp_expression, seconds_expression) -%}
    timestamp_micros(unix_micros({{ timestamp_expression }}) + cast(round(cast({{ seconds_expression }} as double) * 1000000) as bigint))
{%- endmacro %}

{#- A date plus a whole number of days. -#}
{% macro add_days(date_expression, days_expression) -%}
    {{ return(adapter.dispatch('add_days', 'leadflow')(date_expression, days_expression)) }}
{%- endmacro %}
{% macro default__add_days(date_expression, days_expression) -%}
    cast({{ date_expression }} + cast({{ days_expression }} as integer) as date)
{%- endmacro %}
{% macro spark__add_days(date_expression, days_expression) -%}
    date_add({{ date_expression }}, cast({{ days_expression }} as integer))
{%- endmacro %}

{#- ISO day of the week of a date: 1 Monday ... 7 Sunday. -#}
{% macro iso_weekday(date_expression) -%}
    {{ return(adapter.dispatch('iso_weekday', 'leadflow')(date_expression)) }}
{%- endmacro %}
{% macro default__iso_weekday(date_expression) -%}
    isodow({{ date_expression }})
{%- endmacro %}
{% macro spark__iso_weekday(date_expression) -%}
    (weekday({{ date_expression }}) + 1)
{%- endmacro %}

{#-
    Config of an incremental model whose UTC-day partitions are replaced whole: every day the
    batch touches is deleted and written again (DuckDB: delete+insert keyed on the day column;
    Spark: insert_overwrite of the day partitions). A day that vanished from the source entirely
    is the one thing this cannot see; a --full-refresh repairs it.
-#}
{% macro day_partitioned_incremental(day_column) -%}
    {{ return(adapter.dispatch('day_partitioned_incremental', 'leadflow')(day_column)) }}
{%- endmacro %}
{% macro default__day_partitioned_incremental(day_column) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
               'unique_key': day_column, 'on_schema_change': 'fail'}) }}
{%- endmacro %}
{% macro spark__day_partitioned_incremental(day_column) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
               'partition_by': [day_column], 'file_format': 'parquet', 'on_schema_change': 'fail'}) }}
{%- endmacro %}

{#-
    Config of a model whose stored rows a run deletes and writes again, by one of the strategies
    of macros/incremental_strategies.sql (they share leadflow.delete_then_insert):
      replace_records          a CRM table's base model, by record key (_record_key)
      replace_events           an appending event table's base model, by event (key and event time)
      replace_days_and_people  int_intent__scored_events, by event day and by person
      replace_people           a table re-derived per person (lifecycle, routing decisions)
    DuckDB: incremental with that strategy. Spark: a plain table rebuilt each run, since Parquet
    tables cannot delete rows (with Delta or Iceberg a merge would do what the strategy does).
-#}
{% macro delete_insert_incremental(strategy) -%}
    {{ return(adapter.dispatch('delete_insert_incremental', 'leadflow')(strategy)) }}
{%- endmacro %}
{% macro default__delete_insert_incremental(strategy) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': strategy,
               'on_schema_change': 'fail'}) }}
{%- endmacro %}
{% macro spark__delete_insert_incremental(strategy) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{#- Equality that holds when both sides are null (a join on a column that may be missing). -#}
{% macro null_safe_equals(left, right) -%}
    {{ return(adapter.dispatch('null_safe_equals', 'leadflow')(left, right)) }}
{%- endmacro %}
{% macro default__null_safe_equals(left, right) -%}
    {{ left }} is not distinct from {{ right }}
{%- endmacro %}
{% macro spark__null_safe_equals(left, right) -%}
    {{ left }} <=> {{ right }}
{%- endmacro %}

{#- Written between a CTE's name and its body (`name as {{ leadflow.not_materialized() }} (`) when
    several steps read the CTE, each for a few of its columns: DuckDB materializes a CTE read more
    than once, every column of every row, before any reader filters or projects (int_lifecycle__
    stage_changes kept a 3.3 GB copy of its facts at 1M people and spilled 42 GB at 10M); NOT
    MATERIALIZED inlines it, so each reader scans only its columns. Spark inlines CTEs anyway. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'leadflow')()) }}
{%- endmacro %}
{% macro default__not_materialized() -%}
{%- endmacro %}
{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}
