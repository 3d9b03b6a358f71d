{{ config(**leadflow.delete_insert_incremental('replace_records')) }}
{#- The latest version of every raw hubspot.owner record, ranked once and kept by record key
    (macros/raw_versions.sql); stg_hubspot__owners stages its staged rows. -#}
{{ leadflow.raw_versions('hubspot', 'owner') }}
