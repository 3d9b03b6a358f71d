{#-
    The business calendar of every team (seeds/business_hours.csv), one row per team per
    local calendar day, from a week before the first MQL to var('sla_calendar_days_ahead')
    days after as_of: whether the team works that day (its weekday has hours and it is not a
    holiday of its calendar, seeds/holidays.csv), when it opens and closes in UTC (converted
    from the team's time zone day by day, so daylight-saving changes are exact), and the
    business minutes the team worked before that day (a running total). SLA clocks turn any
    instant into business minutes with one equi-join on (team, local date):
      business_minutes(t) = minutes_before_day + clamp(t - day_open_utc, 0, open_minutes)
-#}
with

business_hours as {{ leadflow.not_materialized() }} (
    select * from {{ ref('business_hours') }}
),

holidays as (
    select * from {{ ref('holidays') }}
),

stage_changes as (
    select * from {{ ref('int_lifecycle__stage_changes') }}
),

teams as (
    select distinct
        team,
        time_zone,
        holiday_calendar
    from business_hours
),

bounds as (
    select
        {{ leadflow.add_days('cast(min(changed_at) as date)', -7) }} as first_day,
        {{ leadflow.add_days('cast(' ~ leadflow.as_of() ~ ' as date)', var('sla_calendar_days_ahead')) }} as last_day
    from stage_changes
    where lifecycle_stage = 'mql'
),

day_numbers as (
    select
        first_day,
        {{ leadflow.day_offsets('first_day', 'last_day') }} as day_number
    from bounds
    where first_day is not null
),

days as (
    select {{ leadflow.add_days('first_day', 'day_number') }} as calendar_date
    from day_numbers
),

team_days as (
    select
        teams.team,
        teams.time_zone,
        teams.holiday_calendar,
        days.calendar_date,
        business_hours.open_time,
        business_hours.close_time,
        holidays.holiday_name
    from teams
    cross join days
    left join business_hours
        on
            teams.team = business_hours.team
            and {{ leadflow.iso_weekday('days.calendar_date') }} = business_hours.iso_weekday
    left join holidays
        on teams.holiday_calendar = holidays.holiday_calendar and days.calendar_date = holidays.holiday_date
),

opening as (
    select
        team,
        time_zone,
        holiday_calendar,
        calendar_date,
        holiday_name,
        open_time is not null and holiday_name is null as is_open,
        {{ leadflow.local_to_utc(
            "cast(cast(calendar_date as " ~ dbt.type_string() ~ ") || ' ' || open_time || ':00' as timestamp)", 'time_zone'
        ) }} as day_open_utc,
        {{ leadflow.local_to_utc(
            "cast(cast(calendar_date as " ~ dbt.type_string() ~ ") || ' ' || close_time || ':00' as timestamp)", 'time_zone'
        ) }} as day_close_utc
    from team_days
),

minutes as (
    select
        *,
        case
            when is_open then {{ leadflow.seconds_between('day_open_utc', 'day_close_utc') }} / 60.0
            else 0.0
        end as open_minutes
    from opening
),

final as (
    select
        team,
        time_zone,
        holiday_calendar,
        calendar_date,
        is_open,
        holiday_name,
        case when is_open then day_open_utc end as day_open_utc,
        case when is_open then day_close_utc end as day_close_utc,
        cast(open_minutes as double) as open_minutes,
        cast(coalesce(sum(open_minutes) over (
            partition by team order by calendar_date rows between unbounded preceding and 1 preceding
        ), 0) as double) as minutes_before_day
    from minutes
)

select * from final
