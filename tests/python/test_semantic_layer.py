"""The semantic layer parses, validates against the warehouse, and answers a metric query correctly."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, query
from leadflow_tools.dbt import run_dbt


@pytest.fixture(scope="module")
def parsed_db(built_db: Path) -> Path:
    """MetricFlow reads target/semantic_manifest.json, which names the database: parse for this one."""
    run_dbt(["parse"], built_db, target_path=ROOT / "target")
    return built_db


def _mf(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DBT_PROFILES_DIR": str(ROOT), "LEADFLOW_DB": str(database)}
    return subprocess.run([str(Path(sys.executable).parent / "mf"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_metricflow_validates_the_semantic_models_against_the_build(parsed_db: Path) -> None:
    result = _mf(parsed_db, "validate-configs")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ERRORS: 0" in result.stdout and "validated metrics against data warehouse" in result.stdout


def test_a_metric_query_matches_the_mart(parsed_db: Path, tmp_path: Path) -> None:
    built_db = parsed_db
    out = tmp_path / "mqls.csv"
    result = _mf(built_db, "query", "--metrics", "mqls,mql_to_sql_rate", "--group-by", "metric_time__year",
                 "--csv", str(out))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = {r["metric_time__year"][:4]: r for r in csv.DictReader(out.open()) if r["metric_time__year"]}
    expected = query(built_db, """
        select cast(year(mql_at) as varchar), count(*), avg(case when sql_at is not null then 1.0 else 0 end)
        from marts.fct_lead_funnel where mql_at is not null group by 1""")
    assert len(expected) >= 2
    for year, mqls, rate in expected:
        assert int(rows[str(year)]["mqls"]) == mqls
        assert abs(float(rows[str(year)]["mql_to_sql_rate"]) - float(rate)) < 1e-6  # type: ignore[arg-type]


def test_account_metrics_match_dim_accounts(parsed_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "accounts.csv"
    result = _mf(parsed_db, "query", "--metrics", "accounts,engaged_accounts,full_buying_group_rate",
                 "--group-by", "account__account_stage", "--csv", str(out))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = {r["account__account_stage"]: r for r in csv.DictReader(out.open())}
    expected = query(parsed_db, """
        select account_stage, count(*), count(*) filter (where engaged_people > 0),
               count(*) filter (where engaged_people > 0 and roles_missing is null) * 1.0
               / nullif(count(*) filter (where engaged_people > 0), 0)
        from marts.dim_accounts group by 1""")
    assert {str(stage) for stage, *_ in expected} == set(rows)
    for stage, accounts, engaged, rate in expected:
        assert int(rows[str(stage)]["accounts"]) == accounts
        assert int(rows[str(stage)]["engaged_accounts"]) == engaged
        assert abs(float(rows[str(stage)]["full_buying_group_rate"]) - float(str(rate))) < 1e-6
