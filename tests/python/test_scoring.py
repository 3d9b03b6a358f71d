"""Property checks of fit and intent on generated data, and the scoring model's versioning."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, assert_seeds_match_recorded_version, build, database_path, query, scalar

SCORING_SEEDS = (
    "fit_scoring_rules", "fit_grade_thresholds", "intent_signals", "intent_band_thresholds", "priority_matrix",
    "fit_inputs", "qualification_rules",
)
# seeds without a model_version column whose every edit still changes the scores
CHECKSUMMED_SEEDS = SCORING_SEEDS + ("title_seniority_patterns",)
EARLIER_AS_OF = "2026-10-18 00:00:00"


def test_scores_stay_within_0_and_100_and_follow_the_seeds(built_db: Path) -> None:
    bad = scalar(
        built_db,
        "select count(*) from marts.dim_leads where fit_score not between 0 and 100 "
        "or intent_score not between 0 and 100 or fit_grade is null or intent_band is null or priority_tier is null",
    )
    assert bad == 0
    grades = {row[0] for row in query(built_db, "select distinct fit_grade from marts.dim_leads")}
    bands = {row[0] for row in query(built_db, "select distinct intent_band from marts.dim_leads")}
    assert {"A", "B", "C", "D"} <= grades and {"high", "medium", "low"} <= bands


def test_every_nonzero_score_is_the_sum_of_its_components(built_db: Path) -> None:
    mismatched = scalar(
        built_db,
        """
        select count(*) from marts.dim_leads l
        left join (select lead_key, sum(points) as p from marts.fct_fit_score_components group by 1) f using (lead_key)
        left join (select lead_key, sum(decayed_points) as p from marts.fct_intent_signals
                   where not is_excluded group by 1) i using (lead_key)
        where (l.fit_points <> 0 and l.fit_points <> f.p)
           or (l.intent_points <> 0 and abs(l.intent_points - i.p) > 0.001)
           or (l.fit_score > 0 and f.p is null) or (l.intent_score > 0 and i.p is null)
        """,
    )
    assert mismatched == 0


def test_consent_exclusion_is_visible_and_keeps_hand_raises(built_db: Path) -> None:
    excluded_passive = scalar(
        built_db,
        "select count(*) from marts.fct_intent_signals s join marts.dim_leads l using (lead_key) "
        "where l.is_opted_out and s.exclusion_reason = 'consent_opted_out'",
    )
    scored_passive_of_opted_out = scalar(
        built_db,
        "select count(*) from marts.fct_intent_signals s join marts.dim_leads l using (lead_key) "
        "join config.intent_signals g using (signal_id) where l.is_opted_out and g.is_passive and not s.is_excluded",
    )
    kept_hand_raises = scalar(
        built_db,
        "select count(*) from marts.fct_intent_signals s join marts.dim_leads l using (lead_key) "
        "join config.intent_signals g using (signal_id) where l.is_opted_out and not g.is_passive and not s.is_excluded",
    )
    assert excluded_passive > 0 and kept_hand_raises > 0 and scored_passive_of_opted_out == 0
    assert scalar(
        built_db, "select count(*) from marts.dim_leads where is_opted_out and intent_exclusion_reason is null"
    ) == 0


def test_moving_as_of_forward_never_raises_intent_without_new_events(built_db: Path, tmp_path: Path) -> None:
    earlier = database_path(tmp_path, "earlier")
    shutil.copy(built_db, earlier)
    # a past as_of is a full refresh of the incremental activity (an incremental run refuses to rewind)
    build(earlier, tmp_path / "target", ("run", "--full-refresh", "--select", "+dim_leads"), as_of=EARLIER_AS_OF)
    assert scalar(earlier, "select max(occurred_at) from marts.fct_intent_signals") <= scalar(
        earlier, f"select timestamp '{EARLIER_AS_OF}'"
    )
    before = dict(query(earlier, "select lead_key, intent_score from marts.dim_leads"))
    after = dict(query(built_db, "select lead_key, intent_score from marts.dim_leads"))
    with_new_events = {
        row[0]
        for row in query(
            built_db,
            f"select distinct lead_key from marts.fct_intent_signals where occurred_at > timestamp '{EARLIER_AS_OF}'",
        )
    }
    compared = [key for key in before if key in after and key not in with_new_events]
    assert len(compared) > 1000
    raised = [(key, before[key], after[key]) for key in compared if after[key] > before[key] + 1e-6]
    assert not raised, f"intent rose without new events: {raised[:5]}"
    assert any(after[key] < before[key] for key in compared), "expected decay to lower some scores"


def test_scoring_seeds_match_the_recorded_version() -> None:
    """Changing a weight changes the version: the seeds' checksum is recorded per version."""
    assert_seeds_match_recorded_version(SCORING_SEEDS, CHECKSUMMED_SEEDS, "scoring_model_versions")


