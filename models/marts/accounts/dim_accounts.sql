{#-
    One row per account (account_key) across Salesforce accounts and HubSpot companies
    (int_accounts__accounts), with two scores kept apart, as for people:
      fit     who the account is: seeds/account_fit_rules.csv on its firmographics
              (int_accounts__fit), graded by seeds/account_fit_grade_thresholds.csv; D whenever
              a disqualifying rule fired (a competitor, an unsupported geography) whatever the
              other points; needs_enrichment when too few firmographics are known
      intent  what its people do now, rewarding breadth: the intent scores (dim_leads, at as_of)
              of its engaged people, each capped at person_intent_cap, the max_counted_people
              highest added up, at most 100 (seeds/account_scoring_rules.csv); banded by
              seeds/intent_band_thresholds.csv like a person's (a scoring model seed, hence
              scoring_model_version beside account_model_version)
    with the buying group's coverage (fct_account_buying_group: the required roles an engaged
    person fills, and those still missing), the account's stage (customer: a Customer account
    type, a won opportunity closed by as_of, any of its HubSpot companies at the customer
    lifecycle stage, or a person at the customer stage; open_opportunity: an opportunity created by as_of and not closed by then,
    or a person at the opportunity stage; else none) and its priority: the
    seeds/account_priority_matrix.csv row of its stage, fit grade and intent band ('*' matches
    any; tests/singular/assert_account_priority_matrix_covers_every_cell.sql proves exactly one
    row matches each combination).
-#}
{%- set with_salesforce = var('using_salesforce', true) -%}
with

accounts as (
    select * from {{ ref('int_accounts__accounts') }}
),

fit as (
    select * from {{ ref('int_accounts__fit') }}
),

account_people as (
    select * from {{ ref('int_accounts__people') }}
),

leads as (
    select * from {{ ref('dim_leads') }}
),

buying_group as (
    select * from {{ ref('fct_account_buying_group') }}
),

scoring_rules as (
    select * from {{ ref('account_scoring_rules') }}
),

{% if with_salesforce -%}
opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

{% endif -%}

people as (
    select
        account_people.account_key,
        account_people.lead_key,
        leads.intent_score,
        leads.current_stage,
        leads.intent_score >= scoring_rules.engaged_min_intent_score as is_engaged,
        scoring_rules.person_intent_cap,
        scoring_rules.max_counted_people
    from account_people
    inner join leads
        on account_people.lead_key = leads.lead_key
    cross join scoring_rules
),

engagement_ranked as (
    select
        *,
        row_number() over (
            partition by account_key
            order by intent_score desc, lead_key asc
        ) as engagement_rank
    from people
),

intent as (
    select
        account_key,
        count(*) as people,
        {{ leadflow.count_where('is_engaged') }} as engaged_people,
        {{ leadflow.account_intent_points() }} as intent_points,
        max(intent_score) as top_person_intent_score,
        {{ leadflow.count_where("current_stage = 'customer'") }} as customer_people,
        {{ leadflow.count_where("current_stage = 'opportunity'") }} as opportunity_people
    from engagement_ranked
    group by account_key
),

coverage as (
    select
        account_key,
        {{ leadflow.count_where('is_required') }} as required_roles,
        {{ leadflow.count_where('is_required and is_covered') }} as covered_required_roles,
        -- nullif: an aggregate of nothing but nulls is null on DuckDB and '' on Spark
        nullif({{ leadflow.ordered_string_agg('case when is_covered then role_id end', 'role_id', ', ') }}, '')
            as roles_covered,
        nullif({{ leadflow.ordered_string_agg(
            'case when is_required and not is_covered then role_id end', 'role_id', ', '
        ) }}, '') as roles_missing
    from buying_group
    group by account_key
),

{% if with_salesforce -%}
deals as (
    select
        'sf:' || account_id as account_key,
        {{ leadflow.count_where(
            'created_at <= ' ~ leadflow.as_of()
            ~ ' and (not is_closed or close_date > cast(' ~ leadflow.as_of() ~ ' as date))'
        ) }} as open_opportunities,
        {{ leadflow.count_where('is_won and close_date <= cast(' ~ leadflow.as_of() ~ ' as date)') }}
            as won_opportunities
    from opportunities
    where account_id is not null
    group by account_id
),

{% endif -%}

