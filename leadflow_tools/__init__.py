"""Python tooling around the leadflow dbt project (generator, dbt runner, summaries)."""

import argparse
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The dbt project root (the folder holding dbt_project.yml)."""


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """--database: the DuckDB file dbt built, defaulting like the Makefile to $LEADFLOW_DB."""
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("LEADFLOW_DB", PROJECT_ROOT / "leadflow.duckdb")),
        help="DuckDB file built by dbt (default: $LEADFLOW_DB or leadflow.duckdb)",
    )
