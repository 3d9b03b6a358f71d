"""One self-contained HTML report from the built marts (plotly.js inlined: no network at view time).

Sections: the funnel by stage with conversion rates; the fit x intent matrix (people per cell and
what MQLs of each cell went on to do); the CRM's MQL against leadflow's own by month; the intent score distribution against the band
thresholds; the score backtest (AUC by MQL month, lift by decile); accounts (account fit x intent)
and their buying groups; SLA compliance by team and the current breach list; rep workload; what
the load quarantined and why.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go  # type: ignore[import-untyped]

from . import PROJECT_ROOT, add_database_argument

STAGES = ["lead", "mql", "sal", "sql", "opportunity", "customer"]
GRADES = ["A", "B", "C", "D", "needs_enrichment"]  # needs_enrichment: fit unknown, not graded
GRADE_LABELS = {"needs_enrichment": "Fit unknown (enrich)"}
BANDS = ["low", "medium", "high"]  # bottom to top in the heatmap


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    intro: str
    figure: go.Figure


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def funnel(con: duckdb.DuckDBPyConnection) -> Section:
    counts = _rows(
        con,
        "select " + ", ".join(f"count({stage}_at)" for stage in STAGES) + " from marts.fct_lead_funnel",
    )[0]
    figure = go.Figure(
        go.Funnel(y=[s.upper() if len(s) == 3 else s.title() for s in STAGES], x=list(counts),
                  textinfo="value+percent previous+percent initial")
    )
    figure.update_layout(title="Funnel: people reaching each stage (share of previous / of leads)")
    return Section("funnel", "Funnel", "People who ever reached each stage (first stamps from fct_lead_funnel); "
                   "the labels show the conversion from the previous stage and from lead.", figure)


def matrix(con: duckdb.DuckDBPyConnection) -> Section:
    people = {(g, b): n for g, b, n in _rows(
        con, "select fit_grade, intent_band, count(*) from marts.dim_leads group by all")}
    calibration = {(g, b): (m, r) for g, b, m, r in _rows(
        con, "select fit_grade, intent_band, mql_count, mql_to_sql_rate from marts.rpt_score_calibration")}
    z = [[people.get((g, b), 0) for g in GRADES] for b in BANDS]
    text = []
    for b in BANDS:
        row = []
        for g in GRADES:
            mqls, rate = calibration.get((g, b), (0, None))
            rate_text = "-" if rate is None else f"{100 * rate:.0f}%"
            row.append(f"{people.get((g, b), 0):,} people<br>{mqls:,} MQLs, {rate_text} to SQL")
        text.append(row)
    figure = go.Figure(go.Heatmap(z=z, x=[GRADE_LABELS.get(g, f"Fit {g}") for g in GRADES],
                                  y=[f"Intent {b}" for b in BANDS],
                                  text=text, texttemplate="%{text}", colorscale="Blues",
                                  colorbar={"title": "people"}))
    figure.update_layout(title="Fit x intent: people per cell, and what their MQLs did")
    return Section("matrix", "Fit x intent matrix", "Who they are (fit grade) against what they did (intent "
                   "band): people per cell today, and per cell the MQLs and their MQL->SQL rate "
                   "(rpt_score_calibration). People whose fit is not known enough (too few of title, size, "
                   "industry, country) are a column of their own, sent to enrichment, not graded D.", figure)


def mql_agreement(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, """
        select qualified_month, sum(both_count), sum(crm_only_suppress_cell_count),
               sum(crm_only_needs_enrichment_count),
               sum(crm_only_count - crm_only_suppress_cell_count - crm_only_needs_enrichment_count),
               sum(model_only_count)
        from marts.rpt_mql_agreement group by qualified_month order by qualified_month""")
    months = [row[0] for row in rows]
    figure = go.Figure()
    for index, name in enumerate(["Both qualified", "CRM MQL in a suppress cell", "CRM MQL, fit unknown",
                                  "CRM MQL, other cells", "leadflow only"], start=1):
        figure.add_bar(name=name, x=months, y=[row[index] for row in rows])
    figure.update_layout(barmode="stack", title="CRM MQLs against leadflow's own MQL, by month first qualified")
    return Section("agreement", "MQL agreement", "Where trust breaks (rpt_mql_agreement): CRM MQLs leadflow's "
                   "scores never qualified (in a suppress cell, or with an unknown fit), people leadflow "
                   "qualified that the CRM never marked, and those both agree on.", figure)


def intent_distribution(con: duckdb.DuckDBPyConnection) -> Section:
    scores = [s for (s,) in _rows(con, "select intent_score from marts.dim_leads where intent_score > 0")]
    zero = _rows(con, "select count(*) from marts.dim_leads where intent_score = 0")[0][0]
    figure = go.Figure(go.Histogram(x=scores, xbins={"start": 0, "end": 100, "size": 5}, name="people"))
    for band, threshold in _rows(con, "select intent_band, min_intent_score from config.intent_band_thresholds where min_intent_score > 0"):
        figure.add_vline(x=threshold, line_dash="dash", annotation_text=f"{band} from {threshold:g}")
    figure.update_layout(title=f"Intent score distribution ({zero:,} people at 0 not shown)",
                         xaxis_title="intent score", yaxis_title="people", bargap=0.05)
    return Section("intent", "Intent scores", "Time-decayed intent at as_of for everyone with any intent, "
                   "with the band thresholds of seeds/intent_band_thresholds.csv.", figure)


def sla_compliance(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, """
        select team, clock_id,
               sum(met_count) * 1.0 / nullif(sum(met_count + breached_count + open_breached_count), 0)
        from marts.rpt_sla_compliance where grouping_level = 'team' group by all order by 1, 2""")
    figure = go.Figure()
    for clock in sorted({r[1] for r in rows}):
        teams = [r for r in rows if r[1] == clock]
        figure.add_bar(name=clock, x=[r[0] for r in teams], y=[r[2] for r in teams],
                       text=[None if r[2] is None else f"{100 * r[2]:.0f}%" for r in teams])
    figure.update_layout(title="SLA compliance by team (met / met or breached)", barmode="group",
                         yaxis={"tickformat": ".0%", "range": [0, 1]})
    return Section("sla", "SLA compliance", "Share of clocks stopped within their business-hours target, per "
                   "team and clock, over all weeks of rpt_sla_compliance.", figure)


def breach_list(con: duckdb.DuckDBPyConnection, limit: int = 25) -> Section:
    rows = _rows(con, f"""
        select coalesce(owner_name, '(no owner)'), team, clock_id, company, priority_tier,
               round(hours_overdue, 1), what_is_missing
        from marts.rpt_sla_breaches where is_open order by hours_overdue desc limit {limit}""")
    total = _rows(con, "select count(*) from marts.rpt_sla_breaches where is_open")[0][0]
    header = ["owner", "team", "clock", "company", "tier", "hours overdue", "what is missing"]
    columns = [[row[i] for row in rows] for i in range(len(header))]
    figure = go.Figure(go.Table(header={"values": header, "align": "left"},
                                cells={"values": columns, "align": "left"}, columnwidth=[2, 2, 2, 3, 1, 1.4, 5]))
    figure.update_layout(title=f"Open SLA breaches: the {len(rows)} most overdue of {total:,}", height=760)
    return Section("breaches", "Current breach list", "Clocks still running past due, most overdue first "
                   "(rpt_sla_breaches): what a manager acts on today.", figure)


def rep_workload(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, """
        select rep_name, open_leads, new_assignments, max_open_leads
        from marts.rpt_rep_workload order by team, rep_name""")
    names = [r[0] for r in rows]
    figure = go.Figure()
    figure.add_bar(name="open leads before routing", x=names, y=[r[1] for r in rows])
    figure.add_bar(name="new assignments", x=names, y=[r[2] for r in rows])
    figure.add_scatter(name="max open leads", x=names, y=[r[3] for r in rows], mode="markers",
                       marker={"symbol": "line-ew-open", "size": 18})
    figure.update_layout(title="Rep workload: open leads, today's assignments and the cap", barmode="stack")
    return Section("workload", "Rep workload", "Per rep (rpt_rep_workload): open leads already owned, new "
                   "round-robin assignments, and the open-lead cap from seeds/sales_reps.csv.", figure)


def quarantine(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, """
        select source_table, reason_code, count(*) from marts.audit_quarantine group by all order by 3 desc""")
    figure = go.Figure()
    for reason in sorted({r[1] for r in rows}):
        picked = [r for r in rows if r[1] == reason]
        figure.add_bar(name=reason, y=[r[0] for r in picked], x=[r[2] for r in picked], orientation="h")
    figure.update_layout(title="Quarantined raw rows by table and reason", barmode="stack",
                         height=max(360, 28 * len({r[0] for r in rows}) + 160))
    return Section("quarantine", "Quarantine", "Raw rows the load set aside with a reason (audit_quarantine); "
                   "nothing is dropped silently.", figure)


def accounts(con: duckdb.DuckDBPyConnection) -> Section:
    cells = {(g, b): (n, e) for g, b, n, e in _rows(
        con, "select fit_grade, intent_band, count(*), count(*) filter (where roles_missing is null and engaged_people > 0) "
             "from marts.dim_accounts group by all")}
    stages = dict(_rows(con, "select account_stage, count(*) from marts.dim_accounts group by 1"))
    z = [[cells.get((g, b), (0, 0))[0] for g in GRADES] for b in BANDS]
    text = [[f"{cells.get((g, b), (0, 0))[0]:,} accounts<br>{cells.get((g, b), (0, 0))[1]:,} with a full buying group"
             for g in GRADES] for b in BANDS]
    figure = go.Figure(go.Heatmap(z=z, x=[GRADE_LABELS.get(g, f"Fit {g}") for g in GRADES],
                                  y=[f"Intent {b}" for b in BANDS], text=text, texttemplate="%{text}",
                                  colorscale="Greens", colorbar={"title": "accounts"}))
    stage_text = ", ".join(f"{stages.get(s, 0):,} {s.replace('_', ' ')}" for s in ("customer", "open_opportunity", "none"))
    figure.update_layout(title=f"Accounts: account fit x account intent ({stage_text})")
    return Section("accounts", "Accounts", "One account across Salesforce accounts and HubSpot companies "
                   "(dim_accounts): fit from firmographics, intent from its engaged people (several engaged "
                   "people outrank one very active one), and how many have every required buying-group role "
                   "covered by someone engaged.", figure)


def buying_group(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, """
        select role_name, is_required,
               count(*) filter (where is_covered) * 1.0 / nullif(count(*), 0),
               count(*) filter (where people > 0) * 1.0 / nullif(count(*), 0)
        from marts.fct_account_buying_group
        where account_key in (select account_key from marts.dim_accounts where engaged_people > 0)
        group by role_id, role_name, is_required order by role_id""")
    names = [f"{r[0]}{'' if r[1] else ' (optional)'}" for r in rows]
    figure = go.Figure()
    figure.add_bar(name="someone engaged fills it", x=names, y=[r[2] for r in rows])
    figure.add_bar(name="someone fills it", x=names, y=[r[3] for r in rows])
    figure.update_layout(title="Buying-group roles among accounts with engaged people", barmode="group",
                         yaxis={"tickformat": ".0%", "range": [0, 1]})
    return Section("buying-group", "Buying groups", "Of the accounts where someone is engaged, the share whose "
                   "role (seeds/buying_group_roles.csv, read from title seniority and department) is filled, "
                   "and filled by someone engaged (fct_account_buying_group): the roles sales must bring in.",
                   figure)


def backtest(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, """
        select cohort_month, score_name, auc, people from marts.rpt_score_backtest
        where cohort <> 'all' and outcome = 'sql' order by cohort_month, score_name""")
    deciles = _rows(con, """
        select score_name, decile, lift from marts.rpt_score_backtest_deciles
        where cohort = 'all' and outcome = 'sql' order by score_name, decile""")
    overall = dict(_rows(con, "select score_name, auc from marts.rpt_score_backtest "
                              "where cohort = 'all' and outcome = 'sql'"))
    window = _rows(con, "select max(outcome_days) from marts.rpt_score_backtest")[0][0]
    figure = go.Figure()
    for score in ("fit", "intent", "matrix"):
        picked = [r for r in rows if r[1] == score]
        auc = overall.get(score)
        figure.add_scatter(name=f"{score} AUC by MQL month (all: {'-' if auc is None else f'{auc:.2f}'})",
                           x=[r[0] for r in picked], y=[r[2] for r in picked], mode="lines+markers")
        figure.add_bar(name=f"{score} lift by decile (all months)", x=[f"decile {r[1]}" for r in deciles if r[0] == score],
                       y=[r[2] for r in deciles if r[0] == score], xaxis="x2", yaxis="y2", opacity=0.6)
    figure.add_hline(y=0.5, line_dash="dot", annotation_text="chance")
    figure.update_layout(
        title=f"Score backtest: did the scores at the MQL rank who reached SQL within {window} days?",
        xaxis={"domain": [0, 0.55], "title": "month of the CRM's MQL"},
        yaxis={"title": "AUC", "range": [0.3, 1]},
        xaxis2={"domain": [0.62, 1], "title": "decile (1: highest scores)"},
        yaxis2={"anchor": "x2", "title": "lift over the cohort's rate"},
        barmode="group",
    )
    return Section("backtest", "Score backtest", "How well fit, intent and the matrix tier, as they stood at "
                   "each CRM MQL, ranked the MQLs that reached SQL (rpt_score_backtest: AUC per judged month, "
                   "0.5 is chance; rpt_score_backtest_deciles: lift per decile). scripts/suggest_weights.py "
                   "proposes fit points from the same data, never applied without a person.", figure)


def render(database: Path, output: Path) -> Path:
    con = duckdb.connect(str(database), read_only=True)
    try:
        as_of = _rows(con, "select max(as_of) from marts.dim_leads")[0][0]
        people = _rows(con, "select count(*) from marts.dim_leads")[0][0]
        sections = [funnel(con), matrix(con), mql_agreement(con), intent_distribution(con), backtest(con),
                    accounts(con), buying_group(con), sla_compliance(con), breach_list(con), rep_workload(con),
                    quarantine(con)]
    finally:
        con.close()
    parts = []
    for number, section in enumerate(sections):
        section.figure.update_layout(template="plotly_white", margin={"t": 70})
        chart = section.figure.to_html(full_html=False, include_plotlyjs=number == 0, div_id=f"chart-{section.anchor}",
                                       config={"displaylogo": False, "responsive": True})
        parts.append(f'<section id="{section.anchor}"><h2>{html.escape(section.title)}</h2>'
                     f"<p>{html.escape(section.intro)}</p>{chart}</section>")
    nav = " · ".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in sections)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>leadflow report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1200px;margin:0 auto;padding:1rem 2rem;color:#222}}
section{{margin:2rem 0}} h1{{margin-bottom:0}} .meta{{color:#666}}</style></head>
<body><h1>leadflow</h1><p class="meta">{people:,} people · as of {html.escape(str(as_of))} UTC ·
built from {html.escape(database.name)}</p><nav>{nav}</nav>
{''.join(parts)}
</body></html>"""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_browser() -> str | None:
    """A headless-capable Chromium on PATH (Debian: apt-get install chromium), else None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True)
class BrowserView:
    dom: str  # the DOM after the page's scripts ran
    console: list[str]  # console messages and uncaught errors the page produced
    rendered_titles: list[str]  # chart titles plotly drew into the SVGs


def open_in_browser(page: Path, screenshot: Path | None = None, width: int = 1280, height: int = 5800) -> BrowserView:
    """Load `page` in headless Chromium, let it render, return its DOM and console; optionally screenshot it."""
    browser = find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium on PATH: apt-get install chromium (make browser)")
    common = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              f"--window-size={width},{height}", "--virtual-time-budget=20000", "--enable-logging=stderr", "--v=0"]
    url = page.resolve().as_uri()
    dumped = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([*common, f"--screenshot={screenshot}", url], capture_output=True, timeout=120, check=True)
    console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
    titles = [html.unescape(t) for t in re.findall(r'class="gtitle"[^>]*>([^<]*)<', dumped.stdout)]
    return BrowserView(dumped.stdout, console, titles)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render one self-contained HTML report (funnel, fit x intent matrix, intent distribution, SLA "
        "compliance and breaches, rep workload, quarantine) from a database built by dbt; plotly.js is inlined, "
        "so the file opens offline."
    )
    add_database_argument(parser)
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "target" / "report" / "leadflow_report.html",
                        help="HTML file to write (target/report/leadflow_report.html)")
    parser.add_argument("--screenshot", type=Path, help="also open it in headless Chromium and save a PNG here")
    args = parser.parse_args(argv)
    path = render(args.database, args.output)
    print(f"report: {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline)")
    if args.screenshot:
        view = open_in_browser(path, args.screenshot)
        print(f"screenshot: {args.screenshot} ({len(view.rendered_titles)} charts drawn, "
              f"{len(view.console)} console messages)")
    return 0
