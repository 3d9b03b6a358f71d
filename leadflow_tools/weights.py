"""Suggest fit points from outcomes: a regularised logistic model of conversion on the fit rules
that fired at each MQL and the intent signals shown before it, fitted on earlier cohorts and
judged on later ones (out of time), written as a Markdown report and a CSV shaped like
seeds/fit_scoring_rules.csv. Never applied: a person copies rows into the seed, bumps the
model version and says why in seeds/scoring_model_versions.csv and CHANGELOG.md."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import rankdata

from . import PROJECT_ROOT, add_database_argument

OUTCOMES = ("opportunity", "sql")
RULE_COLUMNS = (
    "rule_id", "attribute", "match_type", "match_values", "min_value", "max_value", "points",
    "is_disqualifier", "description", "model_version",
)


@dataclass(frozen=True)
class Split:
    """The out-of-time split: training cohorts strictly before the validation ones."""

    train_months: list[str]
    validation_months: list[str]


@dataclass(frozen=True)
class RuleSuggestion:
    rule_id: str
    description: str
    current_points: int
    is_disqualifier: bool
    train_mqls_with_rule: int
    coefficient: float | None
    suggested_points: int
    note: str


@dataclass(frozen=True)
class WeightsResult:
    outcome: str
    outcome_days: int
    as_of: str
    split: Split
    train_mqls: int
    train_converted: int
    validation_mqls: int
    validation_converted: int
    auc_current_fit: float | None
    auc_suggested_fit: float | None
    auc_model: float | None
    rules: list[RuleSuggestion]
    signal_coefficients: dict[str, float]
    points_per_log_odds: float


def auc(scores: np.ndarray, converted: np.ndarray) -> float | None:
    """The chance a converted MQL outscores one that did not (ties half): Mann-Whitney U over
    average ranks, as rpt_score_backtest computes it. None without both kinds."""
    positives = int(converted.sum())
    negatives = len(converted) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = rankdata(scores)
    return float((ranks[converted.astype(bool)].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def load(con: duckdb.DuckDBPyConnection, outcome: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The judged MQLs (one row each, outcome as 0/1) and their features at the MQL (wide)."""
    mqls = con.execute(
        f"select lead_key, cast(cohort_month as varchar) as cohort, fit_score, "
        f"cast(reached_{outcome} as integer) as converted "
        "from intermediate.int_scoring__backtest_mqls order by lead_key"
    ).df()
    features = con.execute(
        "select lead_key, feature_type || ':' || feature as feature, feature_value "
        "from intermediate.int_scoring__backtest_features"
    ).df()
    wide = features.pivot_table(index="lead_key", columns="feature", values="feature_value", fill_value=0.0)
    wide = wide.reindex(mqls["lead_key"]).fillna(0.0)
    return mqls, wide


def out_of_time_split(mqls: pd.DataFrame, validation_share: float) -> Split:
    """The latest cohorts holding at least `validation_share` of the MQLs validate; the earlier
    ones train. Refuses when either side would be empty."""
    counts = mqls.groupby("cohort").size().sort_index()
    if len(counts) < 2:
        raise ValueError(f"need at least two judged cohorts (months of MQLs), found {len(counts)}")
    if not 0 < validation_share < 1:
        raise ValueError(f"--validation-share must be between 0 and 1, not {validation_share}")
    validation: list[str] = []
    held = 0
    for month in reversed(counts.index.tolist()):
        if held >= validation_share * counts.sum() or len(validation) == len(counts) - 1:
            break
        validation.append(month)
        held += int(counts[month])
    train = [m for m in counts.index if m not in validation]
    return Split(train_months=train, validation_months=sorted(validation))


def fit_model(x: pd.DataFrame, y: np.ndarray, alpha: float) -> pd.Series:
    """L2-regularised logistic regression (statsmodels GLM, binomial). statsmodels minimises
    -loglik / n + sum(penalty * b^2) / 2, so a penalty of alpha / n on every coefficient but the
    intercept is -loglik + alpha * |b|^2 / 2 on the whole sample: a normal prior N(0, 1/alpha) on
    each coefficient, whatever the number of MQLs. Intent counts are not standardised (a signal
    counted often is penalised less per event). Returns the coefficients, intercept as 'const'."""
    design = sm.add_constant(x, has_constant="add")
    penalty = np.full(design.shape[1], alpha / len(y))
    penalty[0] = 0.0
    fitted = sm.GLM(y, design, family=sm.families.Binomial()).fit_regularized(alpha=penalty, L1_wt=0.0)
    return pd.Series(np.asarray(fitted.params), index=design.columns)


