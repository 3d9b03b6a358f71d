-- The last day of fct_account_intent_daily closes at as_of, so each account's last row is its
-- dim_accounts intent: the same people, the same engaged people, the same score (within 0.01 per
-- counted person: each person's score is rounded to two decimals from a sum taken in another
-- order). Fails listing each account whose last day disagrees, or that has no rows while it has
-- people. Both sides must be of one as_of: a partial build that rebuilt the trend at a later
-- as_of than dim_leads fails here too, its two as_of columns saying so.
with

last_days as (
    select *
    from {{ ref('fct_account_intent_daily') }}
    where day_date = (select max(trend.day_date) from {{ ref('fct_account_intent_daily') }} as trend)
),

scoring_rules as (
    select * from {{ ref('account_scoring_rules') }}
)

select
    accounts.account_key,
    accounts.people,
    accounts.engaged_people,
    accounts.intent_score,
    last_days.people as trend_people,
    last_days.engaged_people as trend_engaged_people,
    last_days.intent_score as trend_intent_score,
    leads_as_of.as_of as dim_leads_as_of,
    last_days.as_of as trend_as_of
from {{ ref('dim_accounts') }} as accounts
cross join scoring_rules
cross join (select max(as_of) as as_of from {{ ref('dim_leads') }}) as leads_as_of
left join last_days
    on accounts.account_key = last_days.account_key
where
    accounts.people > 0
    and (
        last_days.account_key is null
        or last_days.people <> accounts.people
        or last_days.engaged_people <> accounts.engaged_people
        or abs(last_days.intent_score - accounts.intent_score) > 0.011 * scoring_rules.max_counted_people
    )
