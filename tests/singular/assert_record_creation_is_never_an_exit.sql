-- A record's creation (Salesforce lead.created) maps to no exit stage: int_lifecycle__stage_moves
-- counts the exits before each fact before it drops a later duplicate record's creation, which is
-- only right while a creation is never an exit (otherwise the dropped creation would still count as
-- an exit, and a working state after it could move the person back). Fails listing each such row of
-- seeds/lifecycle_stage_map.csv.
with

stage_map as (
    select * from {{ ref('lifecycle_stage_map') }}
),

stages as (
    select * from {{ ref('lifecycle_stages') }}
)

select
    stage_map.source_system,
    stage_map.source_field,
    stage_map.source_value,
    stage_map.lifecycle_stage
from stage_map
inner join stages
    on stage_map.lifecycle_stage = stages.lifecycle_stage
where stage_map.source_field = 'lead.created' and stages.is_exit
