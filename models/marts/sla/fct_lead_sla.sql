{#-
    SLA clocks: one row per person per clock started. Every MQL move starts the clocks of
    seeds/sla_policies.csv for the priority tier the person had AT THAT MOMENT, and a clock is
    frozen when it starts (int_sla__clock_starts): its tier, policy version and target, the team
    that must act and that team's business calendar, and the responsible owner never change at
    a later as_of, so historical compliance cannot rewrite itself and a breach is charged to
    the owner who held the person when the clock started. A policy change applies to clocks
    that start after its effective_from. Tiers without a policy row (nurture, suppress: no rep)
    start no clock.
      accept_or_reject  stops at the first later move to sal or beyond (accepted), or to
                        recycled/disqualified WITH a reason code (rejected); a rejection
                        without a reason does not stop it: silence is not a disposition
      first_touch       stops at the first outbound sales activity on the person after the MQL
                        (int_sla__sales_touches.counts_as_touch: a completed call, a sent email,
                        a held meeting; never the prospect's reply, an inbound call or an open
                        to-do) by the responsible owner or a rep of the clock's team (any rep
                        when the team is a queue without reps); with
                        var('sla_first_touch_by_owner_only') only the owner's touch counts.
                        is_touched_by_owner tells which.
    Business-hours clocks run on the business calendar of the clock's team
    (int_sla__business_days): nights, weekends and holidays skipped, in the team's time zone,
    daylight saving exact. due_at is where started_at's business minutes plus the target fall;
    a 24x7 clock counts wall minutes.
      status  met (stopped by due_at), breached (stopped after), open (not stopped, as_of before
              due_at), due_soon (open with less than var('sla_due_soon_share') of the target
              left), open_breached (not stopped, due_at passed)
    Minutes are business minutes for business-hours clocks. Facts after as_of are ignored.
-#}
with

stage_changes as (
    select * from {{ ref('int_lifecycle__stage_changes') }}
),

clock_starts as (
    select * from {{ ref('int_sla__clock_starts') }}
),

policies as {{ leadflow.not_materialized() }} (
    select * from {{ ref('sla_policies') }}
),

sales_reps as (
    select
        rep_id,
        team
    from {{ ref('sales_reps') }}
),

staffed_teams as (
    select distinct team
    from sales_reps
),

business_days as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_sla__business_days') }}
),

touches as (
    select
        lead_key,
        touch_id,
        touched_by_user_id,
        touch_detail,
        touched_at,
        {{ leadflow.time_then_id('touched_at', 'touch_id') }} as touch_order
    from {{ ref('int_sla__sales_touches') }}
    where counts_as_touch
),

teams as (
    select distinct
        team,
        time_zone
    from business_days
),

mql_starts as (
    -- frozen at the start: tier, owner and team as of the MQL (int_sla__clock_starts)
    select
        clock_starts.lead_key,
        clock_starts.change_number,
        clock_starts.started_at,
        clock_starts.priority_tier,
        clock_starts.priority_action,
        clock_starts.intent_score_at_start,
        clock_starts.fit_score as fit_score_at_start,
        clock_starts.owner_id,
        coalesce(teams.team, 'default') as team,
        staffed_teams.team is null as is_queue_team
    from clock_starts
    left join teams
        on clock_starts.team = teams.team
    left join staffed_teams
        on clock_starts.team = staffed_teams.team
),

policies_in_force as (
    -- each clock takes the policy version in force when it starts
    select
        mql_starts.lead_key,
        mql_starts.change_number,
        policies.clock_id,
        max(policies.effective_from) as effective_from
    from mql_starts
    inner join policies
        on
            mql_starts.priority_tier = policies.priority_tier
            and policies.starts_on = 'mql'
            and policies.effective_from <= cast(mql_starts.started_at as date)
    group by mql_starts.lead_key, mql_starts.change_number, policies.clock_id
),

clocks as (
    select
        mql_starts.*,
        policies.clock_id,
        policies.policy_version,
        policies.target_minutes,
        policies.calendar,
        policies.stops_on
    from mql_starts
    inner join policies_in_force
        on
            mql_starts.lead_key = policies_in_force.lead_key
            and mql_starts.change_number = policies_in_force.change_number
    inner join policies
        on
            mql_starts.priority_tier = policies.priority_tier
            and policies.starts_on = 'mql'
            and policies_in_force.clock_id = policies.clock_id
            and policies_in_force.effective_from = policies.effective_from
),

acceptance_stops as (
    select
        clocks.lead_key,
        clocks.change_number,
        min(stops.changed_at) as stopped_at,
        min_by(
            case
                when stops.is_exit then 'rejected: ' || stops.lifecycle_stage || ' (' || stops.reason_code || ')'
                else 'accepted: ' || stops.lifecycle_stage
            end,
            stops.change_number
        ) as stop_detail
    from clocks
    inner join stage_changes as stops
        on
            clocks.lead_key = stops.lead_key
            and clocks.change_number < stops.change_number
            and (
                stops.lifecycle_stage in ('sal', 'sql', 'opportunity', 'customer')
                or (stops.is_exit and stops.reason_code is not null)
            )
    where clocks.stops_on = 'accept_or_reject'
    group by clocks.lead_key, clocks.change_number
),

