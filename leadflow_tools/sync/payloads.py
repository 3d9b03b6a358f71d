"""The documented wire formats, and how to compare what a CRM holds with what we meant to write.

Salesforce Bulk API 2.0 ingest: CSV, header = the record id column ("Id") then the field API
names, one row per record, LF line endings; an empty cell leaves the field unchanged, "#N/A"
clears it (Bulk 2.0 convention), so a null value is written as #N/A.
HubSpot batch update: {"inputs": [{"id": "<record id>", "properties": {"<property>": "<text>"}}]},
at most 100 inputs; property values are strings, a null is an empty string (clears it).

Payload files under --output are a debug copy of what was (or, in a dry run, would be) sent;
nothing ever reads them back: pending writes keep their values in the warehouse.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .config import Target
from .records import Change, Values

HUBSPOT_MAX_INPUTS = 100
SALESFORCE_NULL = "#N/A"


def text(value: Any) -> str:
    """A value as the CRM shows it: '' for null, 'true'/'false', whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same_value(expected: Any, actual: Any) -> bool:
    """Equal as the CRM shows them; numbers compared as numbers ('80' and 80.0, '12.50' and 12.5)."""
    mine, theirs = text(expected), text(actual)
    if mine == theirs:
        return True
    try:
        return math.isclose(float(mine), float(theirs), rel_tol=1e-9, abs_tol=1e-9)
    except ValueError:
        return False


def values_match(expected: Values, actual: Values, names: Iterable[str]) -> bool:
    """Whether a record read back from the CRM holds the values we meant to write."""
    return all(same_value(expected.get(name), actual.get(name)) for name in names)


def salesforce_csv(target: Target, changes: Sequence[Change]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = target.field_names
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
            {"id": change.record_id, "properties": {name: text(change.values[name]) for name in target.field_names}}
            for change in changes
        ]
    }


def payload_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def write_debug_copy(folder: Path, name: str, payload: bytes) -> None:
    """Keep a copy of a payload for people to look at (never read back by the sync)."""
    folder.mkdir(parents=True, exist_ok=True)
    if name.endswith(".json"):
        payload = json.dumps(json.loads(payload), indent=1).encode()
    (folder / name).write_bytes(payload)


def chunks(changes: Sequence[Change], size: int) -> list[Sequence[Change]]:
    return [changes[i : i + size] for i in range(0, len(changes), size)]
