{#-
    The base model of a raw table (base_<source>__<entity>): the latest version of every record or
    event with its row outcome, ranked once and kept incrementally.

    Every reader of a raw table (its staging model, the row audit, the data tests) used to rank
    every version of the whole raw table again; at 1M people that was most of a daily run. Here a
    run re-ranks only what can have changed, read from raw by loader stamp:
      - an appending event table (spec `appends`: Segment's pages and tracks) by arrival: the rows
        stamped since the newest arrival stamp the model holds (minus
        var('raw_arrival_lookback_hours') for loads that land out of order), merged into the
        stored versions of their events (`merged_event_versions`, strategy `replace_events`).
        The loader never rewrites a landed row, so the stored row stands for the versions read
        before and _lookback_versions says how many of them this run reads again: one read of
        about a day and a lookback of rows, and the counts stay exact.
      - another event table (spec event_time; Fivetran upserts, so a version may have been
        replaced in place and only a re-read sees it) by UTC day of the event
        (`raw_versions_window`): every day from the earliest one
        of the raw rows that arrived since the newest arrival stamp the model holds (minus
        var('raw_arrival_lookback_hours') for loads that land out of order), or holding a row
        quarantined as future_timestamp (it stages once as_of reaches it); the days are replaced
        whole (`day_partitioned_incremental` on `_event_day`). A Salesforce task edited a year
        after it was created (a new version, the same CreatedDate) re-ranks a year of days:
        correct, only slower. Versions of an event share its event time (raw_table_specs), so
        every version of an event is on a day re-read; the filter on the event time reaches the
        raw scan, where DuckDB skips the row groups before it, and one window ranks the rows read
        (rank_versions_in_window).
      - a CRM object table (no event_time: leads, contacts, history rows, ...) by key: every
        version of the keys that arrived since that stamp, of the keys whose outcome depends on
        as_of (a stored future_timestamp row, which may stage now; a stored staged row beyond
        today's future limit, after as_of moved back), and every row without a key (never
        collapsed, each stands for itself); the stored rows of those keys are replaced
        (strategy `replace_records` on `_record_key`). A record's versions do not share a day, so
        this form reads the keys' versions wherever they are.
    In the last two every version of what is re-read is read, so the ranking and the count of
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
      _lookback_versions    (appending tables) how many of those versions are stamped after
      _lookback_from        this stamp: the newest stamp the writing run read minus the lookback,
                            where the next run starts reading (it refuses to start elsewhere)
      _event_day            (event tables) the UTC day of the event; 1900-01-01 when the event
                            time is missing (day-window tables re-read those rows whenever such a
                            row arrives)
      _record_key           (CRM tables) the key as one string (raw_key_string); null for a row
                            whose key is incomplete
      _run_as_of            as_of of the run that wrote the row: the data tests of a daily run
                            read the rows with the newest one (macros/tests/latest_run.sql)
    A run whose future limit (as_of + future_tolerance_hours) is before a stored staged event is
    refused (an earlier as_of: --full-refresh); a CRM table re-reads such a record instead.

    What an incremental run cannot see, so needs `--full-refresh -s base_<source>__<entity>+`: a
    row whose loader stamp is older than the newest one stored by more than the lookback, or
    null; an optional column that starts (or stops) landing (rows not re-read keep their old
    values); an optional raw table that disappears; in an appending table, a landed row deleted or
    rewritten (the loader's promise broken) or a changed var('raw_arrival_lookback_hours').
-#}
{% macro raw_versions(family, table) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set event_time = spec.get('event_time') -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set appended = leadflow.appended_rows_window(family, table) if spec.get('appends') else none -%}
with

outcomes as (
    {%- if appended and appended.since is not none %}
    -- the rows stamped since the last run merged into the stored versions they add to
    {{ leadflow.merged_event_versions(family, table, appended) }}
    {%- else %}
    -- every version read, with its outcome; the latest one carries how many it superseded
    -- (source_row_outcomes computes them beside the ranking: read twice, this CTE would be
    -- materialized whole, every wide column of every version)
    {%- set window = none if appended else leadflow.raw_versions_window(family, table) %}
    {{ leadflow.source_row_outcomes(
        family, table, warn=true,
        row_filter=(appended.row_filter if appended else window),
        lookback_since=(appended.next_since if appended else none),
        one_window=(window is not none)) }}
    {%- endif %}
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
        {%- if appended %}
        {{ '_lookback_versions' if appended.next_since is not none else 'cast(0 as ' ~ dbt.type_bigint() ~ ')' }}
            as _lookback_versions,
        {{ appended.next_since if appended.next_since is not none else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' }}
            as _lookback_from,
        {%- endif %}
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
    {%- set first_future_day = leadflow.first_future_event_day(spec) -%}
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
    {%- set days = [arrived[0], first_future_day] | reject('none') | list -%}
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

{#- The first UTC day (a string) of an event base model's rows quarantined as future_timestamp (none
    without any). Refuses a run whose future limit is before a stored staged event: as_of moved
    back, and an incremental run cannot rewind time. -#}
{% macro first_future_event_day(spec) %}
    {%- set stored_probe -%}
        select
            cast(min(case when _row_outcome = 'future_timestamp' then _event_day end) as {{ dbt.type_string() }})
                as first_future_day,
            coalesce(max(case when _row_outcome = 'staged' then {{ spec.event_time }} end) > {{ leadflow.future_limit() }}, false)
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
    {{ return(stored[0]) }}
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

{#-
    Which raw rows the base model of an appending table (raw_table_specs: `appends`) reads, as a
    dict:
      since       the loader stamp an incremental run reads rows after (the newest stamp stored
                  minus var('raw_arrival_lookback_hours'), a string); none on a full build
      first_day   (incremental) the earliest UTC event day of those rows or of a stored row
                  quarantined as future_timestamp (a string; 1900-01-01 when a row has no event
                  time): the stored rows the run can touch are on that day or later, so the probe
                  of the stored rows and the delete skip the row groups before it
      through     the newest stamp the run reads (a string): the newest in the raw table when the
                  run compiles, so a row landing while the run writes waits for the next run
                  instead of being read without being counted (when its stamp is after
                  `through` minus the lookback: an older one is a load the lookback misses)
      row_filter  the condition on the raw table's columns: stamped after `since` (incremental)
                  and not after `through`; a full build also reads the rows without a stamp
      next_since  `through` minus the lookback as a timestamp literal: the `since` of the next
                  run. _lookback_versions counts the versions read after it, so the next run can
                  tell a version it reads again from one that is new (merged_event_versions).
    The probe of the raw table filters on the stamp only, so it reads the row groups after `since`.
-#}
{% macro appended_rows_window(family, table) %}
    {%- set none_read = {'since': none, 'first_day': none, 'through': none, 'row_filter': none, 'next_since': none} -%}
    {%- if not (execute and leadflow.source_contract(family, table).table_present) -%}
        {{ return(none_read) }}
    {%- endif -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set event_time = leadflow.raw_table_specs()[family][table].event_time -%}
    {%- set lookback = -1 * var('raw_arrival_lookback_hours') -%}
    {%- set since = none -%}
    {%- set first_future_day = none -%}
    {%- if is_incremental() -%}
        {%- do leadflow.refuse_base_model_without_newest_arrival(this) -%}
        {%- do leadflow.refuse_relation_without_column(this, '_lookback_from', '2026-12-05, session 22') -%}
        {%- set first_future_day = leadflow.first_future_event_day(leadflow.raw_table_specs()[family][table]) -%}
        {%- set since = leadflow.arrival_window_start() -%}
        {%- set counted_from = run_query(
            'select cast(max(_lookback_from) as ' ~ dbt.type_string() ~ ') from ' ~ this).rows[0][0] -%}
        {%- if since is not none and counted_from != since -%}
            {{ exceptions.raise_compiler_error(
                this ~ " counted the versions it would read again from " ~ counted_from ~ ", but this run reads from "
                ~ since ~ " (var raw_arrival_lookback_hours changed since the last run?). Rebuild it with"
                ~ " --full-refresh (dbt build --full-refresh -s " ~ this.identifier ~ "+).") }}
        {%- endif -%}
    {%- endif -%}
    {%- set newest -%}
        {%- if since is none -%}
        select max({{ arrival }}) as newest from {{ source(family, table) }}
        {%- else -%}
        select max(newest) as newest, min(first_day) as first_day from (
            select max(_newest_arrival) as newest, cast(null as date) as first_day from {{ this }}
            union all
            select
                max({{ arrival }}) as newest,
                min(coalesce(cast({{ event_time }} as date), cast('1900-01-01' as date))) as first_day
            from {{ source(family, table) }}
            where {{ arrival }} > cast('{{ since }}' as timestamp)
        ) as stamps
        {%- endif -%}
    {%- endset -%}
    {%- set probe -%}
        select
            cast(newest as {{ dbt.type_string() }}),
            cast({{ leadflow.add_hours('newest', lookback) }} as {{ dbt.type_string() }}),
            {{ 'cast(first_day as ' ~ dbt.type_string() ~ ')' if since is not none else 'null' }}
        from ({{ newest }}) as newest_stamp
    {%- endset -%}
    {%- set stamps = run_query(probe).rows[0] -%}
    {%- if stamps[0] is none -%}
        {{ return(none_read) }}
    {%- endif -%}
    {%- set up_to = arrival ~ " <= cast('" ~ stamps[0] ~ "' as timestamp)" -%}
    {%- set days = [stamps[2], first_future_day] | reject('none') | list -%}
    {{ return({
        'since': since,
        'first_day': days | min if days else none,
        'through': stamps[0],
        'row_filter': ('(' ~ up_to ~ ' or ' ~ arrival ~ ' is null)') if since is none
            else ('(' ~ arrival ~ " > cast('" ~ since ~ "' as timestamp) and " ~ up_to ~ ')'),
        'next_since': "cast('" ~ stamps[1] ~ "' as timestamp)",
    }) }}
{% endmacro %}

{#-
    An incremental run of an appending table's base model (raw_versions): the rows stamped since
    the last run, merged into the stored versions of the events they belong to, without reading
    the event's older rows again. Every row the loader landed stays in the raw table, so for an
    event (key and event time) the run holds:
      - the stored row: the latest version read so far, how many versions were read
        (_superseded_versions + 1), the newest stamp among them, and how many of them are stamped
        after this run's `since` (_lookback_versions). A row the previous run wrote counted them
        from the `since` this run now has (appended_rows_window's next_since; checked on the
        newest _lookback_from). An older row holds 0, which is right from any later `since`: had
        it a version stamped after its own _lookback_from, that version would have been in the
        next run's rows and that run would have written the row again;
      - the raw rows stamped after `since`: every version stamped there, those read by an earlier
        run (exactly _lookback_versions of them) and new ones, a late load's included.
    So the latest version is the first of the stored one and the rows read (the rows read again
    cannot beat the stored one: they lost to it before), the versions are the stored count plus
    the rows read minus _lookback_versions, and the newest stamp is the newest of both. A row
    without a key is never collapsed: those stamped after `since` are read again and replace the
    stored ones (strategy replace_events). A stored row quarantined as future_timestamp is judged
    again at this as_of from its stored columns. Only winners are returned, with the columns
    source_row_outcomes gives raw_versions.
-#}
{% macro merged_event_versions(family, table, appended) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set event_time = spec.event_time -%}
    {%- set partition = spec.key + [event_time] -%}
    {%- set columns = leadflow.source_contract(family, table).columns | map(attribute='name') | list -%}
    {%- set quoted = [] -%}
    {%- for column in columns -%}
        {%- do quoted.append(adapter.quote(column) if column in ('timestamp', 'from') else column) -%}
    {%- endfor -%}
    {%- set key_is_null = leadflow.key_is_null(spec) -%}
    {%- set matches = [] -%}
    {%- for column in partition -%}
        {%- do matches.append(leadflow.null_safe_equals('stored.' ~ column, 'read_keys.' ~ column)) -%}
    {%- endfor -%}
    {%- set bigint = dbt.type_bigint() -%}
        with read_rows as (
            -- the raw rows stamped after since, through the newest stamp probed
            {{ leadflow.filled_source(family, table, warn=true, row_filter=appended.row_filter) }}
        ),

        stored_rows as (
            -- the stored rows of the events read, and the stored rows whose outcome moves with as_of
            -- (a row without a key stamped after since is read again instead)
            {#- `and` binds first: the day bound narrows the probe for the events read; the stored
                future rows (few) are all taken. Measured on the 1M database, bounding both was
                slower (4.2 s against 3.5 s for the whole run of base_segment__pages). -#}
            select stored.*
            from {{ this }} as stored
            where
                {%- if appended.first_day is not none %}
                _event_day >= cast('{{ appended.first_day }}' as date)
                and
                {%- endif %}
                (
                    not {{ key_is_null }}
                    and exists (
                        select 1 from read_rows as read_keys
                        where {{ matches | join(' and ') }}
                    )
                )
                or (
                    _row_outcome = 'future_timestamp'
                    and (
                        not {{ key_is_null }}
                        or coalesce(_newest_arrival <= cast('{{ appended.since }}' as timestamp), true)
                    )
                )
        ),

        candidates as (
            select
                {{ quoted | join(', ') }},
                cast(1 as {{ bigint }}) as _versions,
                cast(0 as {{ bigint }}) as _read_again,
                {{ arrival }} as _candidate_newest_arrival,
                cast(case when {{ arrival }} > {{ appended.next_since }} then 1 else 0 end as {{ bigint }})
                    as _candidate_lookback
            from read_rows
            union all
            select
                {{ quoted | join(', ') }},
                _superseded_versions + 1 as _versions,
                _lookback_versions as _read_again,
                _newest_arrival as _candidate_newest_arrival,
                -- its versions stamped after next_since (at or after since) are among the rows read
                cast(0 as {{ bigint }}) as _candidate_lookback
            from stored_rows
        ),

        ranked as (
            select
                candidates.*,
                case
                    when {{ key_is_null }} then 1
                    else row_number() over (
                        partition by {{ partition | join(', ') }}
                        order by {{ spec.order_by }}, {{ leadflow.row_fingerprint(family, table) }} desc
                    )
                end as _version_rank,
                case
                    when {{ key_is_null }} then _versions
                    else cast(sum(_versions - _read_again) over (partition by {{ partition | join(', ') }}) as {{ bigint }})
                end as _event_versions,
                case
                    when {{ key_is_null }} then _candidate_newest_arrival
                    else max(_candidate_newest_arrival) over (partition by {{ partition | join(', ') }})
                end as _event_newest_arrival,
                case
                    when {{ key_is_null }} then _candidate_lookback
                    else cast(sum(_candidate_lookback) over (partition by {{ partition | join(', ') }}) as {{ bigint }})
                end as _event_lookback
            from candidates
        )

        select
            {{ quoted | join(', ') }},
            case
                {{ leadflow.kept_row_outcome_branches(spec) }}
            end as _row_outcome,
            case when {{ key_is_null }} then cast(0 as {{ bigint }}) else _event_versions - 1 end
                as _superseded_versions,
            _event_newest_arrival as _superseded_newest_arrival,
            _event_lookback as _lookback_versions
        from ranked
        where _version_rank = 1
{% endmacro %}
