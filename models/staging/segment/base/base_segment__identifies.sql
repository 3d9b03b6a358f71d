{{ config(**leadflow.delete_insert_incremental('replace_records')) }}
{#- The latest version of every raw segment.identifies record, ranked once and kept by record key
    (macros/raw_versions.sql); stg_segment__identifies stages its staged rows. -#}
{{ leadflow.raw_versions('segment', 'identifies') }}
