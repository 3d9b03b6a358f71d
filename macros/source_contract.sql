{#-
    The raw column contract, edited in the sources YAML (models/staging/<family>/_<family>__sources.yml)
    and generated into macros/raw_contract.sql (leadflow_tools/raw_contract.py): every column
    leadflow reads is listed there with its `data_type` and `config.meta`:
      required    true: the build stops with one message naming schema, table and column when
                  it is absent. Otherwise the column is optional: absent, it is read as a typed
                  NULL (as Fivetran's fill_staging_columns does), listed in a warning and in the
                  audit_source_columns mart.
      used_for    what leadflow does with it (shown in audit_source_columns).
      column_var  an org-specific column: the var naming the physical column (a Salesforce custom
                  field's API name such as Rejection_Reason__c, turned into its Fivetran column
                  name rejection_reason_c; a HubSpot property name such as rejection_reason, read
                  from property_rejection_reason). The column keeps its contract name downstream.
    A table's `config.meta.optional_table: true` lets the table itself be absent: it then stages
    no rows (and is listed in audit_source_columns); a required table that is absent stops the
    build with a clear message. Extra columns in the warehouse are never read, so they break
    nothing. At parse time (execute false) the contract is assumed present; detection happens
    when models run, against the real relation; in a staging unit test, against the fixture,
    which contract_fixture builds with every contract column.
-#}

{#- The type a contract data_type names, on this adapter. -#}
{% macro contract_type(data_type) -%}
    {%- set types = {
        'string': dbt.type_string(),
        'timestamp': dbt.type_timestamp(),
        'boolean': dbt.type_boolean(),
        'bigint': dbt.type_bigint(),
        'double': 'double',
        'date': 'date',
    } -%}
    {%- if data_type not in types -%}
        {{ exceptions.raise_compiler_error("leadflow: unknown contract data_type '" ~ data_type ~ "' (use one of " ~ (types.keys() | list | join(', ')) ~ ")") }}
    {%- endif -%}
    {{ return(types[data_type]) }}
{%- endmacro %}

{#- Fivetran's column name for a Salesforce API field name: Rejection_Reason__c -> rejection_reason_c,
    ProductInterest__c -> product_interest_c, LeadSource -> lead_source. -#}
{% macro fivetran_column_name(api_name) -%}
    {%- set name = modules.re.sub('__c$', '_c', api_name | trim) -%}
    {%- set name = modules.re.sub('([a-z0-9])([A-Z])', '\\1_\\2', name) -%}
    {{ return(name | lower) }}
{%- endmacro %}

{#- The physical column a contract column reads: its own name, or the one its column_var names. -#}
{% macro contract_physical_name(family, column_name, column) -%}
    {%- set var_name = column.get('column_var') -%}
    {%- if not var_name -%}{{ return(column_name) }}{%- endif -%}
    {%- set configured = var(var_name, none) -%}
    {%- if not configured -%}{{ return(none) }}{%- endif -%}
    {%- if family == 'salesforce' -%}
        {{ return(leadflow.fivetran_column_name(configured)) }}
    {%- elif family == 'hubspot' -%}
        {{ return('property_' ~ (configured | lower)) }}
    {%- else -%}
        {{ return(configured | lower) }}
    {%- endif -%}
{%- endmacro %}

{#- Whether a staging model is running inside a dbt unit test, where source() names the test's
    fixture. A fixture for a raw table has exactly the contract's columns (get_fixture_sql in
    macros/unit_test_fixtures.sql), so there the contract counts as present whatever the
    warehouse holds. -#}
{% macro reads_unit_test_fixture(family, table) -%}
    {{ return((source(family, table) | string).startswith('__dbt__cte__')) }}
{%- endmacro %}

{#-
    The contract of one raw table as it stands in the warehouse:
      {'table': 'raw_salesforce.lead', 'optional_table': bool, 'table_present': bool,
       'columns': [{'name', 'physical', 'data_type', 'required', 'used_for', 'present'}]}
    Raises, naming schema, table and columns, when a required table or column is absent. At
    parse time every column counts as present (nothing is queried).
-#}
{% macro source_contract(family, table) -%}
    {%- set spec = leadflow.raw_contract()[family][table] -%}
    {%- set contract_columns = spec.columns + leadflow.pass_through_columns(family, table) -%}
    {%- set display = leadflow.raw_table_name(family, table) -%}
    {%- set present_names = [] -%}
    {%- set relation = none -%}
    {%- set from_fixture = execute and leadflow.reads_unit_test_fixture(family, table) -%}
    {%- if execute and not from_fixture -%}
        {%- set wanted = source(family, table) -%}
        {%- set relation = adapter.get_relation(database=wanted.database, schema=wanted.schema, identifier=wanted.identifier) -%}
        {%- if relation is not none -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do present_names.append(column.name | lower) -%}
            {%- endfor -%}
        {%- elif not spec.optional_table -%}
            {{ exceptions.raise_compiler_error(
                "leadflow: the required raw table " ~ display ~ " does not exist. leadflow reads it as the "
                ~ family ~ " connector lands it (docs/raw_sources.md). Check the connector's table selection, "
                ~ "the var " ~ family ~ "_schema, or switch the family off with using_" ~ family ~ ": false."
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set table_present = relation is not none or not execute or from_fixture -%}
    {%- set columns = [] -%}
    {%- set missing_required = [] -%}
    {%- for column in contract_columns -%}
        {#- a unit-test fixture holds exactly the generated contract's columns, no pass-through ones -#}
        {%- set is_pass_through = column.get('physical') is not none -%}
        {%- if from_fixture -%}
            {%- set physical = column.name -%}
            {%- set present = not is_pass_through -%}
        {%- else -%}
            {%- set physical = column.physical if is_pass_through else leadflow.contract_physical_name(family, column.name, column) -%}
            {%- set present = physical is not none and (not execute or (physical | lower) in present_names) -%}
        {%- endif -%}
        {%- if relation is not none and column.required and not present -%}
            {%- do missing_required.append(physical or column.name) -%}
        {%- endif -%}
        {%- do columns.append({
            'name': column.name, 'physical': physical, 'data_type': column.data_type,
            'required': column.required, 'used_for': column.used_for, 'present': present,
        }) -%}
    {%- endfor -%}
    {%- if missing_required -%}
        {{ exceptions.raise_compiler_error(
            "leadflow: the raw table " ~ display ~ " lacks required column(s) " ~ (missing_required | join(', '))
            ~ ". leadflow cannot stage it without them (docs/raw_sources.md lists what each table must have); "
            ~ "check the connector's column selection for " ~ display ~ "."
        ) }}
    {%- endif -%}
    {{ return({'table': display, 'optional_table': spec.optional_table,
               'table_present': table_present, 'columns': columns}) }}
{%- endmacro %}

{#-
    A FROM item (subquery body) reading a raw table through its contract: every contract column
    under its contract name, absent ones as typed NULLs, extra warehouse columns left out; an
    absent optional table gives the same columns and no rows. With warn=true (staging models),
    absent optional columns and tables are reported in a warning. `row_filter`, a condition on
    the raw table's own columns, is applied in the scan (raw_versions reads its window so).
-#}
{% macro filled_source(family, table, warn=false, row_filter=none) -%}
    {%- set contract = leadflow.source_contract(family, table) -%}
    {#- a column whose var is set to null is the org's choice, not news: audit_source_columns lists it -#}
    {%- set absent = [] -%}
    {%- for column in contract.columns if not column.present and column.physical is not none -%}
        {%- do absent.append(column.physical) -%}
    {%- endfor -%}
    {%- if warn and not contract.table_present -%}
        {%- do exceptions.warn("leadflow: optional raw table " ~ contract.table ~ " is absent; it stages no rows (see audit_source_columns).") -%}
    {%- elif warn and absent -%}
        {%- do exceptions.warn("leadflow: " ~ contract.table ~ " lacks optional column(s) " ~ (absent | join(', ')) ~ "; read as NULL (see audit_source_columns).") -%}
    {%- endif -%}
    select
    {%- for column in contract.columns %}
        {% if column.present -%}
            src.{{ adapter.quote(column.physical) if column.physical in ('timestamp', 'from') else column.physical }}
        {%- else -%}
            cast(null as {{ leadflow.contract_type(column.data_type) }})
        {%- endif %} as {{ adapter.quote(column.name) if column.name in ('timestamp', 'from') else column.name }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    {%- if contract.table_present %}
    from {{ source(family, table) }} as src
    {%- if row_filter %}
    where {{ row_filter }}
    {%- endif %}
    {%- else %}
    where 1 = 0
    {%- endif %}
{%- endmacro %}

{#-
    An org's own columns carried to dim_lead_attributes, in Fivetran's pass-through convention:
      vars: {salesforce__lead_pass_through_columns: [{name: Region__c, alias: sales_region}],
             hubspot__contact_pass_through_columns: [{name: favourite_colour}]}
    `name` is the Salesforce field's API name (read from its Fivetran column, region_c) or the
    HubSpot property's internal name (read from property_<name>); `alias` (default: the column
    name) is what the column is called downstream, `data_type` (default string) its contract type.
    They join the table's contract as optional columns: absent, they are NULL and listed in
    audit_source_columns like any other. Only the tables below take pass-through columns.
-#}
{% macro pass_through_columns(family, table) -%}
    {%- set var_names = {('salesforce', 'lead'): 'salesforce__lead_pass_through_columns',
                         ('salesforce', 'contact'): 'salesforce__contact_pass_through_columns',
                         ('hubspot', 'contact'): 'hubspot__contact_pass_through_columns'} -%}
    {%- set var_name = var_names.get((family, table)) -%}
    {%- set columns = [] -%}
    {%- set taken = leadflow.raw_contract()[family][table].columns | map(attribute='name') | list -%}
    {%- for entry in (var(var_name, []) or [] if var_name else []) -%}
        {%- set physical = leadflow.fivetran_column_name(entry.name) if family == 'salesforce'
                           else 'property_' ~ (entry.name | lower) -%}
        {%- set name = (entry.get('alias') or physical) | lower -%}
        {%- if name in taken -%}
            {{ exceptions.raise_compiler_error(
                "leadflow: pass-through column '" ~ name ~ "' (var " ~ var_name ~ ") has the name of a column "
                ~ "leadflow already reads from " ~ leadflow.raw_table_name(family, table) ~ "; give it another alias."
            ) }}
        {%- endif -%}
        {%- do taken.append(name) -%}
        {%- do columns.append({
            'name': name, 'physical': physical,
            'data_type': entry.get('data_type', 'string'), 'required': false,
            'used_for': 'pass-through to dim_lead_attributes (var ' ~ var_name ~ ')', 'column_var': none,
        }) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- ", <alias>, <alias>" of a table's pass-through columns, prefixed with `relation.` when given:
    what a staging model appends to its final select. -#}
{% macro pass_through_select(family, table, relation=none) -%}
    {%- for column in leadflow.pass_through_columns(family, table) -%}
        , {{ (relation ~ '.') if relation else '' }}{{ column.name }}
    {%- endfor -%}
{%- endmacro %}