@pytest.mark.parametrize("model", ["fct_fit_score_components", "fct_intent_signals", "dim_leads"])
def test_every_score_row_carries_the_model_version(built_db: Path, model: str) -> None:
    versions = {row[0] for row in query(built_db, f"select distinct scoring_model_version from marts.{model}")}
    assert len(versions) == 1 and None not in versions


def test_benchmark_cli_reports_a_ratio(built_db: Path) -> None:
    """Smoke test of the benchmark entry point (timings are reported, never asserted)."""
    from leadflow_tools.benchmark import run

    result = run(built_db, "2026-11-01 00:00:00", repeat=1, progress=lambda _line: None)
    assert result.events_scored == scalar(built_db, "select count(*) from marts.fct_intent_signals")
    assert result.persons == scalar(built_db, "select count(distinct lead_key) from marts.fct_intent_signals")
    assert result.full_ratio > 0 and result.daily_ratio is None


def test_build_benchmark_times_every_step_and_writes_json(tmp_path: Path) -> None:
    """scripts/benchmark.py end to end on tiny data: generate, full and daily builds, parses, intent vs bare."""
    database = tmp_path / "bench.duckdb"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--leads", "300", "--events-per-lead", "5",
         "--database", str(database), "--intent-repeat", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    result = json.loads((ROOT / "target" / "benchmark" / "build_300x5_duckdb.json").read_text())
    steps = {step["name"]: step for step in result["steps"]}
    dbt_steps = {"full build", "daily incremental build", "full parse", "partial parse"}
    assert set(steps) == dbt_steps | {"generate data", "dbt import (floor)"} and result["completed"] is True
    assert all(step["returncode"] == 0 and not step["failed_nodes"] for step in result["steps"])
    assert all(steps[name]["seconds"] > 0 and steps[name]["peak_rss_mb"] > 0 for name in dbt_steps)
    assert steps["daily incremental build"]["intent_models_seconds"] > 0
    for name in ("full parse", "partial parse"):  # dbt's own parse phase is a part of the step's wall time
        assert 0 < steps[name]["dbt_parse_seconds"] < steps[name]["seconds"]
    assert steps["full build"]["dbt_parse_seconds"] is None
    assert "partial parse: dbt's parse phase" in completed.stdout
    assert steps["full build"]["slowest_models"] and result["intent_full_ratio"] > 0 and result["intent_daily_ratio"] > 0
    # how busy dbt kept the cores, and the chain of nodes that decided when each build ended: it
    # steps back to a node that read only raw sources (a base model) or a seed
    manifest = json.loads((ROOT / "target" / "benchmark" / "300x5_duckdb" / "manifest.json").read_text())
    by_name = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] in {"model", "seed"}}
    for name in ("full build", "daily incremental build"):
        step = steps[name]
        assert step["cpu_seconds"] > 0 and step["cores"] >= 1 and 0 < step["cpu_share"] <= 1.05
        path = step["critical_path"]
        assert len(path) > 3 and path[-1]["finished"] <= step["seconds"]
        first = by_name[path[0]["name"]]
        assert all(parent.startswith("source.") for parent in first["depends_on"].get("nodes", [])), path[0]
    assert "critical path:" in completed.stdout and "CPU seconds" in completed.stdout
    assert "daily incremental build" in completed.stdout and "ratio" in completed.stdout
    # the daily run saw rows the full build had not: a day of arrivals by the loaders' stamps, late ones among them
    assert sum(result["daily_rows_landed"].values()) > 0 and result["daily_rows_landed"]["raw_segment.pages"] > 0
    assert all(result["daily_late_rows"][name] <= rows for name, rows in result["daily_rows_landed"].items()
               if name in result["daily_late_rows"])
    assert result["duckdb_settings"]["memory_limit"]
    # the benchmark's own process (generation, landing rows, read count, intent comparison) is measured too
    assert result["own_peak_rss_mb"] > 0 and "benchmark's own process" in completed.stdout
    # the daily run's reads, counted from DuckDB's own plans: the landed page views were read
    assert result["daily_rows_scanned"]["raw_segment.pages"] >= result["daily_rows_landed"]["raw_segment.pages"]
    assert set(result["daily_rows_scanned"]) <= set(result["raw_table_rows"]) and result["daily_rows_scanned_by_node"]
    # event versions are ranked in the incremental base models: the daily run re-reads the days its
    # arrivals fall on (late ones up to three days back), not two years of page views and tracks
    for table in ("raw_segment.pages", "raw_segment.tracks"):
        assert result["daily_rows_scanned"][table] < result["raw_table_rows"][table] / 4, (table, result["daily_rows_scanned"])
    # nodes are named, data tests without dbt's hash suffix
    names = [name for step in result["steps"] for name, _ in step["slowest_models"]]
    assert names and not any(re.search(r"\.[0-9a-f]{10}$", name) or re.fullmatch(r"[0-9a-f]{10}", name) for name in names)


