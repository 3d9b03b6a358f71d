"""Connector-shape variants: turn a full generated warehouse into the thinner ones orgs really have.

The generator writes the full shape: every column of the raw contract (the sources YAML, read
with `leadflow_tools.raw_contract.load_contract`) plus a few columns the connectors land that
leadflow ignores. Real warehouses differ from it, and leadflow must build on all of them:

- `drop_optional_columns`: only the required columns (a Fivetran connector with fields
  deselected, a HubSpot portal without those properties, a Segment column no call ever filled);
- `drop_optional_tables`: no optional table (history tracking off, no engagements synced, no
  track calls);
- `add_extra_columns`: columns leadflow knows nothing of on every raw table (custom fields);
- `old_hubspot_connector`: an older HubSpot connector, whose contact table has
  property_hs_calculated_merged_vids ('id:epochms;...') but not property_hs_merged_object_ids.

Each function works on an open DuckDB connection to a generated database, after generation.
`Shape` bundles them as the command line's --shape, --without-optional-tables, --extra-columns and
--old-hubspot-connector flags, and is recorded in the generator's manifest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import duckdb

from ..raw_contract import Table, load_contract

SCHEMAS = ("raw_salesforce", "raw_hubspot", "raw_segment")
COLUMN_SHAPES = ("full", "required-columns")

# columns of no connector: an org's own custom fields (a text, a number and a date-time one)
EXTRA_COLUMNS = (
    ("zz_custom_field_c", "varchar", "'custom-' || cast(hash(rowid, 'zzf') % 97 as varchar)"),
    ("zz_custom_score_c", "double", "cast(hash(rowid, 'zzs') % 1000 as double) / 10"),
    (
        "zz_custom_checked_at_c",
        "timestamp",
        "timestamp '2024-01-01' + to_seconds(cast(hash(rowid, 'zzt') % 63072000 as bigint))",
    ),
)

# tables outside the contract that exist only beside a contract table: gone with it
HUBSPOT_ENGAGEMENT_TABLES = ("engagement_call", "engagement_email", "engagement_meeting", "engagement_contact")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def relation(table: Table) -> str:
    """The quoted schema.table a contract table is generated as."""
    return f"{_quote('raw_' + table.family)}.{_quote(table.identifier)}"


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema in (select unnest(?))",
        [list(SCHEMAS)],
    ).fetchall()
    return {(str(schema), str(name)) for schema, name in rows}


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [str(row[0]) for row in rows]


def _selected(tables: Iterable[str] | None) -> list[Table]:
    """Contract tables, all or those named ('lead', 'raw_salesforce.lead' or 'salesforce.lead')."""
    contract = load_contract()
    if tables is None:
        return contract
    wanted = set(tables)
    chosen = [
        t for t in contract
        if {t.identifier, t.name, f"raw_{t.family}.{t.identifier}", f"{t.family}.{t.name}"} & wanted
    ]
    known = {name for t in chosen for name in (t.identifier, t.name, f"raw_{t.family}.{t.identifier}",
                                               f"{t.family}.{t.name}")}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"not tables of the raw contract: {', '.join(unknown)}")
    return chosen


def drop_optional_columns(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None, keep_extra_columns: bool = False
) -> dict[str, list[str]]:
    """Leave only the required contract columns in every contract table (or the named ones).

    Every optional contract column goes; so do the columns outside the contract (the realistic
    extras), unless keep_extra_columns: "a warehouse with only required columns". Tables that
    do not exist are skipped. Returns the dropped columns per table.
    """
    existing = _existing_tables(con)
    dropped: dict[str, list[str]] = {}
    for table in _selected(tables):
        schema = f"raw_{table.family}"
        if (schema, table.identifier) not in existing:
            continue
        required = {c.name for c in table.columns if c.required}
        optional = {c.name for c in table.columns if not c.required}
        doomed = [
            column for column in _columns(con, schema, table.identifier)
            if column in optional or (column not in required and not keep_extra_columns)
        ]
        for column in doomed:
            con.execute(f"alter table {relation(table)} drop column {_quote(column)}")
        if doomed:
            dropped[f"{schema}.{table.identifier}"] = doomed
    return dropped


def drop_optional_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop every table the contract marks optional_table, and the tables that only exist beside them.

    Beside tracks: Segment's per-event tables (same columns as tracks plus the event's
    properties); beside the engagement_<type> tables: HubSpot's engagement parent table.
    Returns the dropped tables as schema.table.
    """
    existing = _existing_tables(con)
    contract = load_contract()
    in_contract = {(f"raw_{t.family}", t.identifier) for t in contract}
    doomed: list[tuple[str, str]] = [
        (f"raw_{t.family}", t.identifier) for t in contract
        if t.optional and (f"raw_{t.family}", t.identifier) in existing
    ]
    if ("raw_segment", "tracks") in doomed:
        for schema, name in sorted(existing - in_contract):
            if schema == "raw_segment" and {"event", "event_text"} <= set(_columns(con, schema, name)):
                doomed.append((schema, name))
    if all(("raw_hubspot", t) in doomed or ("raw_hubspot", t) not in existing for t in HUBSPOT_ENGAGEMENT_TABLES):
        if ("raw_hubspot", "engagement") in existing - in_contract:
            doomed.append(("raw_hubspot", "engagement"))
    for schema, name in doomed:
        con.execute(f"drop table {_quote(schema)}.{_quote(name)}")
    return [f"{schema}.{name}" for schema, name in doomed]


