{#-
    "Frequent manual owner changes usually mean territory logic is off": per month (UTC, of the
    change) and team, how many owner changes the CRMs recorded, how many were people
    reassigning a record by hand from one owner to another (fct_owner_changes
    is_manual_reassignment), how many of those moved it to another team, and the manual share.
    A team is counted on the side the record left (the team that lost it); changes out of a
    queue or by automation count as assignments, not reassignments.
-#}
with

owner_changes as (
    select * from {{ ref('fct_owner_changes') }}
),

labelled as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'changed_at') }} as date) as change_month,
        coalesce(previous_team, case when previous_owner_id is null then 'unassigned' else 'not_a_rep' end) as team
    from owner_changes
),

monthly as (
    select
        change_month,
        team,
        cast(count(*) as integer) as owner_changes,
        {{ leadflow.count_where('is_automated') }} as automated_changes,
        {{ leadflow.count_where('is_manual_reassignment') }} as manual_reassignments,
        {{ leadflow.count_where(
            "is_manual_reassignment and coalesce(new_team, '-') <> coalesce(previous_team, '-')"
        ) }} as manual_cross_team_reassignments,
        cast(count(distinct lead_key) as integer) as people
    from labelled
    group by change_month, team
),

final as (
    select
        change_month,
        team,
        owner_changes,
        automated_changes,
        manual_reassignments,
        manual_cross_team_reassignments,
        people,
        cast(
            {{ leadflow.round_to('manual_reassignments * 1.0 / nullif(owner_changes, 0)', 4) }} as double
        ) as manual_share,
        {{ leadflow.as_of() }} as as_of
    from monthly
)

select * from final
