-- Every move of int_lifecycle__stage_moves reaches int_lifecycle__stage_changes, where the fact it
-- came from is joined back by its keys (an inner join: a move whose fact could not be found again
-- would vanish there). Fails listing each such move.
with

stage_moves as (
    select * from {{ ref('int_lifecycle__stage_moves') }}
),

stage_changes as (
    select * from {{ ref('int_lifecycle__stage_changes') }}
)

select
    stage_moves.lead_key,
    stage_moves.change_number,
    stage_moves.lifecycle_stage,
    stage_moves.source_system,
    stage_moves.source_event_id
from stage_moves
left join stage_changes
    on
        stage_moves.lead_key = stage_changes.lead_key
        and stage_moves.change_number = stage_changes.change_number
where stage_changes.lead_key is null
