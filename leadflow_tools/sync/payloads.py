"""The documented wire formats.

Salesforce Bulk API 2.0 ingest: CSV, header = the record id column ("Id") then the field API
names, one row per record, LF line endings; an empty cell leaves the field unchanged, "#N/A"
clears it (Bulk 2.0 convention), so a null value is written as #N/A.
HubSpot batch update: {"inputs": [{"id": "<contact id>", "properties": {"<property>": "<text>"}}]},
at most 100 inputs; property values are strings, a null is an empty string (clears it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .changes import Change
from .config import Target
from .state import Values

HUBSPOT_MAX_INPUTS = 100
SALESFORCE_NULL = "#N/A"


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def salesforce_csv(target: Target, changes: Sequence[Change]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f.crm_name for f in target.fields]
    writer.writerow([target.record_id_column, *names])
    for change in changes:
        writer.writerow(
            [change.record_id, *(SALESFORCE_NULL if change.values[n] is None else text(change.values[n]) for n in names)]
        )
    return out.getvalue()


def hubspot_batch(target: Target, changes: Sequence[Change]) -> dict[str, Any]:
    if len(changes) > HUBSPOT_MAX_INPUTS:
        raise ValueError(f"a HubSpot batch update takes at most {HUBSPOT_MAX_INPUTS} inputs, got {len(changes)}")
    return {
        "inputs": [
            {"id": change.record_id, "properties": {f.crm_name: text(change.values[f.crm_name]) for f in target.fields}}
            for change in changes
        ]
    }


def values_file(path: Path, changes: Sequence[Change]) -> dict[str, Values]:
    """Write (and return) the typed values of a request next to its payload, for settling it later."""
    values = {c.record_id: c.values for c in changes}
    path.write_text(json.dumps(values, sort_keys=True))
    return values


def chunks(changes: Sequence[Change], size: int) -> list[Sequence[Change]]:
    return [changes[i : i + size] for i in range(0, len(changes), size)]
