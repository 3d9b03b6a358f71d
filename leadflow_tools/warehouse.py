"""Open the DuckDB warehouse file within the memory budget profiles.yml gives dbt.

The generator and the benchmark's bookkeeping (holding a day's rows back, landing them, counting
rows) rewrite whole raw tables outside dbt. Without a limit DuckDB takes 80% of the machine's
memory for such a sort, which at 10M people is 20 GB and was killed by the kernel beside another
process; with the profile's limit it spills to the profile's temp directory like a dbt run does.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb

# the defaults of profiles.yml (target duckdb); keep the two in step
DEFAULT_MEMORY_LIMIT = "6GB"
DEFAULT_THREADS = "2"
DEFAULT_DBT_THREADS = "4"


def profile_settings(database: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The DuckDB settings profiles.yml gives a dbt run on `database` under `environ` (default:
    this process's environment): memory_limit, threads, dbt_threads, temp_directory."""
    env = os.environ if environ is None else environ
    return {
        "memory_limit": env.get("LEADFLOW_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
        "threads": env.get("LEADFLOW_DUCKDB_THREADS", DEFAULT_THREADS),
        "dbt_threads": env.get("LEADFLOW_THREADS", DEFAULT_DBT_THREADS),
        "temp_directory": env.get("LEADFLOW_DUCKDB_TEMP_DIRECTORY", f"{database}.tmp"),
    }


def connect_within_budget(database: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to `database` with the profile's memory_limit and temp_directory (threads stay
    DuckDB's default: the machine's cores)."""
    settings = profile_settings(database)
    return duckdb.connect(
        str(database),
        read_only=read_only,
        config={"memory_limit": settings["memory_limit"], "temp_directory": settings["temp_directory"]},
    )