def test_build_benchmark_reports_a_failed_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dbt step that fails stops the benchmark with exit code 1, but the JSON and the report keep
    what was measured up to it, and name the failed nodes (a 10M run that stops after an hour)."""
    from leadflow_tools import benchmark_build as bench

    def fake_step(name: str, args: list[str], *_rest: object) -> object:
        ran.append(name)
        if name != "daily incremental build":
            return bench.Step(name, 60.0, 900.0, [("base_segment__pages", 20.0)])
        failed = bench.failed_nodes([
            {"unique_id": "model.leadflow.int_lifecycle__crm_events", "status": "error",
             "message": "Out of Memory Error: failed to pin block\nmore detail"},
            {"unique_id": "test.leadflow.unique_dim_leads_lead_key.0123456789", "status": "fail", "message": "Got 2 results"},
            {"unique_id": "model.leadflow.dim_leads", "status": "skipped", "message": None},
            {"unique_id": "model.leadflow.stg_segment__pages", "status": "success", "message": "OK"},
        ])
        return bench.Step(name, 30.0, 950.0, [], None, None, 1, failed)

    ran: list[str] = []
    monkeypatch.setattr(bench, "_dbt_step", fake_step)
    monkeypatch.setattr(bench, "_generated_matches", lambda *_args: True)
    monkeypatch.setattr(bench, "withhold_rows_arrived_after", lambda *_args: ({"raw_segment.pages": 5}, {}))
    monkeypatch.setattr(bench, "land_withheld_rows", lambda *_args: {"raw_segment.pages": 5})
    monkeypatch.setattr(bench, "duckdb_settings", lambda *_args: {"memory_limit": "1GB"})
    code = bench.main(["--leads", "7", "--events-per-lead", "3", "--database", str(tmp_path / "x.duckdb"),
                       "--intent-repeat", "1"])
    assert code == 1 and ran == ["full build", "daily incremental build"]  # no parse, no intent comparison
    result = json.loads((ROOT / "target" / "benchmark" / "build_7x3_duckdb.json").read_text())
    assert result["completed"] is False and result["own_peak_rss_mb"] > 0 and result["bare_aggregate_seconds"] is None
    daily = result["steps"][1]
    assert daily["returncode"] == 1 and daily["failed_nodes"] == [
        ["int_lifecycle__crm_events", "Out of Memory Error: failed to pin block"],
        ["unique_dim_leads_lead_key", "Got 2 results"],
    ]
    text = bench.report(bench.BuildBenchmark(7, 3, "duckdb", "x", [bench.Step(**step) for step in result["steps"]],
                                             completed=False))
    assert "FAILED (exit 1)" in text and "int_lifecycle__crm_events: Out of Memory Error" in text
    assert "were not run" in text


def test_intent_running_sums_equal_the_direct_decayed_sum(built_db: Path, tmp_path: Path) -> None:
    """leadflow.intent_points_at (per-half-life running sums, linear in a person's events) against
    leadflow.intent_points_at_direct (every moment joined with every earlier event): the intent at
    every scored event's instant, the moments int_scoring__qualifications evaluates; keyed by a
    moment key (routing, SLA) and by (lead_key, moment) alone; and leadflow.intent_points_at_events
    (the running sums over the events alone, at the instants of counted events: qualifications)."""
    comparison = """
        with moments as (
            select distinct lead_key || ':' || cast(occurred_at as varchar) as moment_key, lead_key,
                occurred_at as moment_at
            from {{ ref('int_intent__signal_events') }}
        ),
        running_sums as ({{ leadflow.intent_points_at('moments', 'moment_key', 'moment_at') }}),
        direct as ({{ leadflow.intent_points_at_direct('moments', 'moment_key', 'moment_at') }}),
        unkeyed as ({{ leadflow.intent_points_at('moments', none, 'moment_at') }}),
        people as (select distinct lead_key from moments),
        at_events as ({{ leadflow.intent_points_at_events('people') }}),
        counted_instants as (
            select count(*) as instants from (
                select distinct lead_key, occurred_at from {{ ref('int_intent__signal_events') }}
                where not is_excluded and counted_points > 0
            ) as instants
        )
        select
            count(*) as moments,
            max(abs(coalesce(at_events.intent_points, 0) - coalesce(direct.intent_points, 0)))
                filter (where at_events.lead_key is not null) as max_difference_at_events,
            sum(case when at_events.lead_key is not null and {{ leadflow.intent_score('at_events.intent_points') }}
                <> {{ leadflow.intent_score('direct.intent_points') }} then 1 else 0 end) as differing_scores_at_events,
            count(at_events.lead_key) as at_events_rows,
            max(counted_instants.instants) as counted_instants,
            max(abs(coalesce(running_sums.intent_points, 0) - coalesce(direct.intent_points, 0))) as max_difference,
            sum(case when {{ leadflow.intent_score('running_sums.intent_points') }}
                <> {{ leadflow.intent_score('direct.intent_points') }} then 1 else 0 end) as differing_scores,
            max(abs(coalesce(unkeyed.intent_points, 0) - coalesce(direct.intent_points, 0))) as max_difference_unkeyed,
            count(unkeyed.lead_key) as unkeyed_rows
        from moments
        left join running_sums on moments.moment_key = running_sums.moment_key
        left join direct on moments.moment_key = direct.moment_key
        left join unkeyed on moments.lead_key = unkeyed.lead_key and moments.moment_at = unkeyed.moment_at
        left join at_events on moments.lead_key = at_events.lead_key and moments.moment_at = at_events.occurred_at
        cross join counted_instants
    """
    from leadflow_tools.dbt import run_dbt

    result = run_dbt(
        ["show", "--inline", comparison, "--output", "json", "--quiet"], built_db, {"as_of": "2026-11-01 00:00:00"},
        target_path=tmp_path / "target",
    )
    row = json.loads(result.output[result.output.index("{"):])["show"][0]
    assert row["moments"] > 50_000
    assert row["max_difference"] < 1e-9 and row["differing_scores"] == 0, row
    assert row["max_difference_unkeyed"] < 1e-9 and row["unkeyed_rows"] == row["moments"], row
    # the events-only form (int_scoring__qualifications): one row per instant of a counted event
    assert row["at_events_rows"] == row["counted_instants"] > 10_000, row
    assert row["max_difference_at_events"] < 1e-9 and row["differing_scores_at_events"] == 0, row
