{#-
    Checks that run before anything is built (on-run-start) and the build log the reverse-ETL
    sync reads (leadflow_meta.build_runs).

    on-run-start, every command with hooks (build, run, seed, test, snapshot):
      1. as_of is parsed and normalised (utc_timestamp_literal): a malformed value stops here.
    and for the commands that build models (build, run, retry):
      2. Data range: as_of before the earliest arrival stamp of the raw tables (nothing would
         be built) or more than `as_of_max_days_after_data` days after the latest (decayed
         scores near 0 would be pushed to the CRMs) is refused unless
         `allow_as_of_outside_data: true`.
      3. Rewind: an incremental model holding rows later than as_of cannot be rebuilt
         incrementally; refused for every selected incremental model at once, before any node
         runs (not after hundreds of nodes rebuilt), unless --full-refresh.
      4. build and run commands append a 'started' event to leadflow_meta.build_events;
         on-run-end appends 'success' or 'error'. A killed build leaves only 'started', so the
         sync sees marts from a run that never finished (view leadflow_meta.build_runs: one row
         per invocation that selected marts models, with its status; a later run of staging
         alone does not hide a killed build).
-#}
{% macro on_run_start() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set as_of = leadflow.as_of_literal() -%}
    {%- if flags.WHICH in ('build', 'run', 'retry') -%}
        {%- do leadflow.refuse_as_of_outside_data(as_of) -%}
        {%- do leadflow.refuse_rewind(as_of) -%}
    {%- endif -%}
    {%- if flags.WHICH in ('build', 'run') -%}
        {%- do leadflow.log_build_event('started') -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{% macro on_run_end(results) -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error']) | list -%}
    {%- do leadflow.log_build_event('error' if failed else 'success') -%}
    {{ return('') }}
{%- endmacro %}

{#- The latest stamp each selected incremental model holds (config meta as_of_column) must not be
    later than as_of. -#}
{% macro refuse_rewind(as_of) -%}
    {%- if flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set probes = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.config.materialized == 'incremental'
        and node.unique_id in selected_resources
        and node.config.meta.get('as_of_column') -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is not none -%}
            {%- do probes.append("select '" ~ node.name ~ "' as model_name, max("
                ~ node.config.meta['as_of_column'] ~ ") as latest from " ~ relation) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if probes | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set probe -%}
        select model_name, latest
        from ({{ probes | join(' union all ') }}) as stamps
        where latest > cast('{{ as_of }}' as timestamp)
        order by model_name
    {%- endset -%}
    {%- set rows = run_query(probe).rows -%}
    {%- if rows | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "leadflow: as_of " ~ as_of ~ " is earlier than what incremental models already hold ("
            ~ (rows | map('join', ' up to ') | join(', ')) ~ "). Nothing was built. An incremental run"
            ~ " cannot rewind time: rerun with --full-refresh (dbt build --full-refresh), or use an as_of"
            ~ " at or after the latest build's.") }}
    {%- endif -%}
{%- endmacro %}

{#- as_of against the raw tables' arrival stamps (each source's loaded_at_field). -#}
{% macro refuse_as_of_outside_data(as_of) -%}
    {%- if var('allow_as_of_outside_data', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set probes = [] -%}
    {%- for source in graph.sources.values() if source.loaded_at_field -%}
        {%- set relation = adapter.get_relation(source.database, source.schema, source.identifier) -%}
        {%- if relation is not none -%}
            {%- do probes.append("select min(" ~ source.loaded_at_field ~ ") as first_arrival, max("
                ~ source.loaded_at_field ~ ") as last_arrival from " ~ relation) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if probes | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set gap_days = var('as_of_max_days_after_data') | int -%}
    {%- set probe -%}
        select
            min(first_arrival) as first_arrival,
            max(last_arrival) as last_arrival,
            cast('{{ as_of }}' as timestamp) < min(first_arrival) as is_before_data,
            cast('{{ as_of }}' as timestamp)
            > {{ leadflow.add_hours('max(last_arrival)', gap_days * 24) }} as is_after_data
        from ({{ probes | join(' union all ') }}) as arrivals
    {%- endset -%}
    {%- set row = run_query(probe).rows[0] -%}
    {%- set override = " Set allow_as_of_outside_data: true to build anyway." -%}
    {%- if row[2] -%}
        {{ exceptions.raise_compiler_error(
            "leadflow: as_of " ~ as_of ~ " is before the first raw row arrived (" ~ row[0]
            ~ "): nothing would be built and every row would be quarantined as future." ~ override) }}
    {%- endif -%}
    {%- if row[3] -%}
        {{ exceptions.raise_compiler_error(
            "leadflow: as_of " ~ as_of ~ " is more than " ~ gap_days ~ " days after the last raw row arrived ("
            ~ row[1] ~ "): the loaders may have stopped, and decayed scores near 0 would be pushed to"
            ~ " the CRMs. Check the loads (dbt source freshness), or raise as_of_max_days_after_data."
            ~ override) }}
    {%- endif -%}
{%- endmacro %}

{#- Append one event of this invocation to leadflow_meta.build_events (insert-only: Parquet
    tables on Spark cannot update) and keep the view build_runs over it. -#}
{% macro log_build_event(event) -%}
    {%- set schema = 'leadflow_meta' -%}
    {%- do run_query('create schema if not exists ' ~ schema) -%}
    {%- set create_table -%}
        create table if not exists {{ schema }}.build_events (
            invocation_id {{ dbt.type_string() }},
            as_of {{ dbt.type_timestamp() }},
            event {{ dbt.type_string() }},
            command {{ dbt.type_string() }},
            recorded_at {{ dbt.type_timestamp() }},
            selects_marts boolean
        )
    {%- endset -%}
    {%- do run_query(create_table) -%}
    {%- set create_view -%}
        create or replace view {{ schema }}.build_runs as
        select
            invocation_id,
            max(as_of) as as_of,
            min(case when event = 'started' then recorded_at end) as started_at,
            max(case when event != 'started' then recorded_at end) as finished_at,
            coalesce(
                max(case when event = 'error' then 'error' end),
                max(case when event = 'success' then 'success' end),
                'running'
            ) as status
        from {{ schema }}.build_events
        group by invocation_id
        -- builds that (re)built marts: a later run of staging alone does not make marts whole
        having max(case when selects_marts then 1 else 0 end) = 1
    {%- endset -%}
    {%- do run_query(create_view) -%}
    {%- set insert -%}
        insert into {{ schema }}.build_events
        select
            '{{ invocation_id }}',
            cast('{{ leadflow.as_of_literal() }}' as timestamp),
            '{{ event }}',
            '{{ flags.WHICH }}',
            cast('{{ modules.datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp),
            {{ leadflow.selects_marts() }}
    {%- endset -%}
    {%- do run_query(insert) -%}
    {#- durable now: a build killed later must leave its 'started' event behind (on-run-end's
        event is committed by dbt as the run ends) -#}
    {%- if event == 'started' -%}
        {%- do leadflow.commit_open_transaction() -%}
    {%- endif -%}
{%- endmacro %}

{#- Whether this invocation selected any model under models/marts. -#}
{% macro selects_marts() -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.unique_id in selected_resources
        and node.original_file_path.startswith('models/marts/') -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- Commit what the hook wrote so far. DuckDB: whether dbt opened a transaction for the hook's
    queries depends on what ran before (listing relations opens one, committed only after every
    hook ran); two statements in one transaction share current_transaction_id(), two autocommitted
    ones do not. So: when a transaction is open, commit it now and open the one dbt will commit.
    Spark has no transactions: nothing to do. -#}
{% macro commit_open_transaction() -%}
    {{ return(adapter.dispatch('commit_open_transaction', 'leadflow')()) }}
{%- endmacro %}
{% macro default__commit_open_transaction() -%}
{%- endmacro %}
{% macro duckdb__commit_open_transaction() -%}
    {%- set first = run_query('select current_transaction_id()').rows[0][0] -%}
    {%- set second = run_query('select current_transaction_id()').rows[0][0] -%}
    {%- if first == second -%}
        {%- do run_query('commit') -%}
        {%- do run_query('begin transaction') -%}
    {%- endif -%}
{%- endmacro %}
