{#-
    Incremental strategy replace_days_and_people (int_intent__scored_events): delete every
    stored row of the UTC days from the model's incremental window start (occurred_on) and
    every stored row of the people the batch marks (rows with a null event_id carry only the
    lead_key of a person being rescored), then insert the batch's real rows. Both steps run in
    the model's transaction, so a failed run leaves the table as it was.
-#}
{% macro get_incremental_replace_days_and_people_sql(arg_dict) -%}
    {%- set window_start = leadflow.incremental_window_start('occurred_at', var('activity_lookback_days')) -%}
    {%- set days = "occurred_on >= cast('" ~ window_start ~ "' as date)" if window_start else 'true' -%}
    {{ leadflow.delete_then_insert(
        arg_dict,
        days ~ ' or lead_key in (select lead_key from ' ~ arg_dict['temp_relation'] ~ ' where event_id is null)',
        'event_id is not null') }}
{%- endmacro %}

{#- The body of the project's incremental strategies: delete the stored rows `delete_where` (a
    condition on the target, which may read the batch, arg_dict['temp_relation']) names, then
    insert the batch's rows `insert_where` keeps (all when none). -#}
{% macro delete_then_insert(arg_dict, delete_where, insert_where=none) -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ delete_where }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
    {%- if insert_where %}
    where {{ insert_where }}
    {%- endif %}
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

{#- The fingerprint of an intent signal pattern set: md5 of its '<source> <pattern>' pairs in
    order. int_intent__activity stamps it on every row it keeps. -#}
{% macro signal_patterns_hash(source_column, pattern_column) -%}
    {%- set pair = source_column ~ " || ' ' || " ~ pattern_column -%}
    {{ leadflow.hash_key(leadflow.ordered_string_agg(pair, pair, ', ')) }}
{%- endmacro %}

{#-
    int_intent__activity keeps only the events the seed's signal patterns match: an incremental
    run under other patterns would leave out older events the new patterns match. Raises when
    the stored rows were filtered with another pattern set (or predate the fingerprint) and asks
    for a --full-refresh.
-#}
{% macro refuse_changed_signal_patterns(relation, signals) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rebuild = " Rebuild with --full-refresh (dbt build --full-refresh -s " ~ relation.identifier ~ "+)." -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- if 'signal_patterns_hash' not in columns -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " predates the signal pattern filter (no signal_patterns_hash column)." ~ rebuild) }}
    {%- endif -%}
    {%- set probe -%}
        select stored.signal_patterns_hash
        from (select distinct signal_patterns_hash from {{ relation }}) as stored
        cross join (
            select {{ leadflow.signal_patterns_hash('source', 'match_pattern') }} as signal_patterns_hash
            from {{ signals }}
        ) as current_set
        where stored.signal_patterns_hash != current_set.signal_patterns_hash
    {%- endset -%}
    {%- set stale = run_query(probe).rows -%}
    {%- if stale | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " holds the events matched by other intent signal patterns than the intent_signals"
            ~ " seed has now (stored fingerprint " ~ (stale | map('first') | join(', '))
            ~ "); events the new patterns match may be missing." ~ rebuild) }}
    {%- endif -%}
{%- endmacro %}

