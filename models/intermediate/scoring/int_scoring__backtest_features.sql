{#-
    What scripts/suggest_weights.py learns from: for each judged MQL (int_scoring__backtest_mqls),
    its features as they stood at the MQL, one row per MQL and feature:
      fit_rule       a seeds/fit_scoring_rules.csv rule that fired at the MQL (int_scoring__fit_at_mql:
                     HubSpot property history where it holds the input, else the current profile);
                     value 1
      intent_signal  a seeds/intent_signals.csv signal the person showed in the
                     var('backtest_feature_days') days up to the MQL: value the number of counted,
                     not excluded events; last_seen_at the latest of them, never after mql_at (what
                     the leakage test checks)
-#}
with

mqls as {{ leadflow.not_materialized() }} (
    select * from {{ ref('int_scoring__backtest_mqls') }}
),

fit_at_mql as (
    select * from {{ ref('int_scoring__fit_at_mql') }}
    where fit_rule_ids is not null
),

signal_events as (
    select * from {{ ref('int_intent__signal_events') }}
    where not is_excluded and counted_points <> 0
),

fit_rules as (
    select
        mqls.lead_key,
        'fit_rule' as feature_type,
        fired.rule_id as feature,
        1.0 as feature_value,
        cast(null as timestamp) as last_seen_at
    from mqls
    inner join fit_at_mql
        on mqls.lead_key = fit_at_mql.lead_key
    {{ leadflow.cross_join_split('fit_at_mql.fit_rule_ids', ',', 'fired', 'rule_id') }}
),

intent_signals as (
    select
        mqls.lead_key,
        'intent_signal' as feature_type,
        signal_events.signal_id as feature,
        cast(count(*) as double) as feature_value,
        max(signal_events.occurred_at) as last_seen_at
    from mqls
    inner join signal_events
        on
            mqls.lead_key = signal_events.lead_key
            and mqls.mql_at >= signal_events.occurred_at
            and {{ leadflow.add_hours('mqls.mql_at', -24 * var('backtest_feature_days')) }}
            < signal_events.occurred_at
    group by mqls.lead_key, signal_events.signal_id
),

final as (
    select * from fit_rules
    union all
    select * from intent_signals
)

select * from final
