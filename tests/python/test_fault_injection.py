"""The fault-injection campaign (scripts/fault_injection.py): no duplicate, no lost record, every fault fired.

The test runs the WHOLE campaign (every scenario of leadflow_tools.faults.campaign.scenarios()), two
scenarios at a time (--jobs 2): 50-60 s on this 2-core machine when idle, about 80 s while a dbt build
runs alongside (about 100 s one at a time, hence --jobs 2 rather than a subset). Each
scenario is still alone with its warehouse copy and fake CRM, so running two at once changes no count.
Then it checks the measuring itself on a hand-written history: a campaign that can only say 0 proves nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leadflow_tools.faults.campaign import KILLED, expected_values, main, measure, scenarios
from leadflow_tools.faults.fake_crm import Sandbox


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = tmp_path_factory.mktemp("campaign") / "campaign.json"
    code = main(["--jobs", "2", "--json", str(report)])
    data: dict[str, Any] = json.loads(report.read_text())
    data["cli_exit"] = code
    return data


def test_every_scenario_ends_with_no_duplicate_and_no_lost_record(campaign: dict[str, Any]) -> None:
    results = campaign["scenarios"]
    assert [s["name"] for s in results] == [s.name for s in scenarios()]  # the whole campaign, in order
    assert len(results) >= 30
    bad = [(s["name"], s["duplicates"], s["duplicate_ids"][:3], s["lost"], s["lost_ids"][:3]) for s in results
           if s["duplicates"] or s["lost"]]
    assert bad == []
    assert campaign["totals"]["duplicates"] == 0 and campaign["totals"]["lost"] == 0
    for s in results:
        assert s["expected"] == 1050 and s["delivered"] == 1050, s["name"]
        assert s["final_exit"] == 0 and s["pending_left"] == 0 and s["problems"] == [], s["name"]
        assert s["written"] >= s["expected"], s["name"]
    assert campaign["exit_code"] == 0 and campaign["cli_exit"] == 0


def test_every_scenario_really_injected_its_fault(campaign: dict[str, Any]) -> None:
    for s in campaign["scenarios"]:
        if s["baseline"]:
            assert s["fired"] == {} and [r["exit_code"] for r in s["runs"]] == [0], s["name"]
            continue
        assert sum(s["fired"].values()) > 0, f"{s['name']}: no fault fired"
        assert s["unfired"] == [], f"{s['name']}: faults never reached: {s['unfired']}"
        assert s["injected"], s["name"]
        crm_faults = [key for key in s["fired"] if not key.startswith("warehouse:")]
        if s["name"] != "consent-change-between-runs":  # a warehouse change, no CRM fault
            assert crm_faults, s["name"]
            assert s["runs"][0]["exit_code"] != 0, f"{s['name']}: the fault changed nothing in the first run"


def test_killed_runs_were_killed_and_reruns_needed_no_payload_file(campaign: dict[str, Any]) -> None:
    kills = [s for s in campaign["scenarios"] if s["name"].startswith("kill-")]
    assert len(kills) >= 16
    for crm in ("hubspot", "salesforce"):
        names = [s["name"] for s in kills if s["name"].startswith(f"kill-{crm}")]
        assert any(n.endswith("-before") for n in names) and any(n.endswith("-after") for n in names)
        assert len({n.rsplit("-", 1)[0] for n in names}) >= 3  # several request positions per CRM
    for s in kills:
        scripted_kills = 2 if s["name"] == "kill-twice-hubspot" else 1
        assert [r["exit_code"] for r in s["runs"][:scripted_kills]] == [KILLED] * scripted_kills, s["name"]
        assert any(key.endswith(("crash", "crash_after_apply")) for key in s["fired"]), s["name"]


def test_a_record_resent_with_changed_values_is_no_duplicate(campaign: dict[str, Any]) -> None:
    by_name = {s["name"]: s for s in campaign["scenarios"]}
    between = by_name["consent-change-between-runs"]
    assert between["written"] == 1050 + 9 and between["duplicates"] == 0  # 3 records per model sent again
    held = by_name["consent-change-while-held"]
    assert held["written"] == 1050 + 3 and held["duplicates"] == 0


def test_the_measure_counts_identical_rewrites_and_unfinished_records(tmp_path: Path) -> None:
    with Sandbox(tmp_path) as box:
        expected = expected_values(box.database)
        (first, first_values), (second, second_values), (third, _) = list(expected.items())[:3]
        for key, values in expected.items():
            if key != second:
                box.crm._write(*key, values)
        box.crm._write(*first, first_values)  # identical values again: a duplicate
        box.crm._write(*second, {**second_values, list(second_values)[-1]: "older"})  # older values, then the model's:
        box.crm._write(*second, second_values)  # resent because its values changed, no duplicate
        del box.crm.values[third]  # never delivered
        result = measure(box, scenarios()[0], [], [], 0.0)
    assert (result.expected, result.delivered, result.lost, result.duplicates) == (1050, 1049, 1, 1)
    assert result.duplicate_ids == [":".join(first)] and result.lost_ids == [":".join(third)]
    assert result.extra_writes == 1 and not result.ok


def test_help_explains_what_is_measured(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for words in ("duplicates", "lost", "SIGKILL", "--settle-after-seconds 0", "--json", "Exit status"):
        assert words in out
    assert main(["--list", "--only", "kill-*"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("kill-")]
    assert len(listed) == len([s for s in scenarios() if s.name.startswith("kill-")])
