"""The Spark-vs-DuckDB comparison itself, without Spark: a Parquet export stands in for Spark's.

`make test-spark` (leadflow_tools.spark_check) builds on a real Spark session; these tests make
sure the comparison it relies on cannot pass by accident: a changed value, a missing row, a
duplicated row, a table Spark never built and a timestamp read back as UTC all count.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from leadflow_tools.compare import rounded_select
from leadflow_tools.spark import compare_with_duckdb


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A DuckDB build in miniature: two marts."""
    path = tmp_path / "duck.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_things as select * from (values "
        "('a', 1.0000001::double, timestamp '2026-11-01 10:00:00', true), "
        "('b', 2.5::double, timestamp '2026-03-29 01:30:00', false), "
        "('c', null::double, null::timestamp, null)) t(thing_key, score, seen_at, flag)"
    )
    con.execute("create table marts.fct_events as select range as event_id from range(5)")
    con.close()
    return path


def _export(database: Path, folder: Path, table: str, select: str) -> None:
    """Write `select` (over the DuckDB table) as Spark would: folder/marts/<table>/part.parquet, UTC instants."""
    target = folder / "marts" / table
    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"copy ({select}) to '{target / 'part-00000.parquet'}' (format parquet)")
    con.close()


def _diffs(database: Path, folder: Path) -> dict[str, tuple[int, int, int, int]]:
    return {
        d.relation: (d.duckdb_rows, d.spark_rows, d.only_duckdb, d.only_spark)
        for d in compare_with_duckdb(database, folder)
    }


def test_identical_export_compares_equal_with_utc_timestamps_and_float_noise(database: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    # Spark writes timestamps as UTC instants (TIMESTAMPTZ in DuckDB) and may differ in the last bits
    _export(
        database,
        folder,
        "dim_things",
        "select thing_key, score + 1e-12 as score, seen_at::timestamptz as seen_at, flag from marts.dim_things",
    )
    _export(database, folder, "fct_events", "select event_id::integer as event_id from marts.fct_events")
    assert _diffs(database, folder) == {"marts.dim_things": (3, 3, 0, 0), "marts.fct_events": (5, 5, 0, 0)}


def test_changed_missing_duplicated_and_unbuilt_tables_are_counted(database: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    _export(
        database,
        folder,
        "dim_things",
        "select thing_key, case when thing_key = 'b' then 2.51 else score end as score, seen_at, flag "
        "from marts.dim_things where thing_key <> 'c' union all "
        "select * from marts.dim_things where thing_key = 'a'",
    )
    diffs = _diffs(database, folder)
    # b changed (one row each side), c missing (only duckdb), a duplicated (only spark)
    assert diffs["marts.dim_things"] == (3, 3, 2, 2)
    # never exported: every DuckDB row counts as differing
    assert diffs["marts.fct_events"] == (5, 0, 5, 0)


def test_rounded_select_casts_to_the_reference_types() -> None:
    sql = rounded_select([("score", "DOUBLE"), ("seen_at", "TIMESTAMP")], "t", 6)
    assert sql == 'select round(cast("score" as DOUBLE), 6) as "score", cast("seen_at" as TIMESTAMP) as "seen_at" from t'
