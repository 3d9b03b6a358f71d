"""The critical path of a dbt run: the chain of nodes that decided when the run ended.

Read from run_results.json (each node's compile and execute timing) and manifest.json (what each
node depends on). Starting from the node that finished last, the path steps back to the
dependency that finished last before the node began, until a node that waited for nothing. What
a node waits for follows dbt-core's `dbt build`: its parents; for a model, also each data test all
of whose parents are upstream of it (dbt runs a model's tests before its children); a model's unit
tests run one after another in the model's own thread, before it, after everything the model
waits for. Run hooks (on-run-start, on-run-end) are not nodes of the graph and are left out: the
path ends with the last node, before the on-run-end hooks.

Each step of the path says how long the node ran, how long it waited after its last dependency
finished (for a free dbt thread), and how many other nodes ran beside it on average. A path of
nodes that ran one after another with nothing beside them bounds the run: more dbt threads do not
help, only shorter nodes on the path. Nodes beside the path share the machine's cores with it, so
read `running_beside` with the CPU share the benchmark reports (one DuckDB query alone can keep
every core busy).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
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
    running_beside: float | None  # mean number of other nodes running while it ran (None: no duration)

    @property
    def seconds(self) -> float:
        return self.finished - self.started


def node_name(unique_id: str) -> str:
    """A readable name for a run_results node: the model or seed name, a data test's name without
    dbt's hash suffix, '<model>:<unit test>' for a unit test."""
    kind, _, *rest = unique_id.split(".")
    if kind == "test" and len(rest) > 1 and re.fullmatch(r"[0-9a-f]{10}", rest[-1]):
        rest = rest[:-1]
    return ":".join(rest) if kind == "unit_test" else ".".join(rest)


def _node_times(results: Sequence[Mapping[str, object]]) -> dict[str, tuple[float, float]]:
    """(first start, last end) of each node that ran; run hooks (operations) are not nodes of the graph."""
    times: dict[str, tuple[float, float]] = {}
    for result in results:
        if str(result["unique_id"]).startswith("operation."):
            continue
        timing = result.get("timing")
        stamps = [
            datetime.fromisoformat(str(part[key]).replace("Z", "+00:00")).timestamp()
            for part in (timing if isinstance(timing, list) else [])
            for key in ("started_at", "completed_at")
            if part.get(key)
        ]
        if stamps:
            times[str(result["unique_id"])] = (min(stamps), max(stamps))
    return times


class _Graph:
    """What each node of a manifest waits for in `dbt build`."""

    def __init__(self, manifest: Mapping[str, object]) -> None:
        nodes, unit_tests, child_map = (manifest.get(key) or {} for key in ("nodes", "unit_tests", "child_map"))
        if not (isinstance(nodes, dict) and isinstance(unit_tests, dict) and isinstance(child_map, dict)):
            raise ValueError("not a dbt manifest: nodes, unit_tests and child_map must be objects")
        self.parents: dict[str, list[str]] = {
            unique_id: list(node.get("depends_on", {}).get("nodes", []))
            for unique_id, node in {**nodes, **unit_tests}.items()
        }
        self.children: dict[str, list[str]] = {key: list(value) for key, value in child_map.items()}
        self.unit_tests_of: dict[str, list[str]] = {}
        for unit_test in unit_tests:
            for model in self.parents[unit_test]:
                self.unit_tests_of.setdefault(model, []).append(unit_test)
        self.ancestors = cache(self._ancestors)

    def _ancestors(self, unique_id: str) -> frozenset[str]:
        found: set[str] = set()
        for parent in self.parents.get(unique_id, []):
            found |= {parent} | self.ancestors(parent)
        return frozenset(found)

    def model_dependencies(self, unique_id: str) -> list[str]:
        """A model's (seed's, snapshot's) parents and the data tests whose parents are all upstream of it."""
        parents = self.parents.get(unique_id, [])
        upstream = self.ancestors(unique_id)
        tests = [
            test for parent in parents for test in self.children.get(parent, [])
            if test.startswith("test.") and set(self.parents.get(test, [])) <= upstream
        ]
        return parents + tests

    def dependencies(self, unique_id: str) -> list[str]:
        if unique_id.startswith("unit_test."):
            # run in the model's thread after all the model waits for, and after its earlier unit tests
            model = self.parents[unique_id][0]
            return self.model_dependencies(model) + [u for u in self.unit_tests_of[model] if u != unique_id]
        if unique_id.startswith("test."):
            return self.parents.get(unique_id, [])
        return self.model_dependencies(unique_id) + self.unit_tests_of.get(unique_id, [])


def _mean_running_beside(unique_id: str, times: Mapping[str, tuple[float, float]]) -> float | None:
    started, finished = times[unique_id]
    if finished <= started:
        return None
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
    graph = _Graph(manifest)
    run_start = min(begin for begin, _ in times.values())
    chain: list[tuple[str, float]] = []
    current: str | None = max(times, key=lambda unique_id: times[unique_id][1])
    while current is not None:
        began = times[current][0]
        before = [
            d for d in graph.dependencies(current)
            if d in times and times[d][0] < began and times[d][1] <= began + _CLOCK_SLACK_SECONDS
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
            None if (beside := _mean_running_beside(unique_id, times)) is None else round(beside, 2),
        )
        for unique_id, waited in reversed(chain)
    ]


def _beside(node: PathNode) -> str:
    return "n/a" if node.running_beside is None else f"{node.running_beside:.1f}"


def summary(path: Sequence[PathNode], top: int = 8) -> str:
    """One line for a report: the path's running and waiting time and its longest nodes."""
    if not path:
        return "critical path: no node timings"
    running = sum(node.seconds for node in path)
    waiting = sum(node.waited for node in path)
    longest = sorted(path, key=lambda node: -node.seconds)[:top]
    return (
        f"critical path: {len(path)} nodes, {running:.1f} s running and {waiting:.1f} s waiting for a thread, "
        f"ending at {path[-1].finished:.1f} s; longest: "
        + ", ".join(f"{node.name} {node.seconds:.1f}s (beside {_beside(node)})" for node in longest)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Print the critical path of a finished dbt run: the chain of nodes, each started after the "
            "last of its dependencies (and, for a model, its parents' data tests) finished, that "
            "decided when the run ended. For each: when it started and finished (seconds from the "
            "run's start), how long it waited for a free thread, and how many other nodes ran beside "
            "it on average (about 0: the path ran alone and bounds the run; near the dbt thread count: "
            "the threads were all busy, and the CPU share says whether the cores were). Run hooks are "
            "left out."
        )
    )
    parser.add_argument("target", type=Path, help="the run's target folder (run_results.json and manifest.json)")
    args = parser.parse_args(argv)
    for needed in ("run_results.json", "manifest.json"):
        if not (args.target / needed).exists():
            parser.error(f"{args.target / needed} does not exist: give the target folder of a finished dbt build or run")
    results = json.loads((args.target / "run_results.json").read_text())["results"]
    manifest = json.loads((args.target / "manifest.json").read_text())
    path = critical_path(results, manifest, node_name)
    print(f"{'started':>9}{'finished':>10}{'seconds':>9}{'waited':>8}{'beside':>8}  node")
    for node in path:
        print(
            f"{node.started:>9.1f}{node.finished:>10.1f}{node.seconds:>9.1f}{node.waited:>8.1f}"
            f"{_beside(node):>8}  {node.name}"
        )
    print(summary(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
