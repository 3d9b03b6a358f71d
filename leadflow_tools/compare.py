"""Row-by-row comparison of two copies of a relation (multiset difference, doubles rounded).

Used to prove two builds equal: an incremental build against a full refresh
(leadflow_tools.incremental) and a Spark build against the DuckDB one (leadflow_tools.spark).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from . import PROJECT_ROOT

FLOATING = ("DOUBLE", "FLOAT", "REAL")

# Compared besides every table of the marts schema: the incremental models themselves, first the
# base model of every raw table (models/staging/<source>/base/).
INCREMENTAL_MODELS: tuple[tuple[str, str], ...] = tuple(
    ("staging", path.stem) for path in sorted((PROJECT_ROOT / "models" / "staging").glob("*/base/base_*.sql"))
) + (
    ("intermediate", "int_intent__activity"),
    ("intermediate", "int_intent__scored_events"),
    ("intermediate", "int_lifecycle__stage_moves"),
    ("intermediate", "int_lifecycle__stage_changes"),
    ("intermediate", "int_lifecycle__spells"),
    ("intermediate", "int_routing__decision_moments"),
    ("intermediate", "int_routing__decision_facts"),
    ("intermediate", "int_sla__clock_start_states"),
    ("intermediate", "int_scoring__qualification_moments"),
    ("intermediate", "int_scoring__fit_components"),
    ("intermediate", "int_scoring__fit"),
)

# Columns that stamp which run wrote a row: an incremental and a full-refresh build differ there
# by design (int_intent__scored_events.scored_through, _run_as_of of the base models and
# int_intent__activity, _lookback_from of the appending tables' base models), so comparisons
# leave them out.
RUN_STAMP_COLUMNS: frozenset[str] = frozenset({"scored_through", "rescored_from", "_run_as_of", "_lookback_from"})


def mart_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str = "marts") -> list[tuple[str, str]]:
    """(schema, name) of every table and view in `catalog`'s `schema` (the marts by default), by name."""
    marts = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_type in ('BASE TABLE', 'VIEW') order by 2",
        [catalog, schema],
    ).fetchall()
    return [(str(s), str(t)) for s, t in marts]


def rounded_select(columns: Sequence[tuple[str, str]], relation: str, precision: int) -> str:
    """select every column of `relation` cast to the reference type, floating ones rounded.

    `columns` are (name, DuckDB type) of the reference side: the other side is cast to the same
    types, so an engine that reads timestamps back with a time zone or narrows an integer still
    compares value by value.
    """
    parts = []
    for name, dtype in columns:
        value = f'cast("{name}" as {dtype})'
        parts.append(f'round({value}, {precision}) as "{name}"' if dtype in FLOATING else f'{value} as "{name}"')
    return f"select {', '.join(parts)} from {relation}"


def difference(
    con: duckdb.DuckDBPyConnection, columns: Sequence[tuple[str, str]], left: str, right: str, precision: int = 6
) -> tuple[int, int]:
    """(rows only in `left`, rows only in `right`), counting duplicates (except all)."""
    left_sql = rounded_select(columns, left, precision)
    right_sql = rounded_select(columns, right, precision)
    only_left = con.execute(f"select count(*) from ({left_sql} except all {right_sql})").fetchone()
    only_right = con.execute(f"select count(*) from ({right_sql} except all {left_sql})").fetchone()
    return (int(only_left[0]) if only_left else 0, int(only_right[0]) if only_right else 0)


def table_columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    """(name, type) of a DuckDB table or view in column order, run stamps left out."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return [(str(name), str(dtype)) for name, dtype in rows if name not in RUN_STAMP_COLUMNS]
