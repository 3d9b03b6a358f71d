{{ config(enabled=var('using_salesforce', true)) }}
{#-
    Every person, one row each, with every fact a disqualifier, guardrail or routing rule looks
    at; is_open says whether routing answers for them at as_of (fct_lead_routing): everyone
    except customers without a new-product signal (an existing customer stays in only with a
    product interest on their lead, or high intent: an upsell enquiry) and people a rep
    disqualified. fct_routing_decisions reads everyone (a person's past decisions stay). People a rep is working (SAL, SQL,
    opportunity, converted, or sales activity by their owner within
    var('routing_recent_activity_days')) are here too: int_routing__lead_targets keeps their
    owner, so the sync feeds never propose someone else for them.
      disqualify_reason_code  the first matching row of seeds/routing_disqualifiers.csv
      blocked_reason          required contact fields missing (invalid email, company, country)
      last_owner_activity_at  the latest call, email or meeting of the current owner on the
                              person (int_sla__sales_touches, counts_as_touch) up to as_of
      has_started_trial       an event of a var('routing_trial_signal_ids') signal up to as_of
-#}
with

leads as {{ leadflow.not_materialized() }} (
    select * from {{ ref('dim_leads') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

sales_reps as (
    select * from {{ ref('sales_reps') }}
),

lead_territories as (
    select * from {{ ref('int_routing__lead_territories') }}
),

rep_availability as (
    select * from {{ ref('int_routing__rep_availability') }}
),

disqualifiers as (
    select * from {{ ref('routing_disqualifiers') }}
),

touches as (
    select * from {{ ref('int_sla__sales_touches') }}
    where counts_as_touch and touched_at <= {{ leadflow.as_of() }}
),

trial_events as (
    {{ leadflow.trial_starts() }}
),

owner_activity as (
    -- the current owner's latest call, email or meeting on the person
    select
        touches.lead_key,
        max(touches.touched_at) as last_owner_activity_at
    from touches
    inner join leads
        on touches.lead_key = leads.lead_key and touches.touched_by_user_id = leads.owner_id
    group by touches.lead_key
),

disqualifier_values as (
    -- the attributes a disqualifier can test, one row per person and attribute
    {%- set attributes = [
        'email_domain_type', 'email_domain', 'account_type', 'seniority', 'country_code', 'duplicate_record_count'
    ] %}
    {%- for attribute in attributes %}
    select
        lead_key,
        '{{ attribute }}' as attribute,
        cast({{ attribute }} as {{ dbt.type_string() }}) as value_text
    from leads
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

disqualified as (
    select
        lead_key,
        reason_code as disqualify_reason_code,
        description as disqualify_description
    from (
        select
            disqualifier_values.lead_key,
            disqualifiers.reason_code,
            disqualifiers.description,
            row_number() over (
                partition by disqualifier_values.lead_key order by disqualifiers.priority asc
            ) as disqualifier_rank
        from disqualifier_values
        inner join disqualifiers
            on
                disqualifier_values.attribute = disqualifiers.attribute
                and disqualifier_values.value_text is not null
                and (
                    (
                        disqualifiers.match_type = 'in_list'
                        and position(
                            '|' || disqualifier_values.value_text || '|' in '|' || disqualifiers.match_values || '|'
                        ) > 0
                    )
                    or (
                        disqualifiers.match_type = 'pattern'
                        and {{ leadflow.regexp_matches(
                            'lower(disqualifier_values.value_text)', 'disqualifiers.match_values'
                        ) }}
                    )
                    or (
                        disqualifiers.match_type = 'at_least'
                        and cast(disqualifier_values.value_text as double) >= cast(disqualifiers.match_values as double)
                    )
                )
    ) as ranked
    where disqualifier_rank = 1
),

open_opportunities as (
    -- the most recently created open opportunity per account
    select
        account_id,
        opportunity_id,
        opportunity_name,
        owner_id
    from (
        select
            opportunities.*,
            row_number() over (
                partition by opportunities.account_id
                order by opportunities.created_at desc, opportunities.opportunity_id asc
            ) as opportunity_rank
        from opportunities
        where not opportunities.is_closed and opportunities.created_at <= {{ leadflow.as_of() }}
    ) as ranked
    where opportunity_rank = 1
),

facts as (
    select
        leads.lead_key,
        leads.priority_tier,
        leads.priority_action,
        leads.fit_score,
        leads.fit_grade,
        not leads.needs_enrichment as is_fit_known,
        leads.intent_score,
        leads.intent_band,
        leads.current_stage,
        leads.current_stage_since,
        leads.mql_at,
        leads.created_at,
        leads.country_code,
        lead_territories.region,
        lead_territories.territory_id,
        lead_territories.territory_team,
        leads.industry,
        leads.employee_band,
        leads.lead_source,
        trial_events.lead_key is not null as has_started_trial,
        leads.account_id is not null as has_account,
        salesforce_leads.product_interest,
        leads.account_id,
        coalesce(accounts.account_name, leads.account_name) as account_name,
        leads.account_type,
        accounts.owner_id as account_owner_id,
        coalesce(leads.account_type = 'Customer', false) as is_customer,
        open_opportunities.opportunity_id as open_opportunity_id,
        open_opportunities.opportunity_name as open_opportunity_name,
        open_opportunities.owner_id as open_opportunity_owner_id,
        coalesce(leads.account_type = 'Prospect' and account_reps.rep_id is not null, false) as has_named_account,
        leads.owner_id as current_owner_id,
        current_owners.is_active as is_current_owner_active,
        owner_reps.team as current_owner_team,
        coalesce(owner_reps.is_out_of_office, false) as is_current_owner_away,
        owner_activity.last_owner_activity_at,
        disqualified.disqualify_reason_code,
        disqualified.disqualify_description,
        leads.has_invalid_email,
        leads.is_missing_company,
        leads.is_missing_country,
        leads.duplicate_record_count,
        leads.is_converted
    from leads
    left join salesforce_leads
        on leads.salesforce_lead_id = salesforce_leads.lead_id
    left join accounts
        on leads.account_id = accounts.account_id
    left join open_opportunities
        on leads.account_id = open_opportunities.account_id
    left join sales_reps as account_reps
        on accounts.owner_id = account_reps.rep_id
    left join users as current_owners
        on leads.owner_id = current_owners.user_id
    left join lead_territories
        on leads.lead_key = lead_territories.lead_key
    left join rep_availability as owner_reps
        on leads.owner_id = owner_reps.rep_id
    left join owner_activity
        on leads.lead_key = owner_activity.lead_key
    left join disqualified
        on leads.lead_key = disqualified.lead_key
    left join trial_events
        on leads.lead_key = trial_events.lead_key
),

open_leads as (
    select
        *,
        coalesce(
            coalesce(current_stage, 'lead') <> 'disqualified'
            and coalesce(current_stage, 'lead') <> 'customer'
            and (
                not is_customer
                or product_interest is not null
                or intent_band = 'high'
                or current_stage in ('sal', 'sql', 'opportunity')
                or is_converted
            ),
            false
        ) as is_open
    from facts
),

final as (
    select
        *,
        nullif(
            concat_ws(
                '; ',
                case when has_invalid_email then 'invalid email' end,
                case when is_missing_company then 'missing company' end,
                case when is_missing_country then 'missing country' end
            ),
            ''
        ) as blocked_reason
    from open_leads
)

select * from final
