{#-
    The raw column contract against the warehouse it was built on: one row per column leadflow
    reads from an enabled raw table (models/staging/<family>/_<family>__sources.yml), saying
    whether the table and the column exist and what leadflow uses the column for. An absent
    optional column is read as NULL and an absent optional table stages no rows, so this is where
    a RevOps engineer sees what a deselected Fivetran column or a missing HubSpot property costs.
    Required columns are never listed absent: a build without one stops before this model.
    Rendered at run time from the columns the warehouse reports for each raw table.
-#}
with

contract_columns as (
    -- one select of literals per contract column, rendered from the contract at run time
    -- noqa: disable=LT02
    {%- set selects = [] -%}
    {%- for family, table, spec in leadflow.enabled_raw_tables() -%}
        {%- set contract = leadflow.source_contract(family, table) -%}
        {%- for column in contract.columns -%}
            {%- do selects.append(
                "select "
                ~ leadflow.sql_string(contract.table) ~ " as source_table, "
                ~ leadflow.sql_string(column.name) ~ " as column_name, "
                ~ ("cast(null as " ~ dbt.type_string() ~ ")" if column.physical is none else leadflow.sql_string(column.physical))
                ~ " as warehouse_column, "
                ~ leadflow.sql_string(column.data_type) ~ " as data_type, "
                ~ (column.required | string | lower) ~ " as is_required, "
                ~ (contract.optional_table | string | lower) ~ " as is_optional_table, "
                ~ (contract.table_present | string | lower) ~ " as is_table_present, "
                ~ (column.present | string | lower) ~ " as is_present, "
                ~ leadflow.sql_string(column.used_for) ~ " as used_for, "
                ~ "cast(" ~ loop.index ~ " as bigint) as column_position"
            ) -%}
        {%- endfor -%}
    {%- endfor %}
    {{ selects | join('\n    union all\n    ') }}
    -- noqa: enable=LT02
),

final as (
    select
        source_table,
        column_name,
        warehouse_column,
        data_type,
        is_required,
        is_optional_table,
        is_table_present,
        is_present,
        case
            when not is_table_present then 'table absent: no rows staged'
            when warehouse_column is null then 'org-specific field not configured: read as NULL'
            when not is_present then 'absent: read as NULL'
            else 'present'
        end as status,
        used_for,
        column_position,
        {{ leadflow.as_of() }} as as_of
    from contract_columns
)

select * from final
