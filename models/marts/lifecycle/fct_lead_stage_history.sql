{{ config(materialized='view') }}
{#-
    Lifecycle spells (SCD type 2): one row per person per stage they were in, from one move to
    the next (int_lifecycle__spells), with the stage's owning team and the hours in stage at
    as_of. Spells never have zero length, never overlap and leave no gaps between a person's
    first move and as_of.
    A view: only the open spell's hours in stage (and the as_of column) change with as_of, so
    storing them would rewrite every spell every day; the spells themselves are stored
    incrementally by person in int_lifecycle__spells.
-#}
with

spells as (
    select * from {{ ref('int_lifecycle__spells') }}
),

stages as (
    select * from {{ ref('lifecycle_stages') }}
),

{% set spell_end = 'coalesce(spells.valid_to, ' ~ leadflow.as_of() ~ ')' %}
final as (
    select
        spells.stage_change_id as stage_spell_id,
        spells.lead_key,
        spells.spell_number,
        spells.lifecycle_stage,
        spells.stage_order,
        stages.owning_team,
        spells.is_exit,
        spells.valid_from,
        spells.valid_to,
        spells.valid_to is null as is_current,
        cast(
            {{ leadflow.round_to(leadflow.seconds_between('spells.valid_from', spell_end) ~ ' / 3600.0', 2) }} as double
        ) as hours_in_stage,
        spells.previous_stage,
        spells.source_system,
        spells.source_field,
        spells.source_value,
        spells.source_record_id,
        spells.reason_code,
        spells.reason_raw,
        spells.is_regression,
        spells.skipped_stages,
        {{ leadflow.as_of() }} as as_of
    from spells
    inner join stages
        on spells.lifecycle_stage = stages.lifecycle_stage
)

select * from final
