"""Which CRM records to send: new ones, and those whose values changed enough.

Decayed intent moves a little every day, so a record counts as changed only when an exact field
(grade, band, tier, owner, reason, model version) differs from the value the CRM last accepted,
or a score field moved by at least the target's score_change_threshold since then.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from .config import Target
from .state import Values


@dataclass(frozen=True)
class Change:
    record_id: str
    values: Values
    why: str  # 'new' or the first field that changed


def plain(value: Any) -> Any:
    """A JSON- and CSV-friendly scalar: Decimal -> float, whole floats kept as floats."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def read_model(con: duckdb.DuckDBPyConnection, target: Target, marts_schema: str = "marts") -> dict[str, Values]:
    """record id -> {crm field name: value} from the target's sync model."""
    names = [f.crm_name for f in target.fields]
    select = ", ".join([target.record_id_column, *names])
    rows = con.execute(f"select {select} from {marts_schema}.{target.sync_model}").fetchall()
    return {str(row[0]): {name: plain(value) for name, value in zip(names, row[1:], strict=True)} for row in rows}


def why_changed(target: Target, new: Values, old: Values | None) -> str | None:
    """None when the record need not be sent, else the reason it must."""
    if old is None:
        return "new"
    for field in target.fields:
        before, after = old.get(field.crm_name), new.get(field.crm_name)
        if field.change_rule == "score" and before is not None and after is not None:
            if abs(float(after) - float(before)) >= target.score_change_threshold:
                return f"{field.name} moved {float(after) - float(before):+.1f}"
        elif before != after:
            return f"{field.name} changed"
    return None


def changed_records(target: Target, model: Mapping[str, Values], written: Mapping[str, Values]) -> list[Change]:
    changes = []
    for record_id in sorted(model):
        why = why_changed(target, model[record_id], written.get(record_id))
        if why is not None:
            changes.append(Change(record_id, model[record_id], why))
    return changes
