"""Lint, documentation coverage and the summary CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import yaml

from conftest import ROOT, build, query


def test_sqlfluff_reports_zero_violations(generated_db: Path) -> None:
    env = {**os.environ, "DBT_PROFILES_DIR": str(ROOT), "LEADFLOW_DB": str(generated_db)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sqlfluff"), "lint", "models", "tests/singular", "analyses",
         "--processes", "2"],  # the dbt templater compiles per file: two cores halve it
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


IMPORT_CTE = re.compile(
    r"^(?P<name>[a-z_0-9]+) as (?P<marker>\{\{ leadflow\.not_materialized\(\) \}\} )?\(\n"
    r"\s+select \* from \{\{ (?:ref|source)\([^)]*\) \}\}(?:\n\s+where [^\n]*)?\n\)",
    re.MULTILINE,
)


def test_import_ctes_read_more_than_once_are_inlined() -> None:
    """DuckDB materializes a CTE that several steps read: an import CTE (select * from a ref)
    would become a copy of the whole table, every column, before any step filters or projects it
    (3.3 GB of int_lifecycle__crm_events at 1M people). Such CTEs say
    leadflow.not_materialized(), so each step scans only its columns."""
    unmarked: list[str] = []
    import_ctes = 0
    for path in sorted((ROOT / "models").rglob("*.sql")):
        sql = path.read_text()
        for cte in IMPORT_CTE.finditer(sql):
            import_ctes += 1
            readers = len(re.findall(rf"\b(?:from|join) {cte['name']}\b", sql))
            if readers > 1 and not cte["marker"]:
                unmarked.append(f"{path.relative_to(ROOT)}: {cte['name']} ({readers} readers)")
    assert not unmarked, unmarked
    assert import_ctes > 20, "the pattern no longer recognises the project's import CTEs"


def _models_by_name() -> dict[str, dict[str, Any]]:
    """Every model's YAML entry in the project, by name."""
    return {
        model["name"]: model
        for path in sorted((ROOT / "models").rglob("_*__models.yml"))
        for model in yaml.safe_load(path.read_text())["models"]
    }


def _unique_columns(model: dict[str, Any]) -> list[str]:
    """The columns a model's YAML tests unique (unique or unique_in_latest_run)."""
    return [
        column["name"] for column in model.get("columns", [])
        if any(
            test == "unique" or (isinstance(test, dict) and ("unique" in test or "unique_in_latest_run" in test))
            for test in column.get("data_tests") or []
        )
    ]


def _key_tested_upstream(model: dict[str, Any], models: dict[str, dict[str, Any]]) -> str | None:
    """Why a mart's meta.key_tested_upstream does not hold, or None when it does: the mart is a
    view that reads that one model and joins nothing (it can only filter or add columns, never
    repeat a row), and that model tests the same key column unique."""
    upstream = ((model.get("config") or {}).get("meta") or {}).get("key_tested_upstream")
    if not upstream:
        return "no test on its key"
    sql = next((ROOT / "models" / "marts").rglob(f"{model['name']}.sql")).read_text()
    refs = set(re.findall(r"ref\(\s*'([^']+)'\s*\)", sql))
    if "materialized='view'" not in sql or refs != {upstream["model"]} or re.search(r"\bjoin\b", sql):
        return f"key_tested_upstream needs a view reading only {upstream['model']} without a join"
    if upstream["column"] not in _unique_columns(models.get(upstream["model"], {})):
        return f"{upstream['model']} does not test {upstream['column']} unique"
    return None


