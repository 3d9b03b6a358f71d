"""Incremental models equal a full refresh: 30 days replayed with events arriving up to 3 days late.

scripts/simulate_incremental.py generates 800 leads x 20 events, shows dbt each day only the event
rows whose loader stamp is at or before that day's as_of (15% of rows loaded hours to three days
late, late identify calls included, so old anonymous views get re-attributed; a tenth of event
rows reaching the warehouse 20 hours after their stamp, which only the base models' arrival
lookback covers: with raw_arrival_lookback_hours 0 the replay differs by 192 rows), runs the incremental models day by day, then
builds everything and compares every mart with a --full-refresh build over the same raw tables,
and again after running the last day a second time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, database_path, execute, query, scalar
from leadflow_tools.benchmark_build import rows_scanned
from leadflow_tools.compare import difference, table_columns
from leadflow_tools.dbt import run_dbt
from leadflow_tools.incremental import compare_databases


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
    assert {
        "intermediate.int_intent__activity", "marts.dim_leads", "marts.fct_intent_signals",
        "intermediate.int_lifecycle__spells", "marts.fct_lead_stage_history",
        "intermediate.int_scoring__fit_components", "intermediate.int_scoring__fit",
    } <= relations
    assert all(d["rows"] > 0 for d in diffs), [d for d in diffs if d["rows"] == 0]
    differing = [d for d in diffs if d["only_incremental"] or d["only_full_refresh"]]
    assert differing == []


def test_a_rerun_after_people_opted_out_and_a_killed_run_still_equal_a_full_refresh(
    simulation: tuple[Path, dict[str, object]],
) -> None:
    """Orchestrators rerun failed days at the same as_of: on day 10, 25 leads opt out after the
    run and the day runs again (the handle history takes a second revision at that stamp); on
    day 20 the run is SIGKILLed after 4 models and run again. The incremental models' unique-key
    tests pass afterwards (the simulation runs them) and the marts still equal a full refresh."""
    _, report = simulation
    assert report["changed_rerun_day"] == 10 and report["opted_out_on_rerun"] == 25
    assert report["killed_day"] == 20 and int(report["models_done_before_kill"]) >= 4  # type: ignore[call-overload]
    diffs = report["diffs"]
    assert isinstance(diffs, list) and [d for d in diffs if d["only_incremental"] or d["only_full_refresh"]] == []


def test_running_the_same_day_twice_changes_nothing(simulation: tuple[Path, dict[str, object]]) -> None:
    _, report = simulation
    reruns = report["rerun_diffs"]
    assert isinstance(reruns, list) and reruns
    assert [d for d in reruns if d["only_incremental"] or d["only_full_refresh"]] == []


@pytest.mark.parametrize(
    ("model", "says"),
    [
        # the run guard refuses before anything is built
        ("int_intent__activity", ("cannot rewind time", "--full-refresh", "Nothing was built")),
        # base_segment__pages judged its rows at 2026-11-01: at an earlier as_of rows it staged would
        # be in the future, and only a full refresh re-judges every day
        ("base_segment__pages", ("base_segment__pages", "cannot rewind time", "--full-refresh")),
    ],
)
def test_an_incremental_run_refuses_to_rewind_time(
    simulation: tuple[Path, dict[str, object]], model: str, says: tuple[str, ...]
) -> None:
    workdir, _ = simulation
    result = run_dbt(
        ["run", "--select", model],
        workdir / "incremental" / "leadflow.duckdb",
        {"as_of": "2026-10-15 00:00:00"},
        target_path=workdir / f"target-rewind-{model}",
        check=False,
    )
    assert result.returncode != 0 and "OK created" not in result.output
    assert all(text in result.output for text in says), result.output[-3000:]


def test_an_event_quarantined_as_future_stages_once_as_of_reaches_it(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """A page view stamped days ahead of its arrival (a device clock) is quarantined as
    future_timestamp. When as_of reaches it, the incremental run must judge it again and stage it,
    as a full refresh would, although the only new arrival then is a later event on a later day,
    stamped more than the arrival lookback after it (so nothing reads the row from raw again)."""
    workdir, _ = simulation
    database = database_path(tmp_path, "future")
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)
    arrivals = [
        ("page-from-the-future", "2026-11-04 12:00:00", "2026-11-01 23:00:00", "2026-11-02 00:00:00"),
        ("page-the-day-after", "2026-11-05 00:30:00", "2026-11-05 00:31:00", "2026-11-05 01:00:00"),
    ]
    outcomes = []
    for page_id, happened, received, as_of in arrivals:
        execute(
            database,
            f"insert into raw_segment.pages by name select '{page_id}' as id, 'anon-future' as anonymous_id, "
            f"'/pricing' as path, timestamp '{happened}' as \"timestamp\", timestamp '{received}' as received_at"
        )
        run_dbt(["run", "--select", "base_segment__pages"], database, {"as_of": as_of}, target_path=tmp_path / "target")
        outcomes.append(scalar(database, "select _row_outcome from staging.base_segment__pages where id = 'page-from-the-future'"))
    assert outcomes == ["future_timestamp", "staged"]


def test_an_appending_table_merges_the_rows_stamped_since_its_last_run_exactly(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """Segment only appends, so base_segment__pages reads the rows stamped after its newest stamp
    minus the lookback, and nothing else of the raw table, and merges them into the stored
    versions: a copy of a weeks-old message delivered today adds one superseded version to the
    stored event; a copy landing late inside the lookback, of a message read yesterday, is counted
    once although the next run reads both again; an exact copy counts as a version, a keyless row
    stays one row. Two runs over the same raw rows change nothing, the model equals a full
    refresh, and a run with another lookback than the stored counts were made for refuses."""
    workdir, report = simulation
    as_of = {"as_of": str(report["last_as_of"])}
    database = database_path(tmp_path, "appended")
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)
    newest = scalar(database, "select max(_newest_arrival) from staging.base_segment__pages")
    old_id, recent_id, copied_id = (
        scalar(database, "select min(id) from staging.base_segment__pages "
                         f"where _newest_arrival < timestamp '{newest}' - interval 10 day and _superseded_versions = 0"),
        scalar(database, "select min(id) from staging.base_segment__pages "
                         f"where _newest_arrival > timestamp '{newest}' - interval 6 hour and _superseded_versions = 0"),
        scalar(database, "select max(id) from staging.base_segment__pages "
                         f"where _newest_arrival > timestamp '{newest}' - interval 12 hour and _superseded_versions = 0"),
    )
    assert None not in (old_id, recent_id, copied_id) and recent_id != copied_id

    def land(select: str) -> None:
        execute(database, f"insert into raw_segment.pages {select}")

    land(f"select * replace (timestamp '{newest}' + interval 1 hour as received_at) "
         f"from raw_segment.pages where id = '{old_id}'")
    land(f"select * replace (timestamp '{newest}' - interval 1 hour as received_at) "
         f"from raw_segment.pages where id = '{recent_id}'")
    land(f"select * from raw_segment.pages where id = '{copied_id}'")
    land("by name select null as id, 'anon-keyless' as anonymous_id, '/pricing' as path, "
         f"timestamp '{newest}' as \"timestamp\", timestamp '{newest}' + interval 2 hour as received_at")

    def versions() -> list[tuple[object, ...]]:
        return query(database, "select id, _superseded_versions from staging.base_segment__pages "
                               f"where id in ('{old_id}', '{recent_id}', '{copied_id}') or anonymous_id = 'anon-keyless' "
                               "order by id nulls first")

    expected = sorted([(old_id, 1), (recent_id, 1), (copied_id, 1)], key=lambda row: str(row[0]))
    since = datetime.fromisoformat(str(newest)) - timedelta(hours=24)
    for _ in range(2):
        run_dbt(["run", "--select", "base_segment__pages"], database, as_of, target_path=tmp_path / "target")
        assert versions() == [(None, 0), *expected]
        read, _ = rows_scanned(database, tmp_path / "target")
        stamped_since = scalar(database, "select count(*) from raw_segment.pages "
                                         f"where received_at > timestamp '{since}'")
        assert read == {"raw_segment.pages": stamped_since}
        since = datetime.fromisoformat(str(newest)) + timedelta(hours=2) - timedelta(hours=24)

    reference = database_path(tmp_path, "appended_full_refresh")
    shutil.copy(database, reference)
    run_dbt(["run", "--full-refresh", "--select", "base_segment__pages"], reference, as_of,
            target_path=tmp_path / "target")
    assert _rows_only_in_each(database, reference, "staging.base_segment__pages") == (0, 0)

    changed = run_dbt(["run", "--select", "base_segment__pages"], database, {**as_of, "raw_arrival_lookback_hours": 6},
                      target_path=tmp_path / "target", check=False)
    assert changed.returncode != 0
    assert "raw_arrival_lookback_hours changed" in changed.output
    assert "--full-refresh -s base_segment__pages+" in changed.output


def test_a_raw_row_an_incremental_run_missed_is_unaccounted_in_the_reconciliation(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """The row audit reads an event table's base model, so the reconciliation counts the raw table
    itself: a page view loaded with a stamp older than the arrival lookback (an incremental run
    cannot see it) is one unaccounted row, and the singular test names the table; a page view that
    lands after the base model ran (a loader writing while dbt runs) is not counted yet; a
    --full-refresh of the base model accounts for both."""
    workdir, report = simulation
    as_of = {"as_of": str(report["last_as_of"])}
    database = database_path(tmp_path, "missed")
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)

    def land(page_id: str, received: str) -> None:
        execute(
            database,
            f"insert into raw_segment.pages by name select '{page_id}' as id, 'anon-missed' as anonymous_id, "
            f"'/pricing' as path, timestamp '2026-10-20 12:00:00' as \"timestamp\", {received} as received_at"
        )

    def unaccounted() -> object:
        return scalar(
            database,
            "select unaccounted_rows from marts.audit_row_reconciliation where source_table = 'raw_segment.pages'",
        )

    land("page-stamped-too-early", "timestamp '2026-10-20 12:05:00'")
    run_dbt(["run", "--select", "base_segment__pages", "int_audit__row_outcomes"], database, as_of,
            target_path=tmp_path / "target")
    assert scalar(database, "select count(*) from staging.base_segment__pages where id = 'page-stamped-too-early'") == 0
    land("page-landing-during-the-run", "(select max(received_at) + interval 1 hour from raw_segment.pages)")
    run_dbt(["run", "--select", "audit_row_reconciliation"], database, as_of, target_path=tmp_path / "target")
    assert unaccounted() == 1
    failed = run_dbt(["test", "--select", "assert_no_unaccounted_raw_rows"], database, as_of,
                     target_path=tmp_path / "target", check=False)
    assert failed.returncode != 0 and "Got 1 result" in failed.output, failed.output[-3000:]

    run_dbt(["run", "--full-refresh", "--select", "base_segment__pages", "int_audit__row_outcomes",
             "audit_row_reconciliation"], database, as_of, target_path=tmp_path / "target")
    assert unaccounted() == 0
    assert scalar(
        database,
        "select count(*) from staging.base_segment__pages "
        "where id in ('page-stamped-too-early', 'page-landing-during-the-run') and _row_outcome = 'staged'",
    ) == 2


def test_a_version_that_lost_to_an_older_stamped_one_is_accounted(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """Salesforce versions rank by SystemModstamp, not by the loader's stamp: a re-delivered task
    whose modstamp went backwards loses to the version already stored although Fivetran wrote it
    later. The row was read all the same, so the reconciliation counts it (the base model's
    _newest_arrival includes superseded versions): 0 unaccounted, not -1."""
    workdir, report = simulation
    as_of = {"as_of": str(report["last_as_of"])}
    database = database_path(tmp_path, "backwards")
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)
    con = duckdb.connect(str(database))
    try:
        task_id = con.execute(
            "select id from staging.base_salesforce__tasks where _row_outcome = 'staged' "
            "and _superseded_versions = 0 and system_modstamp is not null order by _fivetran_synced desc, id limit 1"
        ).fetchone()
        assert task_id is not None
        con.execute(
            "insert into raw_salesforce.task select * replace ("
            "system_modstamp - interval 1 hour as system_modstamp, "
            "(select max(_fivetran_synced) + interval 1 minute from raw_salesforce.task) as _fivetran_synced) "
            "from raw_salesforce.task where id = ? order by _fivetran_synced desc limit 1",
            [task_id[0]],
        )
    finally:
        con.close()
    run_dbt(["run", "--select", "base_salesforce__tasks", "int_audit__row_outcomes", "audit_row_reconciliation"],
            database, as_of, target_path=tmp_path / "target")
    winner = query(database, "select _superseded_versions, _fivetran_synced < _newest_arrival "
                             f"from staging.base_salesforce__tasks where id = '{task_id[0]}'")
    assert winner == [(1, True)]  # the stored version still wins, and the model knows a later stamp
    assert scalar(database, "select unaccounted_rows from marts.audit_row_reconciliation "
                            "where source_table = 'raw_salesforce.task'") == 0
    # the next run starts its window from that later stamp (minus the lookback) and changes nothing
    run_dbt(["run", "--select", "base_salesforce__tasks", "int_audit__row_outcomes", "audit_row_reconciliation"],
            database, as_of, target_path=tmp_path / "target")
    assert query(database, "select _superseded_versions, _fivetran_synced < _newest_arrival "
                           f"from staging.base_salesforce__tasks where id = '{task_id[0]}'") == winner
    assert scalar(database, "select unaccounted_rows from marts.audit_row_reconciliation "
                            "where source_table = 'raw_salesforce.task'") == 0
    # a base model built before the column existed: a clear refusal naming the rebuild, not a binder error
    execute(database, "alter table staging.base_salesforce__tasks drop column _newest_arrival")
    outdated = run_dbt(["run", "--select", "base_salesforce__tasks"], database, as_of,
                       target_path=tmp_path / "target", check=False)
    assert outdated.returncode != 0
    assert "has no _newest_arrival column" in outdated.output
    assert "--full-refresh -s base_salesforce__tasks+" in outdated.output


def test_a_crm_base_model_re_ranks_by_key_what_arrived_or_moved_with_as_of(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """A CRM table's base model replaces rows by record key (macros/raw_versions.sql): a new
    version of a stored lead replaces its row (still one row for the key, one more superseded
    version, the new values); a lead quarantined as future stages once as_of reaches it although
    nothing new arrived for it (no arrival lookback here); a tied version landing beside a stored
    winner is kept beside it; and the model then equals a full refresh over the same raw rows."""
    workdir, report = simulation
    as_of = str(report["last_as_of"])
    # five days on: past the future lead's creation and tolerance, inside the guard on as_of
    later = str(datetime.fromisoformat(as_of) + timedelta(days=5))
    database = database_path(tmp_path, "records")
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)
    lead_id, superseded = query(
        database,
        "select id, _superseded_versions from staging.base_salesforce__leads where _row_outcome = 'staged' "
        "and system_modstamp is not null order by _newest_arrival desc, id limit 1",
    )[0]
    newest = "(select max(_fivetran_synced) + interval 1 minute from raw_salesforce.lead)"
    execute(
        database,
        "insert into raw_salesforce.lead select * replace ('changed@example.com' as email, "
        "system_modstamp + interval 1 minute as system_modstamp, "
        f"{newest} as _fivetran_synced) "
        f"from raw_salesforce.lead where id = '{lead_id}' order by system_modstamp desc limit 1",
    )
    execute(
        database,
        "insert into raw_salesforce.lead select * replace ('lead-from-the-future' as id, "
        f"timestamp '{as_of}' + interval 3 day as created_date, {newest} as _fivetran_synced) "
        f"from raw_salesforce.lead where id = '{lead_id}' order by system_modstamp desc limit 1",
    )
    lookback = {"raw_arrival_lookback_hours": 0}

    def rows_of(record: str) -> list[tuple[object, ...]]:
        return query(
            database,
            "select _row_outcome, _superseded_versions, email from staging.base_salesforce__leads "
            f"where _record_key = '{record}' order by _row_outcome",
        )

    run_dbt(["run", "--select", "base_salesforce__leads"], database, {"as_of": as_of, **lookback},
            target_path=tmp_path / "target")
    assert rows_of(lead_id) == [("staged", superseded + 1, "changed@example.com")]
    assert rows_of("lead-from-the-future") == [("future_timestamp", 0, "changed@example.com")]

    # nothing new landed: the future lead is re-read because its outcome depends on as_of
    run_dbt(["run", "--select", "base_salesforce__leads"], database, {"as_of": later, **lookback},
            target_path=tmp_path / "target")
    assert rows_of("lead-from-the-future") == [("staged", 0, "changed@example.com")]

    # the same stamps as the stored winner, another email: a tied version (read within the
    # default lookback, its stamp being the newest stored), kept beside the winner
    execute(
        database,
        "insert into raw_salesforce.lead select * replace ('tied@example.com' as email) "
        f"from raw_salesforce.lead where id = '{lead_id}' order by _fivetran_synced desc limit 1",
    )
    run_dbt(["run", "--select", "base_salesforce__leads"], database, {"as_of": later},
            target_path=tmp_path / "target")
    assert [outcome for outcome, _, _ in rows_of(lead_id)] == ["staged", "tied_version"]

    reference = database_path(tmp_path, "records_full_refresh")
    shutil.copy(database, reference)
    run_dbt(["run", "--full-refresh", "--select", "base_salesforce__leads"], reference, {"as_of": later},
            target_path=tmp_path / "target")
    assert _rows_only_in_each(database, reference, "staging.base_salesforce__leads") == (0, 0)


def test_a_composite_key_and_a_keyless_row_are_re_read_exactly(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """HubSpot property history is keyed on (contact_id, name, timestamp): a re-delivered change
    with another value replaces the stored one by the whole key (one row, one more superseded
    version), and a row missing a key part (no property name) is kept once as missing_key,
    however many runs re-read it; the model then equals a full refresh."""
    workdir, report = simulation
    as_of = {"as_of": str(report["last_as_of"])}
    database = database_path(tmp_path, "composite")
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)
    contact_id, name, changed, superseded = query(
        database,
        "select contact_id, name, \"timestamp\", _superseded_versions "
        "from staging.base_hubspot__contact_property_history where _row_outcome = 'staged' "
        "order by _newest_arrival desc, _record_key limit 1",
    )[0]
    newest = "(select max(_fivetran_synced) + interval 1 minute from raw_hubspot.contact_property_history)"
    row = (f"from raw_hubspot.contact_property_history where contact_id = {contact_id} and name = '{name}' "
           f"and \"timestamp\" = timestamp '{changed}' order by _fivetran_synced desc limit 1")
    execute(database, "insert into raw_hubspot.contact_property_history select * replace "
                      f"('re-delivered value' as value, {newest} as _fivetran_synced) {row}")
    execute(database, "insert into raw_hubspot.contact_property_history select * replace "
                      f"(null as name, 'no property name' as value, {newest} as _fivetran_synced) {row}")

    def stored(where: str) -> list[tuple[object, ...]]:
        return query(database, "select _row_outcome, _superseded_versions, value "
                               f"from staging.base_hubspot__contact_property_history where {where}")

    for _ in range(2):
        run_dbt(["run", "--select", "base_hubspot__contact_property_history"], database, as_of,
                target_path=tmp_path / "target")
        assert stored(f"contact_id = {contact_id} and name = '{name}' and \"timestamp\" = timestamp '{changed}'") == [
            ("staged", superseded + 1, "re-delivered value")
        ]
        assert stored("value = 'no property name'") == [("missing_key", 0, "no property name")]

    reference = database_path(tmp_path, "composite_full_refresh")
    shutil.copy(database, reference)
    run_dbt(["run", "--full-refresh", "--select", "base_hubspot__contact_property_history"], reference, as_of,
            target_path=tmp_path / "target")
    assert _rows_only_in_each(database, reference, "staging.base_hubspot__contact_property_history") == (0, 0)


def test_an_incremental_run_refuses_a_changed_signal_pattern_set(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """int_intent__activity keeps only events some signal pattern matches: after a pattern
    changes, older events the new pattern matches are missing, so the run must stop."""
    workdir, _ = simulation
    database = database_path(tmp_path, "patterns")
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)
    as_of = {"as_of": "2026-11-02 00:00:00"}
    unchanged = run_dbt(["run", "--select", "int_intent__activity"], database, as_of,
                        target_path=tmp_path / "target", check=False)
    assert unchanged.returncode == 0, unchanged.output[-3000:]
    execute(database, "update config.intent_signals set match_pattern = '^/(blog|pricing)' where signal_id = 'pricing_page'")
    changed = run_dbt(["run", "--select", "int_intent__activity"], database, as_of,
                      target_path=tmp_path / "target", check=False)
    assert changed.returncode != 0
    assert "other intent signal patterns" in changed.output and "--full-refresh" in changed.output


def test_an_event_moving_between_two_people_is_rescored_on_both_sides(
    small_generated_db: Path, tmp_path: Path
) -> None:
    """The edge the 30-day replay does not produce: an old page view that resolved through its
    anonymous id to person Q gets a user id that a later identify ties to another person P.
    Only P's handles change; the incremental run must still take the view away from Q, and
    re-derive both people's routing decisions (the intent they had at each decision moment)."""
    incremental = database_path(tmp_path, "incremental")
    shutil.copy(small_generated_db, incremental)
    target = tmp_path / "target"
    day_one, day_two = "2026-10-31 00:00:00", "2026-11-01 00:00:00"
    selection = ["+fct_intent_signals", "+fct_routing_decisions"]
    run_dbt(["seed"], incremental, {"as_of": day_one}, target_path=target)
    run_dbt(["run", "--select", *selection], incremental, {"as_of": day_one}, target_path=target)
    # an old, scored, anonymous page view of Q, and a person P with a valid email
    view_id, owner = query(
        incremental,
        "select a.source_event_id, s.lead_key from intermediate.int_intent__activity a "
        "join intermediate.int_intent__scored_events s using (event_id) "
        "where a.source = 'page_view' and a.handle_id is null and s.counted_points > 0 "
        "and a.occurred_at < timestamp '2026-10-20' order by a.event_id limit 1",
    )[0]
    new_owner, email = query(
        incremental,
        "select lead_key, handle_id from intermediate.int_identity__event_handles "
        f"where handle_type = 'email' and lead_key != '{owner}' order by lead_key limit 1",
    )[0]
    execute(incremental, f"update raw_segment.pages set user_id = 'edge-user' where id = '{view_id}'")
    run_dbt(["run", "--select", *selection, "--full-refresh"], incremental, {"as_of": day_one},
            target_path=target)
    assert scalar(incremental, f"select lead_key from marts.fct_intent_signals where event_id = 'page_view:{view_id}'") == owner
    execute(
        incremental,
        "insert into raw_segment.identifies select * replace ("
        "'edge-identify' as id, 'edge-anonymous' as anonymous_id, 'edge-user' as user_id, "
        f"'{email}' as email, timestamp '2026-10-31 06:00:00' as \"timestamp\", "
        "timestamp '2026-10-31 06:00:00' as received_at) from raw_segment.identifies limit 1"
    )
    run_dbt(["run", "--select", *selection], incremental, {"as_of": day_two}, target_path=target)
    full = database_path(tmp_path, "full")
    shutil.copy(incremental, full)
    run_dbt(["run", "--select", *selection, "--full-refresh"], full, {"as_of": day_two}, target_path=target)

    assert query(full, f"select lead_key from marts.fct_intent_signals where event_id = 'page_view:{view_id}'") == [
        (new_owner,)
    ]
    diffs = compare_databases(incremental, full)
    compared = {d.relation for d in diffs}
    assert {"intermediate.int_intent__scored_events", "marts.fct_intent_signals",
            "intermediate.int_routing__decision_moments", "marts.fct_routing_decisions"} <= compared
    assert [d for d in diffs if d.only_incremental or d.only_full_refresh] == []



