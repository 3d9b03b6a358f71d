-- The business calendar only knows the holidays in seeds/holidays.csv: every year it spans
-- must have holidays for every holiday calendar a team uses. Fails listing each calendar and
-- year without any, so a new year's holidays are added before clocks silently run through them.
with

business_days as (
    select * from {{ ref('int_sla__business_days') }}
),

holidays as (
    select * from {{ ref('holidays') }}
),

calendar_years as (
    select distinct
        holiday_calendar,
        year(calendar_date) as calendar_year
    from business_days
),

holiday_years as (
    select distinct
        holiday_calendar,
        year(holiday_date) as holiday_year
    from holidays
)

select calendar_years.*
from calendar_years
left join holiday_years
    on
        calendar_years.holiday_calendar = holiday_years.holiday_calendar
        and calendar_years.calendar_year = holiday_years.holiday_year
where holiday_years.holiday_year is null