def test_every_public_mart_is_contracted_and_tests_its_key() -> None:
    """Marts are what BI tools and sync jobs read: each enforces a contract and tests its key
    (a unique column, unique_in_latest_run, or a unique combination of columns). A view that
    only filters one model and adds columns to it may say meta.key_tested_upstream instead
    (testing the key again through the view would recompute it over every row); that model
    must then test the same column unique."""
    models = _models_by_name()
    missing: list[str] = []
    for path in sorted((ROOT / "models" / "marts").glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            contract = ((model.get("config") or {}).get("contract") or {}).get("enforced")
            combinations = [
                test for test in model.get("data_tests") or []
                if isinstance(test, dict) and "unique_combination_of_columns" in test
            ]
            if not contract:
                missing.append(f"{model['name']}: no enforced contract")
            if not _unique_columns(model) and not combinations:
                problem = _key_tested_upstream(model, models)
                if problem:
                    missing.append(f"{model['name']}: {problem}")
    assert not missing, missing


def test_a_key_tested_upstream_must_be_the_views_one_model_and_tested_there() -> None:
    """The exemption above cannot excuse a view reading another model, or a column its model
    does not test unique."""
    models = _models_by_name()
    view = models["fct_intent_signals"]
    assert _key_tested_upstream(view, models) is None

    def pointing_at(model: str, column: str) -> dict[str, Any]:
        return {**view, "config": {"meta": {"key_tested_upstream": {"model": model, "column": column}}}}

    assert "without a join" in str(_key_tested_upstream(pointing_at("int_intent__scored_events", "event_id"), models))
    assert "does not test lead_key" in str(_key_tested_upstream(pointing_at("int_intent__signal_events", "lead_key"), models))
    assert _key_tested_upstream({**view, "config": {}}, models) == "no test on its key"


PII_KINDS = {"email", "phone", "name", "raw_record"}
EMAIL_SHAPE = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"


PERSONAL_COLUMN = re.compile(
    r"^([a-z]+_)?(email|email_raw|recipient_raw|phone|mobile_phone|first_name|last_name|full_name|owner_name|"
    r"user_name|username|rep_name|lead_name|handle_id|raw_values)$"
)


def _pii_columns() -> dict[str, set[str]]:
    """model -> columns tagged `config: {meta: {pii: <kind>}, tags: [pii]}`, in every layer's YAML."""
    tagged: dict[str, set[str]] = {}
    for path in (ROOT / "models").rglob("_*models.yml"):
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


def test_every_column_holding_personal_data_is_tagged_pii_in_every_layer(built_db: Path) -> None:
    """Staging, intermediate and marts (sync models included): a column is personal when its name
    says so (PERSONAL_COLUMN) or when a value is email-shaped, equals a raw phone number, or equals
    the full name of a person or an employee (Salesforce users, HubSpot owners: reps are people
    too). Every such column must carry the pii tag."""
    tagged = _pii_columns()
    assert tagged.get("dim_leads", set()) >= {"email", "first_name", "last_name"}
    con = duckdb.connect()
    try:
        con.execute(f"attach '{built_db}' as w (read_only)")
        con.execute(
            """
            create temp table personal as
            select trim(phone) as value from w.raw_salesforce.lead where length(trim(phone)) >= 7
            union select trim(phone) from w.raw_salesforce.contact where length(trim(phone)) >= 7
            union select trim(name) from w.raw_salesforce.lead where length(trim(name)) > 3
            union select trim(first_name || ' ' || last_name) from w.raw_salesforce.contact
            union select trim(property_firstname || ' ' || property_lastname) from w.raw_hubspot.contact
            union select trim(name) from w.raw_salesforce.user where length(trim(name)) > 3
            union select trim(first_name || ' ' || last_name) from w.raw_hubspot.owner
            """
        )
        columns = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where table_catalog = 'w' and table_schema in ('staging', 'intermediate', 'marts') order by 1, 2, 3"
        ).fetchall()
        assert len(columns) > 500
        untagged = []
        for schema, table, column, data_type in columns:
            if str(column) in tagged.get(str(table), set()):
                continue
            if PERSONAL_COLUMN.match(str(column)):
                untagged.append(f"{schema}.{table}.{column}: its name says personal")
                continue
            if data_type != "VARCHAR":
                continue
            found = con.execute(
                f"""select "{column}" from w.{schema}.{table}
                where regexp_matches("{column}", '{EMAIL_SHAPE}') or trim("{column}") in (select value from personal)
                limit 1"""
            ).fetchall()
            if found:
                untagged.append(f"{schema}.{table}.{column}: holds {found[0][0]!r}")
    finally:
        con.close()
    assert untagged == [], "personal data without the pii tag:\n" + "\n".join(untagged)
