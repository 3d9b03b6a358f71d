{#-
    The owner assignment history: every owner change the CRMs recorded on a person
    (int_routing__owner_changes: Salesforce lead_history Owner rows, HubSpot hubspot_owner_id
    property history), with the teams of the owners before and after (seeds/sales_reps.csv;
    'queue' for a Salesforce queue, null for a user outside the seed) and whether it was an
    automated assignment or a person reassigning the record by hand.
-#}
with

owner_changes as (
    select * from {{ ref('int_routing__owner_changes') }}
),

sales_reps as (
    select
        rep_id,
        team
    from {{ ref('sales_reps') }}
),

final as (
    select
        owner_changes.change_id,
        owner_changes.lead_key,
        owner_changes.source_system,
        owner_changes.changed_at,
        owner_changes.previous_owner_id,
        case
            when owner_changes.previous_owner_id like '00G%' then 'queue'
            else previous_reps.team
        end as previous_team,
        owner_changes.new_owner_id,
        case
            when owner_changes.new_owner_id like '00G%' then 'queue'
            else new_reps.team
        end as new_team,
        owner_changes.changed_by_user_id,
        owner_changes.is_automated,
        owner_changes.is_manual_reassignment,
        {{ leadflow.as_of() }} as as_of
    from owner_changes
    left join sales_reps as previous_reps
        on owner_changes.previous_owner_id = previous_reps.rep_id
    left join sales_reps as new_reps
        on owner_changes.new_owner_id = new_reps.rep_id
)

select * from final
