{{ config(**leadflow.delete_insert_incremental('replace_records')) }}
{#- The latest version of every raw hubspot.contact_property_history record, ranked once and kept by record key
    (macros/raw_versions.sql); stg_hubspot__contact_property_history stages its staged rows. -#}
{{ leadflow.raw_versions('hubspot', 'contact_property_history') }}
