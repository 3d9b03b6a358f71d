{{ config(**leadflow.day_partitioned_incremental('_event_day')) }}
{#- The latest version of every raw hubspot.email_event row, ranked once and kept by day of the event
    (macros/raw_versions.sql); stg_hubspot__email_events stages its staged rows. -#}
{{ leadflow.raw_versions('hubspot', 'email_event') }}
