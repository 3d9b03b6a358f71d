"""Refuse to sync marts that may mix two dbt runs.

The dbt project records its builds in leadflow_meta.build_runs (invocation_id, as_of, started_at,
finished_at, status 'running' | 'success' | 'error'). Before anything is sent (dry runs too) the
sync refuses (StaleMarts, exit 2) when:
  - the latest build (by started_at) is not 'success': it was killed, failed or still runs, so
    some marts may come from it and others from the build before;
  - the marts tables with an as_of column hold more than one distinct as_of value;
  - their as_of differs from the latest successful build's as_of.
Without leadflow_meta.build_runs only the distinct-as_of check runs, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .errors import StaleMarts
from .state import BuildRun, MartsStamp

ADVICE = "rerun dbt build, then the sync (--allow-stale-marts overrides this check)"


def _when(value: datetime | None) -> str:
    return "null" if value is None else str(value)


def _values(values: Iterable[datetime]) -> str:
    return ", ".join(sorted({_when(v) for v in values}))


def _build(run: BuildRun) -> str:
    return f"invocation {run.invocation_id}, as_of {_when(run.as_of)}, started {_when(run.started_at)}"


def check_marts(stamp: MartsStamp) -> list[str]:
    """Warnings to print; raises StaleMarts when the marts may mix runs."""
    warnings = []
    by_table = stamp.as_of_by_table
    marts_as_of = {value for values in by_table.values() for value in values}
    listing = "; ".join(f"marts.{table}: {_values(values)}" for table, values in sorted(by_table.items()))
    if not stamp.has_build_runs:
        warnings.append(
            "leadflow_meta.build_runs does not exist: only checked that the marts hold one as_of value"
        )
    elif stamp.latest is None:
        warnings.append("leadflow_meta.build_runs is empty: only checked that the marts hold one as_of value")
    elif stamp.latest.status != "success":
        state = "still running or killed" if stamp.latest.status == "running" else "failed"
        raise StaleMarts(
            f"the latest dbt build ({_build(stamp.latest)}) is {stamp.latest.status!r} ({state}): the marts may "
            f"mix two runs (marts as_of: {_values(marts_as_of) or 'none'}); {ADVICE}"
        )
    if len(marts_as_of) > 1:
        raise StaleMarts(f"the marts hold {len(marts_as_of)} as_of values ({listing}): they come from different "
                         f"dbt runs; {ADVICE}")
    success = stamp.latest_success
    if success is not None and marts_as_of and marts_as_of != {success.as_of}:
        raise StaleMarts(
            f"the marts' as_of {_values(marts_as_of)} differs from the latest successful dbt build's as_of "
            f"{_when(success.as_of)} ({_build(success)}); {ADVICE}"
        )
    if not marts_as_of:
        warnings.append("no marts table with an as_of column holds rows: could not check which run the marts come from")
    return warnings
