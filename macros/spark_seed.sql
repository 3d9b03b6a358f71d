{#-
    Spark string literals read backslash escapes ('\b' is a backspace), so a value holding a
    backslash, such as a regular expression from a seed, must have it doubled as well as its
    apostrophes escaped. dbt-spark's escape_single_quotes only does the apostrophes; this one
    (used by dbt's unit-test fixtures and by the seed loader below) does both.
-#}
{% macro spark__escape_single_quotes(expression) -%}
    {{ expression | replace("\\", "\\\\") | replace("'", "\\'") }}
{%- endmacro %}

{#-
    Seeds on Spark's `session` connection. dbt-spark 1.11 formats seed values into the insert
    with plain '%s' substitution: a value holding an apostrophe ("New Year's Day") breaks the
    statement and an empty cell arrives as the string 'None'. This override of
    spark__load_csv_rows renders each value as a proper Spark SQL literal instead: null for an
    empty cell, true/false, numbers as they are, text quoted with backslash escapes.
-#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true -%}
        true
    {%- elif value is sameas false -%}
        false
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        {{ leadflow.sql_string(value | string) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ leadflow.spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
