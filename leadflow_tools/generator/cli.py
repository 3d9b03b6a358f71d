"""Command line for the demo-data generator (see `--help`)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from .. import PROJECT_ROOT
from .config import DirtRates, GeneratorConfig, PlantedEffect
from .core import generate
from .shapes import COLUMN_SHAPES, EXTRA_COLUMNS, Shape


def _rates_help() -> str:
    rates = DirtRates()
    lines = [f"  {name:<24} {getattr(rates, name):>6.1%}" for name in rates.__dataclass_fields__]
    return "dirt kinds and the share of rows that carry them:\n" + "\n".join(lines) + "\n\n" + SHAPES_HELP


SHAPES_HELP = """\
connector shapes: by default every raw table has every column of the raw contract (the sources
YAML) plus a few columns the connectors really land and leadflow ignores, and every table,
optional ones included (Segment also gets one table per track event, HubSpot the engagement
parent table). The flags below thin that into what other warehouses look like, after generation;
the manifest (<database>.generator.json) records the shape."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_data",
        description=(
            "Write realistic, deliberately dirty Salesforce, HubSpot and Segment raw tables "
            "(the raw source contract: the sources YAML, docs/raw_sources.md) into a DuckDB file, schemas "
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
        "--planted-share",
        type=float,
        default=PlantedEffect().conversion_share,
        help=(
            "the known effect the score backtest must find: this share of managers (Marketing, "
            "Sales, Engineering Manager) at an account who reached MQL convert, each with an "
            "opportunity: more than twice the others' opportunity rate at the default 0.5; 0 plants nothing"
        ),
    )
    parser.add_argument(
        "--anchor-date",
        type=date.fromisoformat,
        default=date.today(),
        help="the 'today' of the generated history, YYYY-MM-DD (default: today, UTC)",
    )
    shapes = parser.add_argument_group("connector shapes")
    shapes.add_argument(
        "--shape",
        choices=COLUMN_SHAPES,
        default="full",
        help=(
            "full (default): every contract column plus realistic extras; required-columns: only "
            "the columns the contract marks required, in every contract table (fields deselected in "
            "Fivetran, HubSpot properties the portal lacks, Segment columns no call filled)"
        ),
    )
    shapes.add_argument(
        "--without-optional-tables",
        action="store_true",
        help=(
            "drop every table the contract marks optional (history tables, campaigns, tasks, "
            "events, companies, owners, email events, form submissions, engagements, tracks: see "
            "docs/raw_sources.md) and the tables that only exist beside them (per-event Segment "
            "tables, HubSpot's engagement parent)"
        ),
    )
    shapes.add_argument(
        "--extra-columns",
        action="store_true",
        help="add columns no contract knows to every raw table, filled: "
        + ", ".join(f"{name} ({kind})" for name, kind, _ in EXTRA_COLUMNS),
    )
    shapes.add_argument(
        "--old-hubspot-connector",
        action="store_true",
        help=(
            "an older HubSpot connector: raw_hubspot.contact without property_hs_merged_object_ids, "
            "merged contacts only in property_hs_calculated_merged_vids ('id:epochms;...')"
        ),
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
        planted=PlantedEffect(conversion_share=args.planted_share),
    )
    args.database.parent.mkdir(parents=True, exist_ok=True)
    progress = (lambda _line: None) if args.quiet else (lambda line: print(line, flush=True))
    shape = Shape(
        columns=args.shape,
        without_optional_tables=args.without_optional_tables,
        extra_columns=args.extra_columns,
        old_hubspot_connector=args.old_hubspot_connector,
    )
    report = generate(cfg, args.database, progress=progress, threads=args.threads, shape=shape)
    described = "" if shape.is_full else " (shape: " + ", ".join(
        f"{key}={value}" for key, value in shape.as_dict().items() if value != getattr(Shape(), key)
    ) + ")"
    print(
        f"generated {report.total_rows:,} raw rows for {cfg.leads:,} people into "
        f"{args.database} in {report.seconds:.1f}s{described}"
    )
    return 0
