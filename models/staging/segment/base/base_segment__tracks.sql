{{ config(meta={'raw_table': ['segment', 'tracks']}, **leadflow.delete_insert_incremental('replace_events')) }}
{#- The latest version of every raw segment.tracks row, merged by event as rows
    arrive (macros/raw_versions.sql); stg_segment__tracks stages its staged rows. -#}
{{ leadflow.raw_versions('segment', 'tracks') }}
