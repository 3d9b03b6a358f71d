"""The critical path of a dbt run: the chain of nodes that decided when the run ended.

Read from run_results.json (each node's compile and execute timing) and manifest.json (what each
node depends on). Starting from the node that finished last, the path steps back to the
dependency that finished last before the node began, until a node that waited for nothing. In a
`dbt build` a model also waits for the data tests of the models it reads (dbt runs a model's tests
before its children), so those tests count as its dependencies.

Each step of the path says how long the node ran and how long it waited after its last dependency
finished (for a free dbt thread). A run whose path is mostly one node after another, each alone on
the machine, is bound by that chain: more threads do not help, only shorter nodes on the path do.
A run whose path nodes ran beside many others is bound by the machine's cores: only less work
helps. `running_beside` (the mean number of other nodes running while a path node ran) tells the
two apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# a dependency counts when it ended by the node's start (with this slack for the stamps, which
# dbt takes around, not at, the moment a node is handed on) and started before it
_CLOCK_SLACK_SECONDS = 0.05


@dataclass(frozen=True)
class PathNode:
    """One node of the critical path, times in seconds from the run's first node start."""

    name: str
    started: float
    finished: float
    waited: float  # from its last dependency's end (or the run's start) to its own start
    running_beside: float  # mean number of other nodes running while it ran

    @property
    def seconds(self) -> float:
        return self.finished - self.started


def _node_times(results: Sequence[Mapping[str, object]]) -> dict[str, tuple[float, float]]:
    """(first start, last end) of each node that ran; run hooks (operations) are not nodes of the graph."""
    times: dict[str, tuple[float, float]] = {}
    for result in results:
        if str(result["unique_id"]).startswith("operation."):
            continue
        timing = result.get("timing") or []
        assert isinstance(timing, list)
        stamps = [
            datetime.fromisoformat(str(part[key]).replace("Z", "+00:00")).timestamp()
            for part in timing
            for key in ("started_at", "completed_at")
            if part.get(key)
        ]
        if stamps:
            times[str(result["unique_id"])] = (min(stamps), max(stamps))
    return times


def _parents(manifest: Mapping[str, object], unique_id: str) -> list[str]:
    nodes, unit_tests = manifest["nodes"], manifest.get("unit_tests", {})
    assert isinstance(nodes, dict) and isinstance(unit_tests, dict)
    node = nodes.get(unique_id) or unit_tests.get(unique_id) or {}
    return list(node.get("depends_on", {}).get("nodes", []))


def _dependencies(manifest: Mapping[str, object], unique_id: str, ran: Mapping[str, object]) -> list[str]:
    """What a node waited for in a build: its parents; for a model or seed also its parents' data
    tests and its own unit tests; for a unit test the parents of the model it tests."""
    child_map, unit_tests = manifest["child_map"], manifest.get("unit_tests", {})
    assert isinstance(child_map, dict) and isinstance(unit_tests, dict)
    if unique_id.startswith("unit_test."):
        return [p for model in _parents(manifest, unique_id) for p in _parents(manifest, model) if p in ran]
    parents = [p for p in _parents(manifest, unique_id) if p in ran]
    if unique_id.startswith("test."):
        return parents
    tests = [c for p in parents for c in child_map.get(p, []) if c.startswith("test.") and c in ran]
    own_unit_tests = [u for u in unit_tests if u in ran and unique_id in _parents(manifest, u)]
    return parents + tests + own_unit_tests


def _mean_running_beside(unique_id: str, times: Mapping[str, tuple[float, float]]) -> float:
    started, finished = times[unique_id]
    if finished <= started:
        return 0.0
    overlap = sum(
        max(0.0, min(finished, end) - max(started, begin))
        for other, (begin, end) in times.items()
        if other != unique_id
    )
    return overlap / (finished - started)


def critical_path(
    results: Sequence[Mapping[str, object]],
    manifest: Mapping[str, object],
    name: Callable[[str], str] = str,
) -> list[PathNode]:
    """The critical path of one run, first node first (empty when no node has timings).
    `name` turns a unique_id into the name shown (default: the unique_id itself)."""
    times = _node_times(results)
    if not times:
        return []
    run_start = min(begin for begin, _ in times.values())
    chain: list[tuple[str, float]] = []
    current: str | None = max(times, key=lambda unique_id: times[unique_id][1])
    while current is not None:
        began = times[current][0]
        before = [
            d for d in _dependencies(manifest, current, times)
            if times[d][0] < began and times[d][1] <= began + _CLOCK_SLACK_SECONDS
        ]
        previous = max(before, key=lambda d: times[d][1]) if before else None
        ready_at = times[previous][1] if previous else run_start
        chain.append((current, max(0.0, began - ready_at)))
        current = previous
    return [
        PathNode(
            name(unique_id),
            round(times[unique_id][0] - run_start, 2),
            round(times[unique_id][1] - run_start, 2),
            round(waited, 2),
            round(_mean_running_beside(unique_id, times), 2),
        )
        for unique_id, waited in reversed(chain)
    ]


def summary(path: Sequence[PathNode], top: int = 8) -> str:
    """Lines for a report: the path's running and waiting time and its longest nodes."""
    if not path:
        return "critical path: no node timings"
    running = sum(node.seconds for node in path)
    waiting = sum(node.waited for node in path)
    longest = sorted(path, key=lambda node: -node.seconds)[:top]
    return (
        f"critical path: {len(path)} nodes, {running:.1f} s running and {waiting:.1f} s waiting for a thread, "
        f"ending at {path[-1].finished:.1f} s; longest: "
        + ", ".join(f"{node.name} {node.seconds:.1f}s (beside {node.running_beside:.1f})" for node in longest)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Print the critical path of a finished dbt run: the chain of nodes, each started after the "
            "last of its dependencies (and, for a model, its parents' data tests) finished, that "
            "decided when the run ended. For each: when it started and finished (seconds from the "
            "run's start), how long it waited for a free thread, and how many other nodes ran beside "
            "it on average (about 0: the chain bounds the run; near the thread count: the cores do)."
        )
    )
    parser.add_argument("target", type=Path, help="the run's target folder (run_results.json and manifest.json)")
    args = parser.parse_args(argv)
    from .benchmark_build import node_name

    results = json.loads((args.target / "run_results.json").read_text())["results"]
    manifest = json.loads((args.target / "manifest.json").read_text())
    path = critical_path(results, manifest, node_name)
    print(f"{'started':>9}{'finished':>10}{'seconds':>9}{'waited':>8}{'beside':>8}  node")
    for node in path:
        print(
            f"{node.started:>9.1f}{node.finished:>10.1f}{node.seconds:>9.1f}{node.waited:>8.1f}"
            f"{node.running_beside:>8.1f}  {node.name}"
        )
    print(summary(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
