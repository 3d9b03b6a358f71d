with

source as (
    {{ leadflow.staged_source_rows('salesforce', 'contact') }}
),

renamed as (
    select
        cast(id as string) as contact_id,
        cast(master_record_id as string) as master_record_id,
        cast(account_id as string) as account_id,
        first_name,
        last_name,
        {{ leadflow.email_columns('email') }},
        phone,
        title,
        {{ leadflow.text_key('title') }} as title_key,
        cast(owner_id as string) as owner_id,
        lead_source as lead_source_raw,
        coalesce(has_opted_out_of_email, false) as has_opted_out_of_email,
        cast(created_date as timestamp) as created_at,
        cast(last_modified_date as timestamp) as last_modified_at,
        cast(system_modstamp as timestamp) as system_modstamp_at,
        cast(_fivetran_synced as timestamp) as synced_at
        {{ leadflow.pass_through_select('salesforce', 'contact') }}  -- noqa: LT02
    from source
),

title_seniority as (
    {{ leadflow.title_seniority_select('renamed') }}
),

final as (
    select
        contacts.contact_id,
        contacts.master_record_id,
        contacts.account_id,
        contacts.first_name,
        contacts.last_name,
        contacts.email_raw,
        contacts.email,
        contacts.is_email_valid,
        contacts.email_domain,
        {{ leadflow.email_domain_type('contacts.email_domain', 'contacts.email') }} as email_domain_type,
        contacts.phone,
        contacts.title,
        coalesce(title_seniority.seniority, 'unknown') as seniority,
        contacts.owner_id,
        contacts.lead_source_raw,
        {{ leadflow.picklist_value('contacts.lead_source_raw', 'lead_source_map') }} as lead_source,
        {{ leadflow.picklist_unmapped('contacts.lead_source_raw', 'lead_source_map') }} as is_lead_source_unmapped,
        contacts.has_opted_out_of_email,
        contacts.created_at,
        contacts.last_modified_at,
        contacts.system_modstamp_at,
        contacts.synced_at
        {{ leadflow.pass_through_select('salesforce', 'contact', 'contacts') }}  -- noqa: LT02
    from renamed as contacts
    {{ leadflow.join_email_domains('contacts.email_domain') }}
    {{ leadflow.join_picklist('lead_source', 'contacts.lead_source_raw', 'lead_source_map') }}
    left join title_seniority
        on contacts.title_key = title_seniority.title_key
)

select * from final
