{{ config(**leadflow.delete_insert_incremental('replace_records')) }}
{#- The latest version of every raw hubspot.engagement_call record, ranked once and kept by record key
    (macros/raw_versions.sql); stg_hubspot__engagement_calls stages its staged rows. -#}
{{ leadflow.raw_versions('hubspot', 'engagement_call') }}
