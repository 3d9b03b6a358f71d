{{ config(**leadflow.day_partitioned_incremental('_event_day')) }}
{#- The latest version of every raw salesforce.task row, ranked once and kept by day of the event
    (macros/raw_versions.sql); stg_salesforce__tasks stages its staged rows. -#}
{{ leadflow.raw_versions('salesforce', 'task') }}
