{#-
    Weekly SLA compliance and speed to lead, by team and by rep (the person's owner), per
    clock. A week is the ISO week (Monday, UTC) the clock started in.
      compliance_rate  met / (met + breached + open_breached): clocks still running inside
                       their target are not judged yet
      median_minutes_to_response  over stopped clocks; for first_touch this is speed to lead
-#}
{%- set levels = [('team', 'team'), ('rep', 'owner_id')] -%}
with

clocks as (
    select
        *,
        cast(date_trunc('week', started_at) as date) as week_start
    from {{ ref('fct_lead_sla') }}
),

{% for level, column in levels %}
by_{{ level }} as (
    select
        week_start,
        clock_id,
        '{{ level }}' as grouping_level,
        {% if level == 'team' %}team,{% else %}cast(null as {{ dbt.type_string() }}) as team,{% endif %}
        {% if level == 'rep' %}owner_id{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as rep_id,
        count(*) as clocks_started,
        {{ leadflow.count_where("status = 'met'") }} as met_count,
        {{ leadflow.count_where("status = 'breached'") }} as breached_count,
        {{ leadflow.count_where("status = 'open_breached'") }} as open_breached_count,
        {{ leadflow.count_where("status in ('open', 'due_soon')") }} as open_count,
        {{ leadflow.median_to('minutes_to_response', 2) }} as median_minutes_to_response
    from clocks
    {% if level == 'rep' %}where owner_id is not null{% endif %}
    group by week_start, clock_id, {{ column }}
),

{% endfor %}
unioned as (
    select * from by_team
    union all
    select * from by_rep
),

final as (
    select
        week_start,
        clock_id,
        grouping_level,
        team,
        rep_id,
        cast(clocks_started as integer) as clocks_started,
        met_count,
        breached_count,
        open_breached_count,
        open_count,
        cast({{ leadflow.round_to(
            'met_count / nullif(cast(met_count + breached_count + open_breached_count as double), 0)', 4
        ) }} as double) as compliance_rate,
        cast({{ leadflow.round_to('median_minutes_to_response', 2) }} as double) as median_minutes_to_response,
        {{ leadflow.as_of() }} as as_of
    from unioned
)

select * from final
