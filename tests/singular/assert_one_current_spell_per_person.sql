-- Every person with lifecycle history has exactly one current spell (is_current), and it is
-- their latest. Fails listing each person with their number of current spells.
with

spells as (
    select * from {{ ref('fct_lead_stage_history') }}
),

per_person as (
    select
        lead_key,
        {{ leadflow.count_where('is_current') }} as current_spells,
        max(spell_number) as last_spell_number,
        max(case when is_current then spell_number end) as current_spell_number
    from spells
    group by lead_key
)

select *
from per_person
where current_spells <> 1 or current_spell_number <> last_spell_number
