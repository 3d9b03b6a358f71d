"""The score backtest and the suggested weights on generated data, where the generator plants a
known effect (GeneratorConfig.planted: managers at accounts convert to opportunities about 3x as
often as everyone else, while the fit rules give a manager fewer points than a director)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import build, copy_database, database_path, query, scalar
from scipy.stats import rankdata

from leadflow_tools.weights import auc, suggest, write_report

# the generator's conversions come months after the MQL: a year's window judges enough of them
LONG_WINDOW_DAYS = 365


def test_backtest_auc_is_the_mann_whitney_of_the_scores_at_the_mql(built_db: Path) -> None:
    """rpt_score_backtest's AUC, recomputed independently from the judged MQLs."""
    rows = query(built_db, "select fit_score, intent_score, reached_sql from intermediate.int_scoring__backtest_mqls")
    assert len(rows) > 1000
    converted = np.array([bool(r[2]) for r in rows])
    for column, score_name in ((0, "fit"), (1, "intent")):
        scores = np.array([float(r[column]) for r in rows])
        ranks = rankdata(scores)
        positives, negatives = int(converted.sum()), int((~converted).sum())
        expected = (ranks[converted].sum() - positives * (positives + 1) / 2) / (positives * negatives)
        reported = scalar(
            built_db,
            f"select auc from marts.rpt_score_backtest where cohort = 'all' and score_name = '{score_name}' "
            "and outcome = 'sql'",
        )
        assert reported is not None and abs(float(str(reported)) - expected) < 1e-4, (score_name, reported, expected)
        computed = auc(scores, converted)
        assert computed is not None and abs(computed - expected) < 1e-9


def test_no_feature_is_seen_after_its_mql(built_db: Path) -> None:
    """Every intent feature's latest event is at or before the MQL it describes, and no MQL of a
    cohort whose outcome window is still open is judged."""
    late = scalar(
        built_db,
        "select count(*) from intermediate.int_scoring__backtest_features f "
        "join intermediate.int_scoring__backtest_mqls m using (lead_key) "
        "where f.feature_type = 'intent_signal' and f.last_seen_at > m.mql_at",
    )
    assert late == 0
    assert scalar(built_db, "select count(*) from intermediate.int_scoring__backtest_features "
                            "where feature_type = 'intent_signal'") > 0
    newest = scalar(built_db, "select max(cohort_month) from intermediate.int_scoring__backtest_mqls")
    assert str(newest) < "2026-08-01"  # as_of 2026-11-01 less 90 days falls in August: still open


def test_the_backtest_and_the_suggested_weights_find_the_planted_effect(built_db: Path, tmp_path: Path) -> None:
    database = database_path(tmp_path, "backtest")
    copy_database(built_db, database)
    build(database, tmp_path / "target", ("run", "--select", "int_scoring__backtest_mqls+"),
          backtest_outcome_days=LONG_WINDOW_DAYS)
    # the backtest shows it: MQLs with the manager rule convert clearly more than those without
    ((low, without, lift),) = query(
        database,
        "select conversion_rate_with_rule_low, conversion_rate_without_rule, lift from marts.rpt_score_backtest_rules "
        "where cohort = 'all' and outcome = 'opportunity' and rule_id = 'seniority_manager'",
    )
    assert float(str(lift)) > 1.5 and float(str(low)) > float(str(without))
    # the suggested weights raise the manager rule above its current points, and above the other
    # seniority rules, which the generator gave no effect
    result = suggest(database, "opportunity", progress=lambda _line: None)
    rules = {rule.rule_id: rule for rule in result.rules}
    manager = rules["seniority_manager"]
    assert manager.suggested_points > manager.current_points
    assert manager.suggested_points > rules["seniority_vp_director"].suggested_points
    assert manager.suggested_points > rules["seniority_c_level"].suggested_points
    # trained on earlier cohorts, judged on later ones
    assert max(result.split.train_months) < min(result.split.validation_months)
    assert result.auc_model is not None and result.auc_model > 0.6
    # disqualifiers are policy: kept whatever the data says
    assert all(rule.suggested_points == rule.current_points for rule in result.rules if rule.is_disqualifier)
    md_path, csv_path = write_report(result, tmp_path / "weights", Path(__file__).resolve().parents[2] / "seeds"
                                     / "fit_scoring_rules.csv")
    assert "seniority_manager" in md_path.read_text()
    header = csv_path.read_text().splitlines()[0]
    seed_header = (Path(__file__).resolve().parents[2] / "seeds" / "fit_scoring_rules.csv").read_text().splitlines()[0]
    assert header == seed_header
