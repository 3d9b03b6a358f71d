{#-
    Every raw row's outcome (source_row_outcomes), computed in one pass over each raw table for
    both audit marts, which used to rescan every raw table each. Rows that need no attention
    (staged, collapsed duplicate versions, soft-deleted) are counted per table and outcome, one
    row each; a quarantined row keeps its key and the values needed to fix it (identical
    quarantined rows share a row, counted in row_count). sum(row_count) per table is the rows
    its base model has read; audit_row_reconciliation counts the raw table itself (macro
    base_raw_row_count).

    The outcomes come from each raw table's incremental base model (base_<source>__<entity>,
    macros/raw_versions.sql), which holds the latest version of every record or event with its
    outcome (and every tied_version and keyless row) and the number of versions it superseded: a
    run reads those, not every raw row again.
-#}
{%- set needs_no_attention = "('staged', 'duplicate_version', 'soft_deleted')" -%}
with

{% for family, table, spec in leadflow.enabled_raw_tables() %}
{{ family }}__{{ table }} as (
    select
        '{{ leadflow.raw_table_name(family, table) }}' as source_table,
        _row_outcome as row_outcome,
        case
            when _row_outcome not in {{ needs_no_attention }}
                then {{ leadflow.raw_key_string(spec) }}
        end as source_record_id,
        case
            when _row_outcome not in {{ needs_no_attention }}
                then {{ leadflow.describe_row(spec.describe) }}
        end as raw_values,
        cast(1 as {{ dbt.type_bigint() }}) as row_count
    from {{ ref(leadflow.base_model_name(spec)) }}
    union all
    select
        '{{ leadflow.raw_table_name(family, table) }}' as source_table,
        'duplicate_version' as row_outcome,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        cast(null as {{ dbt.type_string() }}) as raw_values,
        _superseded_versions as row_count
    from {{ ref(leadflow.base_model_name(spec)) }}
    where _superseded_versions > 0
),

{% endfor %}
unioned as (
    {% for family, table, spec in leadflow.enabled_raw_tables() %}
    select * from {{ family }}__{{ table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        source_table,
        row_outcome,
        row_outcome not in {{ needs_no_attention }} as is_quarantined,
        source_record_id,
        raw_values,
        cast(sum(row_count) as {{ dbt.type_bigint() }}) as row_count
    from unioned
    group by source_table, row_outcome, source_record_id, raw_values
)

select * from final