scored as (
    select
        accounts.*,
        fit.fit_points,
        fit.fit_score,
        fit.fit_reasons,
        fit.known_fit_inputs,
        fit.missing_fit_inputs,
        fit.is_fit_known,
        fit.has_disqualifier,
        cast(coalesce(intent.people, 0) as integer) as people,
        cast(coalesce(intent.engaged_people, 0) as integer) as engaged_people,
        {{ leadflow.intent_score('intent.intent_points') }} as intent_score,
        intent.top_person_intent_score,
        {%- if with_salesforce %}
        cast(coalesce(deals.open_opportunities, 0) as integer) as open_opportunities,
        cast(coalesce(deals.won_opportunities, 0) as integer) as won_opportunities,
        {%- else %}
        0 as open_opportunities,
        0 as won_opportunities,
        {%- endif %}
        coalesce(intent.customer_people, 0) as customer_people,
        coalesce(intent.opportunity_people, 0) as opportunity_people
    from accounts
    inner join fit
        on accounts.account_key = fit.account_key
    left join intent
        on accounts.account_key = intent.account_key
    {%- if with_salesforce %}
    left join deals
        on accounts.account_key = deals.account_key
    {%- endif %}
),

staged as (
    select
        *,
        case
            when
                account_type = 'Customer' or won_opportunities > 0
                or is_hubspot_customer or customer_people > 0
                then 'customer'
            when open_opportunities > 0 or opportunity_people > 0 then 'open_opportunity'
            else 'none'
        end as account_stage
    from scored
),

graded as (
    {{ leadflow.label_by_threshold(
        'staged', 'account_key', 'fit_score', ref('account_fit_grade_thresholds'), 'min_fit_score', 'fit_grade'
    ) }}
),

banded as (
    {{ leadflow.label_by_threshold(
        'staged', 'account_key', 'intent_score', ref('intent_band_thresholds'), 'min_intent_score', 'intent_band'
    ) }}
),

cells as (
    select
        staged.account_key,
        case
            when not staged.is_fit_known then 'needs_enrichment'
            when staged.has_disqualifier then 'D'
            else graded.fit_grade
        end as fit_grade,
        banded.intent_band
    from staged
    inner join graded
        on staged.account_key = graded.account_key
    inner join banded
        on staged.account_key = banded.account_key
),

prioritised as (
    select
        cells.account_key,
        cells.fit_grade,
        cells.intent_band,
        cast(matrix.priority_tier as integer) as priority_tier,
        matrix.action as priority_action,
        matrix.description as priority_reason,
        matrix.model_version as account_model_version
    from cells
    inner join staged
        on cells.account_key = staged.account_key
    inner join {{ ref('account_priority_matrix') }} as matrix
        on
            staged.account_stage = matrix.account_stage
            and matrix.fit_grade in (cells.fit_grade, '*')
            and matrix.intent_band in (cells.intent_band, '*')
),

scoring_version as (
    select max(model_version) as scoring_model_version
    from {{ ref('fit_scoring_rules') }}
),

final as (
    select
        staged.account_key,
        staged.account_source,
        staged.salesforce_account_id,
        staged.hubspot_company_id,
        staged.hubspot_company_count,
        staged.account_name,
        staged.domain,
        staged.parent_account_key,
        staged.account_type,
        staged.industry,
        staged.employee_count,
        staged.employee_band,
        staged.annual_revenue,
        staged.country_code,
        staged.account_stage,
        staged.open_opportunities,
        staged.won_opportunities,
        staged.fit_points,
        staged.fit_score,
        prioritised.fit_grade,
        staged.fit_reasons,
        staged.known_fit_inputs,
        not staged.is_fit_known as needs_enrichment,
        staged.missing_fit_inputs,
        staged.people,
        staged.engaged_people,
        staged.intent_score,
        prioritised.intent_band,
        staged.top_person_intent_score,
        cast(coalesce(coverage.required_roles, 0) as integer) as required_roles,
        cast(coalesce(coverage.covered_required_roles, 0) as integer) as covered_required_roles,
        coverage.roles_covered,
        coverage.roles_missing,
        prioritised.priority_tier,
        prioritised.priority_action,
        prioritised.priority_reason,
        prioritised.account_model_version,
        scoring_version.scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from staged
    inner join prioritised
        on staged.account_key = prioritised.account_key
    left join coverage
        on staged.account_key = coverage.account_key
    cross join scoring_version
)

select * from final
