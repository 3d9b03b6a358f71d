{#-
    One row per lead (every person in dim_leads): when they first reached each stage, where
    they are now and for how long, how long each step took, and how they came in.
      <stage>_at           first time the stage was reached (a re-MQL after a recycle keeps
                           the first mql_at; mql_count counts both)
      recycled_at          latest recycle, recycle_count how many
      disqualified_at      latest disqualification, with its reason code
      days_<a>_to_<b>      days from the first <a> to the first <b> at or after it (null
                           unless both): a person whose first cycle skipped <b> and reached
                           it in a later one is measured in that cycle, never backwards
      entered_via          the lead source, else the first campaign, else 'unknown'
      intent_score_at_mql  intent as it stood at mql_at (point in time: the person's scored
                           events up to that moment, with today's caps and consent rule,
                           decayed to mql_at: the intent the SLA clock of that move holds,
                           int_sla__clock_start_states), and its band: what the matrix saw at handoff;
                           fit_score_at_mql, fit_grade_at_mql and priority_action_at_mql
                           complete the cell (leadflow.matrix_cell), the fit as of mql_at where
                           HubSpot property history holds title, size or industry
                           (int_scoring__fit_at_mql; fit_source_at_mql says which)
      score_qualified_at   leadflow's own MQL (int_scoring__qualifications): the first time,
                           the latest, how many (one per recycle cycle), and the cell and
                           intent of the first; mql_agreement compares it with the CRM's MQL
    People without any lifecycle record (a Salesforce contact nobody ever moved) have a null
    current_stage and has_lifecycle false: visible, not guessed.
-#}
{%- set velocity_steps = [
    ('lead', 'mql'), ('mql', 'sal'), ('sal', 'sql'), ('mql', 'sql'),
    ('sql', 'opportunity'), ('opportunity', 'customer'), ('lead', 'opportunity'), ('mql', 'opportunity'),
] -%}
with

leads as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

stage_changes as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_lifecycle__stage_changes') }}
),

clock_start_states as (
    select * from {{ ref('int_sla__clock_start_states') }}
),

fit_at_mql as (
    select * from {{ ref('int_scoring__fit_at_mql') }}
),

qualifications as (
    select * from {{ ref('int_scoring__qualifications') }}
),

working_states as (
    select * from {{ ref('int_lifecycle__crm_events') }}
    where working_state is not null and lead_key is not null
),

{% if var('using_salesforce', true) %}
campaign_members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
),

campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

first_campaigns as (
    select
        lead_key,
        campaign_name
    from (
        select
            person_keys.lead_key,
            campaigns.campaign_name,
            row_number() over (
                partition by person_keys.lead_key
                order by campaign_members.created_at asc, campaign_members.campaign_member_id asc
            ) as campaign_rank
        from campaign_members
        inner join campaigns
            on campaign_members.campaign_id = campaigns.campaign_id
        inner join person_keys
            on
                person_keys.record_key
                = case
                    when campaign_members.lead_id is not null then 'salesforce_lead:' || campaign_members.lead_id
                    else 'salesforce_contact:' || campaign_members.contact_id
                end
        where campaign_members.created_at <= {{ leadflow.as_of() }}
    ) as ranked
    where campaign_rank = 1
),
{% else %}
first_campaigns as (
    {{ leadflow.no_rows({'lead_key': 'string', 'campaign_name': 'string'}) }}
),
{% endif %}

stamps as (
    select
        lead_key,
        {%- for stage in ['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer'] %}
        min(case when lifecycle_stage = '{{ stage }}' then changed_at end) as {{ stage }}_at,
        {%- endfor %}
        max(case when lifecycle_stage = 'recycled' then changed_at end) as recycled_at,
        max(case when lifecycle_stage = 'disqualified' then changed_at end) as disqualified_at,
        {{ leadflow.count_where("lifecycle_stage = 'mql'") }} as mql_count,
        {{ leadflow.count_where("lifecycle_stage = 'recycled'") }} as recycle_count,
        {{ leadflow.any_true('is_regression') }} as has_regression,
        max_by(lifecycle_stage, change_number) as current_stage,
        max_by(changed_at, change_number) as current_stage_since,
        -- coalesce: DuckDB's max_by skips a null value, Spark's returns it
        nullif(max_by(coalesce(reason_code, '~'), change_number), '~') as current_stage_reason_code
    from stage_changes
    group by lead_key
),

velocity_ends as (
    -- for each step <a> -> <b>, the first <b> at or after the first <a>: the <b> stamp can be
    -- earlier, from a cycle that skipped <a> (lead -> SAL, recycled, then MQL -> SAL)
    select
        {%- for from_stage, to_stage in velocity_steps %}
        {%- set reached_after = "stage_changes.lifecycle_stage = '" ~ to_stage
            ~ "' and stage_changes.changed_at >= stamps." ~ from_stage ~ "_at" %}
        min(case when {{ reached_after }} then stage_changes.changed_at end) as {{ from_stage }}_to_{{ to_stage }}_end,
        {%- endfor %}
        stamps.lead_key
    from stamps
    inner join stage_changes
        on stamps.lead_key = stage_changes.lead_key
    where stage_changes.lifecycle_stage in ('mql', 'sal', 'sql', 'opportunity', 'customer')
    group by stamps.lead_key
),

