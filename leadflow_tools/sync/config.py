"""Targets and field names, as the seeds dbt loaded describe them (config.sync_targets, config.sync_fields).

The rows are read by state.py (the only module that talks to the warehouse); this module turns
them into Target objects and checks each against its built sync model's columns.

A field's change_rule says when a change of its value makes a record worth sending:
  score    it moved by at least the target's score_change_threshold
  exact    any difference (grade, band, tier, owner, reason, model version)
  consent  any difference, checked before every other field and never subject to a threshold:
           an opt-out must reach the CRM in the run that sees it
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import SyncConfigError as SyncConfigError

CHANGE_RULES = ("score", "exact", "consent")

TargetRow = tuple[object, object, object, object, object, object, object, object, object, object]
FieldRow = tuple[object, object, object, object, object]

GRAINS = ("person", "account")


@dataclass(frozen=True)
class Field:
    name: str  # leadflow's name (int_sync__person_values)
    crm_name: str  # the CRM field API name, the sync model's column
    change_rule: str  # 'score', 'exact' or 'consent'


@dataclass(frozen=True)
class Target:
    name: str
    crm: str
    grain: str  # 'person' (leads, contacts) or 'account' (accounts, companies): which sync_fields rows
    sync_model: str
    crm_object: str
    record_id_column: str
    score_change_threshold: float
    records_per_request: int
    max_requests: int
    per_seconds: float
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.crm_name for f in self.fields]


def make_targets(
    target_rows: Iterable[TargetRow], field_rows: Iterable[FieldRow], model_columns: Mapping[str, set[str]]
) -> list[Target]:
    """Targets from sync_targets / sync_fields rows (the fields of a target are those of its crm and
    grain); `model_columns` maps a sync model to its columns (lower case)."""
    field_list = list(field_rows)
    targets = []
    for name, crm, grain, model, crm_object, id_column, threshold, per_request, max_requests, per_seconds in target_rows:
        fields = tuple(Field(str(f), str(n), str(rule)) for c, g, f, n, rule in field_list if (c, g) == (crm, grain))
        target = Target(
            str(name), str(crm), str(grain), str(model), str(crm_object), str(id_column), float(str(threshold)),
            int(str(per_request)), int(str(max_requests)), float(str(per_seconds)), fields,
        )
        check_target(target, model_columns.get(target.sync_model, set()))
        targets.append(target)
    return targets


def check_target(target: Target, columns: set[str]) -> None:
    """Raise SyncConfigError unless the target's sync model is built with every configured column."""
    if target.grain not in GRAINS:
        raise SyncConfigError(
            f"seeds/sync_targets.csv: target {target.name} has grain {target.grain!r} (use one of {', '.join(GRAINS)})"
        )
    if not target.fields:
        raise SyncConfigError(
            f"seeds/sync_fields.csv has no {target.grain} field for crm {target.crm}: target {target.name} would send nothing"
        )
    bad_rules = sorted({f.change_rule for f in target.fields} - set(CHANGE_RULES))
    if bad_rules:
        raise SyncConfigError(
            f"seeds/sync_fields.csv: unknown change_rule {', '.join(bad_rules)} for {target.crm} "
            f"(use one of {', '.join(CHANGE_RULES)})"
        )
    if not columns:
        raise SyncConfigError(f"marts.{target.sync_model} is not built (run dbt build)")
    expected = [target.record_id_column, *target.field_names]
    missing = [name for name in expected if name.lower() not in columns]
    if missing:
        raise SyncConfigError(
            f"{target.sync_model} lacks {', '.join(missing)}: rebuild it after editing seeds/sync_fields.csv"
        )
