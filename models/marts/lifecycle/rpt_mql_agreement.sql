{#-
    Where trust between the CRM's MQL and leadflow's own MQL breaks: one row per lead source
    (fct_lead_funnel.entered_via) and month, counting the people first qualified that month by
    either side (the earlier of mql_at and score_qualified_at, UTC):
      both          the CRM marked an MQL and leadflow's scores qualified the person
      crm_only      a CRM MQL leadflow never qualified; of those, how many sat in a suppress
                    cell or needed enrichment at the CRM's MQL (the matrix cell with intent as
                    of mql_at: fct_lead_funnel.priority_action_at_mql)
      model_only    leadflow qualified the person, the CRM never marked an MQL
    and what each group became (reached SQL: a move to SQL at or after that first qualification;
    an SQL from an earlier cycle, before the person was qualified again, is not the
    qualification's outcome), so a manager sees which side was right.
    agreement_rate is both / (both + crm_only + model_only); null when the row has none.
-#}
with

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
    where mql_agreement <> 'neither'
),

sql_moves as (
    select
        lead_key,
        changed_at
    from {{ ref('int_lifecycle__stage_changes') }}
    where lifecycle_stage = 'sql'
),

scoring_version as (
    select max(model_version) as scoring_model_version
    from {{ ref('qualification_rules') }}
),

qualified as (
    select
        lead_key,
        entered_via,
        least(coalesce(mql_at, score_qualified_at), coalesce(score_qualified_at, mql_at)) as qualified_at,
        mql_agreement,
        priority_action_at_mql,
        case
            when mql_agreement = 'both'
                then {{ leadflow.seconds_between('score_qualified_at', 'mql_at') }} / 86400.0
        end as days_model_ahead_of_crm
    from funnel
),

sql_after_qualification as (
    select distinct qualified.lead_key
    from qualified
    inner join sql_moves
        on qualified.lead_key = sql_moves.lead_key and qualified.qualified_at <= sql_moves.changed_at
),

people as (
    select
        qualified.entered_via,
        cast(date_trunc('month', qualified.qualified_at) as date) as qualified_month,
        qualified.mql_agreement,
        qualified.priority_action_at_mql,
        sql_after_qualification.lead_key is not null as reached_sql,
        qualified.days_model_ahead_of_crm
    from qualified
    left join sql_after_qualification
        on qualified.lead_key = sql_after_qualification.lead_key
),

counted as (
    select
        entered_via,
        qualified_month,
        {{ leadflow.count_where("mql_agreement in ('both', 'crm_only')") }} as crm_mql_count,
        {{ leadflow.count_where("mql_agreement in ('both', 'model_only')") }} as model_qualified_count,
        {{ leadflow.count_where("mql_agreement = 'both'") }} as both_count,
        {{ leadflow.count_where("mql_agreement = 'crm_only'") }} as crm_only_count,
        {{ leadflow.count_where("mql_agreement = 'crm_only' and priority_action_at_mql = 'suppress'") }}
            as crm_only_suppress_cell_count,
        {{ leadflow.count_where("mql_agreement = 'crm_only' and priority_action_at_mql = 'enrich'") }}
            as crm_only_needs_enrichment_count,
        {{ leadflow.count_where("mql_agreement = 'model_only'") }} as model_only_count,
        {{ leadflow.count_where("mql_agreement = 'both' and reached_sql") }} as both_reached_sql_count,
        {{ leadflow.count_where("mql_agreement = 'crm_only' and reached_sql") }} as crm_only_reached_sql_count,
        {{ leadflow.count_where("mql_agreement = 'model_only' and reached_sql") }} as model_only_reached_sql_count,
        {{ leadflow.avg_to('days_model_ahead_of_crm', 2) }} as avg_days_model_ahead_of_crm
    from people
    group by entered_via, qualified_month
),

final as (
    select
        counted.entered_via,
        counted.qualified_month,
        cast(counted.crm_mql_count as integer) as crm_mql_count,
        cast(counted.model_qualified_count as integer) as model_qualified_count,
        cast(counted.both_count as integer) as both_count,
        cast(counted.crm_only_count as integer) as crm_only_count,
        cast(counted.crm_only_suppress_cell_count as integer) as crm_only_suppress_cell_count,
        cast(counted.crm_only_needs_enrichment_count as integer) as crm_only_needs_enrichment_count,
        cast(counted.model_only_count as integer) as model_only_count,
        cast({{ leadflow.round_to(
            'cast(counted.both_count as double)
            / nullif(counted.both_count + counted.crm_only_count + counted.model_only_count, 0)', 4
        ) }} as double) as agreement_rate,
        cast(counted.both_reached_sql_count as integer) as both_reached_sql_count,
        cast(counted.crm_only_reached_sql_count as integer) as crm_only_reached_sql_count,
        cast(counted.model_only_reached_sql_count as integer) as model_only_reached_sql_count,
        cast(counted.avg_days_model_ahead_of_crm as double) as avg_days_model_ahead_of_crm,
        scoring_version.scoring_model_version,
        {{ leadflow.as_of() }} as as_of
    from counted
    cross join scoring_version
)

select * from final
