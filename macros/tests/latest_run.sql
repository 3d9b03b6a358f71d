{#-
    Data tests on the rows the latest run wrote.

    The intent chain's tables hold every scored event (about 100 per person), so a data test
    over all of them costs as much as a build of the model, every day, although an incremental
    run rewrote only a day or two of them (int_intent__scored_events stamps each row with the
    as_of of the run that wrote it: scored_through). With var('data_tests_scope') at its
    default, latest_run, such tests read only the rows carrying the newest stamp:

      - a row-level test (not_null, accepted_values, expression_is_true, a relationship to a
        seed) takes `where: "__latest_run:<stamp column>__"`; get_where_subquery below replaces
        the placeholder with "<stamp column> = <the newest stamp in the model>" (or nothing
        when every row carries it);
      - unique_in_latest_run checks the keys of those rows against every stored row (a key the
        run wrote that an older row already holds is a duplicate too).

    A full build (or a first one) stamps every row alike, so it tests everything; so does any
    build with --vars '{data_tests_scope: all}' (a weekly job, or after restoring a table by
    hand). Tests whose truth depends on other tables that change for everyone (a relationship
    to dim_leads) stay on every row.
-#}

{#- var('data_tests_scope'), checked: latest_run or all. -#}
{% macro data_tests_scope() -%}
    {%- set scope = var('data_tests_scope') -%}
    {%- if scope not in ('latest_run', 'all') -%}
        {{ exceptions.raise_compiler_error(
            "var('data_tests_scope') must be latest_run or all, not '" ~ scope ~ "'") }}
    {%- endif -%}
    {{ return(scope) }}
{%- endmacro %}

{#- The condition naming the rows the latest run wrote, by their run stamp; none when that is
    every row (data_tests_scope all, a full build, a first run, an empty table). The newest stamp
    is read as the test runs and written as a literal: the filter then reaches the table scan,
    which skips the row groups of older runs (a subquery for the newest stamp would cost a pass
    over a view every time). -#}
{% macro written_by_latest_run(relation, run_stamp) -%}
    {%- if leadflow.data_tests_scope() == 'all' or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set probe -%}
        select
            cast(max({{ run_stamp }}) as {{ dbt.type_string() }}),
            coalesce(min({{ run_stamp }}) = max({{ run_stamp }}), true)
        from {{ relation }}
    {%- endset -%}
    {%- set newest = run_query(probe).rows[0] -%}
    {%- if newest[1] -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_stamp ~ " = cast('" ~ newest[0] ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- dbt's where config for generic tests, with one addition: "__latest_run:<column>__" stands
    for written_by_latest_run(<the tested model>, <column>). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set scoped = namespace(where=where) -%}
    {%- for stamp in modules.re.findall('__latest_run:(\\w+)__', where) -%}
        {%- set scoped.where = scoped.where | replace(
            '__latest_run:' ~ stamp ~ '__', leadflow.written_by_latest_run(relation, stamp) or '1 = 1') -%}
    {%- endfor -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ scoped.where }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}

{#-
    Generic test: `column_name` is unique, checked for the keys of the rows the latest run wrote
    (run_stamp: the model's run-stamp column) against every row of the model; a plain unique test
    when those rows are all of them (a full build) or with data_tests_scope all. Fails listing
    each repeated key and how many rows hold it.
-#}
{% test unique_in_latest_run(model, column_name, run_stamp) %}
    select
        {{ column_name }} as unique_field,
        count(*) as n_records
    from {{ model }}
    where
        {{ column_name }} is not null
        {%- set written = leadflow.written_by_latest_run(model, run_stamp) %}
        {%- if written %}
        and {{ column_name }} in (select {{ column_name }} from {{ model }} where {{ written }})
        {%- endif %}
    group by {{ column_name }}
    having count(*) > 1
{% endtest %}
