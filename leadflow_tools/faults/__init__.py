"""Fault injection for the reverse-ETL sync: a loopback fake of the HubSpot and Salesforce APIs
(fake_crm.py) and a campaign of named incidents measured for duplicates and lost records
(campaign.py, scripts/fault_injection.py)."""
