{{ config(meta={'raw_table': ['segment', 'pages']}, **leadflow.delete_insert_incremental('replace_events')) }}
{#- The latest version of every raw segment.pages row, merged by event as rows
    arrive (macros/raw_versions.sql); stg_segment__pages stages its staged rows. -#}
{{ leadflow.raw_versions('segment', 'pages') }}
