{{ config(enabled=var('using_hubspot', true)) }}
{#-
    Every HubSpot contact id that may appear on an activity row, resolved to the surviving
    contact: live contacts map to themselves, ids listed in a survivor's
    property_hs_merged_object_ids map to that survivor. When two live contacts claim the same
    merged id, the most recently modified survivor wins (then the lowest id).
-#}
with

contacts as {{ leadflow.not_materialized() }} (
    select * from {{ ref('stg_hubspot__contacts') }}
),

merged_ids as (
    select
        cast(trim(merged.merged_id) as bigint) as hubspot_contact_id,
        contacts.hubspot_contact_id as surviving_contact_id,
        contacts.last_modified_at
    from contacts
    {{ leadflow.cross_join_split('contacts.merged_object_ids', ';', 'merged', 'merged_id') }}
    where
        contacts.merged_object_ids is not null
        and trim(merged.merged_id) <> ''
),

ranked_merges as (
    select
        hubspot_contact_id,
        surviving_contact_id,
        row_number() over (
            partition by hubspot_contact_id
            order by last_modified_at desc, surviving_contact_id asc
        ) as claim_rank
    from merged_ids
),

self_ids as (
    select
        hubspot_contact_id,
        hubspot_contact_id as surviving_contact_id
    from contacts
),

final as (
    select
        self_ids.hubspot_contact_id,
        coalesce(ranked_merges.surviving_contact_id, self_ids.surviving_contact_id)
            as surviving_contact_id,
        ranked_merges.surviving_contact_id is not null as is_merged
    from self_ids
    left join ranked_merges
        on
            self_ids.hubspot_contact_id = ranked_merges.hubspot_contact_id
            and ranked_merges.claim_rank = 1
    union all
    select
        ranked_merges.hubspot_contact_id,
        ranked_merges.surviving_contact_id,
        true as is_merged
    from ranked_merges
    where
        ranked_merges.claim_rank = 1
        and ranked_merges.hubspot_contact_id not in (select self_ids.hubspot_contact_id from self_ids)
)

select * from final
