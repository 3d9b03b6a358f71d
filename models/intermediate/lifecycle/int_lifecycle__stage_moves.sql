{#-
    Every lifecycle move per person, from both CRMs, one row per move, numbered in a
    deterministic order (time, then stage order, then source system and event id): the moves
    themselves, by the keys of the facts they come from. int_lifecycle__stage_changes adds what
    recorded each move (source field, value, record id) and, for exits, the reason; the two are
    separate tables so that no query holds this model's windows and those joins at once (at 10M
    people one query holding both ran out of memory at 12 and 17 GB, docs/benchmarks.md).
    Rules, in order:
      0 a record's creation (Salesforce lead.created) counts only as the person's first move;
        a value that only informs a stage (moves_forward_only: HubSpot lead status, a working
        state) is not a move when it is no exit and lower than a stage already reached since
        the last exit: lead status IN_PROGRESS after SQL does not send the person back to SAL
      1 an exit wins its instant: a CRM that writes an exit and another stage at the same
        moment (HubSpot lifecyclestage 'lead' with hs_lead_status BAD_TIMING) made one move,
        the exit; stages recorded together without an exit are moves in stage order
        (Salesforce conversion = sql, opportunity created, won in the same second)
      2 the same stage recorded again within var('lifecycle_dedup_minutes') is the same move,
        not a second one: the other CRM's copy (Salesforce MQL at 09:00, HubSpot at 09:05) or
        another field of the same CRM (Status = Converted, then the leadConverted row)
      3 a recorded stage equal to the person's previous stage is not a move
    Then each move is compared with the one before it:
      is_regression   a funnel stage lower than the previous funnel stage, without an exit
                      (recycle or disqualification) in between
      skipped_stages  funnel stages jumped over when moving forward (mql -> sql skips sal)

    Incremental by person (replace_people, DuckDB; rebuilt whole on Spark): a person's moves
    depend only on their own CRM facts and the rules, so each row carries inputs_fingerprint
    (leadflow.person_fingerprints over the person's int_lifecycle__crm_events rows, with the
    lifecycle_stages and rejection_reasons seeds and the two lifecycle vars, which
    int_lifecycle__stage_changes reads too) and a run re-derives only the people whose
    fingerprint changed, appeared or vanished: about 1% of people on a day.
-#}
{{ config(meta={'replace_people_marker': 'change_number'}, **leadflow.delete_insert_incremental('replace_people')) }}
with

all_crm_events as {{ leadflow.not_materialized() }} (
    -- several steps below read it, each for a few columns: inlined, so each scans only those
    -- (DuckDB otherwise keeps a 15-column copy of every fact: 3.3 GB at 1M people)
    select * from {{ ref('int_lifecycle__crm_events') }}
    where lead_key is not null
),

stages as {{ leadflow.not_materialized() }} (
    select * from {{ ref('lifecycle_stages') }}
),

rejection_reasons as (
    select * from {{ ref('rejection_reasons') }}
),

rules_fingerprint as (
    -- what the history is derived with besides the person's facts: a change re-derives everyone
    select
        {{ leadflow.values_fingerprint([
            'stage_rules.rules', 'reason_rules.rules',
            "'" ~ var('lifecycle_dedup_minutes') ~ "'", "'" ~ var('lifecycle_reason_window_hours') ~ "'"
        ]) }} as rules_fingerprint
    from (
        select {{ leadflow.ordered_string_agg(
            leadflow.values_fingerprint(['lifecycle_stage', 'stage_order', 'is_exit']),
            leadflow.values_fingerprint(['lifecycle_stage', 'stage_order', 'is_exit']), ',') }} as rules
        from stages
    ) as stage_rules
    cross join (
        select {{ leadflow.ordered_string_agg(
            leadflow.values_fingerprint(['variant', 'reason_code']),
            leadflow.values_fingerprint(['variant', 'reason_code']), ',') }} as rules
        from rejection_reasons
    ) as reason_rules
),

