"""The fake CRM and small warehouse now live in leadflow_tools/faults/fake_crm.py (the fault-injection
campaign, scripts/fault_injection.py, uses them too); re-exported here so `from fake_crm import ...`
keeps working in the sync tests."""

from leadflow_tools.faults.fake_crm import (  # noqa: F401
    AS_OF,
    API,
    HS_FIELDS,
    RETRIEVE,
    ROOT,
    SF_FIELDS,
    SYNC_MODELS,
    TOKEN,
    FakeCrm,
    Sandbox,
    build_warehouse,
    push,
    state_rows,
    sync_command,
    synced,
    warehouse_ids,
    warehouse_objects,
)
