"""Reverse ETL: write leadflow's scores back to Salesforce and HubSpot, changed rows only, exactly once.

  cli          scripts/sync_crm.py: options, --help, exit status
  run          the orchestrator: settle pending writes, diff, send, record (no per-CRM code)
  report       per-target counts, sync_runs outcomes, next steps, the one-screen summary
  state        the only module that talks to the warehouse: config rows, sync models, marts
               stamps, sync state / errors / pending writes / runs (schema leadflow_sync), one
               short-lived connection per operation
  freshness    refuse marts that may mix two dbt runs (leadflow_meta.build_runs, as_of values)
  config       targets and fields (seeds sync_targets, sync_fields) checked against the models
  changes      which records changed since the values the CRM last accepted (consent first)
  records      changes, outcomes, errors and pending writes as data
  payloads     Salesforce Bulk API 2.0 CSV, HubSpot batch-update JSON, read-back comparison
  destination  the Destination protocol (send, settle, read_back) and DestinationSpec
  registry     crm -> DestinationSpec; salesforce, hubspot: the two destinations
  http         requests with rate limits, bounded retries, Retry-After cap, whole-answer timeout
  deadline     the run's overall deadline
  errors       failures, each with its sync_runs outcome and next step
  churn        scripts/sync_churn.py: how many people a daily sync sends
"""
