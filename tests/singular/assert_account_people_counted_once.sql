-- Every account is in dim_accounts, and every person with an account is counted once, at their
-- account: dim_accounts.people equals the account's rows of int_accounts__people (whose lead_key is
-- unique). Fails listing each account whose count differs or that is missing.
with

accounts as (
    select account_key from {{ ref('int_accounts__accounts') }}
),

people as (
    select
        account_key,
        count(*) as people
    from {{ ref('int_accounts__people') }}
    group by account_key
),

dim as (
    select
        account_key,
        people
    from {{ ref('dim_accounts') }}
)

select
    accounts.account_key,
    coalesce(people.people, 0) as people_at_account,
    dim.people as people_in_dim_accounts
from accounts
left join people
    on accounts.account_key = people.account_key
left join dim
    on accounts.account_key = dim.account_key
where dim.account_key is null or dim.people <> coalesce(people.people, 0)
