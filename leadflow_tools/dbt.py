"""The one place that knows how to run dbt for leadflow: the CLI scripts and the tests use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import PROJECT_ROOT


class DbtError(RuntimeError):
    """dbt exited non-zero; the message carries the tail of its output."""


@dataclass(frozen=True)
class DbtResult:
    args: tuple[str, ...]
    returncode: int
    output: str


def dbt_executable() -> str:
    """dbt next to the running interpreter (the project's virtualenv), else dbt on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_environment(database: Path) -> dict[str, str]:
    """The process environment dbt runs in for leadflow: the repo's profiles.yml, `database`, no telemetry."""
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "LEADFLOW_DB": str(database),
    }


def run_dbt(
    args: Sequence[str],
    database: Path,
    dbt_vars: Mapping[str, object] | None = None,
    target_path: Path | None = None,
    check: bool = True,
    echo: bool = False,
    env: Mapping[str, str] | None = None,
) -> DbtResult:
    """Run `dbt <args>` against a DuckDB file with the repo's profiles.yml.

    `dbt_vars` are passed as --vars JSON; `target_path` keeps artefacts of parallel builds
    apart. With check=True a failing dbt raises DbtError showing the end of its output.
    """
    command = [dbt_executable(), *args]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars))]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    process_env = {**dbt_environment(database), **(env or {})}
    completed = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=process_env,
        stdout=None if echo else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    output = completed.stdout or ""
    if check and completed.returncode != 0:
        tail = "\n".join(output.splitlines()[-60:])
        raise DbtError(f"dbt {' '.join(args)} failed ({completed.returncode}):\n{tail}")
    return DbtResult(tuple(args), completed.returncode, output)
