-- Every stage value the CRMs recorded has a row in seeds/lifecycle_stage_map.csv (a row with
-- an empty lifecycle_stage marks a value that is deliberately not a move). Fails listing each
-- unmapped (system, field, value) with how often it occurs and one record that carries it,
-- so a new Salesforce status or HubSpot stage is added to the map, not silently ignored.
select
    source_system,
    source_field,
    source_value,
    count(*) as occurrences,
    min(source_record_id) as example_record_id
from {{ ref('int_lifecycle__crm_events') }}
where not is_mapped
group by source_system, source_field, source_value
