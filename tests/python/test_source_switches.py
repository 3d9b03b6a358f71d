"""Each source family can be switched off and the project still builds and passes its tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import build, database_path, query


@pytest.mark.parametrize("family", ["salesforce", "hubspot", "segment"])
def test_project_builds_with_a_source_family_switched_off(
    small_generated_db: Path, tmp_path: Path, family: str
) -> None:
    database = database_path(tmp_path, f"without_{family}")
    shutil.copy(small_generated_db, database)
    build(database, tmp_path / "target", **{f"using_{family}": False})
    tables = [row[0] for row in query(database, "select source_table from marts.audit_row_reconciliation")]
    assert tables and not any(table.startswith(f"raw_{family}.") for table in tables)
    assert query(database, "select count(*) from marts.dim_leads")[0][0] > 0
    assert query(database, "select sum(unaccounted_rows) from marts.audit_row_reconciliation")[0][0] == 0
