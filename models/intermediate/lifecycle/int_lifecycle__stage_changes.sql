{#-
    Every lifecycle move per person, from both CRMs, one row per move, numbered in a
    deterministic order (time, then stage order, then source system and event id).
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
    Exits (recycled, disqualified) get a reason: the free text recorded nearest to the move
    within var('lifecycle_reason_window_hours'), mapped to a code by seeds/rejection_reasons
    (lower case, single spaces), else the map's default (opportunity lost). An exit without a
    reason keeps a null reason_code and fails the exit_reasons_recorded test by name.

    Incremental by person (replace_people, DuckDB; rebuilt whole on Spark): a person's history
    depends only on their own CRM facts and the rules, so each row carries inputs_fingerprint
    (leadflow.person_fingerprints over the person's int_lifecycle__crm_events rows, with the
    lifecycle_stages and rejection_reasons seeds and the two vars) and a run re-derives only the
    people whose fingerprint changed, appeared or vanished: about 1% of people on a day.
-#}
{{ config(meta={'replace_people_marker': 'stage_change_id'}, **leadflow.person_incremental()) }}
{%- if is_incremental() -%}
{%- do leadflow.refuse_relation_without_column(this, 'inputs_fingerprint', '2026-12-03') -%}
{%- endif -%}
with

all_crm_events as (
    select * from {{ ref('int_lifecycle__crm_events') }}
    where lead_key is not null
),

stages as (
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
        '(select * from all_crm_events cross join rules_fingerprint) as events',
        leadflow.fingerprint_expressions(ref('int_lifecycle__crm_events'), exclude=['lead_key']),
        'rules_fingerprint'
    ) | indent(4) }}
),

{{ leadflow.rows_of_changed_people('all_crm_events', 'person_inputs', 'crm_events') }}

stage_facts as (
    -- the windows below sort every stage fact of a person several times: they carry only the
    -- keys they order and compare by (at 10M people, 50M facts with their source strings
    -- spilled over 30 GB); the fact's source field, value and record id join back at the end
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

first_moves as (
    -- a group by and a join, not min() over (partition by lead_key): at 1M people the
    -- window's sort of 6M rows cost about 6 s, the hash aggregate under 1 s
    select
        lead_key,
        min(changed_at) as first_changed_at
    from stage_facts
    group by lead_key
),

stage_events as (
    -- a record's creation is a move only as the person's first: a duplicate lead created
    -- later does not send the person back to lead
    select stage_facts.*
    from stage_facts
    inner join first_moves
        on stage_facts.lead_key = first_moves.lead_key
    where
        not stage_facts.is_record_creation
        or stage_facts.changed_at = first_moves.first_changed_at
),

ordered_stage_events as (
    select
        *,
        coalesce(sum(case when is_exit then 1 else 0 end) over (
            partition by lead_key
            order by changed_at, stage_order, source_system, source_event_id
            rows between unbounded preceding and 1 preceding
        ), 0) as exits_before
    from stage_events
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
        from ordered_stage_events
    ) as with_highest
    where
        not moves_forward_only
        or is_exit
        or highest_stage_order_before is null
        or stage_order > highest_stage_order_before
),

reason_events as (
    select
        lead_key,
        source_system,
        source_value as reason_raw,
        changed_at as recorded_at,
        source_event_id
    from crm_events
    where event_type = 'reason' and trim(source_value) <> ''
),

