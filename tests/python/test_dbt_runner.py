"""leadflow_tools.dbt.run_dbt hands dbt the saved parse made with the same vars, so a run with other
vars in a target folder does not parse the whole project again (10-30 s a run). dbt itself is
replaced by a fake that records which parse it was given and writes its own."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from leadflow_tools import dbt


@pytest.fixture()
def fake_dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each call records the parse dbt found in its target folder, then saves one for its vars."""
    given: list[str] = []

    def run(command: list[str], **_kwargs: Any) -> subprocess.CompletedProcess[str]:
        target = Path(command[command.index("--target-path") + 1])
        saved = target / "partial_parse.msgpack"
        given.append(saved.read_text() if saved.exists() else "none")
        target.mkdir(parents=True, exist_ok=True)
        saved.write_text("parse with " + command[command.index("--vars") + 1])
        return subprocess.CompletedProcess(command, 0, "")

    monkeypatch.setattr(dbt, "PARSE_CACHE", tmp_path / "parse_cache")
    monkeypatch.setattr(subprocess, "run", run)
    return given


def test_a_target_folder_gets_the_saved_parse_of_the_same_vars(fake_dbt: list[str], tmp_path: Path) -> None:
    database = tmp_path / "db" / "leadflow.duckdb"
    database.parent.mkdir()
    first, second = {"as_of": "2026-11-01 00:00:00"}, {"as_of": "2026-11-02 00:00:00"}
    dbt.run_dbt(["parse"], database, first, target_path=tmp_path / "a")
    dbt.run_dbt(["parse"], database, second, target_path=tmp_path / "a")  # the folder now holds another parse
    dbt.run_dbt(["parse"], database, first, target_path=tmp_path / "a")
    dbt.run_dbt(["parse"], database, first, target_path=tmp_path / "a")
    dbt.run_dbt(["parse"], database, second, target_path=tmp_path / "b")  # a new folder
    as_first = 'parse with {"as_of": "2026-11-01 00:00:00"}'
    as_second = 'parse with {"as_of": "2026-11-02 00:00:00"}'
    assert fake_dbt == ["none", as_first, as_first, as_first, as_second]
