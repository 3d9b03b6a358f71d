"""Print what a RevOps lead looks at first after a build: what was lost and why, which raw columns
the warehouse lacks and which picklist values no seed maps, the scores, the funnel, who works the
open leads and how the SLA clocks stand."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import duckdb

from . import PROJECT_ROOT, add_database_argument

LAYERS = ("staging", "intermediate", "marts")


def _table(rows: Sequence[tuple[object, ...]], headers: tuple[str, ...]) -> str:
    cells = [headers, *[tuple("" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in r) for r in rows]]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(str(v).rjust(w) if n and str(v).replace(",", "").lstrip("-").isdigit() else str(v).ljust(w) for v, w in zip(row, widths)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def layer_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    relations = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('staging', 'intermediate', 'marts') order by 1, 2"
    ).fetchall()
    totals: dict[str, tuple[int, int]] = {}
    for schema, name in relations:
        count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
        models, rows = totals.get(schema, (0, 0))
        totals[schema] = (models + 1, rows + (int(count[0]) if count else 0))
    return [(layer, *totals.get(layer, (0, 0))) for layer in LAYERS]


def current_stages(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        """
        select coalesce(f.current_stage, '(no lifecycle record)'), count(*),
               round(median(f.hours_in_current_stage) / 24, 1)
        from marts.fct_lead_funnel f
        left join config.lifecycle_stages s on s.lifecycle_stage = f.current_stage
        group by f.current_stage, s.stage_order order by s.stage_order nulls last
        """
    ).fetchall()


def funnel(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    stages = ("lead", "mql", "sal", "sql", "opportunity", "customer")
    steps = list(zip(stages, stages[1:]))
    row = con.execute(
        "select "
        + ", ".join(f"count({stage}_at)" for stage in stages)
        + ", "
        + ", ".join(f"round(median(days_{a}_to_{b}), 1)" for a, b in steps)
        + " from marts.fct_lead_funnel"
    ).fetchone()
    if not row:
        return []
    reached = [int(v) for v in row[: len(stages)]]
    rows: list[tuple[object, ...]] = [(stages[0], reached[0], "", "")]
    for i, median_days in enumerate(row[len(stages):], start=1):
        share = f"{100 * reached[i] / reached[i - 1]:.1f}%" if reached[i - 1] else ""
        rows.append((stages[i], reached[i], share, median_days))
    return rows


def render(database: Path) -> str:
    con = duckdb.connect(str(database), read_only=True)
    try:
        parts = ["== rows per layer ==", _table(layer_counts(con), ("layer", "models", "rows"))]
        reconciliation = con.execute(
            "select source_table, raw_rows, duplicate_versions, soft_deleted_rows, quarantined_rows, "
            "staged_rows, orphaned_rows, unaccounted_rows from marts.audit_row_reconciliation order by 1"
        ).fetchall()
        parts += [
            "",
            "== nothing lost: raw rows by outcome (unaccounted must be 0) ==",
            _table(reconciliation, ("raw table", "raw", "dup versions", "deleted", "quarantined", "staged", "orphaned", "unaccounted")),
        ]
        quarantine = con.execute(
            "select reason_code, quarantine_layer, source_table, count(*) from marts.audit_quarantine "
            "group by all order by 1, 3"
        ).fetchall()
        parts += ["", "== quarantined, and why ==", _table(quarantine, ("reason", "layer", "raw table", "rows"))]
        absent = con.execute(
            "select source_table, status, count(*), case when bool_and(is_table_present) "
            "then string_agg(column_name, ', ' order by column_position) else '(the whole table)' end "
            "from marts.audit_source_columns where status <> 'present' group by all order by 1, 2"
        ).fetchall()
        read = con.execute("select count(*), count(distinct source_table) from marts.audit_source_columns").fetchone()
        parts += [
            "",
            f"== raw columns leadflow reads: {read[0] if read else 0:,} in {read[1] if read else 0:,} tables; "
            "not in this warehouse (marts.audit_source_columns) ==",
            _table(absent, ("raw table", "status", "columns", "which")) if absent else "every contract column is present",
        ]
        unmapped = con.execute(
            "select picklist, source_field, source_value, occurrences, seed_to_edit from marts.audit_unmapped_values "
            "order by occurrences desc, 1, 2, 3"
        ).fetchall()
        parts += [
            "",
            "== picklist values no seed maps (marts.audit_unmapped_values) ==",
            _table(unmapped, ("picklist", "field", "value", "records", "add it to")) if unmapped else "none",
        ]
        leads = con.execute(
            """
            select
                count(*),
                count(salesforce_lead_id), count(salesforce_contact_id), count(hubspot_contact_id),
                count(segment_user_id), count(account_id),
                count(*) filter (where is_opted_out),
                count(*) filter (where has_invalid_email),
                count(*) filter (where is_missing_company),
                count(*) filter (where is_missing_country),
                count(*) filter (where duplicate_record_count > 0)
            from marts.dim_leads
            """
        ).fetchone()
        excluded = con.execute(
            "select count(*) filter (where not has_crm_record and not is_internal), "
            "count(*) filter (where is_internal) from intermediate.int_identity__persons"
        ).fetchone()
        if leads and excluded:
            labels = (
                "people (dim_leads)", "with a Salesforce lead", "with a Salesforce contact",
                "with a HubSpot contact", "identified in Segment", "matched to an account",
                "opted out of email", "without a valid email", "missing company",
                "missing country", "with duplicate CRM records",
            )
            rows = [(label, int(value)) for label, value in zip(labels, leads)]
            rows += [
                ("web-only visitors (not leads)", int(excluded[0])),
                ("our own employees (not leads)", int(excluded[1])),
            ]
            parts += ["", "== people ==", _table(rows, ("", "count"))]
        matrix = con.execute(
            "select fit_grade, intent_band, priority_action, count(*), round(avg(fit_score), 1), "
            "round(avg(intent_score), 1) from marts.dim_leads group by all order by 1, 2"
        ).fetchall()
        parts += [
            "",
            "== fit x intent (scoring model "
            + str(con.execute("select max(scoring_model_version) from marts.dim_leads").fetchone()[0])  # type: ignore[index]
            + ") ==",
            _table(matrix, ("fit", "intent", "action", "people", "avg fit", "avg intent")),
        ]
        parts += ["", "== lifecycle: where people are now ==", _table(current_stages(con), ("stage", "people", "median days in stage"))]
        parts += [
            "",
            "== funnel: people who ever reached each stage ==",
            _table(funnel(con), ("stage", "people", "of previous stage", "median days from previous")),
        ]
        calibration = con.execute(
            "select fit_grade, intent_band, priority_action, mql_count, sql_count, opportunity_count, "
            "coalesce(cast(round(100 * mql_to_opportunity_rate, 1) as varchar) || '%', '') "
            "from marts.rpt_score_calibration where mql_count > 0 order by 1, 2"
        ).fetchall()
        parts += [
            "",
            "== calibration: MQLs by fit x intent at MQL, and what became of them ==",
            _table(calibration, ("fit", "intent at MQL", "action", "MQLs", "SQLs", "opps", "MQL -> opp")),
        ]
        routing = con.execute(
            "select assignment_method, coalesce(assigned_team, ''), count(*) from marts.fct_lead_routing "
            "group by all order by 3 desc"
        ).fetchall()
        parts += ["", "== routing: open people by how they were assigned ==", _table(routing, ("method", "team", "people"))]
        workload = con.execute(
            "select team, count(*), sum(case when can_take_leads then 1 else 0 end), sum(open_leads), "
            "sum(new_assignments), sum(daily_cap_headroom) from marts.rpt_rep_workload group by 1 order by 1"
        ).fetchall()
        parts += [
            "",
            "== rep workload by team ==",
            _table(workload, ("team", "reps", "taking leads", "open leads", "new today", "daily headroom")),
        ]
        sla = con.execute(
            """
            select clock_id, team, count(*),
                   coalesce(cast(round(100.0 * count(*) filter (where status = 'met')
                       / nullif(count(*) filter (where status not in ('open', 'due_soon')), 0), 1) as varchar) || '%', ''),
                   count(*) filter (where status = 'open_breached'),
                   round(median(minutes_to_response), 1)
            from marts.fct_lead_sla group by all order by 1, 2
            """
        ).fetchall()
        parts += [
            "",
            "== SLA clocks (business minutes) ==",
            _table(sla, ("clock", "team", "clocks", "met", "open breaches", "median minutes to response")),
        ]
        return "\n".join(parts)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="summary",
        description="Summarise a built leadflow database: rows per layer, the raw-row "
        "reconciliation, quarantine reasons, headline people counts, the fit x intent matrix, "
        "lifecycle stages and funnel, the matrix calibration, routing, rep workload and SLA clocks.",
    )
    add_database_argument(parser)
    args = parser.parse_args(argv)
    print(render(args.database))
    return 0
