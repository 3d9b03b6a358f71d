{#-
    The funnel by cohort (month the lead was created, UTC) and lead source (entered_via):
    how many reached each stage, stage-to-stage conversion (of those who reached the earlier
    stage, the share who reached the later one), median days between stages, and why people
    were rejected. Rates are null when nobody reached the earlier stage.
-#}
{%- set steps = [('lead', 'mql'), ('mql', 'sal'), ('mql', 'sql'), ('sql', 'opportunity'),
                 ('opportunity', 'customer'), ('lead', 'opportunity')] -%}
with

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
    where lead_created_at is not null
),

cohorts as (
    select
        *,
        cast(date_trunc('month', lead_created_at) as date) as cohort_month
    from funnel
),

reached as (
    select
        cohort_month,
        entered_via,
        {%- for stage in ['mql', 'sal', 'sql', 'opportunity', 'customer', 'recycled', 'disqualified'] %}
        {{ leadflow.count_where(stage ~ '_at is not null') }} as {{ stage }}_count,
        {%- endfor %}
        {%- for from_stage, to_stage in steps %}
        {{ leadflow.count_where(from_stage ~ '_at is not null and ' ~ to_stage ~ '_at is not null') }}
            as {{ from_stage }}_to_{{ to_stage }}_count,
        {{ leadflow.median_to('days_' ~ from_stage ~ '_to_' ~ to_stage, 2) }}
            as median_days_{{ from_stage }}_to_{{ to_stage }},
        {%- endfor %}
        count(*) as leads
    from cohorts
    group by cohort_month, entered_via
),

reason_counts as (
    select
        cohort_month,
        entered_via,
        disqualification_reason_code,
        count(*) as reason_count
    from cohorts
    where disqualified_at is not null
    group by cohort_month, entered_via, disqualification_reason_code
),

reasons_ranked as (
    select
        *,
        row_number() over (
            partition by cohort_month, entered_via
            order by reason_count desc, disqualification_reason_code asc
        ) as reason_rank
    from reason_counts
),

reasons as (
    select
        cohort_month,
        entered_via,
        max(case when reason_rank = 1 then coalesce(disqualification_reason_code, 'no_reason') end)
            as top_disqualification_reason,
        {{ leadflow.ordered_string_agg(
            "coalesce(disqualification_reason_code, 'no_reason') || ' ' || cast(reason_count as " ~ dbt.type_string() ~ ")",
            'reason_rank', ', ') }} as disqualification_reasons
    from reasons_ranked
    group by cohort_month, entered_via
),

final as (
    select
        reached.cohort_month,
        reached.entered_via,
        cast(reached.leads as integer) as leads,
        {%- for stage in ['mql', 'sal', 'sql', 'opportunity', 'customer', 'recycled', 'disqualified'] %}
        reached.{{ stage }}_count,
        {%- endfor %}
        {%- for from_stage, to_stage in steps %}
        {%- set base_count = 'leads' if from_stage == 'lead' else from_stage ~ '_count' %}
        cast({{ leadflow.round_to(
            'reached.' ~ from_stage ~ '_to_' ~ to_stage ~ '_count / nullif(cast(reached.' ~ base_count ~ ' as double), 0)',
            4
        ) }} as double) as {{ from_stage }}_to_{{ to_stage }}_rate,
        {%- endfor %}
        {%- for from_stage, to_stage in steps %}
        cast({{ leadflow.round_to('reached.median_days_' ~ from_stage ~ '_to_' ~ to_stage, 2) }} as double)
            as median_days_{{ from_stage }}_to_{{ to_stage }},
        {%- endfor %}
        reasons.top_disqualification_reason,
        reasons.disqualification_reasons,
        {{ leadflow.as_of() }} as as_of
    from reached
    left join reasons
        on reached.cohort_month = reasons.cohort_month and reached.entered_via = reasons.entered_via
)

select * from final
