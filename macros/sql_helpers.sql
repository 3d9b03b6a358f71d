{#- Small portable SQL helpers: survivorship, boolean and count aggregates, unions. -#}
{#-
    Survivorship: the value of `column` from the best-ranked record that has one (rank 1 is
    best; ranks must be unique per group, so the pick is deterministic). With `only_when`, only
    records satisfying that condition are candidates. Portable: min_by exists on DuckDB and Spark.
-#}
{% macro survivor(column, rank_column='survivorship_rank', only_when=none) -%}
    {%- set value = column if only_when is none else 'case when ' ~ only_when ~ ' then ' ~ column ~ ' end' -%}
    min_by({{ value }}, case when {{ value }} is not null then {{ rank_column }} else {{ rank_column }} + 1000000000 end)
{%- endmacro %}

{#- Portable bool_or over a boolean expression. -#}
{% macro any_true(condition) -%}
    (max(case when {{ condition }} then 1 else 0 end) = 1)
{%- endmacro %}

{#- `left.c = right.c and ...` over a list of columns: a join on a composite key. -#}
{% macro equal_on(left, right, columns) -%}
    {%- for column in columns -%}
    {{ left }}.{{ column }} = {{ right }}.{{ column }}{% if not loop.last %} and {% endif %}
    {%- endfor -%}
{%- endmacro %}

{#- Count of rows satisfying a condition. -#}
{% macro count_where(condition) -%}
    cast(sum(case when {{ condition }} then 1 else 0 end) as integer)
{%- endmacro %}

{#- `select * from a union all select * from b ...` over a list of CTE names (the enabled parts). -#}
{% macro union_all_ctes(cte_names) -%}
    {%- for name in cte_names %}
    select * from {{ name }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    Exponential decay, the one formula every intent score uses: `points` worth half after
    `half_life_days`, a quarter after two (age and half-life in days).
-#}
{% macro decayed(points, age_days, half_life_days) -%}
    {{ points }} * power(0.5, ({{ age_days }}) / {{ half_life_days }})
{%- endmacro %}

{#- Whether an event's signal key matches an intent signal (seeds/intent_signals.csv): same
    source, and the lower-cased key matches the signal's pattern. int_intent__activity keeps
    the events some signal matches this way and int_intent__scored_events picks the signal by
    it, so both must use this one definition. -#}
{% macro signal_key_matches(event_alias, signal_alias) -%}
    {{ event_alias }}.source = {{ signal_alias }}.source
    and {{ leadflow.regexp_matches('lower(' ~ event_alias ~ '.signal_key)', signal_alias ~ '.match_pattern') }}
{%- endmacro %}

{#-
    Business minutes a team had worked up to instant `timestamp_expression`, given `calendar`,
    that team's int_sla__business_days row for the instant's local date.
-#}
{% macro business_minutes_at(calendar, timestamp_expression) -%}
    ({{ calendar }}.minutes_before_day + case
        when not {{ calendar }}.is_open or {{ timestamp_expression }} <= {{ calendar }}.day_open_utc then 0.0
        when {{ timestamp_expression }} >= {{ calendar }}.day_close_utc then {{ calendar }}.open_minutes
        else {{ leadflow.seconds_between(calendar ~ '.day_open_utc', timestamp_expression) }} / 60.0
    end)
{%- endmacro %}

{#-
    A CTE body with the given columns and no rows, standing in for a part whose source family
    is switched off. `columns` maps column name -> type ('string' is the adapter's string type).
-#}
{% macro no_rows(columns) -%}
    select
    {%- for name, type in columns.items() %}
        cast(null as {{ dbt.type_string() if type == 'string' else type }}) as {{ name }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    where 1 = 0
{%- endmacro %}

{#-
    Keeps the activity rows (alias `event_alias` of int_intent__activity) that name one of the
    handles of `handles_cte` (handle_type, handle_id; unique): by their own handle, or by their
    Segment anonymous id as a segment_anonymous handle. Emits two left joins (aliases
    named_match, anonymous_match) and the where clause, so put it right after the from clause
    and continue with "and ...". Left joins against a small handle set are plain hash probes;
    `exists (...) or exists (...)` makes DuckDB copy every scanned row first.
-#}
{% macro join_named_handles(event_alias, handles_cte) -%}
    left join {{ handles_cte }} as named_match
        on
            {{ event_alias }}.handle_type = named_match.handle_type
            and {{ event_alias }}.handle_id = named_match.handle_id
    left join {{ handles_cte }} as anonymous_match
        on
            anonymous_match.handle_type = 'segment_anonymous'
            and {{ event_alias }}.anonymous_id = anonymous_match.handle_id
    where (named_match.handle_id is not null or anonymous_match.handle_id is not null)
{%- endmacro %}

{#-
    The Wilson score interval of a proportion, `successes` of `trials`, at `z` standard errors
    (1.96: 95%): `bound` 'lower' or 'upper', rounded to 4 decimals; null without trials. Unlike
    p +/- z * sqrt(p(1-p)/n) it stays within 0..1 and does not collapse to a point at 0 or n
    successes, which small backtest cells have.
-#}
{% macro wilson_bound(successes, trials, bound, z=1.96) -%}
    {%- set n = 'cast(' ~ trials ~ ' as double)' -%}
    {%- set p = '(' ~ successes ~ ' / nullif(' ~ n ~ ', 0))' -%}
    {%- set z2 = (z * z) | string -%}
    {#- + 0.0: the lower bound of 0 successes computes to a hair below 0, which rounds to -0.0 -#}
    ({{ leadflow.round_to(
        '(' ~ p ~ ' + ' ~ z2 ~ ' / (2 * ' ~ n ~ ') ' ~ ('-' if bound == 'lower' else '+') ~ ' ' ~ z
        ~ ' * sqrt(' ~ p ~ ' * (1 - ' ~ p ~ ') / ' ~ n ~ ' + ' ~ z2 ~ ' / (4 * ' ~ n ~ ' * ' ~ n ~ ')))'
        ~ ' / (1 + ' ~ z2 ~ ' / ' ~ n ~ ')',
        4
    ) }} + 0.0)
{%- endmacro %}

{#- A test body: the seeds of one scoring model (`seeds`, each with model_version) and their
    changelog seed: fails listing each seed and version when they disagree or the version is not
    in the changelog. tests/singular/assert_one_scoring_model_version.sql and
    assert_one_account_model_version.sql. -#}
{% macro one_model_version_failures(seeds, changelog) -%}
    with

    versions as (
        {%- for seed in seeds %}
        select
            '{{ seed }}' as seed_name,
            model_version
        from {{ ref(seed) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    distinct_versions as (
        select distinct
            seed_name,
            model_version
        from versions
    )

    select
        distinct_versions.seed_name,
        distinct_versions.model_version
    from distinct_versions
    where
        (select count(distinct versions.model_version) from versions) > 1
        or distinct_versions.model_version not in (
            select changelog.model_version from {{ ref(changelog) }} as changelog
        )
{%- endmacro %}
