"""Run the generator's SQL against a DuckDB file, showing progress table by table."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..raw_contract import arrival_column, stamped_raw_tables
from ..warehouse import connect_within_budget
from . import sql
from .config import GeneratorConfig
from .shapes import Shape, apply_shape

SCHEMAS = ("raw_salesforce", "raw_hubspot", "raw_segment")

Progress = Callable[[str], None]


@dataclass
class GenerationReport:
    """What was written: rows per raw table and the seconds it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    shape: Shape = field(default_factory=Shape)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _steps(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    return (
        [("macros", sql.macros_sql(cfg) + sql.step_macros_sql(cfg))]
        + sql.setup_sql(cfg)
        + sql.salesforce_sql(cfg)
        + sql.hubspot_sql(cfg)
        + sql.segment_sql(cfg)
    )


def write_in_arrival_order(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite every raw table sorted by its loader stamp, as a loader appending rows leaves it:
    an incremental run's filter on the stamp (and on the event time, which follows it within
    days) then skips whole row groups by their min/max. Returns how many tables were rewritten."""
    tables = stamped_raw_tables(con)
    con.execute("set preserve_insertion_order = true")
    for schema, table in tables:
        con.execute(f"create or replace table {schema}.{table} as select * from {schema}.{table} order by {arrival_column(schema)}")
        # the replaced table's blocks are free again only after a checkpoint: without it the file
        # (and the sort's spill beside it) hold every table twice at 10M people
        con.execute("checkpoint")
    con.execute("set preserve_insertion_order = false")
    return len(tables)


def generate(
    cfg: GeneratorConfig,
    database: Path,
    progress: Progress = print,
    threads: int | None = None,
    shape: Shape | None = None,
) -> GenerationReport:
    """Write every raw table of the contract into `database` (replacing existing raw tables).

    The full shape is written, then `shape` (shapes.py) thins it into a variant if given. The
    manifest next to the database (<database>.generator.json) records config, shape and rows.
    """
    started = time.perf_counter()
    shape = shape or Shape()
    report = GenerationReport(shape=shape)
    steps = _steps(cfg)
    con = connect_within_budget(database)
    try:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        con.execute("set preserve_insertion_order = false")
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        for k, (name, statement) in enumerate(steps, start=1):
            t0 = time.perf_counter()
            con.execute(statement)
            line = f"[{k:>2}/{len(steps)}] {name:<40}"
            if name.startswith("raw_"):
                count = con.execute(f"select count(*) from {name}").fetchone()
                report.rows[name.replace('"', "")] = int(count[0]) if count else 0
                line += f" {report.rows[name.replace(chr(34), '')]:>13,} rows"
            progress(f"{line} {time.perf_counter() - t0:7.1f}s")
        if not shape.is_full:
            t0 = time.perf_counter()
            for change in apply_shape(con, shape):
                progress(f"shape: {change}")
            remaining = {
                f"{schema}.{table}"
                for schema, table in con.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_catalog = current_database()"
                ).fetchall()
            }
            report.rows = {name: rows for name, rows in report.rows.items() if name in remaining}
            progress(f"shape applied in {time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        ordered = write_in_arrival_order(con)
        progress(f"{ordered} raw tables written in arrival order in {time.perf_counter() - t0:.1f}s")
        con.execute("checkpoint")
    finally:
        con.close()
    report.seconds = time.perf_counter() - started
    manifest = {
        "config": cfg.as_dict(),
        "shape": shape.as_dict(),
        "rows": report.rows,
        "seconds": round(report.seconds, 1),
    }
    Path(str(database) + ".generator.json").write_text(json.dumps(manifest, indent=2))
    return report