touch_stops as (
    select
        clocks.lead_key,
        clocks.change_number,
        min(touches.touched_at) as stopped_at,
        -- the first touch's user and detail, one touch even when two share a second (then by id)
        min_by(touches.touched_by_user_id, touches.touch_order) as touched_by_user_id,
        min_by(touches.touch_detail, touches.touch_order) as stop_detail
    from clocks
    inner join touches
        on
            clocks.lead_key = touches.lead_key
            and clocks.started_at <= touches.touched_at
    left join sales_reps as touch_reps
        on touches.touched_by_user_id = touch_reps.rep_id
    where
        clocks.stops_on = 'first_touch'
        -- by the responsible owner, or a rep of the team that must act (any rep for a queue)
        and (
            clocks.owner_id = touches.touched_by_user_id
            or (
                not {{ var('sla_first_touch_by_owner_only') }}
                and (touch_reps.team = clocks.team or (clocks.is_queue_team and touch_reps.rep_id is not null))
            )
        )
    group by clocks.lead_key, clocks.change_number
),

stopped as (
    -- each clock joins the stops of its own kind only, so at most one side is not null
    select
        clocks.*,
        teams.time_zone,
        coalesce(acceptance_stops.stopped_at, touch_stops.stopped_at) as stopped_at,
        coalesce(acceptance_stops.stop_detail, 'first touch: ' || lower(touch_stops.stop_detail)) as stop_detail,
        touch_stops.touched_by_user_id,
        coalesce(acceptance_stops.stopped_at, touch_stops.stopped_at, {{ leadflow.as_of() }}) as measured_until
    from clocks
    inner join teams
        on clocks.team = teams.team
    left join acceptance_stops
        on
            clocks.stops_on = 'accept_or_reject'
            and clocks.lead_key = acceptance_stops.lead_key
            and clocks.change_number = acceptance_stops.change_number
    left join touch_stops
        on
            clocks.stops_on = 'first_touch'
            and clocks.lead_key = touch_stops.lead_key
            and clocks.change_number = touch_stops.change_number
),

measured as (
    -- business minutes the team had worked at the start and at the stop (or as_of)
    select
        stopped.*,
        {{ leadflow.business_minutes_at('start_day', 'stopped.started_at') }} as minutes_at_start,
        {{ leadflow.business_minutes_at('end_day', 'stopped.measured_until') }} as minutes_at_end
    from stopped
    left join business_days as start_day
        on
            stopped.team = start_day.team
            and cast({{ leadflow.utc_to_local('stopped.started_at', 'stopped.time_zone') }} as date)
            = start_day.calendar_date
    left join business_days as end_day
        on
            stopped.team = end_day.team
            and cast({{ leadflow.utc_to_local('stopped.measured_until', 'stopped.time_zone') }} as date)
            = end_day.calendar_date
),

business_due as (
    select
        measured.lead_key,
        measured.change_number,
        measured.clock_id,
        {{ leadflow.add_seconds(
            'due_day.day_open_utc',
            '(measured.minutes_at_start + measured.target_minutes - due_day.minutes_before_day) * 60'
        ) }} as due_at
    from measured
    inner join business_days as due_day
        on
            measured.team = due_day.team
            and due_day.is_open
            and due_day.minutes_before_day < measured.minutes_at_start + measured.target_minutes
            and due_day.minutes_before_day + due_day.open_minutes >= measured.minutes_at_start + measured.target_minutes
    where measured.calendar = 'business_hours'
),

timed as (
    select
        measured.*,
        case
            when measured.calendar = '24x7'
                then {{ leadflow.add_seconds('measured.started_at', 'measured.target_minutes * 60') }}
            else business_due.due_at
        end as due_at,
        case
            when measured.calendar = '24x7'
                then {{ leadflow.seconds_between('measured.started_at', 'measured.measured_until') }} / 60.0
            else measured.minutes_at_end - measured.minutes_at_start
        end as elapsed_minutes
    from measured
    left join business_due
        on
            measured.lead_key = business_due.lead_key
            and measured.change_number = business_due.change_number
            and measured.clock_id = business_due.clock_id
),

final as (
    select
        {{ leadflow.hash_key(
            "timed.lead_key || ':' || timed.clock_id || ':' || cast(timed.change_number as " ~ dbt.type_string() ~ ")"
        ) }} as sla_clock_id,
        timed.lead_key,
        timed.clock_id,
        timed.policy_version,
        cast(timed.priority_tier as integer) as priority_tier,
        timed.priority_action,
        cast(timed.intent_score_at_start as double) as intent_score_at_start,
        cast(timed.fit_score_at_start as integer) as fit_score_at_start,
        timed.team,
        timed.time_zone,
        timed.calendar,
        cast(timed.target_minutes as integer) as target_minutes,
        timed.started_at,
        timed.due_at,
        timed.stopped_at,
        timed.stop_detail,
        timed.touched_by_user_id,
        coalesce(timed.touched_by_user_id = timed.owner_id, false) as is_touched_by_owner,
        case
            when timed.stopped_at is not null and timed.stopped_at <= timed.due_at then 'met'
            when timed.stopped_at is not null then 'breached'
            when {{ leadflow.as_of() }} >= timed.due_at then 'open_breached'
            when timed.elapsed_minutes >= timed.target_minutes * (1 - {{ var('sla_due_soon_share') }}) then 'due_soon'
            else 'open'
        end as status,
        cast(
            case when timed.stopped_at is not null then {{ leadflow.round_to('timed.elapsed_minutes', 2) }} end
            as double
        ) as minutes_to_response,
        cast({{ leadflow.round_to('timed.elapsed_minutes', 2) }} as double) as minutes_elapsed,
        cast({{ leadflow.round_to('greatest(0, timed.elapsed_minutes - timed.target_minutes)', 2) }} as double)
            as minutes_overdue,
        timed.owner_id,
        {{ leadflow.as_of() }} as as_of
    from timed
)

select * from final
