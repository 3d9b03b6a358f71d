"""Which CRM records to send: new ones, and those whose values changed enough.

Decayed intent moves a little every day, so a record counts as changed only when an exact field
(grade, band, tier, owner, reason, model version) differs from the value the CRM last accepted,
or a score field moved by at least the target's score_change_threshold since then. Consent
fields (change_rule 'consent') are checked first and any difference counts, whatever the
thresholds: the reason is then 'consent changed', so the summary counts consent changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .config import Field, Target
from .records import Change as Change
from .records import Values

CONSENT_CHANGED = "consent changed"


def plain(value: Any) -> Any:
    """A JSON- and CSV-friendly scalar: Decimal -> float, NaN -> None."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _consent_first(fields: tuple[Field, ...]) -> list[Field]:
    return sorted(fields, key=lambda f: f.change_rule != "consent")  # stable: the seed's order otherwise


def why_changed(target: Target, new: Values, old: Values | None) -> str | None:
    """None when the record need not be sent, else the reason it must."""
    if old is None:
        return "new"
    for field in _consent_first(target.fields):
        before, after = old.get(field.crm_name), new.get(field.crm_name)
        if field.change_rule == "score" and before is not None and after is not None:
            if abs(float(after) - float(before)) >= target.score_change_threshold:
                return f"{field.name} moved {float(after) - float(before):+.1f}"
        elif before != after:
            return CONSENT_CHANGED if field.change_rule == "consent" else f"{field.name} changed"
    return None


def changed_records(target: Target, model: Mapping[str, Values], written: Mapping[str, Values]) -> list[Change]:
    """The records of `model` to send, in record id order, against the values last `written`."""
    changes = []
    for record_id in sorted(model):
        why = why_changed(target, model[record_id], written.get(record_id))
        if why is not None:
            changes.append(Change(record_id, model[record_id], why))
    return changes
