"""The raw column contract: one source of truth (the sources YAML), generated files in step."""

from __future__ import annotations

import re

from conftest import ROOT

from leadflow_tools import raw_contract


def test_generated_contract_files_are_up_to_date() -> None:
    """macros/raw_contract.sql and the tables of docs/raw_sources.md are written from the sources
    YAML; editing one without `python -m leadflow_tools.raw_contract` fails here."""
    assert raw_contract.main(["--check"]) == 0


def test_every_contract_table_has_a_row_spec_and_a_staging_model() -> None:
    """Each raw table of the contract is described in macros/raw_tables.sql (key, version order,
    checks) and feeds a staging model; no spec names a table the contract lacks."""
    specs = (ROOT / "macros" / "raw_tables.sql").read_text()
    spec_models = dict(re.findall(r"'(\w+)': \{'key': .*?'model': '(\w+)'", specs, flags=re.S))
    tables = {table.name for table in raw_contract.load_contract()}
    assert set(spec_models) == tables
    for model in spec_models.values():
        assert list(ROOT.glob(f"models/staging/*/{model}.sql")), model


def test_required_columns_are_few_and_every_column_says_what_it_is_for() -> None:
    for table in raw_contract.load_contract():
        assert any(column.required for column in table.columns), table.name
        assert "_fivetran_synced" in {c.name for c in table.columns} or table.family == "segment", table.name
        for column in table.columns:
            assert column.used_for.strip(), f"{table.name}.{column.name}"
            assert column.data_type in {"string", "bigint", "double", "boolean", "timestamp", "date"}
