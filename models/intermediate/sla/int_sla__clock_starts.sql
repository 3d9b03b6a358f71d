{#-
    What every SLA clock is frozen with, one row per MQL move (int_lifecycle__stage_changes):
    the facts as of the moment the clock starts, never recomputed at a later as_of.
      intent_score_at_start  the person's scored events up to the start (int_intent__scored_events,
                             excluded ones left out), decayed to the start: the same sum
                             dim_leads takes at as_of, taken at the MQL instead
      fit_score              the person's fit score: fit facts (title, size, industry, ...) are
                             not historised by the CRMs' connectors, so the current profile is
                             used (a title edited after the MQL moves it: documented in
                             docs/routing_and_sla.md)
      priority_tier/action   the fit x intent matrix (seeds/priority_matrix.csv) on those scores
      owner_id               the responsible owner at the start: the new owner of the latest
                             owner change at or before it (int_routing__owner_changes; null
                             when the owner was cleared: nobody owned it, the team answers),
                             else the previous owner of the first change after it (null when
                             it set the owner from blank), else the current owner (nobody
                             changed it); changes of one instant in change_id order. Read by
                             leadflow.owner_states and leadflow.owner_at, as the routing
                             decision log (int_routing__decision_moments) reads it
      team                   the team that must act: the review queue of the manual_review
                             routing rule for manual-review clocks, else the owner's team in
                             seeds/sales_reps.csv, else the person's territory team, else
                             'default' (a team without business hours falls back to 'default')
    The intent and owner states at each start come from int_sla__clock_start_states (kept per
    person, incremental); this model joins the profile and the seeds to them at every run.
-#}
with

states as (
    -- the intent and owner states at each start, kept per person (int_sla__clock_start_states)
    select * from {{ ref('int_sla__clock_start_states') }}
),

leads as (
    select * from {{ ref('dim_leads') }}
),

sales_reps as (
    select * from {{ ref('sales_reps') }}
),

review_queues as (
    -- the queue a matrix-action routing rule sends people to (manual_review, enrich)
    select
        match_priority_action as priority_action,
        min(target_team) as team
    from {{ ref('routing_rules') }}
    where target_type = 'queue' and match_priority_action is not null
    group by match_priority_action
),

lead_territories as (
    select * from {{ ref('int_routing__lead_territories') }}
),

calendars as (
    select distinct team
    from {{ ref('business_hours') }}
),

scored as (
    select
        states.lead_key || ':' || cast(states.change_number as {{ dbt.type_string() }}) as clock_key,
        states.lead_key,
        states.change_number,
        states.started_at,
        leads.fit_score,
        not leads.needs_enrichment as is_fit_known,
        states.intent_score_at_start,
        {{ leadflow.owner_at('states', 'leads.owner_id') | indent(8) }} as owner_id
    from states
    inner join leads
        on states.lead_key = leads.lead_key
),

cells as (
    {{ leadflow.matrix_cell('scored', 'clock_key', 'fit_score', 'intent_score_at_start', 'is_fit_known') }}
),

owned as (
    select
        scored.*,
        cells.fit_grade,
        cells.intent_band,
        cells.priority_tier,
        cells.priority_action
    from scored
    inner join cells
        on scored.clock_key = cells.clock_key
),

final as (
    select
        owned.lead_key,
        owned.change_number,
        owned.started_at,
        owned.fit_score,
        cast(owned.intent_score_at_start as double) as intent_score_at_start,
        owned.fit_grade,
        owned.intent_band,
        owned.priority_tier,
        owned.priority_action,
        owned.owner_id,
        case
            when review_queues.team is not null then review_queues.team
            when owner_calendars.team is not null then owner_calendars.team
            when territory_calendars.team is not null then territory_calendars.team
            else 'default'
        end as team
    from owned
    left join review_queues
        on owned.priority_action = review_queues.priority_action
    left join sales_reps
        on owned.owner_id = sales_reps.rep_id
    left join calendars as owner_calendars
        on sales_reps.team = owner_calendars.team
    left join lead_territories
        on owned.lead_key = lead_territories.lead_key
    left join calendars as territory_calendars
        on lead_territories.territory_team = territory_calendars.team
)

select * from final
