{{ config(**leadflow.day_partitioned_incremental('_event_day')) }}
{#- The latest version of every raw segment.pages row, ranked once and kept by day of the event
    (macros/raw_versions.sql); stg_segment__pages stages its staged rows. -#}
{{ leadflow.raw_versions('segment', 'pages') }}
