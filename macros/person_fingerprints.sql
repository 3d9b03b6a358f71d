{#-
    Person-incremental models that re-derive a person only when what they read about that person
    changed (int_lifecycle__stage_moves; int_lifecycle__stage_changes follows its fingerprints):
    each stored row carries its person's input fingerprint; a run compares the current
    fingerprints with the stored ones and re-derives the people that differ, appear or vanish.
    Engine-neutral text (md5, integers, booleans, epoch microseconds), so a DuckDB and a Spark
    build store the same fingerprints.
-#}

{#- md5 of the values of a list of SQL expressions, a null as '<null>': equal values, equal
    fingerprint. Timestamps should come as leadflow.epoch_micros_text (engines print them
    differently). -#}
{% macro values_fingerprint(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    md5(concat_ws('|', {{ parts | join(', ') }}))
{%- endmacro %}

{#- The expressions leadflow.person_fingerprints hashes for every column of `relation` but
    `exclude`: timestamps as epoch microseconds, everything else as the column (cast to text).
    Read from the warehouse when the model runs, so a column added upstream is fingerprinted too. -#}
{% macro fingerprint_expressions(relation, exclude=[]) -%}
    {%- set expressions = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if column.name | lower not in exclude -%}
                {%- set quoted = adapter.quote(column.name) -%}
                {%- do expressions.append(leadflow.epoch_micros_text(quoted)
                    if (column.data_type | lower).startswith('timestamp') else quoted) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(expressions or ["''"]) }}
{%- endmacro %}

{#- One row per person of `rows_relation` (a CTE or relation with a lead_key): the fingerprint of
    the set of their rows, over `expressions`, and of `rules_relation`'s rules_fingerprint (a
    one-row relation the whole run shares, e.g. the seeds the model reads: a changed seed
    re-derives everyone). Order-independent and cheap: the row count and two sums of 40-bit slices
    of each row's md5 (no sort; 2^23 rows per person before a bigint sum could overflow); each
    row's md5 is taken once. The rules join the people after the grouping, so the grouping holds
    three numbers a person and no text. -#}
{% macro person_fingerprints(rows_relation, expressions, rules_relation) -%}
    select
        people.lead_key,
        {{ leadflow.values_fingerprint([
            'people.row_count', 'people.hash_sum_1', 'people.hash_sum_2', 'rules.rules_fingerprint'
        ]) }} as inputs_fingerprint
    from (
        select
            lead_key,
            count(*) as row_count,
            sum({{ leadflow.hex_to_bigint('substr(row_hash, 1, 10)') }}) as hash_sum_1,
            sum({{ leadflow.hex_to_bigint('substr(row_hash, 11, 10)') }}) as hash_sum_2
        from (
            select
                lead_key,
                {{ leadflow.values_fingerprint(expressions) }} as row_hash
            from {{ rows_relation }}
        ) as hashed_rows
        group by lead_key
    ) as people
    cross join {{ rules_relation }} as rules
{%- endmacro %}

{#- The people an incremental run of a person-fingerprinted model re-derives: those whose current
    fingerprint (`current_fingerprints`: lead_key, inputs_fingerprint) differs from the one stored
    in `fingerprint_column` of the model's rows, and those on one side only (new people; people
    whose key vanished in a merge or whose rows all went). A person with inputs but no stored
    rows (nothing derived from them) is re-derived on every run. -#}
{% macro changed_people(current_fingerprints, fingerprint_column) -%}
    select coalesce(current_people.lead_key, stored.lead_key) as lead_key
    from {{ current_fingerprints }} as current_people
    full outer join (
        select distinct
            lead_key,
            {{ fingerprint_column }} as inputs_fingerprint
        from {{ this }}
    ) as stored
        on current_people.lead_key = stored.lead_key
    where
        current_people.lead_key is null
        or stored.lead_key is null
        or current_people.inputs_fingerprint <> stored.inputs_fingerprint
{%- endmacro %}

{#- A table built by an earlier leadflow without a column an incremental run reads from it
    ({{ this }}): stop with what to do (`since`: the CHANGELOG entry) instead of a binder error. -#}
{% macro refuse_relation_without_column(relation, column, since) %}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- if names and column not in names -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " was built by an earlier leadflow and has no " ~ column ~ " column (CHANGELOG, "
            ~ since ~ "): rebuild it once with dbt build --full-refresh -s " ~ relation.identifier ~ "+") }}
    {%- endif -%}
{% endmacro %}

{#- The CTEs a person-fingerprinted model starts from, each followed by a comma: on an incremental
    run `people_in_scope` (leadflow.changed_people over `current_fingerprints`, a CTE, relation or
    parenthesised subquery with lead_key and inputs_fingerprint) and `rows_name`, the rows of
    `all_rows` (a CTE with a lead_key) of those people; on a full build `rows_name` is all of
    `all_rows`. -#}
{% macro rows_of_changed_people(all_rows, current_fingerprints, rows_name) -%}
{%- if is_incremental() -%}
people_in_scope as (
    {{ leadflow.changed_people(current_fingerprints, 'inputs_fingerprint') | indent(4) }}
),
{% endif -%}
{{ leadflow.rows_of_people_in_scope(all_rows, rows_name) }}
{%- endmacro %}

{#- A CTE `rows_name` (followed by a comma): the rows of `all_rows` (a CTE with a lead_key) of the
    people an incremental run re-derives (the people_in_scope CTE of
    leadflow.rows_of_changed_people, which must come first), all of them on a full build. For a
    model that reads a second relation by person besides the one its fingerprints follow. -#}
{% macro rows_of_people_in_scope(all_rows, rows_name) -%}
{%- if is_incremental() -%}
{{ rows_name }} as {{ leadflow.not_materialized() }} (
    select {{ all_rows }}.*
    from {{ all_rows }}
    inner join people_in_scope
        on {{ all_rows }}.lead_key = people_in_scope.lead_key
),
{%- else -%}
{{ rows_name }} as {{ leadflow.not_materialized() }} (
    select * from {{ all_rows }}
),
{%- endif %}
{%- endmacro %}

{#- A one-row select: `rows_fingerprint`, the md5 of every row of `relation` (a seed) over
    `columns`, in a fixed order, so the same rows give the same fingerprint whatever order they
    were loaded in. For a person-fingerprinted model's rules_relation (several seeds: one
    subquery each, combined with leadflow.values_fingerprint). -#}
{% macro rows_fingerprint(relation, columns) -%}
    select {{ leadflow.ordered_string_agg(
        leadflow.values_fingerprint(columns), leadflow.values_fingerprint(columns), ',') }} as rows_fingerprint
    from {{ relation }}
{%- endmacro %}
