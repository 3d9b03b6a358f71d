"""Python tooling around the leadflow dbt project (generator, dbt runner, summaries)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The dbt project root (the folder holding dbt_project.yml)."""
