-- Every picklist value the CRMs hold is mapped by a seed (lifecycle_stage_map for lifecycle
-- values, picklist_values for account types and lead sources). Warns, never fails: each org
-- defines its own picklists, and an unmapped value keeps its raw text (a lifecycle value moves
-- no stage). Lists each unmapped value with how often it occurs, one record carrying it and the
-- seed to add it to, so a new Salesforce status or HubSpot stage is mapped, not silently ignored.
{{ config(severity='warn') }}

select
    picklist,
    source_system,
    source_field,
    source_value,
    occurrences,
    example_record_id,
    seed_to_edit
from {{ ref('audit_unmapped_values') }}
