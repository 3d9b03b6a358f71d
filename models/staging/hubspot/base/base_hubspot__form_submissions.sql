{{ config(**leadflow.day_partitioned_incremental('_event_day')) }}
{#- The latest version of every raw hubspot.contact_form_submission row, ranked once and kept by day of the event
    (macros/raw_versions.sql); stg_hubspot__form_submissions stages its staged rows. -#}
{{ leadflow.raw_versions('hubspot', 'contact_form_submission') }}