latest_disqualification as (
    select
        lead_key,
        reason_code as disqualification_reason_code
    from (
        select
            lead_key,
            reason_code,
            row_number() over (partition by lead_key order by change_number desc) as disqualification_rank
        from stage_changes
        where lifecycle_stage = 'disqualified'
    ) as ranked
    where disqualification_rank = 1
),

intent_at_mql as (
    -- point in time: the intent at the person's first MQL move, decayed to that moment. The SLA
    -- clock that move started holds it (int_sla__clock_start_states, stored by person and
    -- re-derived for the people a day touched; leadflow.intent_points_at over the same counted,
    -- not excluded events), so the funnel and the clock agree and a daily run does not join
    -- every MQL with every earlier event again
    select
        lead_key,
        min_by(intent_score_at_start, change_number) as intent_score_at_mql
    from clock_start_states
    group by lead_key
),

scored_at_mql as (
    select
        stamps.lead_key,
        intent_at_mql.intent_score_at_mql,
        fit_at_mql.fit_score,
        fit_at_mql.is_fit_known,
        fit_at_mql.fit_source
    from stamps
    inner join fit_at_mql
        on stamps.lead_key = fit_at_mql.lead_key
    left join intent_at_mql
        on stamps.lead_key = intent_at_mql.lead_key
    where stamps.mql_at is not null
),

cells_at_mql as (
    -- the matrix cell the CRM's MQL sat in: fit and intent as of mql_at
    {{ leadflow.matrix_cell('scored_at_mql', 'lead_key', 'fit_score', 'intent_score_at_mql', 'is_fit_known') }}
),

model_qualified as (
    select
        lead_key,
        min(qualified_at) as score_qualified_at,
        max(qualified_at) as latest_score_qualified_at,
        count(*) as score_qualification_count,
        -- by number, not time: two cycles' qualifications in one instant (a recycle and a
        -- qualifying event in the same second) would tie on qualified_at
        min_by(fit_grade, qualification_number) as score_qualified_fit_grade,
        min_by(intent_score, qualification_number) as score_qualified_intent_score
    from qualifications
    group by lead_key
),

current_working_states as (
    -- the latest working state a CRM recorded (HubSpot lead status, Salesforce working status)
    select
        lead_key,
        working_state as current_working_state
    from (
        select
            lead_key,
            working_state,
            row_number() over (
                partition by lead_key order by changed_at desc, source_system desc, source_event_id desc
            ) as state_rank
        from working_states
    ) as ranked
    where state_rank = 1
),

final as (
    select
        leads.lead_key,
        leads.created_at as lead_created_at,
        leads.lead_source,
        coalesce(leads.lead_source, first_campaigns.campaign_name, 'unknown') as entered_via,
        stamps.lead_key is not null as has_lifecycle,
        stamps.current_stage,
        stamps.current_stage_since,
        cast({{ leadflow.round_to(
            leadflow.seconds_between('stamps.current_stage_since', leadflow.as_of()) ~ ' / 3600.0', 2
        ) }} as double) as hours_in_current_stage,
        {%- for stage in ['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'recycled', 'disqualified'] %}
        stamps.{{ stage }}_at,
        {%- endfor %}
        latest_disqualification.disqualification_reason_code,
        stamps.current_stage_reason_code,
        current_working_states.current_working_state,
        cast(scored_at_mql.intent_score_at_mql as double) as intent_score_at_mql,
        cells_at_mql.intent_band as intent_band_at_mql,
        scored_at_mql.fit_score as fit_score_at_mql,
        scored_at_mql.fit_source as fit_source_at_mql,
        cells_at_mql.fit_grade as fit_grade_at_mql,
        cells_at_mql.priority_action as priority_action_at_mql,
        model_qualified.score_qualified_at,
        model_qualified.latest_score_qualified_at,
        cast(coalesce(model_qualified.score_qualification_count, 0) as integer) as score_qualification_count,
        model_qualified.score_qualified_fit_grade,
        cast(model_qualified.score_qualified_intent_score as double) as score_qualified_intent_score,
        case
            when stamps.mql_at is not null and model_qualified.score_qualified_at is not null then 'both'
            when stamps.mql_at is not null then 'crm_only'
            when model_qualified.score_qualified_at is not null then 'model_only'
            else 'neither'
        end as mql_agreement,
        coalesce(stamps.mql_count, 0) as mql_count,
        coalesce(stamps.recycle_count, 0) as recycle_count,
        coalesce(stamps.has_regression, false) as has_regression,
        {%- for from_stage, to_stage in velocity_steps %}
        cast({{ leadflow.round_to(
            leadflow.seconds_between(
                'stamps.' ~ from_stage ~ '_at', 'velocity_ends.' ~ from_stage ~ '_to_' ~ to_stage ~ '_end'
            ) ~ ' / 86400.0',
            2
        ) }} as double) as days_{{ from_stage }}_to_{{ to_stage }},
        {%- endfor %}
        {{ leadflow.as_of() }} as as_of
    from leads
    left join stamps
        on leads.lead_key = stamps.lead_key
    left join velocity_ends
        on leads.lead_key = velocity_ends.lead_key
    left join latest_disqualification
        on leads.lead_key = latest_disqualification.lead_key
    left join first_campaigns
        on leads.lead_key = first_campaigns.lead_key
    left join scored_at_mql
        on leads.lead_key = scored_at_mql.lead_key
    left join cells_at_mql
        on leads.lead_key = cells_at_mql.lead_key
    left join model_qualified
        on leads.lead_key = model_qualified.lead_key
    left join current_working_states
        on leads.lead_key = current_working_states.lead_key
)

select * from final
