{#-
    The raw source contract as data: for every raw table, its key, how versions are ordered,
    its soft-delete flag, the row checks that quarantine it, and the staging model it feeds.
    Each raw table's base model ranks it with `source_row_outcomes` (macros/raw_versions.sql);
    staging models read its staged rows (`staged_source_rows`), the row audit its outcomes.

    Which columns a table has is its sources YAML's business (macros/source_contract.sql): every
    row is read through `filled_source`, so the key, order and checks below may name optional
    columns, which are typed NULLs when the connector did not land them.

    `event_time` (event tables only) names the column holding when the event happened. The
    contract promises every version of an event carries the same value (a re-delivered Segment
    message, a re-synced HubSpot email event, Salesforce's CreatedDate), so versions are ranked
    within (key, event_time): the same rows win as within the key alone, but a filter on the
    event's time (int_intent__activity's daily window) now reaches the raw scan instead of
    waiting for every version of every event to be ranked. A version that breaks the promise
    is not collapsed: both rows stage, and the staging model's unique key test fails, naming
    the id.

    `appends` (event tables only) says the loader never rewrites or removes a row it landed: Segment's
    warehouse loader inserts every message, a copy delivered again included (Segment dedupes on the
    message id within about a day, so a later copy lands as another row). Their base models then
    merge the rows stamped since the last run into the stored versions (macros/raw_versions.sql)
    instead of re-reading whole event days. Fivetran upserts on the primary key, so a version it
    replaced in place is gone from the raw table: its tables re-read days and records.
-#}
{% macro raw_table_specs() %}
    {%- set future = leadflow.future_limit() -%}
    {#- Salesforce: the latest SystemModstamp wins; a connector that deselected it falls back to
        LastModifiedDate, then to when Fivetran synced the row -#}
    {%- set sf_order = 'coalesce(system_modstamp, last_modified_date, _fivetran_synced) desc, _fivetran_synced desc' -%}
    {#- HubSpot company: the v2 API's is_deleted and the v3 API's _fivetran_deleted mean the same
        (Fivetran's package coalesces them) -#}
    {%- set hs_engagement_order = 'coalesce(property_hs_lastmodifieddate, _fivetran_synced) desc, _fivetran_synced desc' -%}
    {%- set ts = adapter.quote('timestamp') -%}
    {%- set specs = {
        'salesforce': {
            'lead': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                     'model': 'stg_salesforce__leads',
                     'checks': [('missing_created_date', 'created_date is null'),
                                ('future_timestamp', 'created_date > ' ~ future)],
                     'describe': ['email', 'company', 'status', 'created_date']},
            'contact': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                        'model': 'stg_salesforce__contacts',
                        'checks': [('missing_created_date', 'created_date is null'),
                                   ('future_timestamp', 'created_date > ' ~ future)],
                        'describe': ['email', 'account_id', 'created_date']},
            'account': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                        'model': 'stg_salesforce__accounts',
                        'checks': [('future_timestamp', 'created_date > ' ~ future)],
                        'describe': ['name', 'website', 'created_date']},
            'opportunity': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                            'model': 'stg_salesforce__opportunities',
                            'checks': [('missing_created_date', 'created_date is null'),
                                       ('future_timestamp', 'created_date > ' ~ future)],
                            'describe': ['account_id', 'stage_name', 'created_date']},
            'user': {'key': ['id'], 'order_by': sf_order, 'deleted': none,
                     'model': 'stg_salesforce__users', 'checks': [],
                     'describe': ['name', 'email']},
            'lead_history': {'key': ['id'], 'order_by': '_fivetran_synced desc', 'deleted': 'is_deleted',
                             'model': 'stg_salesforce__lead_history',
                             'checks': [('missing_identity', 'lead_id is null'),
                                        ('future_timestamp', 'created_date > ' ~ future)],
                             'describe': ['lead_id', 'field', 'new_value', 'created_date']},
            'campaign': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                         'model': 'stg_salesforce__campaigns', 'checks': [],
                         'describe': ['name', 'type']},
            'campaign_member': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                                'event_time': 'created_date',
                                'model': 'stg_salesforce__campaign_members',
                                'checks': [('missing_identity', 'lead_id is null and contact_id is null'),
                                           ('future_timestamp', 'created_date > ' ~ future)],
                                'describe': ['campaign_id', 'lead_id', 'contact_id', 'status', 'created_date']},
            'task': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                     'event_time': 'created_date',
                     'model': 'stg_salesforce__tasks',
                     'checks': [('missing_identity', 'who_id is null'),
                                ('future_timestamp', 'created_date > ' ~ future)],
                     'describe': ['who_id', 'subject', 'created_date']},
            'event': {'key': ['id'], 'order_by': sf_order, 'deleted': 'is_deleted',
                      'event_time': 'created_date',
                      'model': 'stg_salesforce__events',
                      'checks': [('missing_identity', 'who_id is null'),
                                 ('future_timestamp', 'created_date > ' ~ future)],
                      'describe': ['who_id', 'subject', 'start_date_time', 'created_date']},
        },
        'hubspot': {
            'contact': {'key': ['id'], 'order_by': 'coalesce(property_lastmodifieddate, _fivetran_synced) desc, _fivetran_synced desc',
                        'deleted': '_fivetran_deleted', 'model': 'stg_hubspot__contacts',
                        'checks': [('missing_created_date', 'property_createdate is null'),
                                   ('future_timestamp', 'property_createdate > ' ~ future)],
                        'describe': ['property_email', 'property_company', 'property_createdate']},
            'contact_property_history': {'key': ['contact_id', 'name', ts],
                                         'order_by': '_fivetran_synced desc, value desc', 'deleted': none,
                                         'model': 'stg_hubspot__contact_property_history',
                                         'checks': [('missing_identity', 'contact_id is null'),
                                                    ('missing_key', 'name is null or ' ~ ts ~ ' is null'),
                                                    ('future_timestamp', ts ~ ' > ' ~ future)],
                                         'describe': ['contact_id', 'name', 'value', ts]},
            'company': {'key': ['id'], 'order_by': '_fivetran_synced desc', 'deleted': 'coalesce(is_deleted, _fivetran_deleted)',
                        'model': 'stg_hubspot__companies',
                        'checks': [('future_timestamp', 'property_createdate > ' ~ future)],
                        'describe': ['property_name', 'property_domain']},
            'owner': {'key': ['owner_id'], 'order_by': 'coalesce(updated_at, _fivetran_synced) desc, _fivetran_synced desc',
                      'deleted': none, 'model': 'stg_hubspot__owners', 'checks': [], 'describe': ['email']},
            'email_event': {'key': ['id'], 'order_by': '_fivetran_synced desc', 'deleted': none,
                            'event_time': 'created',
                            'model': 'stg_hubspot__email_events',
                            'checks': [('missing_identity', "nullif(trim(recipient), '') is null"),
                                       ('future_timestamp', 'created > ' ~ future)],
                            'describe': ['type', 'recipient', 'created']},
            'email_event_click': {'key': ['id'], 'order_by': '_fivetran_synced desc', 'deleted': none,
                                  'model': 'stg_hubspot__email_event_clicks', 'checks': [],
                                  'describe': ['url']},
            'email_event_status_change': {'key': ['id'], 'order_by': '_fivetran_synced desc', 'deleted': none,
                                          'model': 'stg_hubspot__email_event_status_changes', 'checks': [],
                                          'describe': ['portal_subscription_status', 'source']},
            'contact_form_submission': {'key': ['conversion_id'], 'order_by': '_fivetran_synced desc',
                                        'deleted': none, 'event_time': ts,
                                        'model': 'stg_hubspot__form_submissions',
                                        'checks': [('missing_identity', 'contact_id is null'),
                                                   ('future_timestamp', ts ~ ' > ' ~ future)],
                                        'describe': ['contact_id', 'form_id', ts]},
            'engagement_call': {'key': ['engagement_id'], 'order_by': hs_engagement_order, 'deleted': '_fivetran_deleted',
                                'model': 'stg_hubspot__engagement_calls',
                                'checks': [('future_timestamp', 'property_hs_timestamp > ' ~ future)],
                                'describe': ['property_hs_call_status', 'property_hubspot_owner_id', 'property_hs_timestamp']},
            'engagement_email': {'key': ['engagement_id'], 'order_by': hs_engagement_order, 'deleted': '_fivetran_deleted',
                                 'model': 'stg_hubspot__engagement_emails',
                                 'checks': [('future_timestamp', 'property_hs_timestamp > ' ~ future)],
                                 'describe': ['property_hs_email_direction', 'property_hubspot_owner_id', 'property_hs_timestamp']},
            'engagement_meeting': {'key': ['engagement_id'], 'order_by': hs_engagement_order, 'deleted': '_fivetran_deleted',
                                   'model': 'stg_hubspot__engagement_meetings',
                                   'checks': [('future_timestamp', 'property_hs_timestamp > ' ~ future)],
                                   'describe': ['property_hs_meeting_outcome', 'property_hubspot_owner_id', 'property_hs_timestamp']},
            'engagement_contact': {'key': ['engagement_id', 'contact_id'], 'order_by': '_fivetran_synced desc', 'deleted': none,
                                   'model': 'stg_hubspot__engagement_contacts',
                                   'checks': [('missing_identity', 'contact_id is null')],
                                   'describe': ['engagement_id', 'contact_id']},
        },
        'segment': {
            'pages': {'key': ['id'], 'order_by': 'received_at desc', 'deleted': none, 'event_time': ts,
                      'appends': true, 'model': 'stg_segment__pages',
                      'checks': [('missing_identity', 'anonymous_id is null and user_id is null'),
                                 ('future_timestamp', ts ~ ' > ' ~ future)],
                      'describe': ['anonymous_id', 'user_id', 'path', ts]},
            'identifies': {'key': ['id'], 'order_by': 'received_at desc', 'deleted': none,
                           'model': 'stg_segment__identifies',
                           'checks': [('missing_identity', 'anonymous_id is null and user_id is null'),
                                      ('future_timestamp', ts ~ ' > ' ~ future)],
                           'describe': ['anonymous_id', 'user_id', 'email', ts]},
            'tracks': {'key': ['id'], 'order_by': 'received_at desc', 'deleted': none, 'event_time': ts,
                       'appends': true, 'model': 'stg_segment__tracks',
                       'checks': [('missing_identity', 'anonymous_id is null and user_id is null'),
                                  ('future_timestamp', ts ~ ' > ' ~ future)],
                       'describe': ['anonymous_id', 'user_id', 'event', ts]},
        },
    } -%}
    {{ return(specs) }}
{% endmacro %}

