{{ config(**leadflow.delete_insert_incremental('replace_records')) }}
{#- The latest version of every raw salesforce.lead_history record, ranked once and kept by record key
    (macros/raw_versions.sql); stg_salesforce__lead_history stages its staged rows. -#}
{{ leadflow.raw_versions('salesforce', 'lead_history') }}