person_inputs as (
    {{ leadflow.person_fingerprints(
        'all_crm_events',
        leadflow.fingerprint_expressions(ref('int_lifecycle__crm_events'), exclude=['lead_key']),
        'rules_fingerprint'
    ) | indent(4) }}
),

{{ leadflow.rows_of_changed_people('all_crm_events', 'person_inputs', 'crm_events') }}

stage_gaps as (
    -- every pair of stage orders and the funnel stages strictly between them (a few dozen rows):
    -- the stages a move from the one to the other skips
    select
        from_stage.stage_order as from_stage_order,
        to_stage.stage_order as to_stage_order,
        {{ leadflow.ordered_string_agg(
            'between_stage.lifecycle_stage', 'between_stage.stage_order', ', '
        ) }} as skipped_stages
    from stages as from_stage
    inner join stages as between_stage
        on from_stage.stage_order < between_stage.stage_order and not between_stage.is_exit
    inner join stages as to_stage
        on between_stage.stage_order < to_stage.stage_order
    group by from_stage.stage_order, to_stage.stage_order
),

stage_facts as (
    -- the steps below order and compare every stage fact of a person: they carry only the keys
    -- they order and compare by (at 10M people, 50M facts with their source strings spilled
    -- over 30 GB); the fact's source field, value and record id join back once, at the end.
    -- Each step reads only the one before it, so nothing is kept aside for a second reader.
    select
        lead_key,
        changed_at,
        stage_order,
        source_system,
        source_event_id,
        lifecycle_stage,
        is_exit,
        moves_forward_only,
        source_field = 'lead.created' as is_record_creation
    from crm_events
    where event_type = 'stage' and lifecycle_stage is not null
),

ordered_stage_facts as (
    -- one sort for both: the person's first fact, and the exits before each fact (a record's
    -- creation, dropped next unless first, is never an exit, so it changes no count)
    select
        *,
        min(changed_at) over (
            partition by lead_key
            order by changed_at, stage_order, source_system, source_event_id
            rows between unbounded preceding and unbounded following
        ) as first_changed_at,
        coalesce(sum(case when is_exit then 1 else 0 end) over (
            partition by lead_key
            order by changed_at, stage_order, source_system, source_event_id
            rows between unbounded preceding and 1 preceding
        ), 0) as exits_before
    from stage_facts
),

stage_events as (
    -- a record's creation is a move only as the person's first: a duplicate lead created
    -- later does not send the person back to lead
    select *
    from ordered_stage_facts
    where not is_record_creation or changed_at = first_changed_at
),

informed_stage_events as (
    -- a working state informs a stage forward or out, never back
    select *
    from (
        select
            *,
            max(case when not is_exit then stage_order end) over (
                partition by lead_key, exits_before
                order by changed_at, stage_order, source_system, source_event_id
                rows between unbounded preceding and 1 preceding
            ) as highest_stage_order_before
        from stage_events
    ) as with_highest
    where
        not moves_forward_only
        or is_exit
        or highest_stage_order_before is null
        or stage_order > highest_stage_order_before
),

exit_instants as (
    -- the instants at which a CRM recorded an exit: every exit fact reaches this point (the
    -- steps above drop only record creations and working states, neither an exit)
    select distinct
        lead_key,
        source_system,
        changed_at
    from crm_events
    where event_type = 'stage' and lifecycle_stage is not null and is_exit
),

one_move_per_instant as (
    -- when a CRM records an exit and other stages at one instant, the exit is the move
    select informed_stage_events.*
    from informed_stage_events
    left join exit_instants
        on
            informed_stage_events.lead_key = exit_instants.lead_key
            and informed_stage_events.source_system = exit_instants.source_system
            and informed_stage_events.changed_at = exit_instants.changed_at
    where informed_stage_events.is_exit or exit_instants.lead_key is null
),

