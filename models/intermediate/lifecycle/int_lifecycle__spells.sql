{#-
    Lifecycle spells without as_of: one row per person per stage they were in, from one move
    (int_lifecycle__stage_changes) to the next. A move superseded at the very same instant
    (Salesforce conversion = sql and the opportunity created in the same second) is a stamp in
    fct_lead_funnel but not a spell: spells never have zero length and never overlap.
    fct_lead_stage_history is a view over this table that adds what depends on as_of (the open
    spell's hours in stage) and the stage's owning team.

    Incremental by person (replace_people, DuckDB; rebuilt whole on Spark): a person's spells
    depend only on their own moves, so each row carries the inputs_fingerprint of the moves it
    was derived from and a run re-derives only the people whose fingerprint in
    int_lifecycle__stage_changes changed, appeared or vanished (the people that model re-derived).
-#}
{{ config(meta={'replace_people_marker': 'stage_change_id'}, **leadflow.delete_insert_incremental('replace_people')) }}
with

all_stage_changes as (
    select * from {{ ref('int_lifecycle__stage_changes') }}
),

{{ leadflow.rows_of_changed_people(
    'all_stage_changes',
    '(select distinct lead_key, inputs_fingerprint from all_stage_changes)',
    'stage_changes'
) }}

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

final as (
    select
        stage_change_id,
        lead_key,
        cast(spell_number as integer) as spell_number,
        lifecycle_stage,
        cast(stage_order as integer) as stage_order,
        is_exit,
        changed_at as valid_from,
        next_changed_at as valid_to,
        previous_stage,
        source_system,
        source_field,
        source_value,
        source_record_id,
        reason_code,
        reason_raw,
        is_regression,
        skipped_stages,
        inputs_fingerprint
    from spells
)

{{ leadflow.rows_and_person_markers('final', 'select lead_key from people_in_scope' if is_incremental() else none) }}
