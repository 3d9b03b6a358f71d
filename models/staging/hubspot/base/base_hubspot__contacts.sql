{{ config(**leadflow.delete_insert_incremental('replace_records')) }}
{#- The latest version of every raw hubspot.contact record, ranked once and kept by record key
    (macros/raw_versions.sql); stg_hubspot__contacts stages its staged rows. -#}
{{ leadflow.raw_versions('hubspot', 'contact') }}
