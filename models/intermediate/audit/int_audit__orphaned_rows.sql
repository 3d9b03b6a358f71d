{#-
    Staged child rows whose parent is not staged (never loaded, soft-deleted or quarantined):
    campaign members and tasks of missing leads/contacts, history of missing leads, contacts
    and opportunities of missing accounts, HubSpot activity of unknown contacts (after merged
    ids are resolved). They stay in staging (reconciliation counts them as staged) and are
    listed here, so audit_quarantine shows them with reason missing_parent and consumers can
    exclude them knowingly.
-#}
{%- set parts = [] -%}
{%- set string = dbt.type_string() -%}
with

{% if var('using_salesforce', true) %}
{%- do parts.extend(['lead_history_orphans', 'campaign_member_orphans', 'task_orphans',
                     'contact_orphans', 'opportunity_orphans']) %}
leads as (
    select lead_id from {{ ref('stg_salesforce__leads') }}
),

contacts as (
    select
        contact_id,
        account_id
    from {{ ref('stg_salesforce__contacts') }}
),

accounts as (
    select account_id from {{ ref('stg_salesforce__accounts') }}
),

campaigns as (
    select campaign_id from {{ ref('stg_salesforce__campaigns') }}
),

lead_history_orphans as (
    select
        '{{ leadflow.raw_table_name("salesforce", "lead_history") }}' as source_table,
        history.lead_history_id as source_record_id,
        'lead_id=' || history.lead_id || ' not staged' as raw_values
    from {{ ref('stg_salesforce__lead_history') }} as history
    left join leads
        on history.lead_id = leads.lead_id
    where leads.lead_id is null
),

campaign_member_orphans as (
    select
        '{{ leadflow.raw_table_name("salesforce", "campaign_member") }}' as source_table,
        members.campaign_member_id as source_record_id,
        {{ leadflow.describe_row(['members.campaign_id', 'members.lead_id', 'members.contact_id']) }}
        || ' (' || case
            when campaigns.campaign_id is null then 'campaign'
            when members.lead_id is not null then 'lead'
            else 'contact'
        end || ' not staged)' as raw_values
    from {{ ref('stg_salesforce__campaign_members') }} as members
    left join leads
        on members.lead_id = leads.lead_id
    left join contacts
        on members.contact_id = contacts.contact_id
    left join campaigns
        on members.campaign_id = campaigns.campaign_id
    where
        campaigns.campaign_id is null
        or (members.lead_id is not null and leads.lead_id is null)
        or (members.lead_id is null and contacts.contact_id is null)
),

task_orphans as (
    select
        '{{ leadflow.raw_table_name("salesforce", "task") }}' as source_table,
        tasks.task_id as source_record_id,
        'who_id=' || tasks.who_id || ' (' || tasks.who_type || ') not staged' as raw_values
    from {{ ref('stg_salesforce__tasks') }} as tasks
    left join leads
        on tasks.who_id = leads.lead_id
    left join contacts
        on tasks.who_id = contacts.contact_id
    where leads.lead_id is null and contacts.contact_id is null
),

contact_orphans as (
    select
        '{{ leadflow.raw_table_name("salesforce", "contact") }}' as source_table,
        contacts.contact_id as source_record_id,
        'account_id=' || contacts.account_id || ' not staged' as raw_values
    from contacts
    left join accounts
        on contacts.account_id = accounts.account_id
    where
        contacts.account_id is not null
        and accounts.account_id is null
),

opportunity_orphans as (
    select
        '{{ leadflow.raw_table_name("salesforce", "opportunity") }}' as source_table,
        opportunities.opportunity_id as source_record_id,
        'account_id=' || opportunities.account_id || ' not staged' as raw_values
    from {{ ref('stg_salesforce__opportunities') }} as opportunities
    left join accounts
        on opportunities.account_id = accounts.account_id
    where
        opportunities.account_id is not null
        and accounts.account_id is null
),
{% endif %}

{% if var('using_hubspot', true) %}
{%- do parts.extend(['property_history_orphans', 'form_submission_orphans']) %}
hubspot_contact_ids as (
    select hubspot_contact_id from {{ ref('int_identity__hubspot_contact_ids') }}
),

property_history_orphans as (
    select
        '{{ leadflow.raw_table_name("hubspot", "contact_property_history") }}' as source_table,
        cast(history.hubspot_contact_id as {{ string }}) || '|' || history.property_name || '|'
        || cast(history.changed_at as {{ string }}) as source_record_id,
        'contact_id=' || cast(history.hubspot_contact_id as {{ string }}) || ' not staged'
            as raw_values
    from {{ ref('stg_hubspot__contact_property_history') }} as history
    left join hubspot_contact_ids
        on history.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
    where hubspot_contact_ids.hubspot_contact_id is null
),

form_submission_orphans as (
    select
        '{{ leadflow.raw_table_name("hubspot", "contact_form_submission") }}' as source_table,
        submissions.conversion_id as source_record_id,
        'contact_id=' || cast(submissions.hubspot_contact_id as {{ string }}) || ' not staged'
            as raw_values
    from {{ ref('stg_hubspot__form_submissions') }} as submissions
    left join hubspot_contact_ids
        on submissions.hubspot_contact_id = hubspot_contact_ids.hubspot_contact_id
    where hubspot_contact_ids.hubspot_contact_id is null
),
{% endif %}

unioned as (
    {{ leadflow.union_all_ctes(parts) }}
    {% if parts | length == 0 %}
        {{ leadflow.no_rows({'source_table': 'string', 'source_record_id': 'string', 'raw_values': 'string'}) }}
    {% endif %}
),

final as (
    select
        source_table,
        source_record_id,
        'missing_parent' as reason_code,
        raw_values
    from unioned
)

select * from final
