"""Shared fixtures: a generated dirty dataset at 10,000 leads, built once with dbt."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from leadflow_tools.dbt import run_dbt  # noqa: E402
from leadflow_tools.faults.fake_crm import TOKEN, Sandbox  # noqa: E402
from leadflow_tools.generator import GeneratorConfig, generate  # noqa: E402

ANCHOR = date(2026, 11, 1)
AS_OF = "2026-11-01 00:00:00"
LEADS = 10_000
EVENTS_PER_LEAD = 30


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    """Run a read-only query and close the connection (dbt needs the file next)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def scalar(database: Path, sql: str) -> object:
    rows = query(database, sql)
    return rows[0][0] if rows else None


def execute(database: Path, *statements: str) -> None:
    """Run statements that change the database (raw rows landing, a tampered table), then close
    the connection so dbt can open the file."""
    con = duckdb.connect(str(database))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def database_path(folder: Path, label: str) -> Path:
    """A database file for a test: `<folder>/<label>/leadflow.duckdb`. One file name for every
    test database lets dbt start from an earlier run's partial parse (leadflow_tools.dbt.run_dbt):
    the DuckDB path is part of the profile, and a new profile means a full parse."""
    (folder / label).mkdir(parents=True, exist_ok=True)
    return folder / label / "leadflow.duckdb"


def build(database: Path, target: Path, args: Sequence[str] = ("build",), **dbt_vars: object) -> None:
    run_dbt(list(args), database, {"as_of": AS_OF, **dbt_vars}, target_path=target)


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """`<name>/leadflow.duckdb`, made by `make` once per test session: the first pytest-xdist
    worker that asks makes it in the session's shared temp folder while the others wait on a
    lock, then each copies it (a test may change its copy). Building the 10,000-person database
    once instead of once per worker spares a generation and a full dbt build."""
    base = tmp_path_factory.getbasetemp()
    # under pytest-xdist, pytest-N holds one folder per worker (popen-gw0, popen-gw1)
    shared = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base
    made = shared / "shared" / name / "leadflow.duckdb"
    made.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(made.parent / "lock"):
        if (made.parent / "failed").exists():
            pytest.fail(f"making the shared {name} database failed in another worker (see its error)")
        if not (made.parent / "done").exists():
            try:
                make(made)
                assert not made.with_name(made.name + ".wal").exists(), "dbt left a write-ahead log behind"
            except BaseException:
                (made.parent / "failed").touch()
                raise
            (made.parent / "done").touch()
    return made


def copy_database(source: Path, target: Path) -> None:
    """Replace `target` by a copy of `source`, without a write-ahead log of the file it replaces."""
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def generated_once(tmp_path_factory: pytest.TempPathFactory, name: str, config: GeneratorConfig) -> Path:
    """This worker's copy of raw tables generated once per session (made_once)."""

    def make(database: Path) -> None:
        generate(config, database, progress=lambda _line: None)

    database = tmp_path_factory.mktemp(name) / "leadflow.duckdb"
    copy_database(made_once(tmp_path_factory, name, make), database)
    return database


@pytest.fixture(scope="session")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Raw tables only: 10,000 people with every kind of dirt at the generator's rates."""
    config = GeneratorConfig(leads=LEADS, events_per_lead=EVENTS_PER_LEAD, seed=42, anchor_date=ANCHOR)
    return generated_once(tmp_path_factory, "raw", config)


@pytest.fixture(scope="session")
def built_db(generated_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same database after a full `dbt build` (seeds, models, data and unit tests), built once
    per session; this worker's generated_db file becomes the built one."""

    def make(database: Path) -> None:
        shutil.copyfile(generated_db, database)
        build(database, database.parent / "target")

    copy_database(made_once(tmp_path_factory, "built", make), generated_db)
    yield generated_db


@pytest.fixture(scope="session")
def small_generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small dataset for builds that only need to prove a configuration works."""
    config = GeneratorConfig(leads=1_500, events_per_lead=10, seed=7, anchor_date=ANCHOR)
    return generated_once(tmp_path_factory, "small", config)


@pytest.fixture()
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The sync tests' small warehouse and fake CRM (leadflow_tools/faults/fake_crm.py), with the
    CRM tokens in the environment."""
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", TOKEN)
    with Sandbox(tmp_path) as sandbox:
        yield sandbox


def assert_seeds_match_recorded_version(
    versioned_seeds: tuple[str, ...], checksummed_seeds: tuple[str, ...], versions_seed: str
) -> None:
    """The seeds of one scoring model agree on their model_version, and `versions_seed` (the
    model's changelog) records that version with the md5 of `checksummed_seeds` concatenated in
    order: an edit without a new version row fails, naming the row to add."""
    digest = hashlib.md5(b"".join((ROOT / "seeds" / f"{name}.csv").read_bytes() for name in checksummed_seeds))
    current = set()
    for name in versioned_seeds:
        with (ROOT / "seeds" / f"{name}.csv").open(newline="") as handle:
            current |= {row["model_version"] for row in csv.DictReader(handle)}
    assert len(current) == 1, f"{versions_seed}: the seeds disagree on model_version: {current}"
    (version,) = current
    with (ROOT / "seeds" / f"{versions_seed}.csv").open(newline="") as handle:
        recorded = {row["model_version"]: row["rules_checksum"] for row in csv.DictReader(handle)}
    assert recorded.get(version) == digest.hexdigest(), (
        f"seeds changed without a new version: record model_version {version} "
        f"with rules_checksum {digest.hexdigest()} in seeds/{versions_seed}.csv (and CHANGELOG.md)"
    )