# The staging views int_intent__activity reads by day, with the column its window filters on.
WINDOWED_EVENT_VIEWS = {
    "stg_segment__pages": "occurred_at",
    "stg_segment__tracks": "occurred_at",
    "stg_hubspot__email_events": "occurred_at",
    "stg_hubspot__form_submissions": "submitted_at",
    "stg_salesforce__tasks": "created_at",
    "stg_salesforce__campaign_members": "created_at",
}


@pytest.mark.parametrize(("view", "event_time"), sorted(WINDOWED_EVENT_VIEWS.items()))
def test_a_day_filter_on_an_event_view_reaches_the_base_table_scan(built_db: Path, view: str, event_time: str) -> None:
    """The daily activity run reads a few days of each event view. The versions of an event table
    are ranked once, in its incremental base model (base_<source>__<entity>), so the view ranks
    nothing: DuckDB must apply the day filter while scanning the base table, and the plan must
    hold no window operator (no ranking of every version at read time) and no raw table."""
    # the view's last three days (a day outside the data would let the optimizer prune the scan)
    day = str(scalar(built_db, f"select cast(max({event_time}) as date) - 3 from staging.{view}"))
    plan = "\n".join(
        str(row[1])
        for row in query(built_db, f"explain select count(*) from staging.{view} where {event_time} >= date '{day}'")
    )
    base = view.replace("stg_", "base_", 1)
    scan = plan[plan.index(base):] if base in plan else ""
    assert "Window" not in plan and "raw_" not in plan and day in scan, plan


