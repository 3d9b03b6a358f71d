{#-
    The base model of a raw table (base_<source>__<entity>): the latest version of every record or
    event with its row outcome, ranked once and kept incrementally.

    Every reader of a raw table (its staging model, the row audit, the data tests) used to rank
    every version of the whole raw table again; at 1M people that was most of a daily run. Here a
    run re-ranks only what can have changed, read from raw by loader stamp (`raw_versions_window`):
      - an event table (spec event_time) by UTC day of the event: every day from the earliest one
        of the raw rows that arrived since the newest arrival stamp the model holds (minus
        var('raw_arrival_lookback_hours') for loads that land out of order), or holding a row
        quarantined as future_timestamp (it stages once as_of reaches it); the days are replaced
        whole (`day_partitioned_incremental` on `_event_day`). A Salesforce task edited a year
        after it was created (a new version, the same CreatedDate) re-ranks a year of days:
        correct, only slower. Versions of an event share its event time (raw_table_specs), so
        every version of an event is on a day re-read; the filter on the event time reaches the
        raw scan, where DuckDB skips the row groups before it.
      - a CRM object table (no event_time: leads, contacts, history rows, ...) by key: every
        version of the keys that arrived since that stamp, of the keys whose outcome depends on
        as_of (a stored future_timestamp row, which may stage now; a stored staged row beyond
        today's future limit, after as_of moved back), and every row without a key (never
        collapsed, each stands for itself); the stored rows of those keys are replaced
        (strategy `replace_records` on `_record_key`). A record's versions do not share a day, so
        this form reads the keys' versions wherever they are.
    Either way every version of what is re-read is read, so the ranking and the count of
    superseded versions are exact.

    A row keeps every contract column under its contract name (filled_source), and:
      _row_outcome          staged, soft_deleted, tied_version (CRM tables: a losing version with
                            the winner's stamps and other values, kept as its own row) or a
                            quarantine reason (source_row_outcomes)
      _superseded_versions  how many older versions of it the row won over (their outcome is
                            duplicate_version); 0 for a row without a key (never collapsed) and
                            for a tied_version row
      _newest_arrival       the newest loader stamp among the versions the model has read for the
                            row: its own, or a superseded version's when that one arrived later (a
                            re-delivery whose modstamp went backwards)
      _event_day            (event tables) the UTC day of the event; 1900-01-01 when the event
                            time is missing (those rows are re-read whenever such a row arrives)
      _record_key           (CRM tables) the key as one string (raw_key_string); null for a row
                            whose key is incomplete
      _run_as_of            as_of of the run that wrote the row: the data tests of a daily run
                            read the rows with the newest one (macros/tests/latest_run.sql)
    A run whose future limit (as_of + future_tolerance_hours) is before a stored staged event is
    refused (an earlier as_of: --full-refresh); a CRM table re-reads such a record instead.

    What an incremental run cannot see, so needs `--full-refresh -s base_<source>__<entity>+`: a
    row whose loader stamp is older than the newest one stored by more than the lookback, or
    null; an optional column that starts (or stops) landing (rows not re-read keep their old
    values); an optional raw table that disappears.
-#}
{% macro raw_versions(family, table) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set event_time = spec.get('event_time') -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set window = leadflow.raw_versions_window(family, table) -%}
with

outcomes as (
    -- every version read, with its outcome; the latest one carries how many it superseded
    -- (source_row_outcomes computes them beside the ranking: read twice, this CTE would be
    -- materialized whole, every wide column of every version)
    {{ leadflow.source_row_outcomes(family, table, warn=true, row_filter=window) }}
),

final as (
    select
        {%- for column in leadflow.source_contract(family, table).columns %}
        {{ adapter.quote(column.name) if column.name in ('timestamp', 'from') else column.name }},
        {%- endfor %}
        _row_outcome,
        _superseded_versions,
        -- greatest() skips nulls on DuckDB and Spark
        greatest({{ arrival }}, _superseded_newest_arrival) as _newest_arrival,
        {%- if event_time %}
        coalesce(cast({{ event_time }} as date), cast('1900-01-01' as date)) as _event_day,
        {%- else %}
        {{ leadflow.record_key(spec) }} as _record_key,
        {%- endif %}
        {{ leadflow.as_of() }} as _run_as_of
    from outcomes
    -- the latest version, a tied_version beside it, and every row without a key (never
    -- collapsed: each one stands for itself)
    where _row_outcome != 'duplicate_version'
)

select * from final
{% endmacro %}

{#- A CRM row's key as one string (raw_key_string), null when a part is missing. -#}
{% macro record_key(spec) -%}
    case when {{ leadflow.key_is_null(spec) }} then null else {{ leadflow.raw_key_string(spec) }} end
{%- endmacro %}

{#-
    The raw rows a raw_versions run re-reads, as a condition on the raw table's columns; none on a
    first or --full-refresh run (read everything). See raw_versions for the rule.
-#}
{% macro raw_versions_window(family, table) %}
    {%- if not (execute and is_incremental() and leadflow.source_contract(family, table).table_present) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- do leadflow.refuse_base_model_without_newest_arrival(this) -%}
    {%- if spec.get('event_time') -%}
        {{ return(leadflow.event_days_window(family, table)) }}
    {%- else -%}
        {{ return(leadflow.record_keys_window(family, table)) }}
    {%- endif -%}
{% endmacro %}

{#- The loader stamp an incremental run reads raw rows from: the newest one the base model holds,
    minus the lookback, as a string (none when the model holds no stamp). -#}
{% macro arrival_window_start() %}
    {%- set probe -%}
        select cast({{ leadflow.add_hours('max(_newest_arrival)', -1 * var('raw_arrival_lookback_hours')) }}
            as {{ dbt.type_string() }})
        from {{ this }}
    {%- endset -%}
    {{ return(run_query(probe).rows[0][0]) }}
{% endmacro %}

{#- raw_versions_window of an event table: every day from the earliest that can have changed. -#}
{% macro event_days_window(family, table) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set event_time = spec.event_time -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set since = leadflow.arrival_window_start() -%}
    {%- set stored_probe -%}
        select
            cast(min(case when _row_outcome = 'future_timestamp' then _event_day end) as {{ dbt.type_string() }})
                as first_future_day,
            coalesce(max(case when _row_outcome = 'staged' then {{ event_time }} end) > {{ leadflow.future_limit() }}, false)
                as is_rewound
        from {{ this }}
    {%- endset -%}
    {%- set stored = run_query(stored_probe).rows[0] -%}
    {%- if stored[1] -%}
        {{ exceptions.raise_compiler_error(
            this ~ " holds rows staged at a later as_of than " ~ leadflow.as_of_literal()
            ~ " (events after its future limit). An incremental run cannot rewind time: rebuild it with"
            ~ " --full-refresh (dbt build --full-refresh -s " ~ this.identifier ~ "+).") }}
    {%- endif -%}
    {#- the stamp as a literal, so the filter reaches the raw scan and skips row groups by it -#}
    {%- set arrived_probe -%}
        select
            cast(min(cast({{ event_time }} as date)) as {{ dbt.type_string() }}) as first_day,
            max(case when {{ event_time }} is null then 1 else 0 end) as has_missing_time
        from {{ source(family, table) }}
        {%- if since is not none %}
        where {{ arrival }} > cast('{{ since }}' as timestamp)
        {%- endif %}
    {%- endset -%}
    {%- set arrived = run_query(arrived_probe).rows[0] -%}
    {%- set days = [arrived[0], stored[0]] | reject('none') | list -%}
    {%- set first_day = days | min if days else none -%}
    {%- set parts = [] -%}
    {%- if first_day is not none -%}
        {%- do parts.append(event_time ~ " >= cast('" ~ first_day ~ "' as timestamp)") -%}
    {%- endif -%}
    {%- if arrived[1] | int == 1 -%}
        {%- do parts.append(event_time ~ ' is null') -%}
    {%- endif -%}
    {{ return('(' ~ (parts | join(' or ') if parts else '1 = 0') ~ ')') }}
{% endmacro %}

{#- raw_versions_window of a CRM table: every version of the keys that can have changed (the
    stored rows of those keys are replaced: strategy replace_records), and every keyless row. -#}
{% macro record_keys_window(family, table) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set key = leadflow.raw_key_string(spec) -%}
    {%- set since = leadflow.arrival_window_start() -%}
    {%- if since is none -%}
        {{ return(none) }}
    {%- endif -%}
    {#- the rows whose outcome moves with as_of: a future row may stage now, a staged row beyond
        today's future limit (as_of moved back) is future again -#}
    {%- set future_checks = [] -%}
    {%- for reason, condition in spec.checks if reason == 'future_timestamp' -%}
        {%- do future_checks.append(condition) -%}
    {%- endfor -%}
    {%- set parts = [
        key ~ " in (select " ~ key ~ " from " ~ source(family, table)
            ~ " where " ~ arrival ~ " > cast('" ~ since ~ "' as timestamp))",
        leadflow.key_is_null(spec),
    ] -%}
    {%- if future_checks -%}
        {%- set as_of_bound -%}
            select count(*) from {{ this }}
            where _row_outcome = 'future_timestamp' or (_row_outcome = 'staged' and ({{ future_checks | join(' or ') }}))
        {%- endset -%}
        {%- if run_query(as_of_bound).rows[0][0] | int > 0 -%}
            {%- do parts.append(
                key ~ " in (select _record_key from " ~ this ~ " where _row_outcome = 'future_timestamp'"
                ~ " or (_row_outcome = 'staged' and (" ~ (future_checks | join(' or ')) ~ ")))") -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('(' ~ (parts | join(' or ')) ~ ')') }}
{% endmacro %}

{#-
    How many rows of a raw table its base model has had the chance to read: every raw row
    but those whose loader stamp is after the newest one the base model holds (they landed while
    dbt ran, and the next run reads them). A row an incremental run missed (its stamp older than
    the newest stored minus the lookback, or null) is counted, so audit_row_reconciliation shows
    it as unaccounted. DuckDB answers the plain count(*) from the table's metadata and the stamp
    filter from the few row groups after the stamp, so no column of the whole table is read.
    Known limits (a raw table does not say when a row landed, only its loader stamp): a load that
    lands while dbt runs, between the base model and the reconciliation, with stamps not after
    that newest one (a lagging Segment batch) is counted before the base model has read it, so
    the run reports it unaccounted and the next run (within the lookback) accounts for it. The
    newest stamp is the base model's _newest_arrival, which counts superseded versions too: a
    version that lost to an older-stamped one (its modstamp went backwards) was read all the same.
-#}
{% macro base_raw_row_count(family, table) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set base = ref(leadflow.base_model_name(spec)) -%}
    {%- set raw = source(family, table) -%}
    {#- compiled before the base model exists (dbt compile, sqlfluff): the plain count -#}
    {%- set built = execute and load_relation(base) is not none -%}
    {%- set newest = none -%}
    {%- if built -%}
        {%- do leadflow.refuse_base_model_without_newest_arrival(base) -%}
        {%- set newest = run_query(
            'select cast(max(_newest_arrival) as ' ~ dbt.type_string() ~ ') from ' ~ base).rows[0][0] -%}
    {%- endif -%}
    {%- if not built -%}
        (select count(*) from {{ raw }})
    {%- elif newest is none -%}
        (select count(*) from {{ raw }} where {{ arrival }} is null)
    {%- else -%}
        ((select count(*) from {{ raw }})
            - (select count(*) from {{ raw }} where {{ arrival }} > cast('{{ newest }}' as timestamp)))
    {%- endif -%}
{% endmacro %}

{#- A base model built before 2026-12-02 (night) has no _newest_arrival column; the probes above
    read it while the model compiles, before on_schema_change could stop the run. -#}
{% macro refuse_base_model_without_newest_arrival(relation) %}
    {%- do leadflow.refuse_relation_without_column(relation, '_newest_arrival', '2026-12-02') -%}
{% endmacro %}

{#- The loader's arrival stamp of a raw table: when Segment received the message, or when
    Fivetran wrote the row (both move when a row arrives late or changes). -#}
{% macro raw_arrival_column(family) -%}
    {{ return('received_at' if family == 'segment' else '_fivetran_synced') }}
{%- endmacro %}
