"""Which module reaches which CRM: config.sync_targets.crm -> DestinationSpec.

The orchestrator (run.py) knows no CRM by name; a third CRM is one new module with a
Destination class and a SPEC, added here.
"""

from __future__ import annotations

from . import hubspot, salesforce
from .destination import DestinationSpec
from .errors import SyncConfigError

DESTINATIONS: dict[str, DestinationSpec] = {spec.crm: spec for spec in (salesforce.SPEC, hubspot.SPEC)}


def spec_for(crm: str) -> DestinationSpec:
    """The CRM's spec, or SyncConfigError naming the CRMs this sync can write to."""
    try:
        return DESTINATIONS[crm]
    except KeyError:
        raise SyncConfigError(
            f"config.sync_targets names crm {crm!r}, which no module writes to (known: {', '.join(sorted(DESTINATIONS))})"
        ) from None
