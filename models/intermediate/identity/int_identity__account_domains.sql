{{ config(enabled=var('using_salesforce', true)) }}
{#-
    The account each company domain belongs to, for matching people to accounts by domain.
    Accounts whose website is a free-mail or student domain never match. When several accounts
    share a domain the tiebreak is documented and deterministic: account type (Customer, then
    Prospect, Partner, Other, Competitor, then anything else), then most employees, then the
    oldest account, then the lowest account id. `is_domain_winner` marks the one that matches;
    `accounts_sharing_domain` shows how contested the domain is.
-#}
with

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

ranked as (
    select
        website_domain as domain,
        account_id,
        account_name,
        account_type,
        row_number() over (
            partition by website_domain
            order by
                case account_type
                    when 'Customer' then 1
                    when 'Prospect' then 2
                    when 'Partner' then 3
                    when 'Other' then 4
                    when 'Competitor' then 5
                    else 6
                end,
                coalesce(employee_count, -1) desc,
                created_at asc,
                account_id asc
        ) as domain_rank,
        count(*) over (partition by website_domain) as accounts_sharing_domain
    from accounts
    where
        website_domain is not null
        and website_domain_type not in ('free_mail', 'student')
),

final as (
    select
        domain,
        account_id,
        account_name,
        account_type,
        domain_rank,
        domain_rank = 1 as is_domain_winner,
        accounts_sharing_domain
    from ranked
)

select * from final
