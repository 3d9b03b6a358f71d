"""The one place that knows how to run dbt for leadflow: the CLI scripts and the tests use it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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


# partial_parse.msgpack of earlier runs, one per (database file name, vars, dbt target, DuckDB settings)
PARSE_CACHE = PROJECT_ROOT / "target" / "parse_cache"
_PROFILE_ENV = ("LEADFLOW_TARGET", "LEADFLOW_DUCKDB_MEMORY_LIMIT", "LEADFLOW_DUCKDB_THREADS", "LEADFLOW_DUCKDB_TEMP_DIRECTORY")


def _parse_cache_file(database: Path, command_vars: str, env: Mapping[str, str]) -> Path:
    key = json.dumps([database.name, command_vars, [env.get(name) for name in _PROFILE_ENV]])
    return PARSE_CACHE / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.msgpack"


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

    dbt re-parses the whole project (10-30 s) when the profile differs from the one its saved
    parse was made with, and the DuckDB path is part of the profile. So dbt runs in the
    database's folder with LEADFLOW_DB set to the file's name alone: every database of one
    name has the same profile, and a new target path starts from the partial parse of an
    earlier run with the same name, vars and settings (PARSE_CACHE), also when the target path
    holds a parse made with other vars (partial_parse.key says which). dbt checks every file's
    hash before it trusts a saved parse, so a stale one only costs the full parse it replaces.
    """
    database = database.resolve()
    target = (target_path or PROJECT_ROOT / "target").resolve()
    command = [dbt_executable(), *args, "--project-dir", str(PROJECT_ROOT), "--target-path", str(target)]
    command_vars = json.dumps(dict(dbt_vars)) if dbt_vars else ""
    if dbt_vars:
        command += ["--vars", command_vars]
    process_env = {**dbt_environment(database), **(env or {})}
    if process_env["LEADFLOW_DB"] == str(database):
        process_env["LEADFLOW_DB"] = database.name
    saved_parse = target / "partial_parse.msgpack"
    saved_key = target / "partial_parse.key"  # which cache entry the saved parse was made for
    cached_parse = _parse_cache_file(database, command_vars, process_env)
    made_for = saved_key.read_text() if saved_key.exists() and saved_parse.exists() else None
    if cached_parse.exists() and made_for != cached_parse.name:
        # no saved parse here, or one made with other vars (dbt would parse the whole project again)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cached_parse, saved_parse)
        saved_key.write_text(cached_parse.name)
    before = saved_parse.stat().st_mtime_ns if saved_parse.exists() else None
    completed = subprocess.run(
        command,
        cwd=database.parent,
        env=process_env,
        stdout=None if echo else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    output = completed.stdout or ""
    if saved_parse.exists() and saved_parse.stat().st_mtime_ns != before:
        # dbt saved a parse (not every command parses, and a failed parse saves none)
        saved_key.write_text(cached_parse.name)
        PARSE_CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached_parse.with_suffix(f".{os.getpid()}.tmp")
        shutil.copy2(saved_parse, partial)
        os.replace(partial, cached_parse)  # atomic: another pytest worker may write the same parse
    if check and completed.returncode != 0:
        tail = "\n".join(output.splitlines()[-60:])
        raise DbtError(f"dbt {' '.join(args)} failed ({completed.returncode}):\n{tail}")
    return DbtResult(tuple(args), completed.returncode, output)
