{#-
    One person per connected group of records. Two records are the same person when they share
    a valid normalised email or a CRM link (lead -> converted contact, merged-away HubSpot
    contact -> survivor); the relation is transitive. Groups are found by label propagation:
    every record starts with its own label ('<system_priority>:<record_key>'); each round it
    takes the smallest label among records with the same email, then among records with the
    same link root. Each round reads the previous one once (window functions), so the plan stays
    linear in the number of rounds on every engine.
    The settled label is the group's highest-priority record (a Salesforce contact before a
    lead before a HubSpot contact before a Segment identity) and lead_key = md5(label): the
    same records give the same key on every rebuild. `is_converged` says whether one more round
    would still change the label (a test fails on any unconverged record).
-#}
{%- set rounds = var('identity_rounds') | int -%}
with

records as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_identity__person_records') }}
),

link_roots as (
    select
        records.record_key,
        coalesce(linked.record_key, records.record_key) as link_root
    from records
    left join records as linked
        on records.linked_record_key = linked.record_key
),

labels_0 as (
    select
        records.record_key,
        coalesce(records.email, records.record_key) as email_group,
        link_roots.link_root,
        cast(records.system_priority as {{ dbt.type_string() }}) || ':' || records.record_key
            as label
    from records
    inner join link_roots
        on records.record_key = link_roots.record_key
),

{% for round in range(1, rounds + 2) %}
by_email_{{ round }} as (
    select
        record_key,
        email_group,
        link_root,
        min(label) over (partition by email_group) as label
    from labels_{{ round - 1 }}
),

labels_{{ round }} as (
    select
        record_key,
        email_group,
        link_root,
        min(label) over (partition by link_root) as label
    from by_email_{{ round }}
),
{% endfor %}

final as (
    select
        settled.record_key,
        {{ leadflow.hash_key('settled.label') }} as lead_key,
        settled.label as person_label,
        settled.label = one_more_round.label as is_converged
    from labels_{{ rounds }} as settled
    inner join labels_{{ rounds + 1 }} as one_more_round
        on settled.record_key = one_more_round.record_key
)

select * from final
