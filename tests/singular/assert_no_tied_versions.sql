-- Versions of one CRM record with identical ordering stamps but different values: the loader
-- cannot say which is newer. Staging picks one deterministically (the highest row fingerprint,
-- macros/raw_tables.sql source_row_outcomes), so the build goes on; this warning names every
-- version set aside (audit_quarantine, reason tied_version) so someone checks it.
{{ config(severity='warn') }}

select
    source_table,
    source_record_id,
    raw_values
from {{ ref('audit_quarantine') }}
where reason_code = 'tied_version'
