{#-
    The values leadflow writes back to the CRMs' account records (Salesforce accounts, HubSpot
    companies), one row per account (dim_accounts), under leadflow's own names; the account sync
    models rename them to each CRM's field API names (seeds/sync_fields.csv, grain account).
    An account gets counts, scores and role names, never a person's name or events (with one
    engaged person, the account intent is that person's intent, capped).
-#}
with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        account_key,
        salesforce_account_id,
        fit_score as account_fit_score,
        fit_grade as account_fit_grade,
        {{ leadflow.round_to('intent_score', 1) }} as account_intent_score,
        intent_band as account_intent_band,
        engaged_people,
        roles_missing,
        priority_tier as account_priority_tier,
        priority_action as account_priority_action,
        account_model_version
    from accounts
)

select * from final