{#-
    The final select of a replace_people model: the rows of `rows_cte`, and on an incremental run
    (`incremental_run` true) one more row per stored person whose lead_key is no longer in
    `current_people` (merged into another), with every other column null: a null marker column
    (the strategy's) names a person to delete.
-#}
{% macro replace_people_select(rows_cte, current_people, incremental_run) -%}
    {%- set vanished -%}
        select distinct stored.lead_key
        from {{ this }} as stored
        left join {{ current_people }} as current_people
            on stored.lead_key = current_people.lead_key
        where current_people.lead_key is null
    {%- endset -%}
    {{ leadflow.rows_and_person_markers(rows_cte, vanished if incremental_run else none) }}
{%- endmacro %}

{#-
    The rows of `rows_cte` and, when `marked_people` (a query of lead_keys) is given, one more row
    per person it names with every column but lead_key null: the replace_people strategy deletes
    those people's stored rows and inserts only the real rows. The columns are the model's
    documented ones (its YAML), in order; the nulls take their types from `rows_cte` (joined on
    false).
-#}
{% macro rows_and_person_markers(rows_cte, marked_people) -%}
    {%- set columns = model.columns.keys() | list if model.columns else [] -%}
    {%- if not columns %}
    select * from {{ rows_cte }}
    {%- else %}
    select
        {%- for column in columns %}
        {{ rows_cte }}.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ rows_cte }}
    {%- if marked_people %}
    union all
    select
        {%- for column in columns %}
        {{ 'marked' if column == 'lead_key' else rows_cte }}.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from (
        {{ marked_people | indent(8) }}
    ) as marked
    left join {{ rows_cte }}
        on false
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#-
    Incremental strategy replace_people (the decision-log models int_routing__decision_moments,
    int_routing__decision_facts, fct_routing_decisions; int_lifecycle__stage_changes): the
    batch holds the whole re-derived history of every person it names; delete their stored rows
    and insert the batch. A batch row whose marker column (meta replace_people_marker, default
    decided_at) is null only names a person (a lead_key that no longer exists after a merge, a
    person re-derived to no rows); it is never inserted. Both steps run in the model's
    transaction, so a failed run leaves the table as it was.
-#}
{% macro get_incremental_replace_people_sql(arg_dict) -%}
    {%- set marker = (config.get('meta') or {}).get('replace_people_marker', 'decided_at') -%}
    {{ leadflow.delete_then_insert(
        arg_dict, 'lead_key in (select lead_key from ' ~ arg_dict['temp_relation'] ~ ')', marker ~ ' is not null') }}
{%- endmacro %}

{#-
    Incremental strategy replace_records (the CRM tables' base models, macros/raw_versions.sql):
    the batch holds the kept rows of the keys it re-read (the latest version, carrying the count
    of the duplicates it superseded, and any tied_version beside it), and every row without a key
    (a null _record_key: an incremental run re-reads them all); delete the stored rows of those
    keys and every stored keyless row, then insert the batch. Both steps run in the model's
    transaction, so a failed run leaves the table as it was.
-#}
{#-
    Incremental strategy replace_events (the base models of appending raw tables,
    macros/raw_versions.sql merged_event_versions): the batch holds the new latest row of every
    event it read (key and event time, null-safe), the rows without a key stamped after the run's
    `since` (read again), and the stored rows it judged again at this as_of. Delete the stored rows
    of the batch's events, and the keyless rows the batch holds again (stamped after `since`, or
    quarantined as future_timestamp), then insert the batch. The model's config names its raw
    table (meta raw_table: [family, table]).
-#}
{% macro get_incremental_replace_events_sql(arg_dict) -%}
    {%- set family, table = config.get('meta')['raw_table'] -%}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set matches = [] -%}
    {%- for column in spec.key -%}
        {%- do matches.append(target ~ '.' ~ column ~ ' = batch.' ~ column) -%}
    {%- endfor -%}
    {%- do matches.append(leadflow.null_safe_equals(target ~ '.' ~ spec.event_time, 'batch.' ~ spec.event_time)) -%}
    {#- every stored row to delete shares its event day with a batch row: from the batch's first day
        on, so the delete skips the row groups before it -#}
    {%- set first_day = run_query(
        'select cast(min(_event_day) as ' ~ dbt.type_string() ~ ') from ' ~ arg_dict['temp_relation']).rows[0][0] -%}
    {%- set from_first_day = ("_event_day >= cast('" ~ first_day ~ "' as date) and ") if first_day is not none else '' -%}
    delete from {{ target }}
    using {{ arg_dict['temp_relation'] }} as batch
    where {{ (target ~ '.' ~ from_first_day) if from_first_day else '' }}{{ matches | join(' and ') }};
    {%- set since = leadflow.arrival_window_start() -%}
    {{ leadflow.delete_then_insert(
        arg_dict,
        from_first_day ~ leadflow.key_is_null(spec) ~ (
            '' if since is none
            else " and (_row_outcome = 'future_timestamp' or _newest_arrival > cast('" ~ since ~ "' as timestamp))")) }}
{%- endmacro %}

{% macro get_incremental_replace_records_sql(arg_dict) -%}
    {{ leadflow.delete_then_insert(
        arg_dict, '_record_key is null or _record_key in (select _record_key from ' ~ arg_dict['temp_relation'] ~ ')') }}
{%- endmacro %}
