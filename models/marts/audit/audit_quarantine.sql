{#- Every raw row that could not be used, with the reason and the values needed to fix it. -#}
with

reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

row_outcomes as (
    select * from {{ ref('int_audit__row_outcomes') }}
),

orphaned_rows as (
    select * from {{ ref('int_audit__orphaned_rows') }}
),

staging_rejects as (
    -- one row per quarantined raw row: identical rows were counted together in row_outcomes
    select
        source_table,
        source_record_id,
        row_outcome as reason_code,
        'staging' as quarantine_layer,
        raw_values
    from (
        select
            row_outcomes.*,
            {{ leadflow.integer_rows('row_outcomes.row_count') }} as copy_index
        from row_outcomes
        where row_outcomes.is_quarantined
    ) as expanded
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