def _copy_of_the_replayed_database(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path, name: str
) -> tuple[Path, Path]:
    """A copy of the 30-day replay's incremental database to tamper with and run on (`name`), and
    the path its full-refresh reference is copied to later."""
    workdir, _ = simulation
    database = database_path(tmp_path, name)
    shutil.copy(workdir / "incremental" / "leadflow.duckdb", database)
    return database, database_path(tmp_path, f"{name}_full_refresh")


def _run_and_full_refresh_a_copy(
    model: str, database: Path, reference: Path, dbt_vars: Mapping[str, object], target: Path
) -> None:
    """Run `model` incrementally on `database`, then copy the result to `reference` and rebuild
    the model there with --full-refresh: the two are then compared."""
    run_dbt(["run", "--select", model], database, dict(dbt_vars), target_path=target)
    shutil.copy(database, reference)
    run_dbt(["run", "--select", model, "--full-refresh"], reference, dict(dbt_vars), target_path=target)


def _rows_only_in_each(left: Path, right: Path, table: str) -> tuple[int, int]:
    """(rows of `table` only in `left`, only in `right`), duplicates counted: leadflow_tools.compare's
    difference, as the replay compares (the lifecycle tables have no floating or run-stamp column)."""
    schema, name = table.split(".")
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        return difference(con, table_columns(con, "l", schema, name), f"l.{table}", f"r.{table}")
    finally:
        con.close()


