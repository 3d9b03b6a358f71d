{{ config(enabled=var('using_salesforce', true)) }}
{#-
    The people routing decides for, one row each, with every fact a routing rule or guardrail
    looks at. Open means: not converted, not disqualified, not already a customer or in an
    opportunity; a person at a customer account stays open only with a new-product signal
    (a product interest on their lead, or high intent), which makes it an expansion lead.
    Guardrails (blocked_reason, several joined with '; '): invalid email, missing company,
    missing country, a duplicate person (more than one record of one CRM object: merge
    first), a current owner who is no longer active in Salesforce.
-#}
with

leads as (
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
        leads.intent_score,
        leads.intent_band,
        leads.current_stage,
        leads.mql_at,
        leads.created_at,
        leads.country_code,
        lead_territories.region,
        lead_territories.territory_id,
        lead_territories.territory_team,
        leads.industry,
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
),

open_leads as (
    select *
    from facts
    where
        not is_converted
        and coalesce(current_stage, 'lead') not in ('disqualified', 'opportunity', 'customer')
        and (not is_customer or product_interest is not null or intent_band = 'high')
),

final as (
    select
        *,
        nullif(
            concat_ws(
                '; ',
                case when has_invalid_email then 'invalid email' end,
                case when is_missing_company then 'missing company' end,
                case when is_missing_country then 'missing country' end,
                case when duplicate_record_count > 0 then 'duplicate person: merge the records first' end,
                case when not is_current_owner_active then 'current owner is inactive in Salesforce' end
            ),
            ''
        ) as blocked_reason
    from open_leads
)

select * from final