records_of_a_stage as (
    -- the record of the same stage just before each (by time, then source system and event
    -- id): if any earlier record of the stage is within the window, this one is
    select
        *,
        lag(changed_at) over (
            partition by lead_key, lifecycle_stage
            order by changed_at, source_system, source_event_id
        ) as previous_record_at
    from one_move_per_instant
),

distinct_moves as (
    -- the later of two records of the same stage within the window is the same move: the other
    -- CRM's copy, or another field of the same CRM (Status = Converted and the leadConverted row)
    select
        *,
        lag(lifecycle_stage) over (
            partition by lead_key
            order by changed_at, stage_order, source_system, source_event_id
        ) as recorded_previous_stage
    from records_of_a_stage
    where
        previous_record_at is null
        or {{ leadflow.seconds_between('previous_record_at', 'changed_at') }}
        > {{ var('lifecycle_dedup_minutes') }} * 60
),

{{ leadflow.rows_of_people_in_scope('person_inputs', 'fingerprints') }}

moves_and_fingerprints as (
    -- each person's inputs fingerprint rides along as one more row, ordered after their moves,
    -- and the moves' own window hands it to every move (last_value below). A join of the moves
    -- with the fingerprints would hold one side in a hash table, and DuckDB, which estimates the
    -- filtered moves at a hundredth of their number, chose the moves (28.5M rows at 10M people):
    -- beside the windows that ran out of memory at 12 and 16 GB (docs/benchmarks.md, 2026-12-05, session 21)
    select
        lead_key,
        false as is_fingerprint,
        changed_at,
        stage_order,
        source_system,
        source_event_id,
        lifecycle_stage,
        is_exit,
        cast(null as {{ dbt.type_string() }}) as inputs_fingerprint
    from distinct_moves
    where recorded_previous_stage is null or recorded_previous_stage <> lifecycle_stage
    union all
    select
        lead_key,
        true as is_fingerprint,
        cast(null as {{ dbt.type_timestamp() }}) as changed_at,
        cast(null as {{ dbt.type_int() }}) as stage_order,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_event_id,
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(null as {{ dbt.type_boolean() }}) as is_exit,
        inputs_fingerprint
    from fingerprints
),

numbered_moves as (
    -- is_fingerprint first in the order puts the fingerprint row after every move, so it changes
    -- no move's number, previous stage or next move (the last move's lead() reads its null time)
    select
        *,
        row_number() over moves_in_order as change_number,
        lag(lifecycle_stage) over moves_in_order as previous_stage,
        lag(stage_order) over moves_in_order as previous_stage_order,
        lag(is_exit) over moves_in_order as is_previous_exit,
        lead(changed_at) over moves_in_order as next_changed_at,
        last_value(inputs_fingerprint) over (
            partition by lead_key
            order by is_fingerprint, changed_at, stage_order, source_system, source_event_id
            rows between unbounded preceding and unbounded following
        ) as person_inputs_fingerprint
    from moves_and_fingerprints
    window moves_in_order as (
        partition by lead_key
        order by is_fingerprint, changed_at, stage_order, source_system, source_event_id
    )
),

moves as (
    select *
    from numbered_moves
    where not is_fingerprint
),

final as (
    select
        moves.lead_key,
        moves.change_number,
        moves.changed_at,
        moves.lifecycle_stage,
        moves.stage_order,
        moves.is_exit,
        moves.previous_stage,
        moves.next_changed_at,
        moves.source_system,
        moves.source_event_id,
        coalesce(
            not moves.is_exit
            and not moves.is_previous_exit
            and moves.stage_order < moves.previous_stage_order,
            false
        ) as is_regression,
        case
            when not moves.is_exit and not moves.is_previous_exit
                then stage_gaps.skipped_stages
        end as skipped_stages,
        moves.person_inputs_fingerprint as inputs_fingerprint
    from moves
    left join stage_gaps
        on
            moves.previous_stage_order = stage_gaps.from_stage_order
            and moves.stage_order = stage_gaps.to_stage_order
)

{{ leadflow.rows_and_person_markers('final', 'select lead_key from people_in_scope' if is_incremental() else none) }}
