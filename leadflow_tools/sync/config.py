"""Targets and field names, read from the seeds dbt loaded (config.sync_targets, config.sync_fields)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


class SyncConfigError(RuntimeError):
    """The warehouse does not hold what a sync needs (seeds, sync model, columns)."""


@dataclass(frozen=True)
class Field:
    name: str  # leadflow's name (int_sync__person_values)
    crm_name: str  # the CRM field API name, the sync model's column
    change_rule: str  # 'score' or 'exact'


@dataclass(frozen=True)
class Target:
    name: str
    crm: str
    sync_model: str
    crm_object: str
    record_id_column: str
    score_change_threshold: float
    records_per_request: int
    max_requests: int
    per_seconds: float
    fields: tuple[Field, ...]


def load_targets(
    con: duckdb.DuckDBPyConnection, crm: str | None = None, config_schema: str = "config", marts_schema: str = "marts"
) -> list[Target]:
    """The targets of `crm` (all when None), each checked against its built sync model."""
    try:
        rows = con.execute(
            f"select target, crm, sync_model, crm_object, record_id_column, score_change_threshold, "
            f"records_per_request, max_requests, per_seconds from {config_schema}.sync_targets "
            f"where ? is null or crm = ? order by target",
            [crm, crm],
        ).fetchall()
        field_rows = con.execute(
            f"select crm, field, crm_field_name, change_rule from {config_schema}.sync_fields order by crm, field"
        ).fetchall()
    except duckdb.Error as error:
        raise SyncConfigError(f"seeds sync_targets / sync_fields not found (run dbt build first): {error}") from error
    targets = []
    for name, target_crm, model, crm_object, id_column, threshold, per_request, max_requests, per_seconds in rows:
        fields = tuple(Field(str(f), str(n), str(rule)) for c, f, n, rule in field_rows if c == target_crm)
        target = Target(
            str(name),
            str(target_crm),
            str(model),
            str(crm_object),
            str(id_column),
            float(threshold),
            int(per_request),
            int(max_requests),
            float(per_seconds),
            fields,
        )
        _check_model(con, target, marts_schema)
        targets.append(target)
    if not targets:
        raise SyncConfigError(f"no sync target for crm {crm!r} in {config_schema}.sync_targets")
    return targets


def _check_model(con: duckdb.DuckDBPyConnection, target: Target, marts_schema: str) -> None:
    columns = {
        str(name).lower()
        for (name,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [marts_schema, target.sync_model],
        ).fetchall()
    }
    if not columns:
        raise SyncConfigError(f"{marts_schema}.{target.sync_model} is not built (run dbt build)")
    expected = [target.record_id_column, *(f.crm_name for f in target.fields)]
    missing = [name for name in expected if name.lower() not in columns]
    if missing:
        raise SyncConfigError(
            f"{target.sync_model} lacks {', '.join(missing)}: rebuild it after editing seeds/sync_fields.csv"
        )
