-- A reason code is meant for one exit (seeds/rejection_reasons.csv exit_stage: disqualified,
-- recycled or any): a timing reason on a disqualification, or "competitor" on a recycle, is a
-- rep's mistake that sends the person down the wrong next action. Fails listing each spell.
with

spells as (
    select * from {{ ref('fct_lead_stage_history') }}
    where is_exit and reason_code is not null
),

reason_exits as (
    select distinct
        reason_code,
        exit_stage
    from {{ ref('rejection_reasons') }}
)

select
    spells.stage_spell_id,
    spells.lead_key,
    spells.lifecycle_stage,
    spells.reason_code,
    spells.reason_raw,
    reason_exits.exit_stage as reason_meant_for
from spells
inner join reason_exits
    on spells.reason_code = reason_exits.reason_code
where reason_exits.exit_stage not in ('any', spells.lifecycle_stage)
