"""Reverse ETL: write leadflow's scores back to Salesforce and HubSpot, changed rows only.

  config    the targets and field names (seeds sync_targets, sync_fields) and the sync models
  state     sync state, errors, runs and pending writes in the warehouse (schema leadflow_sync)
  changes   which records changed since the last value the CRM accepted
  payloads  Salesforce Bulk API 2.0 CSV and HubSpot batch-update JSON
  http      HTTP with rate limits, retries (429, 5xx, timeouts), backoff and jitter
  salesforce, hubspot   the two APIs
  cli       scripts/sync_crm.py
"""
