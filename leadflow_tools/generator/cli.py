"""Command line for the demo-data generator (see `--help`)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from .. import PROJECT_ROOT
from .config import DirtRates, GeneratorConfig
from .core import generate


def _rates_help() -> str:
    rates = DirtRates()
    lines = [f"  {name:<24} {getattr(rates, name):>6.1%}" for name in rates.__dataclass_fields__]
    return "dirt kinds and the share of rows that carry them:\n" + "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_data",
        description=(
            "Write realistic, deliberately dirty Salesforce, HubSpot and Segment raw tables "
            "(the raw source contract in docs/raw_sources.md) into a DuckDB file, schemas "
            "raw_salesforce, raw_hubspot and raw_segment. Generation is vectorised DuckDB SQL: "
            "the same --seed, --leads, --events-per-lead and --anchor-date give identical data."
        ),
        epilog=_rates_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("LEADFLOW_DB", PROJECT_ROOT / "leadflow.duckdb")),
        help="DuckDB file to write (default: $LEADFLOW_DB or leadflow.duckdb in the repo root)",
    )
    parser.add_argument("--leads", type=int, default=10_000, help="people to generate (default 10000)")
    parser.add_argument(
        "--events-per-lead",
        type=int,
        default=100,
        help="average activity events per person across all activity tables (default 100)",
    )
    parser.add_argument(
        "--events-per-session",
        type=int,
        default=5,
        help=(
            "activity comes in sessions (a visit, a product session, an email send) of about this "
            "many events of one table within 30 minutes (default 5); 1 spreads every event "
            "independently over the person's life"
        ),
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--anchor-date",
        type=date.fromisoformat,
        default=date.today(),
        help="the 'today' of the generated history, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    parser.add_argument("--quiet", action="store_true", help="print only the final line")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.leads < 1 or args.events_per_lead < 1 or args.events_per_session < 1:
        print("--leads, --events-per-lead and --events-per-session must be positive", file=sys.stderr)
        return 2
    cfg = GeneratorConfig(
        leads=args.leads,
        events_per_lead=args.events_per_lead,
        events_per_session=args.events_per_session,
        seed=args.seed,
        anchor_date=args.anchor_date,
    )
    args.database.parent.mkdir(parents=True, exist_ok=True)
    progress = (lambda _line: None) if args.quiet else (lambda line: print(line, flush=True))
    report = generate(cfg, args.database, progress=progress, threads=args.threads)
    print(
        f"generated {report.total_rows:,} raw rows for {cfg.leads:,} people into "
        f"{args.database} in {report.seconds:.1f}s"
    )
    return 0