{#- The enabled (family, table, spec) triples, honouring using_<family> vars. -#}
{% macro enabled_raw_tables() %}
    {%- set out = [] -%}
    {%- for family, tables in leadflow.raw_table_specs().items() -%}
        {%- if var('using_' ~ family) -%}
            {%- for table, spec in tables.items() -%}
                {%- do out.append((family, table, spec)) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}

{#- Every raw row with its outcome: duplicate_version, tied_version, soft_deleted, a quarantine
    reason, staged. Rows whose key is null are never collapsed as duplicates; they are quarantined
    instead. The latest version of a keyed record or event also carries how many versions it
    superseded (_superseded_versions: the duplicate_version ones) and the newest loader stamp
    among them (_superseded_newest_arrival; for an event table the newest of all its versions,
    its own included), computed beside the ranking so raw_versions reads this once: a CTE read
    twice is materialized whole by DuckDB (at 1M people, 18 GB of page views spilled to disk).

    Ties: two versions of a CRM record (tables without event_time) may carry identical ordering
    stamps (the same SystemModstamp and _fivetran_synced). The winner is then the version with the
    highest row fingerprint (md5 of every contract column), so every engine and every query plan
    stages the same one; a losing version whose content differs from the winner's is
    `tied_version` (audit_quarantine names it; the warn test assert_no_tied_versions counts them),
    an identical copy stays a plain duplicate_version. Event tables' versions are re-deliveries of
    one event: ranked by their stamps, then by the fingerprint (rank_repeated_versions), and a
    loser is always a duplicate_version. -#}
{% macro source_row_outcomes(family, table, warn=false, row_filter=none, lookback_since=none, one_window=false) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set key_is_null = leadflow.key_is_null(spec) -%}
    {#- versions of an event share its event_time (see raw_table_specs), so this ranks as the key alone does -#}
    {%- set version_partition = spec.key + ([spec.event_time] if spec.get('event_time') else []) -%}
    {%- set breaks_ties = not spec.get('event_time') -%}
    {%- if breaks_ties -%}
        {%- set duplicates = "sum(case when _row_outcome = 'duplicate_version' then 1 else 0 end) over (partition by "
            ~ (version_partition | join(', ')) ~ ")" -%}
        {%- set duplicates_newest = "max(case when _row_outcome = 'duplicate_version' then " ~ arrival
            ~ " end) over (partition by " ~ (version_partition | join(', ')) ~ ")" -%}
    {%- else -%}
        {#- every version but the latest of a repeated event is a duplicate_version; the newest
            stamp among all of them is the one raw_versions keeps (with the latest's own) -#}
        {%- set duplicates = '_repeated_versions - 1' -%}
        {%- set duplicates_newest = '_repeated_newest_arrival' -%}
    {%- endif -%}
    select
        outcomes.*,
        -- on the latest version of a keyed record or event: the versions it superseded
        cast(case
            when _version_rank = 1 and not {{ key_is_null }} then {{ duplicates }} else 0
        end as {{ dbt.type_bigint() }}) as _superseded_versions,
        case when _version_rank = 1 and not {{ key_is_null }} then {{ duplicates_newest }} end
            as _superseded_newest_arrival
    from (
    select
        ranked.*,
        case
            when ranked._version_rank > 1 and not {{ key_is_null }}
                {%- if breaks_ties %}
                and not (ranked._stamp_rank = 1 and ranked._row_fingerprint != ranked._winner_fingerprint)
                {%- endif %}
                then 'duplicate_version'
            {% if breaks_ties -%}
            when ranked._version_rank > 1 and not {{ key_is_null }} then 'tied_version'
            {% endif -%}
            {{ leadflow.kept_row_outcome_branches(spec) }}
        end as _row_outcome
    from (
        {%- if not breaks_ties and not one_window %}
        {{ leadflow.rank_repeated_versions(family, table, version_partition, spec.order_by, warn, row_filter, lookback_since) }}
        {%- elif not breaks_ties %}
        {{ leadflow.rank_versions_in_window(family, table, version_partition, spec.order_by, warn, row_filter) }}
        {%- else %}
        select
            fingerprinted.*,
            row_number() over (
                partition by {{ version_partition | join(', ') }}
                order by {{ spec.order_by }}, _row_fingerprint desc
            ) as _version_rank,
            rank() over (
                partition by {{ version_partition | join(', ') }} order by {{ spec.order_by }}
            ) as _stamp_rank,
            first_value(_row_fingerprint) over (
                partition by {{ version_partition | join(', ') }}
                order by {{ spec.order_by }}, _row_fingerprint desc
            ) as _winner_fingerprint
        from (
            select
                src.*,
                {{ leadflow.row_fingerprint(family, table) }} as _row_fingerprint
            from ({{ leadflow.filled_source(family, table, warn=warn, row_filter=row_filter) }}) as src
        ) as fingerprinted
        {%- endif %}
    ) as ranked
    ) as outcomes
{% endmacro %}

{#-
    An event table's rows with _version_rank (1 = the latest version of its event), ranking only
    the events that arrived more than once. Nearly every event has one version; a window over
    every row sorted all of them with every wide column (URLs, titles, user agents): at 1M people
    x 100 events it was the slowest model of the full build (base_segment__pages). Here the
    events whose key (hashed) and event time occur more than once are found by a narrow aggregate, the
    other rows take rank 1 directly, and only the repeated ones are ranked by `order_by`: the
    same ranks as the window over every row. Rows with a null key part group together, as they
    do in that window (their outcome is missing_key or their own, never duplicate_version).
    Versions equal on `order_by` (a redelivery stamped in the same instant with other values) are
    ordered by the row fingerprint, highest first, as the CRM tables' versions are, so every
    engine and query plan stages the same one; only the repeated rows pay for the md5.
    The aggregate groups by a 64-bit hash of the key (hash64) and the event time rather than by the
    key's strings (docs/benchmarks.md, session 22, measures both). Two keys sharing a hash only
    send their rows to the window, which ranks and counts by the key itself.
    Each row also carries its event's version count and newest loader stamp (_repeated_versions,
    _repeated_newest_arrival: 1 and null for an event seen once), counted beside the ranking, so
    source_row_outcomes needs no second pass for the superseded counts. With `lookback_since` (a
    timestamp literal; an appending table's full build, macros/raw_versions.sql) each row also
    carries _lookback_versions: how many versions of its event are stamped after `lookback_since` (a row
    without a key: whether it is itself).
-#}
{% macro rank_repeated_versions(family, table, partition, order_by, warn, row_filter, lookback_since=none) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    {%- set arrival = leadflow.raw_arrival_column(family) -%}
    {%- set own_lookback = 'cast(case when ' ~ arrival ~ ' > ' ~ lookback_since ~ ' then 1 else 0 end as bigint)' -%}
    {%- set event_time = partition[-1] -%}
    {%- set key_hash = leadflow.hash64(spec.key) -%}
    {%- set on_repeated -%}
        {{ leadflow.hash64(spec.key, 'src.') }} = repeated._repeated_key_hash
        and {{ leadflow.null_safe_equals('src.' ~ event_time, 'repeated._repeated_event_time') }}
    {%- endset -%}
    {%- set event_window = 'over (partition by ' ~ (partition | join(', ')) ~ ')' -%}
        with repeated as (
            -- the (key hash, event time) pairs seen more than once: a 64-bit hash groups faster
            -- than the key's strings, and a pair two keys share by chance only sends their rows to
            -- the window below, which ranks and counts by the key itself
            select
                {{ key_hash }} as _repeated_key_hash,
                {{ event_time }} as _repeated_event_time
            from ({{ leadflow.filled_source(family, table, row_filter=row_filter) }}) as src
            group by {{ key_hash }}, {{ event_time }}
            having count(*) > 1
        )

        select
            src.*,
            cast(1 as bigint) as _version_rank,
            cast(1 as bigint) as _repeated_versions,
            cast(null as timestamp) as _repeated_newest_arrival
            {%- if lookback_since is not none %},
            {{ own_lookback }} as _lookback_versions
            {%- endif %}
        from ({{ leadflow.filled_source(family, table, warn=warn, row_filter=row_filter) }}) as src
        left join repeated
            on {{ on_repeated }}
        where repeated._repeated_key_hash is null
        union all
        select
            src.*,
            {{ leadflow.windowed_version_columns(family, table, partition, order_by) }}
            {%- if lookback_since is not none %},
            case
                when {{ leadflow.key_is_null(spec) }} then {{ own_lookback }}
                else cast(count(case when {{ arrival }} > {{ lookback_since }} then 1 end) {{ event_window }} as bigint)
            end as _lookback_versions
            {%- endif %}
        from ({{ leadflow.filled_source(family, table, row_filter=row_filter) }}) as src
        inner join repeated
            on {{ on_repeated }}
{% endmacro %}

{#- The same columns as rank_repeated_versions for the few days an incremental run re-reads
    (source_row_outcomes' `one_window`): one window over the rows read, so the raw table is scanned once instead of three
    times (the narrow aggregate and the two wide reads pay off only over a whole table). -#}
{% macro rank_versions_in_window(family, table, partition, order_by, warn, row_filter) %}
        select
            src.*,
            {{ leadflow.windowed_version_columns(family, table, partition, order_by) }}
        from ({{ leadflow.filled_source(family, table, warn=warn, row_filter=row_filter) }}) as src
{% endmacro %}

{#- _version_rank, _repeated_versions and _repeated_newest_arrival (null for an event seen once) of
    rows ranked by windows over their event (`partition`), latest version first by `order_by`,
    then by the row fingerprint. -#}
{% macro windowed_version_columns(family, table, partition, order_by) -%}
    {%- set event_window = 'over (partition by ' ~ (partition | join(', ')) ~ ')' -%}
            cast(row_number() over (
                partition by {{ partition | join(', ') }}
                order by {{ order_by }}, {{ leadflow.row_fingerprint(family, table) }} desc
            ) as bigint) as _version_rank,
            cast(count(*) {{ event_window }} as bigint) as _repeated_versions,
            case
                when count(*) {{ event_window }} > 1 then max({{ leadflow.raw_arrival_column(family) }}) {{ event_window }}
            end as _repeated_newest_arrival
{%- endmacro %}

{#- The outcome of a row that is not a superseded version, as the `when` branches of a case: soft
    deleted, the first quarantine check it fails, missing_key, else staged. -#}
{% macro kept_row_outcome_branches(spec) -%}
    {% if spec.deleted -%}
    when coalesce({{ spec.deleted }}, false) then 'soft_deleted'
    {% endif -%}
    {% for reason, condition in spec.checks -%}
    when {{ condition }} then '{{ reason }}'
    {% endfor -%}
    when {{ leadflow.key_is_null(spec) }} then 'missing_key'
    else 'staged'
{%- endmacro %}

{#- md5 of every contract column of a raw table (as filled_source names them): two versions
    with the same fingerprint hold the same values. -#}
{% macro row_fingerprint(family, table) -%}
    {{ leadflow.values_fingerprint(leadflow.raw_contract()[family][table].columns | map(attribute='name') | list) }}
{%- endmacro %}

{#- The rows a staging model is built from: latest version, not deleted, passing every check.
    Every raw table's versions are ranked once, in its incremental base model (raw_versions). -#}
{% macro staged_source_rows(family, table) %}
    {%- set spec = leadflow.raw_table_specs()[family][table] -%}
    select * from {{ ref(leadflow.base_model_name(spec)) }}
    where _row_outcome = 'staged'
{% endmacro %}

{#- The incremental base model holding a raw table's latest versions (base_<source>__<entity>,
    named after the staging model it feeds). -#}
{% macro base_model_name(spec) -%}
    {{ return(spec.model | replace('stg_', 'base_', 1)) }}
{%- endmacro %}

{#- The source table's display name: '<schema var>.<table name>' (the name var
    <family>_<table>_identifier overrides, as in Fivetran's packages). -#}
{% macro raw_table_name(family, table) -%}
    {{ var(family ~ '_schema') }}.{{ leadflow.raw_table_identifier(family, table) }}
{%- endmacro %}

{#- The warehouse name of a raw table: var <family>_<table>_identifier, else the table's own name. -#}
{% macro raw_table_identifier(family, table) -%}
    {{ return(var(family ~ '_' ~ table ~ '_identifier', table)) }}
{%- endmacro %}

{#- True when a part of a raw table's key is null: the row has no key (missing_key, never collapsed). -#}
{% macro key_is_null(spec) -%}
    {%- set parts = [] -%}
    {%- for column in spec.key -%}{%- do parts.append(column ~ ' is null') -%}{%- endfor -%}
    ({{ parts | join(' or ') }})
{%- endmacro %}

{#- A row's key as one string ('a|b' for composite keys, 'null' for missing parts). -#}
{% macro raw_key_string(spec) -%}
    {%- set parts = [] -%}
    {%- for column in spec.key -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'null')") -%}
    {%- endfor -%}
    {{ parts | join(" || '|' || ") }}
{%- endmacro %}

{#- 'col=value; col=value' of the named columns: what someone fixing the row needs to see. -#}
{% macro describe_row(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set label = (column | replace('"', '') | replace('`', '')).split('.') | last -%}
        {%- do parts.append("'" ~ label ~ "=' || coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'null')") -%}
    {%- endfor -%}
    concat_ws('; ', {{ parts | join(', ') }})
{%- endmacro %}

{#- Whether a staging model is a pure projection of its staged raw rows: one `from source` over
    `staged_source_rows(family, table)` (then `select * from final`), and no join, filter,
    grouping, set operation, limit or row-generating function anywhere in its code (Jinja and SQL
    comments aside; tests/python/test_nothing_lost.py checks every table's staged count against
    a count of its staging model, which also catches a join hidden in a macro). Its row count is
    then the number of raw rows whose outcome is 'staged', and audit_row_reconciliation takes that
    from int_audit__row_outcomes instead of ranking every version of the table a second time (at
    1M people, the three event views alone cost about 35 s a build). Any doubt answers false, and
    the model is counted itself; the check reads the model's code at run time, so a join added
    later switches its table back to counting without anyone having to remember. -#}
{% macro is_pure_projection(family, table, model_name) %}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {%- set node = graph.nodes.get('model.leadflow.' ~ model_name) -%}
    {%- if node is none -%}{{ return(false) }}{%- endif -%}
    {%- set code = modules.re.sub('[{]#.*?#[}]|--[^\n]*', ' ', node.raw_code, flags=modules.re.S) | lower -%}
    {%- set reads_its_table = ("staged_source_rows('" ~ family ~ "', '" ~ table ~ "')") in code -%}
    {#- the project's shape: `source as (...)`, `final as (select ... from source)`, `select * from final` -#}
    {%- set one_from = modules.re.findall('\\bfrom\\s+\\w+', code) == ['from source', 'from final'] -%}
    {#- substrings, not words: a macro named join_... may hide a join, so it counts as one -#}
    {%- set row_changing = modules.re.search(
        'join|where|group\\s+by|distinct|union|intersect|except|qualify|having|limit|unnest|explode|lateral|range',
        code
    ) -%}
    {{ return(reads_its_table and one_from and row_changing is none) }}
{% endmacro %}
