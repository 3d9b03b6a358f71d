"""The critical path of a dbt run (leadflow_tools.critical_path), on a run whose timings are known."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from leadflow_tools.critical_path import critical_path, summary

T0 = 1_700_000_000.0


def _result(unique_id: str, start: float, end: float) -> dict[str, object]:
    def stamp(offset: float) -> str:
        from datetime import UTC, datetime

        return datetime.fromtimestamp(T0 + offset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # dbt's two phases: compile, then execute
    middle = (start + end) / 2
    return {"unique_id": unique_id, "timing": [
        {"name": "compile", "started_at": stamp(start), "completed_at": stamp(middle)},
        {"name": "execute", "started_at": stamp(middle), "completed_at": stamp(end)},
    ]}


# a -> b -> d and a -> c -> d; a data test on a; a unit test on d; a relationships test on d and c
MANIFEST: dict[str, object] = {
    "nodes": {
        "model.p.a": {"depends_on": {"nodes": ["source.p.raw.a"]}},
        "model.p.b": {"depends_on": {"nodes": ["model.p.a"]}},
        "model.p.c": {"depends_on": {"nodes": ["model.p.a"]}},
        "model.p.d": {"depends_on": {"nodes": ["model.p.b", "model.p.c"]}},
        "test.p.unique_a_id.0123456789": {"depends_on": {"nodes": ["model.p.a"]}},
        "test.p.relationships_d_c.0123456789": {"depends_on": {"nodes": ["model.p.d", "model.p.c"]}},
        "operation.p.p-on-run-end-0": {"depends_on": {"nodes": []}},
    },
    "unit_tests": {"unit_test.p.d.d_adds_b_and_c": {"depends_on": {"nodes": ["model.p.d"]}}},
    "child_map": {
        "model.p.a": ["model.p.b", "model.p.c", "test.p.unique_a_id.0123456789"],
        "model.p.b": ["model.p.d"],
        "model.p.c": ["model.p.d", "test.p.relationships_d_c.0123456789"],
        "model.p.d": ["test.p.relationships_d_c.0123456789"],
    },
}
RESULTS = [
    _result("model.p.a", 0, 10),
    _result("test.p.unique_a_id.0123456789", 10, 12),
    _result("model.p.c", 12, 14),  # runs beside b for 2 of b's 8 seconds
    _result("model.p.b", 12, 20),
    _result("unit_test.p.d.d_adds_b_and_c", 20, 21),
    _result("model.p.d", 22, 30),  # waited 1 s for a thread after its unit test
    _result("test.p.relationships_d_c.0123456789", 30, 31),
    _result("operation.p.p-on-run-end-0", 31, 40),  # a hook, not a node of the graph
]


def test_the_path_steps_back_through_what_each_node_waited_for() -> None:
    path = critical_path(RESULTS, MANIFEST)
    assert [node.name for node in path] == [
        "model.p.a", "test.p.unique_a_id.0123456789", "model.p.b", "unit_test.p.d.d_adds_b_and_c", "model.p.d",
        "test.p.relationships_d_c.0123456789",
    ]
    # b waited for a's test, not only for a; d for its unit test, which waited for b (the later parent)
    assert [(node.started, node.finished, node.waited) for node in path] == [
        (0, 10, 0), (10, 12, 0), (12, 20, 0), (20, 21, 0), (22, 30, 1), (30, 31, 0),
    ]
    b = path[2]
    assert b.seconds == 8 and b.running_beside == 0.25
    assert path[-1].running_beside == 0
    text = summary(path)
    assert "6 nodes, 30.0 s running and 1.0 s waiting" in text and "ending at 31.0 s" in text


def test_a_run_without_timings_has_no_path() -> None:
    assert critical_path([{"unique_id": "model.p.a", "timing": []}], MANIFEST) == []
    assert summary([]) == "critical path: no node timings"


def test_the_cli_prints_the_path_of_a_target_folder(tmp_path: Path) -> None:
    (tmp_path / "run_results.json").write_text(json.dumps({"results": RESULTS}))
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    completed = subprocess.run(
        [sys.executable, "-m", "leadflow_tools.critical_path", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    lines = completed.stdout.splitlines()
    # names as the benchmark shows them: a data test without dbt's hash, a unit test as model:test
    assert lines[1].split() == ["0.0", "10.0", "10.0", "0.0", "0.0", "a"]
    assert lines[2].endswith("  unique_a_id") and lines[4].endswith("  d:d_adds_b_and_c")
    assert lines[-1].startswith("critical path: 6 nodes")
    help_text = subprocess.run(
        [sys.executable, "-m", "leadflow_tools.critical_path", "--help"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    assert "waited for a free thread" in " ".join(help_text.split())
