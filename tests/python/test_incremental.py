"""Incremental models equal a full refresh: 30 days replayed with events arriving up to 3 days late.

scripts/simulate_incremental.py generates 800 leads x 20 events, shows dbt each day only the event
rows that had arrived by that day's as_of (15% of them up to 72 hours late, late identify calls
included, so old anonymous views get re-attributed), runs the incremental models day by day, then
builds everything and compares every mart with a --full-refresh build over the same raw tables,
and again after running the last day a second time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from leadflow_tools.dbt import run_dbt


@pytest.fixture(scope="module")
def simulation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    workdir = tmp_path_factory.mktemp("incremental")
    report_path = workdir / "report.json"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "simulate_incremental.py"), "--workdir", str(workdir), "--json", str(report_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert report_path.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    return workdir, json.loads(report_path.read_text())


def test_thirty_days_of_incremental_runs_equal_a_full_refresh(simulation: tuple[Path, dict[str, object]]) -> None:
    _, report = simulation
    assert report["days"] == 30
    assert int(report["late_rows"]) > 1000  # type: ignore[call-overload]
    diffs = report["diffs"]
    assert isinstance(diffs, list)
    relations = {d["relation"] for d in diffs}
    assert {"intermediate.int_intent__activity", "marts.dim_leads", "marts.fct_intent_signals"} <= relations
    assert all(d["rows"] > 0 for d in diffs), [d for d in diffs if d["rows"] == 0]
    differing = [d for d in diffs if d["only_incremental"] or d["only_full_refresh"]]
    assert differing == []


def test_running_the_same_day_twice_changes_nothing(simulation: tuple[Path, dict[str, object]]) -> None:
    _, report = simulation
    reruns = report["rerun_diffs"]
    assert isinstance(reruns, list) and reruns
    assert [d for d in reruns if d["only_incremental"] or d["only_full_refresh"]] == []


def test_an_incremental_run_refuses_to_rewind_time(simulation: tuple[Path, dict[str, object]]) -> None:
    workdir, _ = simulation
    result = run_dbt(
        ["run", "--select", "int_intent__activity"],
        workdir / "incremental" / "leadflow.duckdb",
        {"as_of": "2026-10-15 00:00:00"},
        target_path=workdir / "target-rewind",
        check=False,
    )
    assert result.returncode != 0
    assert "cannot rewind time" in result.output and "--full-refresh" in result.output
