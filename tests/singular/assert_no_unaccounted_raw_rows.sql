-- Nothing lost: every raw row is a duplicate version, soft-deleted, quarantined or staged.
-- Fails naming each raw table whose counts do not add up.
select
    source_table,
    raw_rows,
    duplicate_versions,
    soft_deleted_rows,
    quarantined_rows,
    staged_rows,
    unaccounted_rows
from {{ ref('audit_row_reconciliation') }}
where unaccounted_rows <> 0