def read_rules(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def suggest(
    database: Path,
    outcome: str = "opportunity",
    validation_share: float = 0.3,
    alpha: float = 1.0,
    rules_path: Path = PROJECT_ROOT / "seeds" / "fit_scoring_rules.csv",
    progress: Callable[[str], None] = print,
) -> WeightsResult:
    """Fit on the training cohorts, suggest points, and judge current and suggested points out
    of time."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        progress(f"reading judged MQLs and their features at the MQL from {database} ...")
        mqls, wide = load(con, outcome)
        window = con.execute("select max(outcome_days), cast(max(as_of) as varchar) from marts.rpt_score_backtest").fetchone()
    finally:
        con.close()
    outcome_days, as_of = (int(window[0]), str(window[1])) if window and window[0] is not None else (0, "")
    split = out_of_time_split(mqls, validation_share)
    train = mqls["cohort"].isin(split.train_months).to_numpy()
    y = mqls["converted"].to_numpy()
    progress(
        f"training on {int(train.sum()):,} MQLs of {len(split.train_months)} months "
        f"({split.train_months[0]} .. {split.train_months[-1]}), validating on {int((~train).sum()):,} "
        f"of {len(split.validation_months)} later months ..."
    )
    if y[train].sum() == 0:
        raise ValueError(f"no training MQL reached {outcome}: nothing to learn from")
    used = [c for c in wide.columns if wide.loc[train, c].abs().sum() > 0]
    coefficients = fit_model(wide.loc[train, used], y[train], alpha)

    rules = read_rules(rules_path)
    learnable = [r for r in rules if r["is_disqualifier"] != "true" and f"fit_rule:{r['rule_id']}" in used]
    positive_current = sum(int(r["points"]) for r in learnable if int(r["points"]) > 0)
    positive_learned = sum(max(coefficients[f"fit_rule:{r['rule_id']}"], 0.0) for r in learnable)
    scale = positive_current / positive_learned if positive_learned > 0 else 0.0
    suggestions = []
    for rule in rules:
        name = f"fit_rule:{rule['rule_id']}"
        fired = int((wide.loc[train, name] > 0).sum()) if name in wide.columns else 0
        current = int(rule["points"])
        if rule["is_disqualifier"] == "true":
            suggestions.append(RuleSuggestion(rule["rule_id"], rule["description"], current, True, fired, None,
                                              current, "disqualifier: policy, kept"))
        elif name not in used:
            suggestions.append(RuleSuggestion(rule["rule_id"], rule["description"], current, False, fired, None,
                                              current, "never fired in training: kept"))
        else:
            coefficient = float(coefficients[name])
            suggestions.append(RuleSuggestion(rule["rule_id"], rule["description"], current, False, fired,
                                              coefficient, int(round(coefficient * scale)), ""))

    validation = ~train
    fit_columns = [f"fit_rule:{s.rule_id}" for s in suggestions if f"fit_rule:{s.rule_id}" in wide.columns]
    suggested_points = np.array([s.suggested_points for s in suggestions if f"fit_rule:{s.rule_id}" in wide.columns])
    suggested_fit = wide.loc[validation, fit_columns].to_numpy() @ suggested_points
    design = sm.add_constant(wide.loc[validation, used], has_constant="add")
    linear = design.to_numpy() @ coefficients[design.columns].to_numpy()
    return WeightsResult(
        outcome=outcome,
        outcome_days=outcome_days,
        as_of=as_of,
        split=split,
        train_mqls=int(train.sum()),
        train_converted=int(y[train].sum()),
        validation_mqls=int(validation.sum()),
        validation_converted=int(y[validation].sum()),
        auc_current_fit=auc(mqls.loc[validation, "fit_score"].to_numpy(dtype=float), y[validation]),
        auc_suggested_fit=auc(np.clip(suggested_fit, 0, 100), y[validation]),
        auc_model=auc(linear, y[validation]),
        rules=suggestions,
        signal_coefficients={c.split(":", 1)[1]: float(coefficients[c]) for c in used if c.startswith("intent_signal:")},
        points_per_log_odds=scale,
    )


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def write_report(result: WeightsResult, out_dir: Path, rules_path: Path) -> tuple[Path, Path]:
    """weights.md (the comparison, for a person to read) and fit_scoring_rules.suggested.csv
    (the seed's columns, model_version '<current>+suggested': never a release by itself)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rules = {r["rule_id"]: r for r in read_rules(rules_path)}
    csv_path = out_dir / "fit_scoring_rules.suggested.csv"
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=RULE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for suggestion in result.rules:
            row = dict(rules[suggestion.rule_id])
            row["points"] = str(suggestion.suggested_points)
            row["model_version"] = f"{row['model_version']}+suggested"
            writer.writerow(row)
    split = result.split
    lines = [
        f"# Suggested fit points ({result.outcome} within {result.outcome_days} days of the MQL, as of {result.as_of})",
        "",
        "Never applied automatically: copy the rows you agree with into `seeds/fit_scoring_rules.csv`, bump "
        "`model_version` in every scoring seed, and record the version, checksum and reason in "
        "`seeds/scoring_model_versions.csv` and `CHANGELOG.md`.",
        "",
        f"- Training: {result.train_mqls:,} MQLs, {result.train_converted:,} converted, cohorts "
        f"{split.train_months[0]} .. {split.train_months[-1]}",
        f"- Validation (out of time, later cohorts): {result.validation_mqls:,} MQLs, "
        f"{result.validation_converted:,} converted, cohorts {split.validation_months[0]} .. {split.validation_months[-1]}",
        f"- Points per unit of log-odds: {result.points_per_log_odds:.2f} (the current positive points of the "
        "learnable rules, shared out in proportion to their coefficients: one large coefficient takes points "
        "from the others)",
        f"- Out of time, with one overlap: a training MQL's outcome is watched for {result.outcome_days} days, "
        f"so the last training cohort's outcomes run past the first validation month; the validation AUC is "
        "somewhat optimistic against a model used on MQLs it has never seen outcomes around",
        "",
        "| Out-of-time AUC | |",
        "|---|---|",
        f"| current fit score at the MQL | {_rate(result.auc_current_fit)} |",
        f"| suggested fit points | {_rate(result.auc_suggested_fit)} |",
        f"| whole model (fit rules and intent signals) | {_rate(result.auc_model)} |",
        "",
        "| rule | description | MQLs with it (training) | coefficient | current | suggested | change | note |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for s in result.rules:
        coefficient = "" if s.coefficient is None else f"{s.coefficient:+.3f}"
        change = s.suggested_points - s.current_points
        lines.append(
            f"| {s.rule_id} | {s.description} | {s.train_mqls_with_rule:,} | {coefficient} | {s.current_points} | "
            f"{s.suggested_points} | {change:+d} | {s.note} |"
        )
    lines += ["", "| intent signal (per event in the window) | coefficient |", "|---|---:|"]
    lines += [f"| {name} | {value:+.3f} |" for name, value in sorted(result.signal_coefficients.items())]
    md_path = out_dir / "weights.md"
    md_path.write_text("\n".join(lines) + "\n")
    return md_path, csv_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=(
            "Suggest fit points from outcomes. Fits a ridge-regularised logistic model of conversion "
            "(an opportunity, or SQL, within var('backtest_outcome_days') of the CRM's MQL) on the fit "
            "rules that fired at each judged MQL and the intent signals shown in the "
            "var('backtest_feature_days') before it (intermediate.int_scoring__backtest_features), "
            "trains on earlier cohorts and reports the out-of-time AUC on later ones. Writes weights.md "
            "and fit_scoring_rules.suggested.csv; never changes a seed."
        )
    )
    add_database_argument(parser)
    parser.add_argument("--outcome", choices=OUTCOMES, default="opportunity", help="what converting means (opportunity)")
    parser.add_argument("--validation-share", type=float, default=0.3,
                        help="share of MQLs, latest cohorts first, held out for validation (0.3)")
    parser.add_argument("--alpha", type=float, default=1.0, help="ridge penalty strength (1.0)")
    parser.add_argument("--out-dir", type=Path, default=PROJECT_ROOT / "target" / "weights",
                        help="where the report and CSV go (target/weights)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    rules_path = PROJECT_ROOT / "seeds" / "fit_scoring_rules.csv"
    try:
        result = suggest(args.database, args.outcome, args.validation_share, args.alpha, rules_path)
    except ValueError as error:
        print(f"suggest_weights: {error}")
        return 2
    md_path, csv_path = write_report(result, args.out_dir, rules_path)
    print(f"out-of-time AUC: current fit {_rate(result.auc_current_fit)}, suggested fit "
          f"{_rate(result.auc_suggested_fit)}, whole model {_rate(result.auc_model)}")
    print(f"written {md_path} and {csv_path}")
    return 0