def add_extra_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Add columns no connector and no contract knows (custom fields) to every raw table, filled.

    Each table gets a varchar, a double and a timestamp column (EXTRA_COLUMNS), with values
    that vary by row. Returns the tables changed.
    """
    changed = []
    for schema, name in sorted(_existing_tables(con)):
        present = set(_columns(con, schema, name))
        new = [(column, kind, value) for column, kind, value in EXTRA_COLUMNS if column not in present]
        if not new:
            continue
        qualified = f"{_quote(schema)}.{_quote(name)}"
        added = ", ".join(f"cast({value} as {kind}) as {_quote(column)}" for column, kind, value in new)
        con.execute(f"create or replace table {qualified} as select *, {added} from {qualified}")
        changed.append(f"{schema}.{name}")
    return changed


def old_hubspot_connector(con: duckdb.DuckDBPyConnection) -> bool:
    """Make raw_hubspot.contact look like an older connector's: no property_hs_merged_object_ids.

    The merged ids are then only in property_hs_calculated_merged_vids ('id:epochms;...').
    Returns whether a column was dropped.
    """
    if ("raw_hubspot", "contact") not in _existing_tables(con):
        return False
    if "property_hs_merged_object_ids" not in _columns(con, "raw_hubspot", "contact"):
        return False
    con.execute('alter table "raw_hubspot"."contact" drop column "property_hs_merged_object_ids"')
    return True


@dataclass(frozen=True)
class Shape:
    """Which connector shape a generated warehouse takes (the default: the full one)."""

    columns: str = "full"  # "full" or "required-columns"
    without_optional_tables: bool = False
    extra_columns: bool = False
    old_hubspot_connector: bool = False

    def __post_init__(self) -> None:
        if self.columns not in COLUMN_SHAPES:
            raise ValueError(f"columns must be one of {COLUMN_SHAPES}, not {self.columns!r}")

    @property
    def is_full(self) -> bool:
        return self == Shape()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def apply_shape(con: duckdb.DuckDBPyConnection, shape: Shape) -> list[str]:
    """Apply a shape to a generated database; returns one line per change made."""
    done: list[str] = []
    if shape.columns == "required-columns":
        dropped = drop_optional_columns(con)
        done.append(f"required columns only: dropped {sum(map(len, dropped.values()))} columns "
                    f"from {len(dropped)} tables")
    if shape.without_optional_tables:
        tables = drop_optional_tables(con)
        done.append(f"without optional tables: dropped {len(tables)} tables")
    if shape.old_hubspot_connector and old_hubspot_connector(con):
        done.append("old HubSpot connector: dropped raw_hubspot.contact.property_hs_merged_object_ids")
    if shape.extra_columns:
        tables = add_extra_columns(con)
        done.append(f"extra columns: {len(EXTRA_COLUMNS)} unknown columns on {len(tables)} tables")
    return done
