{#-
    Which rejection and recycle reasons are increasing: one row per month of the exit (UTC,
    the month the person was recycled or disqualified, not the month they were created), exit
    stage and reason code (fct_lead_stage_history; 'unrecorded' when the rep gave none), with
    the next action the reason drives (seeds/rejection_reasons.csv), the month's count, its
    share of the stage's exits that month, and the change from the month before (0 when the
    month before had none).
-#}
with

exits as (
    select
        cast(date_trunc('month', valid_from) as date) as exit_month,
        lifecycle_stage as exit_stage,
        coalesce(reason_code, 'unrecorded') as reason_code,
        lead_key
    from {{ ref('fct_lead_stage_history') }}
    where is_exit
),

next_actions as (
    select distinct
        reason_code,
        next_action
    from {{ ref('rejection_reasons') }}
),

counted as (
    select
        exit_month,
        exit_stage,
        reason_code,
        count(*) as exit_count,
        count(distinct lead_key) as people
    from exits
    group by exit_month, exit_stage, reason_code
),

stage_totals as (
    select
        exit_month,
        exit_stage,
        sum(exit_count) as stage_exit_count
    from counted
    group by exit_month, exit_stage
),

final as (
    select
        counted.exit_month,
        counted.exit_stage,
        counted.reason_code,
        next_actions.next_action,
        cast(counted.exit_count as integer) as exit_count,
        cast(counted.people as integer) as people,
        cast({{ leadflow.round_to('cast(counted.exit_count as double) / stage_totals.stage_exit_count', 4) }} as double)
            as share_of_stage_exits,
        cast(coalesce(previous_month.exit_count, 0) as integer) as previous_month_exit_count,
        cast(counted.exit_count - coalesce(previous_month.exit_count, 0) as integer) as change_from_previous_month,
        {{ leadflow.as_of() }} as as_of
    from counted
    inner join stage_totals
        on counted.exit_month = stage_totals.exit_month and counted.exit_stage = stage_totals.exit_stage
    left join counted as previous_month
        on
            cast(date_trunc('month', {{ leadflow.add_days('counted.exit_month', -1) }}) as date)
            = previous_month.exit_month
            and counted.exit_stage = previous_month.exit_stage
            and counted.reason_code = previous_month.reason_code
    left join next_actions
        on counted.reason_code = next_actions.reason_code
)

select * from final
