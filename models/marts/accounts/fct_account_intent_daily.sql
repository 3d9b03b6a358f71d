{#-
    Account intent over time: one row per account with people and day of the last
    var('account_intent_trend_days') days up to as_of, with the account's intent as dim_accounts
    computes it (seeds/account_scoring_rules.csv: each engaged person's intent score capped, the
    highest counted, at most 100), taken at the close of the day: the midnight after it, or as_of
    for the day as_of falls in (so the last row of an account is dim_accounts' intent). With a
    midnight as_of the last day is the one before it (as_of's own day has not begun).

    A person's intent at each close is leadflow.intent_points_at (running sums over their events
    sorted once, the same sum dim_leads takes at as_of); people_active counts the people with a
    counted signal during the day.
-#}
-- depends_on: {{ ref('int_intent__signal_events') }} (read by leadflow.intent_points_at)
with

account_people as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_accounts__people') }}
),

signal_events as (
    select * from {{ ref('int_intent__signal_events') }}
),

scoring_rules as (
    select * from {{ ref('account_scoring_rules') }}
),

bounds as (
    -- the last day is the one as_of falls in, or the day before a midnight as_of (it has not begun)
    select
        {{ leadflow.add_days('last_day', 1 - var('account_intent_trend_days')) }} as first_day,
        last_day
    from (
        select
            case
                when cast(cast({{ leadflow.as_of() }} as date) as timestamp) < {{ leadflow.as_of() }}
                    then cast({{ leadflow.as_of() }} as date)
                else {{ leadflow.add_days('cast(' ~ leadflow.as_of() ~ ' as date)', -1) }}
            end as last_day
    ) as as_of_day
),

day_numbers as (
    select
        first_day,
        {{ leadflow.day_offsets('first_day', 'last_day') }} as day_number
    from bounds
),

days as (
    select
        day_date,
        least({{ leadflow.as_of() }}, cast({{ leadflow.add_days('day_date', 1) }} as timestamp)) as closes_at
    from (
        select cast({{ leadflow.add_days('first_day', 'day_number') }} as date) as day_date
        from day_numbers
    ) as calendar
),

moments as (
    select
        account_people.lead_key,
        days.closes_at
    from account_people
    cross join days
),

person_intent as (
    {{ leadflow.intent_points_at('moments', none, 'closes_at') }}
),

person_days as (
    select
        account_people.account_key,
        days.day_date,
        person_intent.lead_key,
        {{ leadflow.intent_score('person_intent.intent_points') }} as intent_score
    from person_intent
    inner join account_people
        on person_intent.lead_key = account_people.lead_key
    inner join days
        on person_intent.closes_at = days.closes_at
),

engagement_ranked as (
    select
        person_days.*,
        person_days.intent_score >= scoring_rules.engaged_min_intent_score as is_engaged,
        scoring_rules.person_intent_cap,
        scoring_rules.max_counted_people,
        row_number() over (
            partition by person_days.account_key, person_days.day_date
            order by person_days.intent_score desc, person_days.lead_key asc
        ) as engagement_rank
    from person_days
    cross join scoring_rules
),

active as (
    select
        account_people.account_key,
        cast(signal_events.occurred_at as date) as day_date,
        count(distinct signal_events.lead_key) as people_active,
        count(*) as signals
    from signal_events
    inner join account_people
        on signal_events.lead_key = account_people.lead_key
    where
        not signal_events.is_excluded
        and signal_events.counted_points <> 0
        and signal_events.occurred_at <= {{ leadflow.as_of() }}
        and cast(signal_events.occurred_at as date) >= (select bounds.first_day from bounds)
    group by account_people.account_key, cast(signal_events.occurred_at as date)
),

account_days as (
    select
        account_key,
        day_date,
        count(*) as people,
        {{ leadflow.count_where('is_engaged') }} as engaged_people,
        {{ leadflow.account_intent_points() }} as intent_points
    from engagement_ranked
    group by account_key, day_date
),

final as (
    select
        {{ leadflow.hash_key(
            "account_days.account_key || '|' || cast(account_days.day_date as " ~ dbt.type_string() ~ ")"
        ) }} as account_day_id,
        account_days.account_key,
        account_days.day_date,
        cast(account_days.people as integer) as people,
        cast(account_days.engaged_people as integer) as engaged_people,
        cast(coalesce(active.people_active, 0) as integer) as people_active,
        cast(coalesce(active.signals, 0) as integer) as signals,
        {{ leadflow.intent_score('account_days.intent_points') }} as intent_score,
        {{ leadflow.as_of() }} as as_of
    from account_days
    left join active
        on account_days.account_key = active.account_key and account_days.day_date = active.day_date
)

select * from final
