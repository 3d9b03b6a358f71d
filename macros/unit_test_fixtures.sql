{#-
    dbt's own get_fixture_sql (dbt-core 1.11, macros/unit_test_sql/get_fixture_sql.sql), with one
    change: the fixture of a raw table leadflow reads takes its columns and types from the raw
    contract (macros/raw_contract.sql), not from the warehouse table. dbt would introspect the
    warehouse, so a staging unit test naming an optional column (title, website, ...) would fail
    on any warehouse whose connector did not land that column; with the contract, the same test
    runs on every warehouse, and the staging model reads the fixture as if every contract column
    were present (source_contract). Every other fixture is built exactly as dbt builds it.
-#}
{% macro get_fixture_sql(rows, column_name_to_data_types) %}
-- Fixture for {{ model.name }}
{% set default_row = {} %}
{%- set column_name_to_quoted = {} -%}

{%- if not column_name_to_data_types -%}
{%-   set contract_types = leadflow.raw_fixture_column_types(this) -%}
{%-   if contract_types -%}
{%-     set column_name_to_data_types = contract_types -%}
{%-     for column_name in contract_types -%}
{%-       do column_name_to_quoted.update({column_name: adapter.quote(column_name) if column_name in ('timestamp', 'from') else column_name}) -%}
{%-     endfor -%}
{%-   else -%}
{#-- Use defer_relation IFF it is available in the manifest and 'this' is missing from the database --#}
{%-     set this_or_defer_relation = defer_relation if (defer_relation and not load_relation(this)) else this -%}
{%-     set columns_in_relation = adapter.get_columns_in_relation(this_or_defer_relation) -%}
{%-     set column_name_to_data_types = {} -%}
{%-     for column in columns_in_relation -%}
{#-- This needs to be a case-insensitive comparison --#}
{%-       do column_name_to_data_types.update({column.name|lower: column.data_type}) -%}
{%-       do column_name_to_quoted.update({column.name|lower: column.quoted}) -%}
{%-     endfor -%}
{%-   endif -%}
{%- endif -%}

{%- if not column_name_to_data_types -%}
    {{ exceptions.raise_compiler_error("Not able to get columns for unit test '" ~ model.name ~ "' from relation " ~ this ~ " because the relation doesn't exist") }}
{%- endif -%}

{%- for column_name, column_type in column_name_to_data_types.items() -%}
    {%- do default_row.update({column_name: (safe_cast("null", column_type) | trim )}) -%}
{%- endfor -%}

{{ validate_fixture_rows(rows, row_number) }}

{%- for row in rows -%}
{%-   set formatted_row = format_row(row, column_name_to_data_types) -%}
{%-   set default_row_copy = default_row.copy() -%}
{%-   do default_row_copy.update(formatted_row) -%}
select
{%-   for column_name, column_value in default_row_copy.items() %} {{ column_value }} as {{ column_name_to_quoted[column_name] }}{% if not loop.last -%}, {%- endif %}
{%-   endfor %}
{%-   if not loop.last %}
union all
{%    endif %}
{%- endfor -%}

{%- if (rows | length) == 0 -%}
    select
    {%- for column_name, column_value in default_row.items() %} {{ column_value }} as {{ column_name_to_quoted[column_name] }}{% if not loop.last -%},{%- endif %}
    {%- endfor %}
    limit 0
{%- endif -%}
{% endmacro %}

{#- {column: type} of the raw contract table `relation` names (schema var and table name), or
    none when it is not a raw table leadflow reads. -#}
{% macro raw_fixture_column_types(relation) -%}
    {%- for family, tables in leadflow.raw_contract().items() -%}
        {%- if (relation.schema or '') | lower == (var(family ~ '_schema') | lower) -%}
            {%- for table, spec in tables.items() -%}
                {%- if leadflow.raw_table_identifier(family, table) | lower == (relation.identifier or '') | lower -%}
                    {%- set types = {} -%}
                    {%- for column in spec.columns -%}
                        {%- do types.update({column.name: leadflow.contract_type(column.data_type)}) -%}
                    {%- endfor -%}
                    {{ return(types) }}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
