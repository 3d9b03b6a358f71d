"""The tools that rewrite raw tables outside dbt stay within the memory budget of profiles.yml."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from leadflow_tools import PROJECT_ROOT
from leadflow_tools.warehouse import connect_within_budget, profile_settings


def _profile_default(variable: str) -> str:
    text = (PROJECT_ROOT / "profiles.yml").read_text()
    found = re.findall(rf"env_var\('{variable}', '([^']*)'\)", text)
    assert found, f"{variable} has no default in profiles.yml"
    return str(found[0])


def test_defaults_are_the_profiles() -> None:
    settings = profile_settings(Path("w.duckdb"), environ={})
    assert settings["memory_limit"] == _profile_default("LEADFLOW_DUCKDB_MEMORY_LIMIT")
    assert settings["threads"] == _profile_default("LEADFLOW_DUCKDB_THREADS")
    assert settings["dbt_threads"] == _profile_default("LEADFLOW_THREADS")
    assert settings["temp_directory"] == "w.duckdb.tmp"


def test_connection_takes_the_environments_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADFLOW_DUCKDB_MEMORY_LIMIT", "1GiB")
    monkeypatch.setenv("LEADFLOW_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    con = connect_within_budget(tmp_path / "w.duckdb")
    try:
        limit, temp = con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone() or (None, None)
    finally:
        con.close()
    assert limit == "1.0 GiB"
    assert temp == str(tmp_path / "spill")
