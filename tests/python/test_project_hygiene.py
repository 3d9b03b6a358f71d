"""Lint, documentation coverage and the summary CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, build, query


def test_sqlfluff_reports_zero_violations(generated_db: Path) -> None:
    env = {**os.environ, "DBT_PROFILES_DIR": str(ROOT), "LEADFLOW_DB": str(generated_db)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sqlfluff"), "lint", "models", "tests/singular", "analyses"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_every_model_and_column_is_documented(built_db: Path, tmp_path: Path) -> None:
    """Every model has a description; its documented columns are exactly its real columns."""
    build(built_db, tmp_path / "target", ("parse",))
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    problems: list[str] = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        name = node["name"]
        if not node["description"].strip():
            problems.append(f"{name}: no description")
        documented = {column: spec["description"] for column, spec in node["columns"].items()}
        problems += [f"{name}.{column}: no description" for column, text in documented.items() if not text.strip()]
        actual = {
            row[0]
            for row in query(
                built_db,
                "select column_name from information_schema.columns "
                f"where table_schema = '{node['schema']}' and table_name = '{name}'",
            )
        }
        problems += [f"{name}.{column}: not documented" for column in sorted(actual - set(documented))]
        problems += [f"{name}.{column}: documented but absent" for column in sorted(set(documented) - actual)]
    assert not problems, "\n".join(problems)


def test_summary_prints_layers_reconciliation_and_quarantine(built_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "summary.py"), "--database", str(built_db)],
        capture_output=True,
        text=True,
        check=True,
    )
    for heading in (
        "rows per layer", "unaccounted", "quarantined, and why", "future_timestamp", "people (dim_leads)", "fit x intent",
        "raw columns leadflow reads", "picklist values no seed maps",
    ):
        assert heading in result.stdout
    # the demo data lands one LeadSource no seed maps; the summary names it and the seed to edit
    assert "Podcast" in result.stdout and "picklist_values" in result.stdout


def test_python_is_fully_typed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "mypy.ini")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_every_public_mart_is_contracted_and_tests_its_key() -> None:
    """Marts are what BI tools and sync jobs read: each enforces a contract and tests its key
    (a unique column or a unique combination of columns)."""
    missing: list[str] = []
    for path in sorted((ROOT / "models" / "marts").glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            contract = ((model.get("config") or {}).get("contract") or {}).get("enforced")
            unique_columns = [
                column["name"] for column in model.get("columns", [])
                if any(test == "unique" or (isinstance(test, dict) and "unique" in test) for test in column.get("data_tests") or [])
            ]
            combinations = [
                test for test in model.get("data_tests") or []
                if isinstance(test, dict) and "unique_combination_of_columns" in test
            ]
            if not contract:
                missing.append(f"{model['name']}: no enforced contract")
            if not unique_columns and not combinations:
                missing.append(f"{model['name']}: no test on its key")
    assert not missing, missing


PII_KINDS = {"email", "phone", "name", "raw_record"}
EMAIL_SHAPE = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"


def _pii_columns() -> dict[str, set[str]]:
    """model -> columns tagged `config: {meta: {pii: <kind>}, tags: [pii]}` in models/marts YAML."""
    tagged: dict[str, set[str]] = {}
    for path in (ROOT / "models" / "marts").rglob("_*models.yml"):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            for column in model.get("columns", []):
                config = column.get("config") or {}
                kind = (config.get("meta") or {}).get("pii")
                if kind is None:
                    continue
                assert kind in PII_KINDS, f"{model['name']}.{column['name']}: pii must be one of {PII_KINDS}"
                assert "pii" in (config.get("tags") or []), f"{model['name']}.{column['name']}: pii meta without the pii tag"
                tagged.setdefault(model["name"], set()).add(column["name"])
    return tagged


def test_bi_marts_carry_no_email_or_phone_outside_pii_columns(built_db: Path) -> None:
    """Every text value of every BI-facing mart (sync models excepted: the CRM needs what they
    carry) is scanned: an email-shaped value, or a value equal to a raw Salesforce phone number,
    may only sit in a column tagged pii."""
    tagged = _pii_columns()
    assert tagged.get("dim_leads", set()) >= {"email", "first_name", "last_name"}
    columns = query(
        built_db,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR' and table_name not like 'sync_%' "
        "order by 1, 2",
    )
    assert len(columns) > 50
    leaks = []
    for table, column in columns:
        if str(column) in tagged.get(str(table), set()):
            continue
        found = query(
            built_db,
            f"""
            with phones as (
                select trim(phone) as phone from raw_salesforce.lead where length(trim(phone)) >= 7
                union
                select trim(phone) from raw_salesforce.contact where length(trim(phone)) >= 7
            )
            select marts.{column}
            from marts.{table} as marts
            where regexp_matches(marts.{column}, '{EMAIL_SHAPE}')
                or trim(marts.{column}) in (select phone from phones)
            limit 1
            """,
        )
        if found:
            leaks.append(f"{table}.{column}: {found[0][0]!r}")
    assert leaks == [], "email or phone outside pii-tagged columns:\n" + "\n".join(leaks)