exit_instants as (
    -- the instants at which a CRM recorded an exit (a join, not a window: see first_moves)
    select distinct
        lead_key,
        source_system,
        changed_at
    from informed_stage_events
    where is_exit
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

repeated_moves as (
    -- the later of two records of the same stage within the window: the other CRM's copy,
    -- or another field of the same CRM (Salesforce Status = Converted and the leadConverted row)
    select distinct later.source_event_id
    from one_move_per_instant as later
    inner join one_move_per_instant as earlier
        on
            later.lead_key = earlier.lead_key
            and later.lifecycle_stage = earlier.lifecycle_stage
            and (
                later.changed_at > earlier.changed_at
                or (
                    later.changed_at = earlier.changed_at
                    and earlier.source_system || earlier.source_event_id < later.source_system || later.source_event_id
                )
            )
            and {{ leadflow.seconds_between('earlier.changed_at', 'later.changed_at') }}
            <= {{ var('lifecycle_dedup_minutes') }} * 60
),

distinct_moves as (
    select
        one_move_per_instant.*,
        lag(one_move_per_instant.lifecycle_stage) over (
            partition by one_move_per_instant.lead_key
            order by
                one_move_per_instant.changed_at, one_move_per_instant.stage_order,
                one_move_per_instant.source_system, one_move_per_instant.source_event_id
        ) as recorded_previous_stage
    from one_move_per_instant
    left join repeated_moves
        on one_move_per_instant.source_event_id = repeated_moves.source_event_id
    where repeated_moves.source_event_id is null
),

moves as (
    select
        *,
        row_number() over (
            partition by lead_key
            order by changed_at, stage_order, source_system, source_event_id
        ) as change_number
    from distinct_moves
    where recorded_previous_stage is null or recorded_previous_stage <> lifecycle_stage
),

with_previous as (
    select
        *,
        lag(lifecycle_stage) over (partition by lead_key order by change_number) as previous_stage,
        lag(stage_order) over (partition by lead_key order by change_number) as previous_stage_order,
        lag(is_exit) over (partition by lead_key order by change_number) as is_previous_exit,
        lead(changed_at) over (partition by lead_key order by change_number) as next_changed_at,
        lead_key || ':' || cast(change_number as {{ dbt.type_string() }}) as stage_change_key
    from moves
),

skipped as (
    select
        with_previous.lead_key,
        with_previous.change_number,
        {{ leadflow.ordered_string_agg('stages.lifecycle_stage', 'stages.stage_order', ', ') }} as skipped_stages
    from with_previous
    inner join stages
        on
            with_previous.previous_stage_order < stages.stage_order
            and with_previous.stage_order > stages.stage_order
            and not stages.is_exit
    where not with_previous.is_exit and not with_previous.is_previous_exit
    group by with_previous.lead_key, with_previous.change_number
),

exit_reasons as (
    -- the reason recorded nearest to each exit (later one first on a tie, then Salesforce)
    select
        lead_key,
        change_number,
        reason_raw
    from (
        select
            with_previous.lead_key,
            with_previous.change_number,
            reason_events.reason_raw,
            row_number() over (
                partition by with_previous.lead_key, with_previous.change_number
                order by
                    abs({{ leadflow.seconds_between('with_previous.changed_at', 'reason_events.recorded_at') }}) asc,
                    reason_events.recorded_at desc,
                    reason_events.source_system desc,
                    reason_events.source_event_id asc
            ) as reason_rank
        from with_previous
        inner join reason_events
            on
                with_previous.lead_key = reason_events.lead_key
                and abs({{ leadflow.seconds_between('with_previous.changed_at', 'reason_events.recorded_at') }})
                <= {{ var('lifecycle_reason_window_hours') }} * 3600
        where with_previous.is_exit
    ) as ranked
    where reason_rank = 1
),

move_sources as (
    -- each move's source field, value and record id, joined back by the keys the windows
    -- carried; facts equal on all of them (a loader's exact duplicate, or two raw values one
    -- stage maps from) made one move, shown with the first by field, value and record id
    select
        lead_key,
        change_number,
        source_field,
        source_value,
        source_record_id,
        default_reason_code
    from (
        select
            with_previous.lead_key,
            with_previous.change_number,
            crm_events.source_field,
            crm_events.source_value,
            crm_events.source_record_id,
            crm_events.default_reason_code,
            row_number() over (
                partition by with_previous.lead_key, with_previous.change_number
                order by crm_events.source_field, crm_events.source_value, crm_events.source_record_id
            ) as source_rank
        from with_previous
        inner join crm_events
            on
                with_previous.lead_key = crm_events.lead_key
                and with_previous.source_event_id = crm_events.source_event_id
                and with_previous.source_system = crm_events.source_system
                and with_previous.changed_at = crm_events.changed_at
                and with_previous.lifecycle_stage = crm_events.lifecycle_stage
        where crm_events.event_type = 'stage'
    ) as ranked
    where source_rank = 1
),

final as (
    select
        {{ leadflow.hash_key('with_previous.stage_change_key') }} as stage_change_id,
        with_previous.lead_key,
        with_previous.change_number,
        with_previous.changed_at,
        with_previous.lifecycle_stage,
        with_previous.stage_order,
        with_previous.is_exit,
        with_previous.previous_stage,
        with_previous.next_changed_at,
        with_previous.source_system,
        move_sources.source_field,
        move_sources.source_value,
        move_sources.source_record_id,
        with_previous.source_event_id,
        case when with_previous.is_exit then exit_reasons.reason_raw end as reason_raw,
        case
            when with_previous.is_exit then coalesce(rejection_reasons.reason_code, move_sources.default_reason_code)
        end as reason_code,
        coalesce(
            not with_previous.is_exit
            and not with_previous.is_previous_exit
            and with_previous.stage_order < with_previous.previous_stage_order,
            false
        ) as is_regression,
        skipped.skipped_stages,
        person_inputs.inputs_fingerprint
    from with_previous
    inner join move_sources
        on with_previous.lead_key = move_sources.lead_key and with_previous.change_number = move_sources.change_number
    left join exit_reasons
        on with_previous.lead_key = exit_reasons.lead_key and with_previous.change_number = exit_reasons.change_number
    left join rejection_reasons
        on {{ leadflow.text_key('exit_reasons.reason_raw') }} = rejection_reasons.variant
    left join skipped
        on with_previous.lead_key = skipped.lead_key and with_previous.change_number = skipped.change_number
    inner join person_inputs
        on with_previous.lead_key = person_inputs.lead_key
)

{{ leadflow.rows_and_person_markers('final', 'select lead_key from people_in_scope' if is_incremental() else none) }}
