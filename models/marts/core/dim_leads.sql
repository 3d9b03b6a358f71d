{#-
    One row per person who is a lead (lead_key): who they are and which CRM records are
    theirs (int_identity__lead_profiles), how well they fit and how strongly they show intent
    (two separate scores, never blended), and what to do about it (the fit x intent matrix).
-#}
with

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

fit_components as (
    select * from {{ ref('fct_fit_score_components') }}
),

intent_signals as (
    select * from {{ ref('fct_intent_signals') }}
),

fit_grades as (
    select * from {{ ref('fit_grade_thresholds') }}
),

intent_bands as (
    select * from {{ ref('intent_band_thresholds') }}
),

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
),

priority_matrix as (
    select * from {{ ref('priority_matrix') }}
),

scoring_version as (
    select max(model_version) as scoring_model_version
    from {{ ref('fit_scoring_rules') }}
),

fit_totals as (
    select
        lead_key,
        sum(points) as fit_points
    from fit_components
    group by lead_key
),

fit_reasons_ranked as (
    select
        lead_key,
        rule_description || ' (' || case when points > 0 then '+' else '' end
        || cast(points as {{ dbt.type_string() }}) || ')' as reason,
        row_number() over (partition by lead_key order by abs(points) desc, rule_id asc) as reason_rank
    from fit_components
),

fit_reasons as (
    select
        lead_key,
        {{ leadflow.ordered_string_agg('reason', 'reason_rank', '; ') }} as fit_reasons
    from fit_reasons_ranked
    where reason_rank <= 3
    group by lead_key
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
        cast(coalesce(fit_totals.fit_points, 0) as integer) as fit_points,
        cast(least(100, greatest(0, coalesce(fit_totals.fit_points, 0))) as integer) as fit_score,
        coalesce(fit_reasons.fit_reasons, 'No fit rule matched') as fit_reasons,
        {{ leadflow.round_to('coalesce(intent_totals.intent_points, 0)', 4) }} as intent_points,
        {{ leadflow.round_to('least(100, greatest(0, coalesce(intent_totals.intent_points, 0)))', 2) }} as intent_score,
        intent_totals.last_intent_signal_at,
        coalesce(intent_totals.consent_excluded_events, 0) as consent_excluded_events
    from profiles
    left join fit_totals
        on profiles.lead_key = fit_totals.lead_key
    left join fit_reasons
        on profiles.lead_key = fit_reasons.lead_key
    left join intent_totals
        on profiles.lead_key = intent_totals.lead_key
),

graded as (
    {{ leadflow.label_by_threshold('scored', 'lead_key', 'fit_score', 'fit_grades', 'min_fit_score', 'fit_grade') }}
),

banded as (
    {{ leadflow.label_by_threshold(
        'scored', 'lead_key', 'intent_score', 'intent_bands', 'min_intent_score', 'intent_band'
    ) }}
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
        graded.fit_grade,
        scored.fit_reasons,
        scored.intent_points,
        scored.intent_score,
        banded.intent_band,
        scored.last_intent_signal_at,
        scored.is_opted_out as is_passive_tracking_excluded,
        case
            when scored.is_opted_out
                then
                    'Opted out of email: page views, email engagement and product telemetry are not scored ('
                    || cast(scored.consent_excluded_events as {{ dbt.type_string() }}) || ' events)'
        end as intent_exclusion_reason,
        cast(priority_matrix.priority_tier as integer) as priority_tier,
        priority_matrix.action as priority_action,
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
        scoring_version.scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from scored
    inner join graded
        on scored.lead_key = graded.lead_key
    inner join banded
        on scored.lead_key = banded.lead_key
    inner join funnel
        on scored.lead_key = funnel.lead_key
    inner join priority_matrix
        on graded.fit_grade = priority_matrix.fit_grade and banded.intent_band = priority_matrix.intent_band
    cross join scoring_version
)

select * from final
