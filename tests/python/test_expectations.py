"""The Great Expectations runner: passes on a good build, writes Data Docs, and on a broken
load exits 1 naming the offending records."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import ROOT, database_path


def _run(database: Path, docs: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate_marts.py"), "--database", str(database), "--docs-dir", str(docs)],
        capture_output=True, text=True, check=False, timeout=600,
    )


def test_suites_pass_on_the_build_and_write_data_docs(built_db: Path, tmp_path: Path) -> None:
    completed = _run(built_db, tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for mart in ("dim_leads", "fct_lead_stage_history", "fct_lead_funnel", "fct_lead_routing", "fct_lead_sla"):
        assert f"validated {mart}:" in completed.stderr
    index = tmp_path / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert index.exists() and "dim_leads" in index.read_text()


def test_a_broken_load_fails_and_names_the_records(built_db: Path, tmp_path: Path) -> None:
    broken = database_path(tmp_path, "broken")
    shutil.copy(built_db, broken)
    con = duckdb.connect(str(broken))
    try:
        duplicated = con.execute("select min(lead_key) from marts.dim_leads").fetchone()
        con.execute(
            "create or replace table marts.dim_leads as select * from marts.dim_leads "
            "union all select * from marts.dim_leads where lead_key = (select min(lead_key) from marts.dim_leads)"
        )
        con.execute(
            "create or replace table marts.fct_lead_routing as select * replace (case when lead_key = "
            "(select min(lead_key) from marts.fct_lead_routing) then 'lost' else assignment_method end "
            "as assignment_method) from marts.fct_lead_routing"
        )
    finally:
        con.close()
    completed = _run(broken, tmp_path / "docs")
    assert completed.returncode == 1
    assert duplicated and f"lead_key={duplicated[0]}" in completed.stdout
    assert "FAILED fct_lead_routing: expect_column_values_to_be_in_set" in completed.stdout
    assert "(assignment_method=lost)" in completed.stdout


def test_cli_explains_itself() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate_marts.py"), "--help"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert "Great Expectations" in completed.stdout and "--database" in completed.stdout
