{#-
    Incremental strategy replace_days_and_people (int_intent__scored_events): delete every
    stored row of the UTC days from the model's incremental window start (occurred_on) and
    every stored row of the people the batch marks (rows with a null event_id carry only the
    lead_key of a person being rescored), then insert the batch's real rows. Both steps run in
    the model's transaction, so a failed run leaves the table as it was.
-#}
{% macro get_incremental_replace_days_and_people_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    {%- set window_start = leadflow.incremental_window_start('occurred_at', var('activity_lookback_days')) -%}
    delete from {{ target }}
    where
        {% if window_start -%}
            occurred_on >= cast('{{ window_start }}' as date)
        {%- else -%}
            true
        {%- endif %}
        or lead_key in (select lead_key from {{ batch }} where event_id is null);
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }} where event_id is not null
{%- endmacro %}

{#-
    Stored scores must come from the signal set in the seed: an incremental run over rows scored
    by another set (a weight or half-life changed, so model_version changed) would mix versions.
    Raises, naming the versions, and asks for a --full-refresh.
-#}
{% macro refuse_stale_signal_versions(relation, signals) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set probe -%}
        select distinct stored.signal_id, stored.scoring_model_version
        from (select distinct signal_id, scoring_model_version from {{ relation }}) as stored
        left join {{ signals }} as signals
            on
                stored.signal_id = signals.signal_id
                and stored.scoring_model_version = signals.model_version
        where signals.signal_id is null
        order by 1, 2
    {%- endset -%}
    {%- set stale = run_query(probe).rows -%}
    {%- if stale | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " holds events scored by signal versions the intent_signals seed no longer has ("
            ~ (stale | map('join', ' ') | join(', ')) ~ "). Rescore history with --full-refresh"
            ~ " (dbt build --full-refresh -s " ~ relation.identifier ~ "+).") }}
    {%- endif -%}
{%- endmacro %}
