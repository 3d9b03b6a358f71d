{#-
    A CTE body: the fit x intent matrix cell of each row of `input_cte` (one row per
    `key_column`): fit_grade (seeds/fit_grade_thresholds.csv on `fit_score_column`, or
    needs_enrichment where `fit_known_column` is false: the fit is not known enough to grade),
    intent_band (seeds/intent_band_thresholds.csv on `intent_score_column`), and the cell's
    priority_tier, priority_action and is_qualifying_cell (seeds/priority_matrix.csv). dim_leads
    (now), int_sla__clock_starts (at a clock's start), int_routing__decision_facts (at each
    routing moment), fct_lead_funnel (at the CRM's MQL) and int_scoring__qualifications (at each
    scored event) read the matrix through this one macro.
-#}
{% macro matrix_cell(input_cte, key_column, fit_score_column, intent_score_column, fit_known_column) -%}
    select
        cells.{{ key_column }},
        priority_matrix.fit_grade,
        priority_matrix.intent_band,
        cast(priority_matrix.priority_tier as integer) as priority_tier,
        priority_matrix.action as priority_action,
        priority_matrix.qualifies as is_qualifying_cell
    from {{ input_cte }} as cells
    inner join (
        {{ leadflow.label_by_threshold(
            input_cte, key_column, fit_score_column, ref('fit_grade_thresholds'), 'min_fit_score', 'fit_grade'
        ) }}
    ) as graded
        on cells.{{ key_column }} = graded.{{ key_column }}
    inner join (
        {{ leadflow.label_by_threshold(
            input_cte, key_column, intent_score_column, ref('intent_band_thresholds'), 'min_intent_score', 'intent_band'
        ) }}
    ) as banded
        on cells.{{ key_column }} = banded.{{ key_column }}
    inner join {{ ref('priority_matrix') }} as priority_matrix
        on
            priority_matrix.fit_grade
            = case when cells.{{ fit_known_column }} then graded.fit_grade else 'needs_enrichment' end
            and banded.intent_band = priority_matrix.intent_band
{%- endmacro %}

{#- The intent score (0..100, two decimals) of decayed intent points (null: no events, 0). -#}
{% macro intent_score(points_expression) -%}
    {{ leadflow.round_to('least(100, greatest(0, coalesce(' ~ points_expression ~ ', 0)))', 2) }}
{%- endmacro %}

{#- The decayed intent points of each row of `moments_cte` (one row per `key_column`, with
    lead_key and the moment in `moment_column`): every counted, not excluded event of the person
    (int_intent__signal_events: no cross-CRM duplicate) up to the moment, decayed to it (the sum
    dim_leads takes at as_of, taken at the moment). A moment whose person has no event gets 0.
    With key_column none the moments are told apart by (lead_key, moment) alone, and the rows
    come back as lead_key, the moment column and intent_points (no key to build and join on: the
    lean form for millions of moments).

    Running sums, not a join of every moment with every earlier event (quadratic in a person's
    events: int_scoring__qualifications has a moment at nearly every event). An event's points
    decayed to a moment, with d an instant in days and h the half-life, are
    p * 2^((d_event - d_moment) / h) = 2^(-(d_moment - b) / h) * [p * 2^((d_event - b) / h)] for any
    base b: per half-life, the moment's sum is one multiplication of a running sum of the
    bracketed terms. The events and moments of a person are sorted once, with one running sum
    column per half-life of seeds/intent_signals.csv (slots 1..`intent_half_life_slots`, the seed's
    distinct half-lives in order; tests/singular/assert_intent_half_lives_fit_the_running_sums.sql
    fails when the seed has more). b is the start of the moment's era of 500 shortest half-lives
    (3,500 days at 7 days), so no term exceeds 2^500 and nothing overflows a double; the era before
    is added as its total times 2^(-era days / h), and older events (more than 500 shortest
    half-lives old) weigh less than 2^-500: left out. A moment sorts after the events of its own
    instant, so they count (occurred_at <= moment). -#}
{% macro intent_points_at(moments_cte, key_column, moment_column) -%}
    with

    {{ leadflow.intent_half_life_ctes() }},

    {{ leadflow.intent_event_term_ctes(moments_cte) }},

    moment_days as (
        select
            {{ key_column if key_column else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as moment_key,
            lead_key,
            {{ moment_column }} as occurred_at,
            {{ leadflow.seconds_between(leadflow.intent_epoch(), moment_column) }} / 86400.0 as days
        from {{ moments_cte }}
    ),

    timeline as (
        -- the moments (row_kind 1, after the events of their instant) among their person's events
        select
            moment_days.moment_key,
            moment_days.lead_key,
            moment_days.occurred_at,
            floor(moment_days.days / slot_half_lives.era_days) as era,
            moment_days.days
            - floor(moment_days.days / slot_half_lives.era_days) * slot_half_lives.era_days as days_into_era,
            1 as row_kind,
            cast(null as integer) as slot,
            0.0 as term
        from moment_days
        cross join slot_half_lives
        union all
        select
            cast(null as {{ dbt.type_string() }}) as moment_key,
            lead_key,
            occurred_at,
            era,
            cast(null as double) as days_into_era,
            0 as row_kind,
            slot,
            term
        from event_terms
    ),

    running as (
        select
            moment_key,
            lead_key,
            occurred_at,
            era,
            days_into_era,
            row_kind,
            {{ leadflow.intent_running_sums('occurred_at, row_kind', 'rows') | indent(12) }}
        from timeline
    ),

    {{ leadflow.intent_era_totals_cte() }}

    select
        {%- if key_column %}
        running.moment_key as {{ key_column }},
        {%- else %}
        running.lead_key,
        running.occurred_at as {{ moment_column }},
        {%- endif %}
        {{ leadflow.intent_points_from_running_sums('running') | indent(8) }} as intent_points
    from running
    cross join slot_half_lives
    left join era_totals as era_before
        on running.lead_key = era_before.lead_key and running.era - 1 = era_before.era
    where running.row_kind = 1
{%- endmacro %}

{#- leadflow.intent_points_at at the instants of the people's own counted events: one row per
    (lead_key, occurred_at) holding a counted (points > 0), not excluded event of a person in
    `people_cte` (a CTE with lead_key), with the intent at that instant (the events of the
    instant included) in intent_points. The same sums as intent_points_at with those instants
    as moments, but the running sums run over the events alone (a frame that takes the events
    of the same instant together), not over the events and as many moment rows again: for
    int_scoring__qualifications, whose moments are these instants, half the rows to sort. -#}
{% macro intent_points_at_events(people_cte) -%}
    with

    {{ leadflow.intent_half_life_ctes() }},

    {{ leadflow.intent_event_term_ctes(people_cte) }},

    running as (
        select
            lead_key,
            occurred_at,
            era,
            days_into_era,
            counted_points,
            {{ leadflow.intent_running_sums('occurred_at', 'range') | indent(12) }}
        from event_terms
    ),

    {{ leadflow.intent_era_totals_cte() }}

    -- every event of an instant carries the same sums (the frame takes its peers): one row each
    select distinct
        running.lead_key,
        running.occurred_at,
        {{ leadflow.intent_points_from_running_sums('running') | indent(8) }} as intent_points
    from running
    cross join slot_half_lives
    left join era_totals as era_before
        on running.lead_key = era_before.lead_key and running.era - 1 = era_before.era
    where running.counted_points > 0
{%- endmacro %}

{#- Pieces of the two forms above. The instant an intent sum counts from (days since it). -#}
{% macro intent_epoch() -%}
    cast('1970-01-01 00:00:00' as timestamp)
{%- endmacro %}

{#- CTEs half_lives (each distinct half-life of seeds/intent_signals.csv and its slot) and
    slot_half_lives (one row: half_life_<slot> per slot, and era_days, 500 shortest half-lives). -#}
{% macro intent_half_life_ctes() -%}
    half_lives as (
        select
            half_life_days,
            cast(dense_rank() over (order by half_life_days) as integer) as slot
        from (select distinct half_life_days from {{ ref('intent_signals') }}) as distinct_half_lives
    ),

    slot_half_lives as (
        select
            {%- for slot in range(1, var('intent_half_life_slots') + 1) %}
            max(case when slot = {{ slot }} then half_life_days end) as half_life_{{ slot }},
            {%- endfor %}
            500 * min(half_life_days) as era_days
        from half_lives
    )
{%- endmacro %}

{#- CTEs event_people (the people of `people_cte`, once each), events (their not excluded
    scored events, each instant in days since intent_epoch) and event_terms (each event's era,
    days into it, and its term: its points times 2^(days into the era / half-life)). -#}
{% macro intent_event_term_ctes(people_cte) -%}
    event_people as (
        select distinct lead_key from {{ people_cte }}
    ),

    events as (
        -- the events of the people with moments, each instant in days since 1970
        select
            scored_events.lead_key,
            scored_events.occurred_at,
            scored_events.counted_points,
            scored_events.half_life_days,
            half_lives.slot,
            {{ leadflow.seconds_between(leadflow.intent_epoch(), 'scored_events.occurred_at') }} / 86400.0 as days
        from {{ ref('int_intent__signal_events') }} as scored_events
        inner join event_people
            on scored_events.lead_key = event_people.lead_key
        inner join half_lives
            on scored_events.half_life_days = half_lives.half_life_days
        where not scored_events.is_excluded
    ),

    event_terms as (
        select
            events.lead_key,
            events.occurred_at,
            events.slot,
            events.counted_points,
            floor(events.days / slot_half_lives.era_days) as era,
            events.days - floor(events.days / slot_half_lives.era_days) * slot_half_lives.era_days as days_into_era,
            events.counted_points * power(
                2, (events.days - floor(events.days / slot_half_lives.era_days) * slot_half_lives.era_days)
                / events.half_life_days
            ) as term
        from events
        cross join slot_half_lives
    )
{%- endmacro %}

{#- Select-list columns era_sum_<slot>: each slot's terms of the person's era summed up to the
    row in `order_by` order; `frame` rows (up to the row itself) or range (its peers too). -#}
{% macro intent_running_sums(order_by, frame) -%}
    {%- for slot in range(1, var('intent_half_life_slots') + 1) %}
    sum(case when slot = {{ slot }} then term else 0 end) over (
        partition by lead_key, era
        order by {{ order_by }}
        {{ frame }} between unbounded preceding and current row
    ) as era_sum_{{ slot }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- CTE era_totals: each person's era's terms summed per slot (the era before a moment's). -#}
{% macro intent_era_totals_cte() -%}
    era_totals as (
        select
            lead_key,
            era,
            {%- for slot in range(1, var('intent_half_life_slots') + 1) %}
            sum(case when slot = {{ slot }} then term else 0 end) as era_sum_{{ slot }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from event_terms
        group by lead_key, era
    )
{%- endmacro %}

{#- The intent points at a row of `running` (days_into_era and era_sum_<slot>, joined with
    slot_half_lives and its era before as era_before): per slot, the running sum and the era
    before's total decayed to the row's instant. -#}
{% macro intent_points_from_running_sums(running) -%}
    {%- for slot in range(1, var('intent_half_life_slots') + 1) %}
    coalesce(
        power(2, -{{ running }}.days_into_era / slot_half_lives.half_life_{{ slot }})
        * (
            {{ running }}.era_sum_{{ slot }}
            + power(2, -slot_half_lives.era_days / slot_half_lives.half_life_{{ slot }})
            * coalesce(era_before.era_sum_{{ slot }}, 0)
        ),
        0
    ){{ " +" if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The same sum as leadflow.intent_points_at, written directly: every moment joined with every
    earlier event of its person (quadratic in a person's events). The reference the running sums
    are checked against (tests/python/test_scoring.py); no model uses it. -#}
{% macro intent_points_at_direct(moments_cte, key_column, moment_column) -%}
    select
        {{ moments_cte }}.{{ key_column }},
        sum(
            {{ leadflow.decayed(
                'scored_events.counted_points',
                leadflow.seconds_between('scored_events.occurred_at', moments_cte ~ '.' ~ moment_column) ~ ' / 86400.0',
                'scored_events.half_life_days'
            ) }}
        ) as intent_points
    from {{ moments_cte }}
    inner join {{ ref('int_intent__signal_events') }} as scored_events
        on
            {{ moments_cte }}.lead_key = scored_events.lead_key
            and scored_events.occurred_at <= {{ moments_cte }}.{{ moment_column }}
            and not scored_events.is_excluded
    group by {{ moments_cte }}.{{ key_column }}
{%- endmacro %}

{#- A CTE body: the fit attributes of each row of `profiles_cte` (lead_key, seniority, industry,
    country_code, email_domain_type, account_type, title, employee_count), one row per person and
    attribute (value_text; value_number for employee_count), with the sales region of the country
    (seeds/country_aliases.csv). The input of leadflow.fit_rule_matches. -#}
{% macro fit_attribute_rows(profiles_cte) -%}
    {%- set text_attributes = leadflow.fit_profile_columns() | reject('equalto', 'employee_count') | list %}
    {%- for attribute in text_attributes %}
    select
        lead_key,
        '{{ attribute }}' as attribute,
        cast({{ attribute }} as {{ dbt.type_string() }}) as value_text,
        cast(null as double) as value_number
    from {{ profiles_cte }}
    union all
    {%- endfor %}
    select
        lead_key,
        'employee_count' as attribute,
        cast(employee_count as {{ dbt.type_string() }}) as value_text,
        cast(employee_count as double) as value_number
    from {{ profiles_cte }}
    union all
    select
        profiles.lead_key,
        'region' as attribute,
        country_regions.region as value_text,
        cast(null as double) as value_number
    from {{ profiles_cte }} as profiles
    inner join (
        select distinct
            country_code,
            region
        from {{ ref('country_aliases') }}
    ) as country_regions
        on profiles.country_code = country_regions.country_code
{%- endmacro %}

{#- The profile columns the fit reads (leadflow.fit_attribute_rows, leadflow.known_fit_inputs). -#}
{% macro fit_profile_columns() -%}
    {{ return(['seniority', 'industry', 'country_code', 'email_domain_type', 'account_type', 'title', 'employee_count']) }}
{%- endmacro %}

{#- A CTE body: one row per person of `profiles_cte` (int_identity__lead_profiles) with
    inputs_fingerprint, everything the fit of that person is derived from: their fit profile
    columns (leadflow.fit_profile_columns) and the seeds the fit reads (fit_scoring_rules whole;
    country_aliases' regions; fit_inputs' attributes; qualification_rules' min_known_fit_inputs),
    so a changed seed re-derives everyone. int_scoring__fit_components and int_scoring__fit
    re-derive the people whose fingerprint changed, appeared or vanished. -#}
{% macro fit_input_fingerprints(profiles_cte) -%}
    {%- set rules -%}
    (
        select
            {{ leadflow.values_fingerprint([
                'scoring_rules.rows_fingerprint', 'regions.rows_fingerprint',
                'inputs.rows_fingerprint', 'qualification.rows_fingerprint'
            ]) }} as rules_fingerprint
        from ({{ leadflow.rows_fingerprint(ref('fit_scoring_rules'), [
            'rule_id', 'attribute', 'match_type', 'match_values', 'min_value', 'max_value', 'points',
            'is_disqualifier', 'description', 'model_version'
        ]) }}) as scoring_rules
        cross join ({{ leadflow.rows_fingerprint(ref('country_aliases'), ['country_code', 'region']) }}) as regions
        cross join ({{ leadflow.rows_fingerprint(ref('fit_inputs'), ['attribute']) }}) as inputs
        cross join ({{ leadflow.rows_fingerprint(ref('qualification_rules'), ['min_known_fit_inputs']) }}) as qualification
    )
    {%- endset -%}
    {{ leadflow.person_fingerprints(profiles_cte, leadflow.fit_profile_columns(), rules) }}
{%- endmacro %}

{#- A CTE body: every rule of `rules` (default seeds/fit_scoring_rules.csv; int_accounts__fit_components
    passes seeds/account_fit_rules.csv, the same columns) that fires on a row of `attributes_cte`
    (`key_column`, attribute, value_text, value_number; leadflow.fit_attribute_rows for people): by
    value list ('|'-separated, exact), numeric range (inclusive; open upper bound when max_value is
    empty) or regular expression on the lower-cased value. -#}
{% macro fit_rule_matches(attributes_cte, rules=none, key_column='lead_key') -%}
    select
        attributes.{{ key_column }},
        rules.rule_id,
        rules.attribute,
        attributes.value_text as matched_value,
        rules.points,
        rules.is_disqualifier,
        rules.description as rule_description,
        rules.model_version as scoring_model_version
    from {{ attributes_cte }} as attributes
    inner join {{ rules if rules is not none else ref('fit_scoring_rules') }} as rules
        on attributes.attribute = rules.attribute
    where
        attributes.value_text is not null
        and (
            (
                rules.match_type = 'in_list'
                and position('|' || attributes.value_text || '|' in '|' || rules.match_values || '|') > 0
            )
            or (
                rules.match_type = 'range'
                and attributes.value_number >= rules.min_value
                and (rules.max_value is null or attributes.value_number <= rules.max_value)
            )
            or (
                rules.match_type = 'pattern'
                and {{ leadflow.regexp_matches('lower(attributes.value_text)', 'rules.match_values') }}
            )
        )
{%- endmacro %}

{#- A CTE body: fit confidence of each row of `profiles_cte` (lead_key, seniority,
    employee_count, industry, country_code): how many seeds/fit_inputs.csv inputs are known
    (seniority other than 'unknown'; the others not null) and which are missing. -#}
{% macro known_fit_inputs(profiles_cte) -%}
    select
        lead_key,
        {{ leadflow.count_where('is_known') }} as known_fit_inputs,
        {{ leadflow.ordered_string_agg('case when not is_known then attribute end', 'attribute', ', ') }}
            as missing_fit_inputs
    from (
        select
            profiles.lead_key,
            fit_inputs.attribute,
            case fit_inputs.attribute
                when 'seniority' then coalesce(profiles.seniority, 'unknown') <> 'unknown'
                when 'employee_count' then profiles.employee_count is not null
                when 'industry' then profiles.industry is not null
                when 'country_code' then profiles.country_code is not null
                else false
            end as is_known
        from {{ profiles_cte }} as profiles
        cross join {{ ref('fit_inputs') }} as fit_inputs
    ) as input_states
    group by lead_key
{%- endmacro %}

{#- A CTE body: the fit of each row of `profiles_cte` from the rules that fired on it
    (`components_cte`: lead_key, points, is_disqualifier; int_scoring__fit_components or leadflow.fit_rule_matches):
    fit_points, fit_score (clamped 0-100), known_fit_inputs and missing_fit_inputs
    (leadflow.known_fit_inputs), has_disqualifier, and is_fit_known: at least
    qualification_rules.min_known_fit_inputs inputs known, or a disqualifying rule fired (a competitor's
    poor fit is known whatever else is missing). int_scoring__fit (now) and int_scoring__fit_at_mql
    (as of the CRM's MQL) both read it. -#}
{% macro fit_summary(profiles_cte, components_cte) -%}
    select
        profiles.lead_key,
        cast(coalesce(totals.fit_points, 0) as integer) as fit_points,
        cast(least(100, greatest(0, coalesce(totals.fit_points, 0))) as integer) as fit_score,
        cast(coalesce(inputs.known_fit_inputs, 0) as integer) as known_fit_inputs,
        nullif(inputs.missing_fit_inputs, '') as missing_fit_inputs,
        coalesce(totals.has_disqualifier, false) as has_disqualifier,
        coalesce(inputs.known_fit_inputs, 0) >= rules.min_known_fit_inputs
        or coalesce(totals.has_disqualifier, false) as is_fit_known
    from {{ profiles_cte }} as profiles
    cross join {{ ref('qualification_rules') }} as rules
    left join (
        select
            lead_key,
            sum(points) as fit_points,
            {{ leadflow.any_true('is_disqualifier') }} as has_disqualifier
        from {{ components_cte }}
        group by lead_key
    ) as totals
        on profiles.lead_key = totals.lead_key
    left join (
        {{ leadflow.known_fit_inputs(profiles_cte) }}
    ) as inputs
        on profiles.lead_key = inputs.lead_key
{%- endmacro %}

{#- Whether the profile row `profiles` (int_identity__lead_profiles) holds every field
    `required_fields` names (a '|'-separated list such as qualification_rules.required_fields;
    email, company, country_code and title can be required). -#}
{% macro has_required_fields(profiles, required_fields) -%}
    {%- for field in ['email', 'company', 'country_code', 'title'] %}
    (position('|{{ field }}|' in '|' || coalesce({{ required_fields }}, '') || '|') = 0 or {{ profiles }}.{{ field }} is not null)
    {%- if not loop.last %} and{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- A CTE body: the three reasons that moved a fit most, one row per `key_column` of
    `components_cte` (rule_description, points, rule_id): 'Target industry (+10); ...', largest
    absolute points first, then rule_id. int_scoring__fit (people) and int_accounts__fit
    (accounts) read their fit_reasons through it. -#}
{% macro fit_reasons(components_cte, key_column) -%}
    select
        {{ key_column }},
        {{ leadflow.ordered_string_agg('reason', 'reason_rank', '; ') }} as fit_reasons
    from (
        select
            {{ key_column }},
            rule_description || ' (' || case when points > 0 then '+' else '' end
            || cast(points as {{ dbt.type_string() }}) || ')' as reason,
            row_number() over (partition by {{ key_column }} order by abs(points) desc, rule_id asc) as reason_rank
        from {{ components_cte }}
    ) as ranked
    where reason_rank <= 3
    group by {{ key_column }}
{%- endmacro %}

{#- Aggregate: an account's intent points from its people's rows (intent_score, is_engaged,
    engagement_rank: 1 for the most engaged, and seeds/account_scoring_rules.csv's
    person_intent_cap and max_counted_people): each engaged person's score capped, the highest
    max_counted_people added up. dim_accounts (at as_of) and fct_account_intent_daily (at each
    day's close) read the rule through this one macro. -#}
{% macro account_intent_points() -%}
    sum(
        case
            when is_engaged and engagement_rank <= max_counted_people
                then least(intent_score, person_intent_cap)
            else 0
        end
    )
{%- endmacro %}

{#- A CTE body: every row of `mqls_cte` (int_scoring__backtest_mqls) twice, in its month's cohort
    ('YYYY-MM-01') and in 'all', and once per outcome (sql, opportunity), with converted (reached
    that outcome within the window) and the `columns` asked for. The backtest's reports group it. -#}
{% macro backtest_cohort_outcomes(mqls_cte, columns) -%}
    select
        cohorts.cohort,
        {%- for column in columns %}
        cohorts.{{ column }},
        {%- endfor %}
        outcome_names.outcome,
        case outcome_names.outcome when 'sql' then cohorts.reached_sql else cohorts.reached_opportunity end
            as converted
    from (
        select
            cast(cohort_month as {{ dbt.type_string() }}) as cohort,
            *
        from {{ mqls_cte }}
        union all
        select
            'all' as cohort,
            *
        from {{ mqls_cte }}
    ) as cohorts
    cross join (
        select 'sql' as outcome
        union all
        select 'opportunity' as outcome
    ) as outcome_names
{%- endmacro %}
