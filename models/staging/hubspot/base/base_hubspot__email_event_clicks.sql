{{ config(**leadflow.delete_insert_incremental('replace_records')) }}
{#- The latest version of every raw hubspot.email_event_click record, ranked once and kept by record key
    (macros/raw_versions.sql); stg_hubspot__email_event_clicks stages its staged rows. -#}
{{ leadflow.raw_versions('hubspot', 'email_event_click') }}
