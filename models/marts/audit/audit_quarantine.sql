{#- Every raw row that could not be used, with the reason and the values needed to fix it. -#}
with

reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

orphaned_rows as (
    select * from {{ ref('int_audit__orphaned_rows') }}
),

staging_rejects as (
    {% for family, table, spec in leadflow.enabled_raw_tables() %}
    select
        '{{ leadflow.raw_table_name(family, table) }}' as source_table,
        {{ leadflow.raw_key_string(spec) }} as source_record_id,
        _row_outcome as reason_code,
        'staging' as quarantine_layer,
        {{ leadflow.describe_row(spec.describe) }} as raw_values
    from ({{ leadflow.source_row_outcomes(family, table) }}) as outcomes
    where _row_outcome not in ('staged', 'duplicate_version', 'soft_deleted')
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

unioned as (
    select * from staging_rejects
    union all
    select
        source_table,
        source_record_id,
        reason_code,
        'intermediate' as quarantine_layer,
        raw_values
    from orphaned_rows
),

numbered as (
    -- rows whose key is missing share a source_record_id: number them so each raw row keeps its own id
    select
        *,
        row_number() over (
            partition by source_table, source_record_id, reason_code order by raw_values
        ) as occurrence
    from unioned
),

final as (
    select
        {{ leadflow.hash_key(
            "numbered.source_table || '|' || numbered.source_record_id || '|' || numbered.reason_code"
            ~ " || '|' || cast(numbered.occurrence as " ~ dbt.type_string() ~ ")"
        ) }} as quarantine_id,
        numbered.source_table,
        numbered.source_record_id,
        numbered.reason_code,
        reasons.description as reason_description,
        reasons.how_to_fix,
        numbered.quarantine_layer,
        numbered.raw_values,
        {{ leadflow.as_of() }} as as_of
    from numbered
    left join reasons
        on numbered.reason_code = reasons.reason_code
)

select * from final
