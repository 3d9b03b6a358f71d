"""Python tooling around the leadflow dbt project (generator, dbt runner, summaries)."""

import argparse
import os
from datetime import date
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


def add_generated_data_arguments(
    parser: argparse.ArgumentParser, leads: int, events_per_lead: int, anchor_help: str
) -> None:
    """--leads, --events-per-lead, --seed, --anchor-date: the generated data a tool builds on."""
    parser.add_argument("--leads", type=int, default=leads, help=f"people to generate ({leads})")
    parser.add_argument(
        "--events-per-lead", type=int, default=events_per_lead, help=f"events per person ({events_per_lead})"
    )
    parser.add_argument("--seed", type=int, default=42, help="generator seed (42)")
    parser.add_argument("--anchor-date", type=date.fromisoformat, default=date(2026, 11, 1),
                        help=f"last day of the generated data; {anchor_help} (2026-11-01)")
