{#-
    Your own columns, one row per person: the Salesforce lead and contact and HubSpot contact
    fields named in the pass-through vars (salesforce__lead_pass_through_columns,
    salesforce__contact_pass_through_columns, hubspot__contact_pass_through_columns; see
    macros/source_contract.sql), prefixed with the record they come from (salesforce_lead__,
    salesforce_contact__, hubspot_contact__), from the person's records in dim_leads. They live
    beside dim_leads rather than in it: dim_leads has an enforced contract that BI tools and the
    sync feeds rely on, and an org's custom fields must not change it. Join on lead_key. With no
    pass-through vars set it holds the record ids only.
-#}
with

leads as (
    select * from {{ ref('dim_leads') }}
),

{% if var('using_salesforce', true) %}
salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),
{% endif %}

{% if var('using_hubspot', true) %}
hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),
{% endif %}

final as (
    -- the pass-through columns and their joins exist only when the vars name some
    -- noqa: disable=LT02,ST11
    select
        leads.lead_key,
        leads.salesforce_lead_id,
        leads.salesforce_contact_id,
        leads.hubspot_contact_id
        {%- if var('using_salesforce', true) %}
        {%- for column in leadflow.pass_through_columns('salesforce', 'lead') %},
        salesforce_leads.{{ column.name }} as salesforce_lead__{{ column.name }}
        {%- endfor %}
        {%- for column in leadflow.pass_through_columns('salesforce', 'contact') %},
        salesforce_contacts.{{ column.name }} as salesforce_contact__{{ column.name }}
        {%- endfor %}
        {%- endif %}
        {%- if var('using_hubspot', true) %}
        {%- for column in leadflow.pass_through_columns('hubspot', 'contact') %},
        hubspot_contacts.{{ column.name }} as hubspot_contact__{{ column.name }}
        {%- endfor %}
        {%- endif %}
    from leads
    {%- if var('using_salesforce', true) %}
    left join salesforce_leads
        on leads.salesforce_lead_id = salesforce_leads.lead_id
    left join salesforce_contacts
        on leads.salesforce_contact_id = salesforce_contacts.contact_id
    {%- endif %}
    {%- if var('using_hubspot', true) %}
    left join hubspot_contacts
        on leads.hubspot_contact_id = hubspot_contacts.hubspot_contact_id
    {%- endif %}
    -- noqa: enable=LT02,ST11
)

select * from final
