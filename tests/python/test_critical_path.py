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


# a -> b -> d and a -> c -> d, x alone; data tests on a and b; a relationships test on d and c,
# another on c and x (x is not upstream of d, so d never waits for it); two unit tests on d, which
# run in d's thread before it, after everything d waits for
MANIFEST: dict[str, object] = {
    "nodes": {
        "model.p.a": {"depends_on": {"nodes": ["source.p.raw.a"]}},
        "model.p.b": {"depends_on": {"nodes": ["model.p.a"]}},
        "model.p.c": {"depends_on": {"nodes": ["model.p.a"]}},
        "model.p.x": {"depends_on": {"nodes": ["source.p.raw.x"]}},
        "model.p.d": {"depends_on": {"nodes": ["model.p.b", "model.p.c"]}},
        "test.p.unique_a_id.0123456789": {"depends_on": {"nodes": ["model.p.a"]}},
        "test.p.not_null_b_id.0123456789": {"depends_on": {"nodes": ["model.p.b"]}},
        "test.p.relationships_d_c.0123456789": {"depends_on": {"nodes": ["model.p.d", "model.p.c"]}},
        "test.p.relationships_c_x.0123456789": {"depends_on": {"nodes": ["model.p.c", "model.p.x"]}},
        "operation.p.p-on-run-end-0": {"depends_on": {"nodes": []}},
    },
    "unit_tests": {
        "unit_test.p.d.d_adds_b_and_c": {"depends_on": {"nodes": ["model.p.d"]}},
        "unit_test.p.d.d_keeps_nulls": {"depends_on": {"nodes": ["model.p.d"]}},
    },
    "child_map": {
        "model.p.a": ["model.p.b", "model.p.c", "test.p.unique_a_id.0123456789"],
        "model.p.b": ["model.p.d", "test.p.not_null_b_id.0123456789"],
        "model.p.c": ["model.p.d", "test.p.relationships_d_c.0123456789", "test.p.relationships_c_x.0123456789"],
        "model.p.x": ["test.p.relationships_c_x.0123456789"],
        "model.p.d": ["test.p.relationships_d_c.0123456789"],
    },
}
RESULTS = [
    _result("model.p.a", 0, 10),
    _result("model.p.x", 0, 24),
    _result("test.p.unique_a_id.0123456789", 10, 12),
    _result("model.p.c", 12, 14),
    _result("model.p.b", 12, 20),  # c beside it for 2 of its 8 seconds, x for all 8: 1.25 on average
    _result("test.p.not_null_b_id.0123456789", 20, 24),
    _result("test.p.relationships_c_x.0123456789", 24, 24.9),  # ends later, but d does not wait for it
    _result("unit_test.p.d.d_adds_b_and_c", 25, 26),  # d's thread was free 1 s after b's test
    _result("unit_test.p.d.d_keeps_nulls", 26, 27.5),
    _result("model.p.d", 28, 35),
    _result("test.p.relationships_d_c.0123456789", 35, 36),
    _result("operation.p.p-on-run-end-0", 36, 45),  # a hook, not a node of the graph
]


def test_the_path_steps_back_through_what_each_node_waited_for() -> None:
    path = critical_path(RESULTS, MANIFEST)
    assert [node.name for node in path] == [
        "model.p.a", "test.p.unique_a_id.0123456789", "model.p.b", "test.p.not_null_b_id.0123456789",
        "unit_test.p.d.d_adds_b_and_c", "unit_test.p.d.d_keeps_nulls", "model.p.d",
        "test.p.relationships_d_c.0123456789",
    ]
    # b waited for a's test, not only for a; d's first unit test for b's test (not for the test
    # on c and x, which ended later), its second for the first, d for its unit tests
    assert [(node.started, node.finished, node.waited) for node in path] == [
        (0, 10, 0), (10, 12, 0), (12, 20, 0), (20, 24, 0), (25, 26, 1), (26, 27.5, 0), (28, 35, 0.5), (35, 36, 0),
    ]
    b = path[2]
    assert b.seconds == 8 and b.running_beside == 1.25
    assert path[-1].running_beside == 0
    text = summary(path)
    assert "8 nodes, 34.5 s running and 1.5 s waiting" in text and "ending at 36.0 s" in text


def test_a_node_without_duration_has_no_mean_beside() -> None:
    path = critical_path([_result("model.p.a", 0, 0)], MANIFEST)
    assert [(node.name, node.seconds, node.running_beside) for node in path] == [("model.p.a", 0, None)]
    assert "(beside n/a)" in summary(path)


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
    assert lines[1].split() == ["0.0", "10.0", "10.0", "0.0", "1.0", "a"]  # x ran beside a
    assert lines[2].endswith("  unique_a_id") and lines[5].endswith("  d:d_adds_b_and_c")
    assert lines[-1].startswith("critical path: 8 nodes")
    help_text = subprocess.run(
        [sys.executable, "-m", "leadflow_tools.critical_path", "--help"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    assert "waited for a free thread" in " ".join(help_text.split())
    missing = subprocess.run(
        [sys.executable, "-m", "leadflow_tools.critical_path", str(tmp_path / "no_run")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert missing.returncode == 2 and "run_results.json does not exist" in missing.stderr
