{{ config(
    meta={'replace_people_marker': 'rules_fingerprint', 'as_of_column': 'qualified_at'},
    **leadflow.delete_insert_incremental('replace_people')
) }}
{#-
    The moments at which a person who can qualify reached the intent minimum: the part of
    int_scoring__qualifications that reads every scored event, kept per person so that a daily
    run re-derives the people a day touched, not every candidate's whole history (at 1M people
    the model took 37 s of a daily run, most of it the running sums over 20M events).
      candidates     people whose profile can qualify (fit known and at least the minimum,
                     required fields present: seeds/qualification_rules.csv); only their events
                     are evaluated
      a moment       every counted scored event (int_intent__signal_events, points > 0) up to
                     as_of: intent rises only at an event and decays between events, so the
                     first moment the intent minimum is met is an event
      intent_score   the events up to the moment, decayed to it (leadflow.intent_points_at_events)
    One row per moment whose intent reached min_intent_score, or one row with qualified_at null
    for a candidate with none (so a candidate without a moment is not taken for a new one on the
    next run). Every row carries rules_fingerprint (the rule's min_intent_score and the scoring
    version), the strategy's marker.

    Incremental by person (replace_people; DuckDB; a table on Spark): a run re-derives
      - every person int_intent__scored_events wrote rows for in this run (new events, the days
        it re-reads, people rescored whole after an identity or consent change): a person's
        moments change only with their events;
      - every candidate with no stored row (new, or newly able to qualify);
      - every stored person with a moment but no scored event left (their events moved to
        someone else in a merge);
      - everyone, when the stored rules_fingerprint is not the rule's;
    and deletes the rows of stored people who are no longer candidates.
-#}
-- depends_on: {{ ref('int_intent__signal_events') }} (read by leadflow.intent_points_at_events)
-- depends_on: {{ ref('int_intent__scored_events') }} (read on an incremental run)
with

fit as (
    select * from {{ ref('int_scoring__fit') }}
),

profiles as (
    select * from {{ ref('int_identity__lead_profiles') }}
),

rules as {{ leadflow.not_materialized() }} (
    select
        *,
        {{ leadflow.values_fingerprint(['min_intent_score', 'model_version']) }} as rules_fingerprint
    from {{ ref('qualification_rules') }}
),

candidates as (
    -- people whose profile can qualify at all (none of it moves with time)
    select fit.lead_key
    from fit
    inner join profiles
        on fit.lead_key = profiles.lead_key
    cross join rules
    where
        fit.is_fit_known
        and fit.fit_score >= rules.min_fit_score
        and {{ leadflow.has_required_fields('profiles', 'rules.required_fields') }}
),

people_in_scope as (
    {%- if is_incremental() %}
    select lead_key from {{ ref('int_intent__scored_events') }}
    where scored_through >= {{ leadflow.as_of() }}
    union
    select candidates.lead_key
    from candidates
    left join (select distinct lead_key from {{ this }}) as stored
        on candidates.lead_key = stored.lead_key
    where stored.lead_key is null
    union
    select stored.lead_key
    from (
        select distinct lead_key from {{ this }}
        where qualified_at is not null
    ) as stored
    left join (select distinct lead_key from {{ ref('int_intent__scored_events') }}) as scored
        on stored.lead_key = scored.lead_key
    where scored.lead_key is null
    union
    select candidates.lead_key
    from candidates
    cross join rules
    where
        exists (
            select 1 from {{ this }} as stored
            where stored.rules_fingerprint <> rules.rules_fingerprint
        )
    {%- else %}
    select lead_key from candidates
    {%- endif %}
),

evaluated as (
    select candidates.lead_key
    from candidates
    inner join people_in_scope
        on candidates.lead_key = people_in_scope.lead_key
),

intent_at as (
    -- the intent at every instant of an evaluated person's counted events, the events of the
    -- instant included
    {{ leadflow.intent_points_at_events('evaluated') }}
),

intent_scores as (
    select
        lead_key,
        occurred_at as qualified_at,
        cast({{ leadflow.intent_score('intent_points') }} as double) as intent_score
    from intent_at
    where occurred_at <= {{ leadflow.as_of() }}
),

intent_met as (
    select intent_scores.*
    from intent_scores
    cross join rules
    where intent_scores.intent_score >= rules.min_intent_score
),

moments as (
    -- every evaluated candidate: a row per moment, or one row with no moment
    select
        evaluated.lead_key,
        intent_met.qualified_at,
        intent_met.intent_score,
        rules.rules_fingerprint
    from evaluated
    left join intent_met
        on evaluated.lead_key = intent_met.lead_key
    cross join rules
)

{{ leadflow.replace_people_select('moments', 'candidates', is_incremental()) }}
