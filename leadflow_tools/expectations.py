"""Validate the built marts with Great Expectations (1.x) and write Data Docs.

Suites come from expectations/marts.yml (one per mart; see the header of that file). Each mart
is read from the DuckDB file into a dataframe (a file database read once per mart: GX over
DuckDB through SQLAlchemy opens a fresh connection per query) and validated by its own
checkpoint, which also updates the Data Docs site under <docs-dir>/gx/uncommitted/data_docs.
The runner prints one line per suite, then every failed expectation with up to five offending
rows named by the suite's key, and exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from . import PROJECT_ROOT, add_database_argument

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402  (after the analytics switch)
from great_expectations.checkpoint.actions import UpdateDataDocsAction  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

DEFAULT_CONFIG = PROJECT_ROOT / "expectations" / "marts.yml"
EXTRA_KEYS = ("value_set_from", "value_from_sql", "mostly_from", "type")


@dataclass
class Failure:
    suite: str
    detail: str
    offending: list[str] = field(default_factory=list)


@dataclass
class SuiteResult:
    suite: str
    rows: int
    evaluated: int
    failures: list[Failure]


def _camel(type_name: str) -> str:
    return "".join(part.capitalize() for part in type_name.split("_"))


def _resolve(
    spec: dict[str, Any], thresholds: dict[str, float], con: duckdb.DuckDBPyConnection
) -> dict[str, Any]:
    """Turn one expectation spec of the config into GX keyword arguments."""
    kwargs = {k: v for k, v in spec.items() if k not in EXTRA_KEYS}
    if "value_set_from" in spec:
        schema, table, column = str(spec["value_set_from"]).split(".")
        rows = con.execute(f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null').fetchall()
        kwargs["value_set"] = sorted(str(row[0]) for row in rows)
    if "value_from_sql" in spec:
        row = con.execute(str(spec["value_from_sql"])).fetchone()
        kwargs["value"] = int(row[0]) if row else 0
    if "mostly_from" in spec:
        kwargs["mostly"] = round(1.0 - float(thresholds[str(spec["mostly_from"])]), 6)
    return kwargs


def _describe(expectation: str, kwargs: dict[str, Any]) -> str:
    shown = {k: v for k, v in kwargs.items() if k != "batch_id" and (k != "value_set" or len(v) <= 8)}
    return f"{expectation}({', '.join(f'{k}={v}' for k, v in shown.items())})"


def _offending(result: dict[str, Any], key: list[str]) -> list[str]:
    rows = result.get("partial_unexpected_index_list") or []
    named = []
    for row in rows[:5]:
        if isinstance(row, dict):
            named.append(", ".join(f"{k}={row.get(k)}" for k in key) + "".join(
                f" ({k}={v})" for k, v in row.items() if k not in key
            ))
    if not named:
        named = [str(value) for value in (result.get("partial_unexpected_list") or [])[:5]]
    return named


def validate(
    database: Path,
    config_path: Path = DEFAULT_CONFIG,
    docs_dir: Path = PROJECT_ROOT / "target",
    progress: Callable[[str], None] = print,
) -> list[SuiteResult]:
    """Run every suite of the config against the marts in `database`."""
    config = yaml.safe_load(config_path.read_text())
    thresholds: dict[str, float] = config.get("thresholds", {})
    root = docs_dir / "gx"
    shutil.rmtree(root, ignore_errors=True)
    context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(name="leadflow")
    results: list[SuiteResult] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        for suite_name, suite_config in config["suites"].items():
            key = list(suite_config["key"])
            frame = con.execute(f"select * from marts.{suite_name}").df()
            suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
            specs: list[dict[str, Any]] = suite_config["expectations"]
            for spec in specs:
                kwargs = _resolve(spec, thresholds, con)
                suite.add_expectation(getattr(gx.expectations, _camel(str(spec["type"])))(**kwargs))
            asset = source.add_dataframe_asset(name=suite_name)
            batch = asset.add_batch_definition_whole_dataframe("whole_table")
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
            )
            checkpoint = context.checkpoints.add(
                gx.Checkpoint(
                    name=f"{suite_name}_checkpoint",
                    validation_definitions=[definition],
                    actions=[UpdateDataDocsAction(name="update_data_docs")],
                    result_format={"result_format": "SUMMARY", "unexpected_index_column_names": key},
                )
            )
            run = checkpoint.run(batch_parameters={"dataframe": frame})
            failures: list[Failure] = []
            evaluated = 0
            for validation in run.run_results.values():
                for outcome in validation.results:
                    evaluated += 1
                    if outcome.success:
                        continue
                    result = dict(outcome.result or {})
                    configuration = outcome.expectation_config
                    expectation = configuration.type if configuration else "unknown expectation"
                    text = _describe(expectation, dict(configuration.kwargs) if configuration else {})
                    error = (outcome.exception_info or {}).get("exception_message")
                    if error:
                        detail = f"{text}: error {error}"
                    elif result.get("unexpected_count") is not None:
                        detail = f"{text}: {result['unexpected_count']} unexpected ({result.get('unexpected_percent', 0):.2f}%)"
                    else:
                        detail = f"{text}: observed {result.get('observed_value')}"
                    failures.append(Failure(suite_name, detail, _offending(result, key)))
            results.append(SuiteResult(suite_name, len(frame), evaluated, failures))
            progress(f"validated {suite_name}: {len(frame):,} rows, {evaluated} expectations, {len(failures)} failed")
    finally:
        con.close()
    return results


def report(results: list[SuiteResult], docs_dir: Path) -> str:
    width = max([26, *(len(r.suite) + 2 for r in results)])
    lines = [f"{'suite':<{width}}{'rows':>12}{'expectations':>14}{'failed':>8}", "-" * (width + 34)]
    for result in results:
        lines.append(f"{result.suite:<{width}}{result.rows:>12,}{result.evaluated:>14}{len(result.failures):>8}")
    for result in results:
        for failure in result.failures:
            lines.append(f"FAILED {failure.suite}: {failure.detail}")
            lines.extend(f"    {row}" for row in failure.offending)
    index = docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    lines.append(f"Data Docs: {index}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="validate_marts",
        description=(
            "Validate leadflow's public marts with Great Expectations: the suites in "
            "expectations/marts.yml (keys, ranges, enums from the seeds, ordered stamps, row-count "
            "relations, distribution guards). Writes Data Docs HTML under <docs-dir>/gx, prints a "
            "summary with the offending rows of every failure, exits 1 when anything failed."
        ),
    )
    add_database_argument(parser)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="suites file (default: expectations/marts.yml)")
    parser.add_argument("--docs-dir", type=Path, default=PROJECT_ROOT / "target", help="where gx/ and Data Docs go (default: target)")
    args = parser.parse_args(argv)
    results = validate(args.database, args.config, args.docs_dir, progress=lambda line: print(line, file=sys.stderr))
    print(report(results, args.docs_dir))
    return 1 if any(result.failures for result in results) else 0
