{#-
    Every lifecycle move per person (int_lifecycle__stage_moves: which moves, in which order,
    and how each compares with the one before) with what recorded it and why: the source field,
    value and record id of the fact it came from and, for an exit (recycled, disqualified), the
    reason. The reason is the free text recorded within var('lifecycle_reason_window_hours') of
    the exit, on the exit's own record or meant for that exit, nearest first (exit_reasons),
    mapped to a code by seeds/rejection_reasons (lower case, single spaces), else the map's
    default (opportunity lost). An exit without a reason keeps a null reason_code and fails the
    exit_reasons_recorded test by name.

    Incremental by person (replace_people, DuckDB; rebuilt whole on Spark), following
    int_lifecycle__stage_moves: a run re-derives the people whose inputs_fingerprint there
    changed, appeared or vanished (the fingerprint covers every int_lifecycle__crm_events row of
    the person, reasons included, and the seeds and vars read here).
-#}
{{ config(meta={'replace_people_marker': 'stage_change_id'}, **leadflow.delete_insert_incremental('replace_people')) }}
{%- if is_incremental() -%}
{%- do leadflow.refuse_relation_without_column(this, 'inputs_fingerprint', '2026-12-03') -%}
{%- endif -%}
{#- a move's fact keys (int_lifecycle__stage_moves), and what is joined back by them -#}
{%- set fact_keys = ['lead_key', 'source_system', 'source_event_id', 'changed_at', 'lifecycle_stage'] -%}
{%- set source_columns = ['source_field', 'source_value', 'source_record_id', 'default_reason_code'] -%}
{%- set on_the_record = "reason_events.source_system = exit_moves.source_system"
    ~ " and reason_events.source_record_id = exit_moves.source_record_id" -%}
{%- set meant_for_the_exit = "coalesce(reason_events.meant_for, 'any') in ('any', exit_moves.lifecycle_stage)" -%}
with

all_stage_moves as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_lifecycle__stage_moves') }}
),

all_crm_events as {{ leadflow.not_materialized() }} (
    -- read by three steps, each for a few columns and rows: inlined
    select * from {{ ref('int_lifecycle__crm_events') }}
    where lead_key is not null
),

rejection_reasons as (
    select * from {{ ref('rejection_reasons') }}
),

{{ leadflow.rows_of_changed_people(
    'all_stage_moves',
    '(select distinct lead_key, inputs_fingerprint from all_stage_moves)',
    'stage_moves'
) }}

{{ leadflow.rows_of_people_in_scope('all_crm_events', 'crm_events') }}

stage_facts as {{ leadflow.not_materialized() }} (
    select
        {{ (fact_keys + source_columns) | join(',\n        ') }}
    from crm_events
    where event_type = 'stage' and lifecycle_stage is not null
),

repeated_fact_keys as (
    -- facts equal on every key a move carries: a loader's exact duplicate, or two raw values
    -- one stage maps from (a few per million facts; kept once for its two readers)
    select {{ fact_keys | join(', ') }}
    from stage_facts
    group by {{ fact_keys | join(', ') }}
    having count(*) > 1
),

first_of_repeated_facts as (
    -- such facts made one move, shown with the first by field, value and record id; only
    -- they are ranked (a window over every fact held 50M rows at 10M people)
    select {{ (fact_keys + source_columns) | join(', ') }}
    from (
        select
            stage_facts.*,
            row_number() over (
                partition by {{ 'stage_facts.' ~ fact_keys | join(', stage_facts.') }}
                order by stage_facts.source_field, stage_facts.source_value, stage_facts.source_record_id
            ) as source_rank
        from stage_facts
        inner join repeated_fact_keys
            on {{ leadflow.equal_on('stage_facts', 'repeated_fact_keys', fact_keys) }}
    ) as ranked
    where source_rank = 1
),

move_sources as (
    -- one source row per key the moves carry
    select stage_facts.*
    from stage_facts
    left join repeated_fact_keys
        on {{ leadflow.equal_on('stage_facts', 'repeated_fact_keys', fact_keys) }}
    where repeated_fact_keys.lead_key is null
    union all
    select * from first_of_repeated_facts
),

exit_moves as (
    -- the instants at which a person moved out, to which exit, and the record that recorded it
    -- (two exits of one kind recorded at once by one record share one)
    select distinct
        stage_moves.lead_key,
        stage_moves.source_system,
        stage_moves.changed_at,
        stage_moves.lifecycle_stage,
        stage_facts.source_record_id
    from stage_moves
    inner join stage_facts
        on {{ leadflow.equal_on('stage_moves', 'stage_facts', fact_keys) }}
    where stage_moves.is_exit
),

reason_events as (
    -- each reason typed, with its code and the exit that code is meant for
    -- (seeds/rejection_reasons.exit_stage: recycled, disqualified or any; both null when the
    -- text is not in the map)
    select
        crm_events.lead_key,
        crm_events.source_system,
        crm_events.source_value as reason_raw,
        crm_events.changed_at as recorded_at,
        crm_events.source_event_id,
        crm_events.source_record_id,
        rejection_reasons.reason_code,
        rejection_reasons.exit_stage as meant_for
    from crm_events
    left join rejection_reasons
        on {{ leadflow.text_key('crm_events.source_value') }} = rejection_reasons.variant
    where crm_events.event_type = 'reason' and trim(crm_events.source_value) <> ''
),

exit_reasons as (
    -- each exit's reason, within the window, from the reasons typed on the record that
    -- recorded the exit or meant for that exit (seeds/rejection_reasons.exit_stage: this exit,
    -- any, or a text not in the map): the record's own first, then one meant for the exit, then
    -- the nearest (the later on a tie, then Salesforce). A lost opportunity's recycle does not
    -- take the "competitor" typed on the lead's disqualification the day before (it keeps the
    -- map's default, opportunity_lost); a reason meant for the other exit typed on the record
    -- itself is kept: a rep's mistake, which assert_exit_reasons_fit_their_exit names.
    select
        lead_key,
        source_system,
        changed_at,
        lifecycle_stage,
        source_record_id,
        reason_raw,
        reason_code
    from (
        select
            exit_moves.lead_key,
            exit_moves.source_system,
            exit_moves.changed_at,
            exit_moves.lifecycle_stage,
            exit_moves.source_record_id,
            reason_events.reason_raw,
            reason_events.reason_code,
            row_number() over (
                partition by
                    exit_moves.lead_key,
                    exit_moves.source_system,
                    exit_moves.changed_at,
                    exit_moves.lifecycle_stage,
                    exit_moves.source_record_id
                order by
                    case when {{ on_the_record }} then 0 else 1 end asc,
                    case when {{ meant_for_the_exit }} then 0 else 1 end asc,
                    abs({{ leadflow.seconds_between('exit_moves.changed_at', 'reason_events.recorded_at') }}) asc,
                    reason_events.recorded_at desc,
                    reason_events.source_system desc,
                    reason_events.source_event_id asc
            ) as reason_rank
        from exit_moves
        inner join reason_events
            on
                exit_moves.lead_key = reason_events.lead_key
                and abs({{ leadflow.seconds_between('exit_moves.changed_at', 'reason_events.recorded_at') }})
                <= {{ var('lifecycle_reason_window_hours') }} * 3600
                and ({{ on_the_record }} or {{ meant_for_the_exit }})
    ) as ranked
    where reason_rank = 1
),

final as (
    select
        {{ leadflow.hash_key(
            "stage_moves.lead_key || ':' || cast(stage_moves.change_number as " ~ dbt.type_string() ~ ")"
        ) }} as stage_change_id,
        stage_moves.lead_key,
        stage_moves.change_number,
        stage_moves.changed_at,
        stage_moves.lifecycle_stage,
        stage_moves.stage_order,
        stage_moves.is_exit,
        stage_moves.previous_stage,
        stage_moves.next_changed_at,
        stage_moves.source_system,
        move_sources.source_field,
        move_sources.source_value,
        move_sources.source_record_id,
        stage_moves.source_event_id,
        case when stage_moves.is_exit then exit_reasons.reason_raw end as reason_raw,
        case
            when stage_moves.is_exit
                then coalesce(exit_reasons.reason_code, move_sources.default_reason_code)
        end as reason_code,
        stage_moves.is_regression,
        stage_moves.skipped_stages,
        stage_moves.inputs_fingerprint
    from stage_moves
    inner join move_sources
        on {{ leadflow.equal_on('stage_moves', 'move_sources', fact_keys) }}
    left join exit_reasons
        on
            stage_moves.lead_key = exit_reasons.lead_key
            and stage_moves.source_system = exit_reasons.source_system
            and stage_moves.changed_at = exit_reasons.changed_at
            and stage_moves.lifecycle_stage = exit_reasons.lifecycle_stage
            and {{ leadflow.null_safe_equals('move_sources.source_record_id', 'exit_reasons.source_record_id') }}
)

{{ leadflow.rows_and_person_markers('final', 'select lead_key from people_in_scope' if is_incremental() else none) }}
