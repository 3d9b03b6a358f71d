{#-
    Routing and SLA logic shared by the models that decide at as_of and the models that decide
    at a past moment (int_routing__lead_targets and fct_routing_decisions; int_sla__clock_starts).
-#}

{#- The routing rules of seeds/routing_rules.csv (CTE `rules`) that match each row of
    `facts_cte` whose gate is needs_rule, ranked by priority (rule_rank 1 wins). `facts_cte`
    carries the facts the rules test (is_customer, open_opportunity_id, has_named_account,
    priority_tier, priority_action, country_code, region, industry, product_interest,
    employee_band, lead_source, account_type, has_account, has_started_trial, fit_score,
    intent_score, account_owner_id, open_opportunity_owner_id, current_stage, is_converted,
    gate); `active_users` lists the active Salesforce users. An owner rule matches only with an
    active owner; pipeline past marketing (SAL, SQL, opportunity, converted) skips the matrix
    rules (match_priority_action). -#}
{% macro routing_rule_matches(facts_cte, key_column) -%}
    select
        {{ facts_cte }}.{{ key_column }},
        rules.rule_id,
        rules.target_type,
        rules.target_team,
        rules.description as rule_description,
        row_number() over (partition by {{ facts_cte }}.{{ key_column }} order by rules.priority asc) as rule_rank
    from {{ facts_cte }}
    inner join rules
        on
            (rules.match_is_customer is null or {{ facts_cte }}.is_customer = rules.match_is_customer)
            and (
                rules.match_has_open_opportunity is null
                or rules.match_has_open_opportunity = ({{ facts_cte }}.open_opportunity_id is not null)
            )
            and (
                rules.match_has_named_account is null
                or {{ facts_cte }}.has_named_account = rules.match_has_named_account
            )
            and (rules.match_priority_tier is null or {{ facts_cte }}.priority_tier = rules.match_priority_tier)
            and (rules.match_priority_action is null or {{ facts_cte }}.priority_action = rules.match_priority_action)
            and (rules.match_country_code is null or {{ facts_cte }}.country_code = rules.match_country_code)
            and (rules.match_region is null or {{ facts_cte }}.region = rules.match_region)
            and (rules.match_industry is null or {{ facts_cte }}.industry = rules.match_industry)
            and (
                rules.match_product_interest is null
                or {{ facts_cte }}.product_interest = rules.match_product_interest
            )
            and (rules.match_employee_band is null or {{ facts_cte }}.employee_band = rules.match_employee_band)
            and (rules.match_lead_source is null or {{ facts_cte }}.lead_source = rules.match_lead_source)
            and (rules.match_account_type is null or {{ facts_cte }}.account_type = rules.match_account_type)
            and (rules.match_has_account is null or {{ facts_cte }}.has_account = rules.match_has_account)
            and (rules.match_has_trial is null or {{ facts_cte }}.has_started_trial = rules.match_has_trial)
            and (rules.min_fit_score is null or {{ facts_cte }}.fit_score >= rules.min_fit_score)
            and (rules.min_intent_score is null or {{ facts_cte }}.intent_score >= rules.min_intent_score)
    left join active_users as account_owners
        on {{ facts_cte }}.account_owner_id = account_owners.user_id
    left join active_users as opportunity_owners
        on {{ facts_cte }}.open_opportunity_owner_id = opportunity_owners.user_id
    where
        {{ facts_cte }}.gate = 'needs_rule'
        -- past marketing: a person in SAL, SQL or opportunity (or converted) whose owner left
        -- needs a rep, so the matrix rules (suppress, nurture, review queue) do not apply
        and (
            rules.match_priority_action is null
            or not (
                {{ facts_cte }}.is_converted
                or coalesce({{ facts_cte }}.current_stage, 'lead') in ('sal', 'sql', 'opportunity')
            )
        )
        and (rules.target_type <> 'account_owner' or account_owners.user_id is not null)
        and (rules.target_type <> 'opportunity_owner' or opportunity_owners.user_id is not null)
{%- endmacro %}

{#- The CRM owner at a moment, one rule for the SLA clock starts (int_sla__clock_starts) and the
    routing decision log (int_routing__decision_moments): the new owner of the latest owner
    change at or before the moment (changes of the same instant included, in change_id order;
    null when it cleared the owner), else the owner the person's first change replaced (null when
    it set the owner from blank), else the current owner: nobody ever changed it.
    The caller unions, per person (lead_key), the owner changes (int_routing__owner_changes
    rows, with owner_change_columns) and the moments it asks about (no_owner_change_columns);
    owner_states gives every row four window columns over the person's rows in time order
    (`time_column`); owner_at reads the owner from them on `relation`, with `current_owner` as
    the last resort. One pass over each person's rows: a join of every moment with every
    earlier change held 7M pairs at 1M people. -#}
{% macro owner_change_columns(owner_changes) -%}
    {{ leadflow.time_then_id(owner_changes ~ '.changed_at', owner_changes ~ '.change_id') }} as owner_change_order,
    {{ owner_changes }}.new_owner_id,
    {{ owner_changes }}.previous_owner_id
{%- endmacro %}

{% macro no_owner_change_columns() -%}
    cast(null as {{ dbt.type_string() }}) as owner_change_order,
    cast(null as {{ dbt.type_string() }}) as new_owner_id,
    cast(null as {{ dbt.type_string() }}) as previous_owner_id
{%- endmacro %}

{% macro owner_states(time_column) -%}
    {%- set so_far = 'partition by lead_key order by ' ~ time_column
        ~ ' range between unbounded preceding and current row' -%}
    {{ leadflow.max_by_keeping_nulls('new_owner_id', 'owner_change_order') }} over ({{ so_far }}) as owner_so_far,
    count(owner_change_order) over ({{ so_far }}) as owner_changes_so_far,
    {{ leadflow.min_by_keeping_nulls('previous_owner_id', 'owner_change_order') }} over (
        partition by lead_key
    ) as owner_before_changes,
    count(owner_change_order) over (partition by lead_key) as owner_changes
{%- endmacro %}

{% macro owner_at(relation, current_owner) -%}
    case
        when {{ relation }}.owner_changes_so_far > 0 then {{ relation }}.owner_so_far
        when {{ relation }}.owner_changes > 0 then {{ relation }}.owner_before_changes
        else {{ current_owner }}
    end
{%- endmacro %}

{#- HubSpot owners matched to Salesforce users by email (one user per owner: the smallest id),
    so a rep working in both CRMs is one person; no rows without Salesforce. `owners_cte` holds
    stg_hubspot__owners rows. The caller names stg_salesforce__users in a depends_on comment. -#}
{% macro hubspot_owner_users(owners_cte) -%}
    {%- if var('using_salesforce', true) -%}
    select
        {{ owners_cte }}.owner_id,
        min(users.user_id) as user_id
    from {{ owners_cte }}
    inner join {{ ref('stg_salesforce__users') }} as users
        on {{ owners_cte }}.email = users.email
    group by {{ owners_cte }}.owner_id
    {%- else -%}
    {{ leadflow.no_rows({'owner_id': 'bigint', 'user_id': 'string'}) }}
    {%- endif -%}
{%- endmacro %}

{#- The gate of routing (int_routing__lead_targets at as_of, int_routing__decision_facts at a
    past moment): three select-list columns for the rows of `facts`, which carry
    disqualify_reason_code, current_stage, is_converted and blocked_reason. The owner's facts are
    given as expressions: `owner_id`, `owner_team` (their team in seeds/sales_reps.csv, null when
    not a rep), `is_owner_active` (active in Salesforce) and `has_recent_owner_activity` (their
    call, email or meeting within var('routing_recent_activity_days')). In this order, the first
    that applies wins:
      gate                   reason_code
      disqualified           the disqualifier's code (seeds/routing_disqualifiers.csv)
      not_routed             closed_disqualified / closed_customer (a rep closed the person)
      kept_working_owner     converted / working_stage / recent_owner_activity
      blocked                missing_required_fields
      kept_current_owner     owned_not_awaiting_decision (an active rep, not an MQL)
      needs_rule             owner_blank / owner_is_queue / owner_inactive / owner_not_a_rep /
                             awaiting_acceptance
    is_orphaned_pipeline: past marketing (SAL, SQL, opportunity or converted); with gate
    needs_rule their owner left, and a manager reassigns them from the team queue. -#}
{% macro routing_gate(facts, owner_id, owner_team, is_owner_active, has_recent_owner_activity) -%}
    {%- set active = 'coalesce(' ~ is_owner_active ~ ', false)' -%}
    {%- set stage = facts ~ '.current_stage' -%}
    case
        when {{ facts }}.disqualify_reason_code is not null then 'disqualified'
        when {{ stage }} in ('disqualified', 'customer') then 'not_routed'
        when
            {{ active }}
            and ({{ facts }}.is_converted or {{ stage }} in ('sal', 'sql', 'opportunity') or {{ has_recent_owner_activity }})
            then 'kept_working_owner'
        when {{ facts }}.blocked_reason is not null then 'blocked'
        when {{ active }} and {{ owner_team }} is not null and coalesce({{ stage }}, 'lead') <> 'mql'
            then 'kept_current_owner'
        else 'needs_rule'
    end as gate,
    -- the same order as the gate: the first check that decided gives the reason
    case
        when {{ facts }}.disqualify_reason_code is not null then {{ facts }}.disqualify_reason_code
        when {{ stage }} in ('disqualified', 'customer') then 'closed_' || {{ stage }}
        when {{ active }} and {{ facts }}.is_converted then 'converted'
        when {{ active }} and {{ stage }} in ('sal', 'sql', 'opportunity') then 'working_stage'
        when {{ active }} and {{ has_recent_owner_activity }} then 'recent_owner_activity'
        when {{ facts }}.blocked_reason is not null then 'missing_required_fields'
        when {{ owner_id }} is null then 'owner_blank'
        when {{ owner_id }} like '00G%' then 'owner_is_queue'
        when not {{ active }} then 'owner_inactive'
        when {{ owner_team }} is null then 'owner_not_a_rep'
        when coalesce({{ stage }}, 'lead') = 'mql' then 'awaiting_acceptance'
        else 'owned_not_awaiting_decision'
    end as reason_code,
    coalesce({{ facts }}.is_converted or {{ stage }} in ('sal', 'sql', 'opportunity'), false) as is_orphaned_pipeline
{%- endmacro %}

{#- The order of the weighted rendezvous draw (fct_lead_routing's dealing and re-route,
    fct_routing_decisions): rep r is preferred for a lead with probability weight_r / sum of the
    weights, stably (the same lead and rep always draw the same number), ties by rep id. -#}
{% macro rendezvous_order(lead_key, rep_id, weight) -%}
    -ln({{ leadflow.stable_uniform(lead_key ~ " || '|' || " ~ rep_id) }}) / {{ weight }} asc,
    {{ rep_id }} asc
{%- endmacro %}

{#- The people whose routing decisions an incremental run of the decision-log models
    (int_routing__decision_moments, int_routing__decision_facts, fct_routing_decisions) and
    whose SLA clock starts int_sla__clock_start_states re-derives. The window starts at the
    earlier of `window_start` (the model's lookback) and the first day int_intent__scored_events
    rescored for everyone in this run (its rescored_from; the two lookbacks count from
    different latest instants and can be a day apart):
      - anyone with a lifecycle move, an owner change or a counted sales touch in the window
        (a moment, or a touch, that is new or may have changed);
      - anyone int_intent__scored_events rescored whole in this run (identity or consent
        changes: a row before its rescored_from; everyone when it was rebuilt whole), and
        anyone whose handle int_identity__handle_changes recorded in the window, with the
        handle's previous person: this catches a person whose only scored event moved to
        someone else, who keeps no scored row to be found by;
      - anyone whose profile_fingerprint in `current_fingerprints` (lead_key,
        profile_fingerprint) differs from the one stored in the model (none: a model that
        stores nothing of the profile, int_sla__clock_start_states).
    An intent event changes a decision only at or after its own instant (intent and trial
    starts are taken up to the moment), so a person whose events were rescored only because
    their day is within the rescored days (on or after the window start) has no stored decision
    they change that a move or owner change in the window does not already name: at 1M people
    that is 30% of people a day, and they are not re-derived. (Before the window took the
    earlier start, a day of them was: 153k people of a 1M daily run.) The window's start is
    computed once, in a one-row derived table every instant is joined against (it was a scalar
    subquery repeated in each of six comparisons: cheap, as zone maps skip most of
    int_intent__scored_events, but one value computed once is easier to follow). The callers
    name the models read here in depends_on comments. -#}
{% macro routing_decision_people(window_start, current_fingerprints) -%}
    {%- set scored = ref('int_intent__scored_events') -%}
    select touched.lead_key
    from (
        -- the window's start, computed once (one row even when nothing was rescored)
        select
            least(
                cast('{{ window_start }}' as timestamp),
                coalesce(cast(min(rescored_from) as timestamp), cast('{{ window_start }}' as timestamp))
            ) as window_from
        from {{ scored }}
        where scored_through >= {{ leadflow.as_of() }}
    ) as routing_window
    inner join (
        select
            lead_key,
            changed_at as touched_at
        from {{ ref('int_lifecycle__stage_changes') }}
        where changed_at <= {{ leadflow.as_of() }}
        union all
        select
            lead_key,
            changed_at as touched_at
        from {{ ref('int_routing__owner_changes') }}
        union all
        select
            lead_key,
            touched_at
        from {{ ref('int_sla__sales_touches') }}
        where counts_as_touch
        union all
        -- a handle's person until its next change (the next change's instant), or the handle's
        -- last change itself when it was recorded (not the history's first snapshot: a full build
        -- records every handle at revision 0, no change). A next change is never earlier.
        select
            handle_people.lead_key,
            coalesce(
                handle_people.next_changed_at,
                case
                    when {{ leadflow.is_recorded_handle_change('handle_people', 'handle_people.first_changed_at') }}
                        then handle_people.changed_at
                end
            ) as touched_at
        from (
            select
                handle_type,
                handle_id,
                lead_key,
                changed_at,
                revision,
                lead(changed_at) over (
                    partition by handle_type, handle_id order by changed_at, revision
                ) as next_changed_at,
                min(changed_at) over () as first_changed_at
            from {{ ref('int_identity__handle_changes') }}
        ) as handle_people
        where handle_people.lead_key is not null
    ) as touched
        on touched.touched_at >= routing_window.window_from
    union
    select lead_key from {{ scored }}
    where
        scored_through >= {{ leadflow.as_of() }}
        and (rescored_from is null or occurred_on < rescored_from)
    {%- if current_fingerprints %}
    union
    select stored.lead_key
    from (
        select distinct
            lead_key,
            profile_fingerprint
        from {{ this }}
    ) as stored
    inner join (
        select distinct
            lead_key,
            profile_fingerprint
        from {{ current_fingerprints }}
    ) as current_profiles
        on stored.lead_key = current_profiles.lead_key
    where stored.profile_fingerprint <> current_profiles.profile_fingerprint
    {%- endif %}
{%- endmacro %}

{#- The rows of `rows_cte` an incremental run of a decision-log model re-derives: all of them on
    a first or full-refresh run (`window_start` none), else those of the people
    leadflow.routing_decision_people names (with `current_fingerprints` to compare against the
    profile fingerprints the model stored). -#}
{% macro routing_decision_rows(rows_cte, window_start, current_fingerprints) -%}
    {%- if window_start %}
    select {{ rows_cte }}.*
    from {{ rows_cte }}
    inner join (
        {{ leadflow.routing_decision_people(window_start, current_fingerprints) | indent(8) }}
    ) as touched_people
        on {{ rows_cte }}.lead_key = touched_people.lead_key
    {%- else %}
    select * from {{ rows_cte }}
    {%- endif %}
{%- endmacro %}

{#- When each person started a free trial: their first scored event of a
    var('routing_trial_signal_ids') signal up to as_of (int_routing__open_leads at as_of,
    int_routing__decision_facts at each moment). The caller names int_intent__scored_events in a
    depends_on comment when the call sits in a branch dbt does not render at parse time. -#}
{% macro trial_starts() -%}
    select
        lead_key,
        min(occurred_at) as trial_started_at
    from {{ ref('int_intent__scored_events') }}
    where
        signal_id in (
            {%- for signal_id in var('routing_trial_signal_ids') %}
            '{{ signal_id }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )
        and occurred_at <= {{ leadflow.as_of() }}
    group by lead_key
{%- endmacro %}
