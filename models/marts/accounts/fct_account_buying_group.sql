{#-
    The buying group of every account: one row per account and seeds/buying_group_roles.csv role,
    every role of every account (a role nobody fills is a row with 0 people, so the gaps show).
    A person fills a role when their seniority is in the role's seniorities and, when the role
    names departments, their department is one of them (int_accounts__people reads both from the
    title); one person can fill several roles (a VP of Engineering is an economic buyer and a
    technical evaluator). Engaged: the person's intent score (dim_leads, at as_of) reaches
    seeds/account_scoring_rules.csv's engaged_min_intent_score. A role is covered when someone
    engaged fills it; top_engaged_lead_key is the most engaged of them, whom to talk to.
-#}
with

accounts as (
    select * from {{ ref('int_accounts__accounts') }}
),

account_people as (
    select * from {{ ref('int_accounts__people') }}
),

leads as (
    select * from {{ ref('dim_leads') }}
),

roles as {{ leadflow.not_materialized() }} (
    select * from {{ ref('buying_group_roles') }}
),

scoring_rules as (
    select * from {{ ref('account_scoring_rules') }}
),

people as (
    select
        account_people.account_key,
        account_people.lead_key,
        account_people.seniority,
        account_people.department,
        leads.intent_score,
        leads.intent_score >= scoring_rules.engaged_min_intent_score as is_engaged
    from account_people
    inner join leads
        on account_people.lead_key = leads.lead_key
    cross join scoring_rules
),

role_people as (
    select
        people.account_key,
        roles.role_id,
        people.lead_key,
        people.intent_score,
        people.is_engaged,
        row_number() over (
            partition by people.account_key, roles.role_id
            order by people.intent_score desc, people.lead_key asc
        ) as engagement_rank
    from people
    inner join roles
        on
            position('|' || people.seniority || '|' in '|' || roles.seniorities || '|') > 0
            and (
                coalesce(roles.departments, '') = ''
                or position('|' || people.department || '|' in '|' || roles.departments || '|') > 0
            )
),

role_totals as (
    select
        account_key,
        role_id,
        count(*) as people,
        {{ leadflow.count_where('is_engaged') }} as engaged_people,
        max(case when engagement_rank = 1 and is_engaged then lead_key end) as top_engaged_lead_key,
        max(case when engagement_rank = 1 and is_engaged then intent_score end) as top_engaged_intent_score
    from role_people
    group by account_key, role_id
),

final as (
    select
        {{ leadflow.hash_key("accounts.account_key || '|' || roles.role_id") }} as account_role_id,
        accounts.account_key,
        roles.role_id,
        roles.role_name,
        roles.is_required,
        cast(coalesce(role_totals.people, 0) as integer) as people,
        cast(coalesce(role_totals.engaged_people, 0) as integer) as engaged_people,
        coalesce(role_totals.engaged_people, 0) > 0 as is_covered,
        role_totals.top_engaged_lead_key,
        role_totals.top_engaged_intent_score,
        roles.model_version as account_model_version,
        {{ leadflow.as_of() }} as as_of
    from accounts
    cross join roles
    left join role_totals
        on accounts.account_key = role_totals.account_key and roles.role_id = role_totals.role_id
)

select * from final
