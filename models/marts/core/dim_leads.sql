{#-
    One row per person who is a lead (lead_key): who they are and which CRM records are
    theirs (int_identity__lead_profiles), how well they fit and how strongly they show intent
    (two separate scores, never blended), and what to do about it (the fit x intent matrix).
-#}
with

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

fit as (
    select * from {{ ref('int_scoring__fit') }}
),

intent_signals as (
    select * from {{ ref('fct_intent_signals') }}
),

funnel as {{ leadflow.not_materialized() }} (
    select * from {{ ref('fct_lead_funnel') }}
),

next_actions as (
    -- one next action per reason code (the variants of a code agree: tested on the seed)
    select distinct
        reason_code,
        next_action,
        recycle_after_days
    from {{ ref('rejection_reasons') }}
),

scoring_version as (
    select max(model_version) as scoring_model_version
    from {{ ref('fit_scoring_rules') }}
),

intent_totals as (
    select
        lead_key,
        sum(case when not is_excluded then decayed_points else 0 end) as intent_points,
        max(case when not is_excluded then occurred_at end) as last_intent_signal_at,
        {{ leadflow.count_where("exclusion_reason = 'consent_opted_out'") }} as consent_excluded_events
    from intent_signals
    group by lead_key
),

scored as (
    select
        profiles.*,
        fit.fit_points,
        fit.fit_score,
        fit.fit_reasons,
        fit.known_fit_inputs,
        fit.missing_fit_inputs,
        fit.is_fit_known,
        {{ leadflow.round_to('coalesce(intent_totals.intent_points, 0)', 4) }} as intent_points,
        {{ leadflow.intent_score('intent_totals.intent_points') }} as intent_score,
        intent_totals.last_intent_signal_at,
        coalesce(intent_totals.consent_excluded_events, 0) as consent_excluded_events
    from profiles
    inner join fit
        on profiles.lead_key = fit.lead_key
    left join intent_totals
        on profiles.lead_key = intent_totals.lead_key
),

cells as (
    {{ leadflow.matrix_cell('scored', 'lead_key', 'fit_score', 'intent_score', 'is_fit_known') }}
),

qualification as (
    -- leadflow's own MQL (fct_lead_funnel) and what a CRM flow should do about it
    select
        funnel.lead_key,
        funnel.latest_score_qualified_at is not null
        and (funnel.recycled_at is null or funnel.latest_score_qualified_at > funnel.recycled_at)
            as is_score_qualified_this_cycle,
        next_actions.next_action,
        case
            when next_actions.recycle_after_days is not null
                then {{ leadflow.add_days(
                    'cast(funnel.current_stage_since as date)', 'next_actions.recycle_after_days'
                ) }}
        end as recycle_eligible_on
    from funnel
    left join next_actions
        on funnel.current_stage_reason_code = next_actions.reason_code
),

final as (
    select
        scored.lead_key,
        scored.salesforce_lead_id,
        scored.salesforce_contact_id,
        scored.hubspot_contact_id,
        scored.segment_user_id,
        scored.account_id,
        scored.account_match_method,
        scored.account_name,
        scored.account_type,
        scored.email,
        scored.email_domain,
        scored.email_domain_type,
        scored.is_email_valid,
        scored.first_name,
        scored.last_name,
        scored.company,
        scored.title,
        scored.seniority,
        scored.industry,
        scored.employee_count,
        scored.employee_band,
        scored.country_code,
        scored.lead_source,
        scored.owner_id,
        scored.created_at,
        scored.last_modified_at,
        scored.is_opted_out,
        scored.has_opted_out_salesforce,
        scored.has_opted_out_hubspot,
        scored.has_unsubscribed_email,
        scored.is_converted,
        scored.has_invalid_email,
        scored.is_missing_company,
        scored.is_missing_country,
        scored.salesforce_lead_count,
        scored.salesforce_contact_count,
        scored.hubspot_contact_count,
        scored.segment_identity_count,
        scored.duplicate_record_count,
        scored.fit_points,
        scored.fit_score,
        cells.fit_grade,
        scored.fit_reasons,
        scored.known_fit_inputs,
        not scored.is_fit_known as needs_enrichment,
        scored.missing_fit_inputs,
        scored.intent_points,
        scored.intent_score,
        cells.intent_band,
        scored.last_intent_signal_at,
        scored.is_opted_out as is_passive_tracking_excluded,
        case
            when scored.is_opted_out
                then
                    'Opted out of email: page views, email engagement and product telemetry are not scored ('
                    || cast(scored.consent_excluded_events as {{ dbt.type_string() }}) || ' events)'
        end as intent_exclusion_reason,
        cells.priority_tier,
        cells.priority_action,
        funnel.current_stage,
        funnel.current_stage_since,
        funnel.mql_at,
        funnel.sal_at,
        funnel.sql_at,
        funnel.opportunity_at,
        funnel.customer_at,
        funnel.recycled_at,
        funnel.disqualified_at,
        funnel.disqualification_reason_code,
        funnel.current_stage_reason_code,
        qualification.next_action,
        cast(qualification.recycle_eligible_on as date) as recycle_eligible_on,
        funnel.score_qualified_at,
        funnel.latest_score_qualified_at,
        funnel.score_qualification_count,
        funnel.mql_agreement,
        case
            when funnel.current_stage in ('sal', 'sql', 'opportunity', 'customer', 'disqualified') then 'none'
            when qualification.is_score_qualified_this_cycle and coalesce(funnel.current_stage, 'lead') <> 'mql'
                then 'mark_mql'
            when funnel.current_stage = 'mql' and not qualification.is_score_qualified_this_cycle
                then case when scored.is_fit_known then 'review_mql' else 'enrich' end
            when not scored.is_fit_known then 'enrich'
            else 'none'
        end as recommended_lifecycle_action,
        scoring_version.scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from scored
    inner join cells
        on scored.lead_key = cells.lead_key
    inner join funnel
        on scored.lead_key = funnel.lead_key
    inner join qualification
        on scored.lead_key = qualification.lead_key
    cross join scoring_version
)

select * from final
