"""Raw tables into a local Spark warehouse, the way the loaders would land them there.

The generator writes DuckDB; a Spark deployment reads tables from its metastore. This module
copies the raw schemas (raw_salesforce, raw_hubspot, raw_segment) out of a generated DuckDB
file as Parquet, then registers each as a managed table in the local Spark warehouse dbt's
`spark` target uses (profiles.yml: method session, warehouse and Derby metastore under
target/). Timestamps stay UTC instants: DuckDB's naive TIMESTAMP columns are written as
Parquet timestamps and read back as Spark TIMESTAMP in a UTC session.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from . import PROJECT_ROOT
from .compare import difference, mart_tables, table_columns
from .generator.core import SCHEMAS

SPARK_HOME = PROJECT_ROOT / "target" / "spark"
"""Everything the local Spark target keeps: warehouse, Derby metastore, raw Parquet."""


def spark_settings() -> dict[str, str]:
    """Session settings shared by the loader and dbt's `spark` target (profiles.yml reads the same env vars)."""
    home = Path(os.environ.get("LEADFLOW_SPARK_HOME", SPARK_HOME))
    return {
        "spark.sql.warehouse.dir": str(home / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={home / 'metastore'};create=true",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": os.environ.get("LEADFLOW_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.ui.enabled": "false",
        # the routing models' query plans outgrow the local driver's default 1 GB heap
        "spark.driver.memory": os.environ.get("LEADFLOW_SPARK_DRIVER_MEMORY", "4g"),
    }


def export_raw_parquet(database: Path, folder: Path, progress: Callable[[str], None] = print) -> list[Path]:
    """Write every raw table of `database` to folder/<schema>/<table>.parquet; returns the files."""
    if folder.exists():
        shutil.rmtree(folder)
    files: list[Path] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall()
        if not tables:
            raise RuntimeError(f"{database} holds no raw tables ({', '.join(SCHEMAS)}): generate data first")
        for schema, table in tables:
            target = folder / schema / f"{table}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy (select * from {schema}.{table}) to '{target}' (format parquet)")
            files.append(target)
        progress(f"exported {len(files)} raw tables to {folder}")
    finally:
        con.close()
    return files


def spark_session() -> Any:
    """A local SparkSession with Hive support and leadflow's settings (pyspark is imported here)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[*]").appName("leadflow-load").enableHiveSupport()
    for key, value in spark_settings().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _utc_timestamps(frame: Any) -> Any:
    """Naive Parquet timestamps (DuckDB TIMESTAMP) read as TIMESTAMP_NTZ: make them TIMESTAMP (UTC session)."""
    from pyspark.sql.functions import col
    from pyspark.sql.types import TimestampNTZType

    for field in frame.schema.fields:
        if isinstance(field.dataType, TimestampNTZType):
            frame = frame.withColumn(field.name, col(field.name).cast("timestamp"))
    return frame


def load_raw_tables(folder: Path, progress: Callable[[str], None] = print) -> int:
    """Create (or replace) one Spark table per Parquet file under folder/<schema>/; returns the count."""
    started = time.perf_counter()
    spark = spark_session()
    count = 0
    try:
        for path in sorted(folder.glob("*/*.parquet")):
            schema, table = path.parent.name, path.stem
            spark.sql(f"create database if not exists {schema}")
            frame = _utc_timestamps(spark.read.parquet(str(path)))
            frame.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{table}")
            count += 1
            progress(f"  {schema}.{table}: {frame.count():,} rows")
    finally:
        spark.stop()
    progress(f"loaded {count} raw tables into Spark in {time.perf_counter() - started:.1f}s")
    return count


def export_tables(folder: Path, schemas: tuple[str, ...] = ("marts",), progress: Callable[[str], None] = print) -> int:
    """Write every table and view of the Spark `schemas` to folder/<schema>/<name>/ as Parquet; returns the count."""
    if folder.exists():
        shutil.rmtree(folder)
    spark = spark_session()
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    count = 0
    try:
        for schema in schemas:
            for table in spark.catalog.listTables(schema):
                if table.isTemporary:
                    continue
                spark.table(f"{schema}.{table.name}").write.mode("overwrite").parquet(str(folder / schema / table.name))
                count += 1
    finally:
        spark.stop()
    progress(f"exported {count} Spark tables to {folder}")
    return count


@dataclass(frozen=True)
class EngineDiff:
    """One relation of the DuckDB build against its Spark twin."""

    relation: str
    duckdb_rows: int
    spark_rows: int
    only_duckdb: int
    only_spark: int

    @property
    def identical(self) -> bool:
        # except all counts duplicates, so equal multisets imply equal row counts
        return self.only_duckdb == 0 and self.only_spark == 0


def compare_with_duckdb(
    database: Path, folder: Path, schemas: Sequence[str] = ("marts",), precision: int = 6
) -> list[EngineDiff]:
    """Every table and view of the DuckDB `schemas` against the Spark export in `folder`.

    Doubles are compared rounded to `precision` places; the Spark side is cast to the DuckDB
    column types (timestamps come back from Parquet as UTC instants). A table Spark did not
    build counts all its DuckDB rows as differing.
    """
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{database}' as duck (read_only)")
        diffs = []
        for schema, table in [relation for name in schemas for relation in mart_tables(con, "duck", name)]:
            columns = table_columns(con, "duck", schema, table)
            duck_rows = _count(con, f"duck.{schema}.{table}")
            files = folder / schema / table
            if not any(files.glob("*.parquet")):
                diffs.append(EngineDiff(f"{schema}.{table}", duck_rows, 0, duck_rows, 0))
                continue
            spark_relation = f"read_parquet('{files}/*.parquet')"
            only_duck, only_spark = difference(con, columns, f"duck.{schema}.{table}", spark_relation, precision)
            diffs.append(
                EngineDiff(f"{schema}.{table}", duck_rows, _count(con, spark_relation), only_duck, only_spark)
            )
        return diffs
    finally:
        con.close()


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = con.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m leadflow_tools.spark load|export`: one JVM per step, so the Derby metastore is free after."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m leadflow_tools.spark",
        description="Move tables between DuckDB and the local Spark warehouse of the `spark` dbt target.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="copy the raw schemas of a generated DuckDB file into Spark tables")
    load.add_argument("--database", type=Path, required=True, help="generated DuckDB file")
    export = sub.add_parser("export", help="write Spark tables as Parquet, one folder per table")
    export.add_argument("--folder", type=Path, required=True, help="output folder")
    export.add_argument("--schema", action="append", help="Spark schema to export (repeatable; default marts)")
    args = parser.parse_args(argv)
    if args.command == "load":
        folder = Path(os.environ.get("LEADFLOW_SPARK_HOME", SPARK_HOME)) / "raw"
        export_raw_parquet(args.database, folder)
        load_raw_tables(folder)
    else:
        export_tables(args.folder, tuple(args.schema or ["marts"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
