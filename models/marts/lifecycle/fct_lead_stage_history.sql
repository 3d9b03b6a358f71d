{#-
    Lifecycle spells (SCD type 2): one row per person per stage they were in, from one move
    (int_lifecycle__stage_changes) to the next. A move superseded at the very same instant
    (Salesforce conversion = sql and the opportunity created in the same second) is a stamp
    in fct_lead_funnel but not a spell: spells never have zero length, never overlap and
    leave no gaps between a person's first move and as_of.
-#}
with

stage_changes as (
    select * from {{ ref('int_lifecycle__stage_changes') }}
),

stages as (
    select * from {{ ref('lifecycle_stages') }}
),

lasting_moves as (
    select *
    from stage_changes
    where next_changed_at is null or next_changed_at > changed_at
),

spells as (
    -- a spell ends at its move's next_changed_at: the moves at that instant end with a lasting one
    select
        *,
        row_number() over (partition by lead_key order by change_number) as spell_number
    from lasting_moves
),

{% set spell_end = 'coalesce(spells.next_changed_at, ' ~ leadflow.as_of() ~ ')' %}
final as (
    select
        spells.stage_change_id as stage_spell_id,
        spells.lead_key,
        cast(spells.spell_number as integer) as spell_number,
        spells.lifecycle_stage,
        cast(spells.stage_order as integer) as stage_order,
        stages.owning_team,
        spells.is_exit,
        spells.changed_at as valid_from,
        spells.next_changed_at as valid_to,
        spells.next_changed_at is null as is_current,
        cast(
            {{ leadflow.round_to(leadflow.seconds_between('spells.changed_at', spell_end) ~ ' / 3600.0', 2) }} as double
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
