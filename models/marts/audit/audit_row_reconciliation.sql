{#-
    One row per raw table: every raw row is a collapsed duplicate version, soft-deleted,
    quarantined at staging, or staged. `unaccounted_rows` must be 0 (a singular test fails the
    build otherwise). The staged count is read from the staging model itself, so a staging model
    that drops or multiplies rows shows up here.
-#}
with

quarantine as (
    select * from {{ ref('audit_quarantine') }}
),

per_table as (
    {% for family, table, spec in leadflow.enabled_raw_tables() %}
    select
        '{{ leadflow.raw_table_name(family, table) }}' as source_table,
        '{{ spec.model }}' as staging_model,
        count(*) as raw_rows,
        {{ leadflow.count_where("_row_outcome = 'duplicate_version'") }} as duplicate_versions,
        {{ leadflow.count_where("_row_outcome = 'soft_deleted'") }} as soft_deleted_rows,
        (select count(*) from {{ ref(spec.model) }}) as staged_rows
    from ({{ leadflow.source_row_outcomes(family, table) }}) as outcomes
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

quarantine_counts as (
    select
        source_table,
        {{ leadflow.count_where("quarantine_layer = 'staging'") }} as quarantined_rows,
        {{ leadflow.count_where("quarantine_layer = 'intermediate'") }} as orphaned_rows
    from quarantine
    group by source_table
),

final as (
    select
        per_table.source_table,
        per_table.staging_model,
        cast(per_table.raw_rows as bigint) as raw_rows,
        cast(per_table.duplicate_versions as bigint) as duplicate_versions,
        cast(per_table.soft_deleted_rows as bigint) as soft_deleted_rows,
        cast(coalesce(quarantine_counts.quarantined_rows, 0) as bigint) as quarantined_rows,
        cast(per_table.staged_rows as bigint) as staged_rows,
        cast(coalesce(quarantine_counts.orphaned_rows, 0) as bigint) as orphaned_rows,
        cast(
            per_table.raw_rows
            - per_table.duplicate_versions
            - per_table.soft_deleted_rows
            - coalesce(quarantine_counts.quarantined_rows, 0)
            - per_table.staged_rows
            as bigint
        ) as unaccounted_rows,
        {{ leadflow.as_of() }} as as_of
    from per_table
    left join quarantine_counts
        on per_table.source_table = quarantine_counts.source_table
)

select * from final
