{#-
    One row per raw table: every raw row is a collapsed duplicate version, soft-deleted,
    quarantined at staging, or staged. `unaccounted_rows` must be 0 (a singular test fails the
    build otherwise). Duplicate and deleted counts come from int_audit__row_outcomes (one pass
    over the raw tables), the quarantined count from audit_quarantine, and the staged count from
    the staging model itself, so a staging model that drops or multiplies rows shows up here.
    Every raw table's outcomes come from its incremental base model, so its raw count is counted
    on the raw table itself (macro base_raw_row_count: every row up to the newest loader stamp
    the base model holds), and a raw row an incremental run missed shows up as unaccounted.
    A staging model whose code cannot change its row count (macro is_pure_projection: it only
    renames and casts its staged raw rows) is not counted again: its staged count is the staged
    outcome count of int_audit__row_outcomes, which saves re-ranking every version of the large
    event tables.
-#}
with

row_outcomes as (
    select * from {{ ref('int_audit__row_outcomes') }}
),

quarantine as (
    select * from {{ ref('audit_quarantine') }}
),

raw_tables as (
    -- every enabled raw table, also an empty one, with its staging model's row count
    {% for family, table, spec in leadflow.enabled_raw_tables() %}
    select
        '{{ leadflow.raw_table_name(family, table) }}' as source_table,
        '{{ spec.model }}' as staging_model,
        {#- parsing always takes the else branch (is_pure_projection is false before execute), so
            every staging model stays a recorded dependency #}
        {% if leadflow.is_pure_projection(family, table, spec.model) -%}
        cast(null as bigint) as counted_staged_rows
        {%- else -%}
        (select count(*) from {{ ref(spec.model) }}) as counted_staged_rows
        {%- endif %},
        {% if leadflow.source_contract(family, table).table_present -%}
        {{ leadflow.base_raw_row_count(family, table) }} as counted_raw_rows
        {%- else -%}
        cast(null as bigint) as counted_raw_rows
        {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

outcome_counts as (
    select
        source_table,
        sum(row_count) as raw_rows,
        sum(case when row_outcome = 'duplicate_version' then row_count else 0 end) as duplicate_versions,
        sum(case when row_outcome = 'soft_deleted' then row_count else 0 end) as soft_deleted_rows,
        sum(case when row_outcome = 'staged' then row_count else 0 end) as staged_outcome_rows
    from row_outcomes
    group by source_table
),

quarantine_counts as (
    select
        source_table,
        {{ leadflow.count_where("quarantine_layer = 'staging'") }} as quarantined_rows,
        {{ leadflow.count_where("quarantine_layer = 'intermediate'") }} as orphaned_rows
    from quarantine
    group by source_table
),

per_table as (
    select
        raw_tables.source_table,
        raw_tables.staging_model,
        -- counted from the staging model, or (a pure projection) its staged outcome count
        coalesce(raw_tables.counted_staged_rows, outcome_counts.staged_outcome_rows, 0) as staged_rows,
        coalesce(raw_tables.counted_raw_rows, outcome_counts.raw_rows, 0) as raw_rows,
        coalesce(outcome_counts.duplicate_versions, 0) as duplicate_versions,
        coalesce(outcome_counts.soft_deleted_rows, 0) as soft_deleted_rows,
        coalesce(quarantine_counts.quarantined_rows, 0) as quarantined_rows,
        coalesce(quarantine_counts.orphaned_rows, 0) as orphaned_rows
    from raw_tables
    left join outcome_counts
        on raw_tables.source_table = outcome_counts.source_table
    left join quarantine_counts
        on raw_tables.source_table = quarantine_counts.source_table
),

final as (
    select
        source_table,
        staging_model,
        cast(raw_rows as bigint) as raw_rows,
        cast(duplicate_versions as bigint) as duplicate_versions,
        cast(soft_deleted_rows as bigint) as soft_deleted_rows,
        cast(quarantined_rows as bigint) as quarantined_rows,
        cast(staged_rows as bigint) as staged_rows,
        cast(orphaned_rows as bigint) as orphaned_rows,
        cast(
            raw_rows - duplicate_versions - soft_deleted_rows - quarantined_rows - staged_rows as bigint
        ) as unaccounted_rows,
        {{ leadflow.as_of() }} as as_of
    from per_table
)

select * from final
