{#-
    A CTE body: the fit x intent matrix cell of each row of `input_cte` (one row per
    `key_column`): fit_grade (seeds/fit_grade_thresholds.csv on `fit_score_column`, or
    needs_enrichment where `fit_known_column` is false: the fit is not known enough to grade),
    intent_band (seeds/intent_band_thresholds.csv on `intent_score_column`), and the cell's
    priority_tier, priority_action and is_qualifying_cell (seeds/priority_matrix.csv). dim_leads
    (now), int_sla__clock_starts (at a clock's start), int_routing__decision_facts (at each
    routing moment), fct_lead_funnel (at the CRM's MQL) and int_scoring__qualifications (at each
    scored event) read the matrix through this one macro.
-#}
{% macro matrix_cell(input_cte, key_column, fit_score_column, intent_score_column, fit_known_column) -%}
    select
        cells.{{ key_column }},
        priority_matrix.fit_grade,
        priority_matrix.intent_band,
        cast(priority_matrix.priority_tier as integer) as priority_tier,
        priority_matrix.action as priority_action,
        priority_matrix.qualifies as is_qualifying_cell
    from {{ input_cte }} as cells
    inner join (
        {{ leadflow.label_by_threshold(
            input_cte, key_column, fit_score_column, ref('fit_grade_thresholds'), 'min_fit_score', 'fit_grade'
        ) }}
    ) as graded
        on cells.{{ key_column }} = graded.{{ key_column }}
    inner join (
        {{ leadflow.label_by_threshold(
            input_cte, key_column, intent_score_column, ref('intent_band_thresholds'), 'min_intent_score', 'intent_band'
        ) }}
    ) as banded
        on cells.{{ key_column }} = banded.{{ key_column }}
    inner join {{ ref('priority_matrix') }} as priority_matrix
        on
            priority_matrix.fit_grade
            = case when cells.{{ fit_known_column }} then graded.fit_grade else 'needs_enrichment' end
            and banded.intent_band = priority_matrix.intent_band
{%- endmacro %}

{#- The decayed intent points of each row of `moments_cte` (one row per `key_column`, with
    lead_key and the moment in `moment_column`): every counted, not excluded event of the person
    (int_intent__signal_events: no cross-CRM duplicate) up to the moment, decayed to it (the sum
    dim_leads takes at as_of, taken at the moment). Rows without events are left out: coalesce
    to 0. -#}
{% macro intent_points_at(moments_cte, key_column, moment_column) -%}
    select
        {{ moments_cte }}.{{ key_column }},
        sum(
            {{ leadflow.decayed(
                'scored_events.counted_points',
                leadflow.seconds_between('scored_events.occurred_at', moments_cte ~ '.' ~ moment_column) ~ ' / 86400.0',
                'scored_events.half_life_days'
            ) }}
        ) as intent_points
    from {{ moments_cte }}
    inner join {{ ref('int_intent__signal_events') }} as scored_events
        on
            {{ moments_cte }}.lead_key = scored_events.lead_key
            and scored_events.occurred_at <= {{ moments_cte }}.{{ moment_column }}
            and not scored_events.is_excluded
    group by {{ moments_cte }}.{{ key_column }}
{%- endmacro %}