def _assert_a_table_without_its_fingerprint_is_refused(
    database: Path, model: str, table: str, dbt_vars: Mapping[str, object], tmp_path: Path
) -> None:
    """A person-fingerprinted `model` (`table`) built before its inputs_fingerprint column: an
    incremental run refuses and names the full refresh, instead of a binder error."""
    execute(database, f"alter table {table} drop column inputs_fingerprint")
    outdated = run_dbt(["run", "--select", model], database, dict(dbt_vars),
                       target_path=tmp_path / "target", check=False)
    assert outdated.returncode != 0
    assert "has no inputs_fingerprint column" in outdated.output
    assert f"--full-refresh -s {model}+" in outdated.output


def test_the_lifecycle_history_is_re_derived_for_the_people_whose_facts_or_rules_changed(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """int_lifecycle__stage_moves re-derives a person when their input fingerprint changes: one
    person's CRM fact disappears, and only that person is re-derived (a stored row of another
    person, tampered with on purpose, survives the run); a changed var re-derives everyone; each
    time the table equals a full refresh. int_lifecycle__stage_changes and int_lifecycle__spells
    follow the people whose fingerprint changed there, the same way. A table built before the
    fingerprint column is refused."""
    database, reference = _copy_of_the_replayed_database(simulation, tmp_path, "lifecycle")
    as_of = {"as_of": "2026-11-01 00:00:00"}
    table = "intermediate.int_lifecycle__stage_changes"
    moves = "intermediate.int_lifecycle__stage_moves"
    spells = "intermediate.int_lifecycle__spells"
    changed, untouched = query(database, f"select lead_key from {table} group by lead_key having count(*) >= 3 "
                                         "order by lead_key limit 2")
    execute(
        database,
        # the changed person's latest move was never recorded
        "delete from intermediate.int_lifecycle__crm_events where source_event_id = ("
        f"select source_event_id from {table} where lead_key = '{changed[0]}' order by change_number desc limit 1)",
        f"update {moves} set skipped_stages = 'tampered' where lead_key = '{untouched[0]}'",
        f"update {table} set reason_raw = 'tampered' where lead_key = '{untouched[0]}'",
        f"update {spells} set source_value = 'tampered' where lead_key = '{untouched[0]}'",
    )
    moves_before = scalar(database, f"select count(*) from {table} where lead_key = '{changed[0]}'")

    def run_both(dbt_vars: Mapping[str, object]) -> None:
        run_dbt(["run", "--select", "int_lifecycle__stage_moves", "int_lifecycle__stage_changes", "int_lifecycle__spells"], database, dbt_vars,
                target_path=tmp_path / "target")
        shutil.copy(database, reference)
        run_dbt(["run", "--select", "int_lifecycle__stage_moves", "int_lifecycle__stage_changes", "int_lifecycle__spells", "--full-refresh"],
                reference, dbt_vars,
                target_path=tmp_path / "target")

    run_both(as_of)
    assert scalar(database, f"select count(*) from {table} where lead_key = '{changed[0]}'") == int(moves_before) - 1  # type: ignore[call-overload]
    assert scalar(database, f"select count(*) from {table} where reason_raw = 'tampered'") > 0  # type: ignore[operator]
    # apart from the tampered rows the full refresh rewrote, the incremental table is the full refresh
    only_reference, only_incremental = _rows_only_in_each(reference, database, table)
    assert only_reference == scalar(reference, f"select count(*) from {table} where lead_key = '{untouched[0]}'")
    assert only_incremental == only_reference
    assert scalar(database, f"select count(*) from {moves} where skipped_stages = 'tampered'") > 0  # type: ignore[operator]
    only_reference, only_incremental = _rows_only_in_each(reference, database, moves)
    assert only_reference == scalar(reference, f"select count(*) from {moves} where lead_key = '{untouched[0]}'")
    assert only_incremental == only_reference
    assert scalar(database, f"select count(*) from {spells} where source_value = 'tampered'") > 0  # type: ignore[operator]
    only_reference, only_incremental = _rows_only_in_each(reference, database, spells)
    assert only_reference == scalar(reference, f"select count(*) from {spells} where lead_key = '{untouched[0]}'")
    assert only_incremental == only_reference

    # a rule changed: every person is re-derived, the tampered rows included
    run_both({**as_of, "lifecycle_dedup_minutes": 0})
    assert scalar(database, f"select count(*) from {table} where reason_raw = 'tampered'") == 0
    assert _rows_only_in_each(reference, database, table) == (0, 0)
    assert scalar(database, f"select count(*) from {moves} where skipped_stages = 'tampered'") == 0
    assert _rows_only_in_each(reference, database, moves) == (0, 0)
    assert scalar(database, f"select count(*) from {spells} where source_value = 'tampered'") == 0
    assert _rows_only_in_each(reference, database, spells) == (0, 0)

    _assert_a_table_without_its_fingerprint_is_refused(database, "int_lifecycle__stage_changes", table, as_of, tmp_path)


def test_the_fit_is_re_derived_for_the_people_whose_profile_or_rules_changed(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """int_scoring__fit_components and int_scoring__fit re-derive a person when their fit input
    fingerprint changes: one person's title and company size change and their fit moves; only that
    person is re-derived (another person's stored rows, tampered with on purpose, survive the run);
    an edited fit rule re-derives everyone; each time both tables equal a full refresh. A table
    built before the fingerprint column is refused."""
    database, reference = _copy_of_the_replayed_database(simulation, tmp_path, "fit")
    as_of = {"as_of": "2026-11-01 00:00:00"}
    fit = "intermediate.int_scoring__fit"
    components = "intermediate.int_scoring__fit_components"
    models = ["int_scoring__fit_components", "int_scoring__fit"]
    (changed,), (untouched,) = query(database, f"""
        select fit.lead_key
        from {fit} as fit
        inner join intermediate.int_identity__lead_profiles as profiles on fit.lead_key = profiles.lead_key
        where fit.fit_score < 40 and not fit.has_disqualifier and profiles.seniority <> 'c_level'
            and coalesce(profiles.employee_count, 0) < 500
            and fit.lead_key in (select lead_key from {components})
        order by fit.lead_key
        limit 2""")
    score_before = scalar(database, f"select fit_score from {fit} where lead_key = '{changed}'")
    execute(
        database,
        # the changed person was promoted, and their company grew
        "update intermediate.int_identity__lead_profiles set title = 'Chief Executive Officer', "
        f"seniority = 'c_level', employee_count = 900 where lead_key = '{changed}'",
        f"update {fit} set fit_reasons = 'tampered' where lead_key = '{untouched}'",
        f"update {components} set rule_description = 'tampered' where lead_key = '{untouched}'",
    )

    def run_both() -> None:
        run_dbt(["run", "--select", *models], database, as_of, target_path=tmp_path / "target")
        shutil.copy(database, reference)
        run_dbt(["run", "--select", *models, "--full-refresh"], reference, as_of, target_path=tmp_path / "target")

    run_both()
    # c_level (+20) and 500+ employees (+15) now fire for the changed person, in place of at most
    # vp/director (+15) and 100-499 (+10): their fit went up
    assert scalar(database, f"select fit_score from {fit} where lead_key = '{changed}'") > score_before  # type: ignore[operator]
    assert scalar(database, f"select count(*) from {components} where lead_key = '{changed}' "
                            "and rule_id in ('seniority_c_level', 'size_500_plus')") == 2
    for table in (fit, components):
        tampered = "fit_reasons" if table == fit else "rule_description"
        assert scalar(database, f"select count(*) from {table} where {tampered} = 'tampered'") > 0  # type: ignore[operator]
        # apart from the tampered rows the full refresh rewrote, the incremental table is the full refresh
        only_reference, only_incremental = _rows_only_in_each(reference, database, table)
        assert only_reference == scalar(reference, f"select count(*) from {table} where lead_key = '{untouched}'")
        assert only_incremental == only_reference

    # a fit rule's description edited: every person is re-derived, the tampered rows included
    execute(database, "update config.fit_scoring_rules set description = description || ' (edited)' "
                      "where rule_id = 'seniority_c_level'")
    run_both()
    assert scalar(database, f"select count(*) from {components} where rule_description = 'C-level title (edited)'") > 0  # type: ignore[operator]
    for table in (fit, components):
        assert _rows_only_in_each(reference, database, table) == (0, 0)
    assert scalar(database, f"select count(*) from {fit} where fit_reasons = 'tampered'") == 0

    _assert_a_table_without_its_fingerprint_is_refused(database, "int_scoring__fit", fit, as_of, tmp_path)


def test_the_clock_start_states_are_re_derived_for_the_people_a_day_touched(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """int_sla__clock_start_states re-derives a person whose MQL starts differ from the stored ones
    anywhere in their history (a start moved an hour, a start that vanished) besides the people the
    decision-log rule names, and nobody else: a tampered row of a person neither names survives the
    run. Apart from that row the table equals a full refresh."""
    database, reference = _copy_of_the_replayed_database(simulation, tmp_path, "clocks")
    as_of = {"as_of": "2026-11-01 00:00:00"}
    states = "intermediate.int_sla__clock_start_states"
    since = "cast('2026-10-01' as timestamp)"
    # people with an MQL start whom nothing in the last month names (no move, owner change, sales
    # touch, rescored event or handle change): only the comparison of their starts can name them
    quiet = query(database, f"""
        select lead_key from {states}
        where lead_key not in (select lead_key from intermediate.int_lifecycle__stage_changes where changed_at >= {since})
            and lead_key not in (select lead_key from intermediate.int_routing__owner_changes where changed_at >= {since})
            and lead_key not in (select lead_key from intermediate.int_sla__sales_touches where touched_at >= {since})
            -- rescored in the last run (at this as_of)
            and lead_key not in (
                select lead_key from intermediate.int_intent__scored_events
                where scored_through >= cast('{as_of["as_of"]}' as timestamp))
            -- a handle of theirs changed person (the history's first snapshot is no change)
            and lead_key not in (
                select earlier.lead_key
                from intermediate.int_identity__handle_changes as earlier
                inner join intermediate.int_identity__handle_changes as later
                    on earlier.handle_type = later.handle_type and earlier.handle_id = later.handle_id
                where
                    later.changed_at >= {since} and earlier.lead_key is not null
                    and later.changed_at > (select min(changed_at) from intermediate.int_identity__handle_changes))
        group by lead_key
        order by lead_key
        limit 3""")
    assert len(quiet) == 3, quiet
    moved, vanished, untouched = (str(row[0]) for row in quiet)
    execute(
        database,
        "update intermediate.int_lifecycle__stage_changes set changed_at = changed_at - interval 1 hour "
        f"where lead_key = '{moved}' and lifecycle_stage = 'mql'",
        f"delete from intermediate.int_lifecycle__stage_changes where lead_key = '{vanished}' and lifecycle_stage = 'mql'",
        f"update {states} set owner_so_far = 'tampered' where lead_key = '{untouched}'",
    )
    _run_and_full_refresh_a_copy("int_sla__clock_start_states", database, reference, as_of, tmp_path / "target")

    assert scalar(database, f"select count(*) from {states} where lead_key = '{vanished}'") == 0
    assert scalar(database, f"""
        select count(*) from {states}
        inner join intermediate.int_lifecycle__stage_changes as moves
            on {states}.lead_key = moves.lead_key and {states}.change_number = moves.change_number
        where {states}.lead_key = '{moved}' and {states}.started_at = moves.changed_at""") == scalar(
        database, f"select count(*) from intermediate.int_lifecycle__stage_changes "
                  f"where lead_key = '{moved}' and lifecycle_stage = 'mql'")
    tampered = scalar(database, f"select count(*) from {states} where owner_so_far = 'tampered'")
    assert tampered == scalar(reference, f"select count(*) from {states} where lead_key = '{untouched}'")
    assert tampered > 0  # type: ignore[operator]
    assert _rows_only_in_each(reference, database, states) == (tampered, tampered)


def test_the_routing_history_skips_people_whose_events_were_only_rescored_with_their_day(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """int_intent__scored_events rescores the last days for everyone, from a day its own lookback
    counts (rescored_from); the routing models count theirs from their latest moment, a day later
    in the replay's last run. A person whose only rescored events lie in those days, with no move,
    owner change, sales touch or handle change since, keeps their stored routing moments (a
    tampered row survives: such people were a day of everyone, 153k people of a 1M daily run); a
    person with such an event and a move after it in those days is re-derived (the window starts
    at the earlier day). Apart from the tampered rows the table equals a full refresh."""
    database, reference = _copy_of_the_replayed_database(simulation, tmp_path, "routing_scope")
    as_of = {"as_of": "2026-11-01 00:00:00"}
    moments = "intermediate.int_routing__decision_moments"
    changes = "intermediate.int_lifecycle__stage_changes"
    scored = "intermediate.int_intent__scored_events"
    stamp = f"cast('{as_of['as_of']}' as timestamp)"
    rescored_from = scalar(database, f"select min(rescored_from) from {scored} where scored_through >= {stamp}")
    # the routing models' own window: 3 days (activity_lookback_days) before their latest moment's day
    window_start = scalar(database, f"select cast(max(decided_at) as date) - 3 from {moments}")
    assert rescored_from is not None and window_start is not None
    assert rescored_from < window_start, (rescored_from, window_start)  # type: ignore[operator]
    since = f"cast('{rescored_from}' as date)"
    named = f"""
        select lead_key from {changes} where changed_at >= {since}
        union select lead_key from intermediate.int_routing__owner_changes where changed_at >= {since}
        union select lead_key from intermediate.int_sla__sales_touches where touched_at >= {since}
        union select lead_key from {scored} where scored_through >= {stamp} and occurred_on < rescored_from
        union select lead_key from intermediate.int_identity__handle_changes
            where changed_at >= {since} and lead_key is not null"""
    # people with moments whose rescored events all lie in the days before the routing window,
    # and whom nothing else names; with their first such event
    quiet = query(database, f"""
        select events.lead_key, min(events.occurred_at)
        from {scored} as events
        where
            events.scored_through >= {stamp}
            and events.occurred_on >= events.rescored_from
            and events.occurred_on < cast('{window_start}' as date)
            and events.lead_key in (select lead_key from {moments})
            and events.lead_key in (select lead_key from {changes})
            and events.lead_key not in ({named})
        group by 1
        order by 1
        limit 2""")
    assert len(quiet) == 2, quiet
    (untouched, _), (mover, first_event) = ((str(row[0]), row[1]) for row in quiet)
    # the mover's latest move happens a minute after that event, still before the routing window
    execute(
        database,
        f"update {changes} set changed_at = cast('{first_event}' as timestamp) + interval 1 minute "
        f"where lead_key = '{mover}' and change_number = (select max(change_number) from {changes} "
        f"where lead_key = '{mover}')",
        f"update {moments} set decision_trigger = 'tampered' where lead_key in ('{untouched}', '{mover}')",
    )
    assert scalar(database, f"select max(changed_at) < cast('{window_start}' as date) from {changes} "
                            f"where lead_key = '{mover}'")
    _run_and_full_refresh_a_copy("int_routing__decision_moments", database, reference, as_of, tmp_path / "target")

    assert scalar(database, f"select count(*) from {moments} where lead_key = '{mover}' and decision_trigger = 'tampered'") == 0
    assert scalar(database, f"select count(*) from {moments} where lead_key = '{mover}' and decided_at = "
                            f"cast('{first_event}' as timestamp) + interval 1 minute") == 1
    tampered = scalar(database, f"select count(*) from {moments} where decision_trigger = 'tampered'")
    assert tampered == scalar(reference, f"select count(*) from {moments} where lead_key = '{untouched}'")
    assert tampered > 0  # type: ignore[operator]
    assert _rows_only_in_each(reference, database, moments) == (tampered, tampered)


def test_the_qualification_moments_are_re_derived_for_the_people_a_day_touched(
    simulation: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """int_scoring__qualification_moments re-derives the people int_intent__scored_events wrote
    rows for in the run, people who became able to qualify, people whose events all went, and
    deletes people no longer able to qualify; nobody else: a tampered row of a person none of
    that names survives the run. Apart from that row the table equals a full refresh. A run under
    another rule fingerprint re-derives everyone (the tampered row goes)."""
    database, reference = _copy_of_the_replayed_database(simulation, tmp_path, "qualification_moments")
    as_of = {"as_of": "2026-11-01 00:00:00"}
    moments = "intermediate.int_scoring__qualification_moments"
    fit = "intermediate.int_scoring__fit"
    scored = "intermediate.int_intent__scored_events"
    # people with a stored moment and no event scored in the last run (at this as_of)
    quiet = query(database, f"""
        select lead_key from {moments}
        where qualified_at is not null
            and lead_key not in (select lead_key from {scored} where scored_through >= cast('{as_of["as_of"]}' as timestamp))
        group by lead_key
        order by lead_key
        limit 3""")
    assert len(quiet) == 3, quiet
    untouched, lost_events, lost_fit = (str(row[0]) for row in quiet)
    # a person with counted events whom the fit kept out, whose profile has the required fields,
    # and who has no event scored in the last run
    newcomer = scalar(database, f"""
        select scored.lead_key
        from {scored} as scored
        inner join intermediate.int_identity__lead_profiles as profiles on scored.lead_key = profiles.lead_key
        where scored.counted_points > 0 and profiles.email is not null and profiles.company is not null
            and scored.lead_key not in (select lead_key from {moments})
        group by scored.lead_key
        having max(scored.scored_through) < cast('{as_of["as_of"]}' as timestamp)
        order by count(*) desc, scored.lead_key
        limit 1""")
    assert newcomer is not None
    execute(
        database,
        f"update {moments} set intent_score = -1 where lead_key = '{untouched}' and qualified_at is not null",
        f"delete from {scored} where lead_key = '{lost_events}'",
        f"update {fit} set is_fit_known = false where lead_key = '{lost_fit}'",
        f"update {fit} set is_fit_known = true, fit_score = 100 where lead_key = '{newcomer}'",
    )
    _run_and_full_refresh_a_copy("int_scoring__qualification_moments", database, reference, as_of, tmp_path / "target")

    assert query(database, f"select qualified_at, intent_score from {moments} where lead_key = '{lost_events}'") == [(None, None)]
    assert scalar(database, f"select count(*) from {moments} where lead_key = '{lost_fit}'") == 0
    assert scalar(database, f"select count(*) from {moments} where lead_key = '{newcomer}'") == scalar(
        reference, f"select count(*) from {moments} where lead_key = '{newcomer}'")
    assert scalar(database, f"select count(*) from {moments} where lead_key = '{newcomer}'") > 0  # type: ignore[operator]
    tampered = scalar(database, f"select count(*) from {moments} where intent_score = -1")
    assert tampered == scalar(reference, f"select count(*) from {moments} where lead_key = '{untouched}'")
    assert tampered > 0  # type: ignore[operator]
    assert _rows_only_in_each(reference, database, moments) == (tampered, tampered)

    # another rule fingerprint on a stored row: everyone is re-derived
    execute(database, f"update {moments} set rules_fingerprint = 'an older rule' where lead_key = '{newcomer}'")
    run_dbt(["run", "--select", "int_scoring__qualification_moments"], database, as_of, target_path=tmp_path / "target")
    assert _rows_only_in_each(reference, database, moments) == (0, 0)
