{#-
    One hand-raise recorded in both CRMs scores once: one row per scored event that is the
    duplicate of another. Signals of one seeds/intent_signals.csv hand_raise_group (a HubSpot
    demo form and the Salesforce campaign response it created; a webinar form and the campaign
    member registration) recorded for one person by different sources within
    var('hand_raise_dedup_hours') hours of each other are one hand-raise: the better signal
    counts (more base points, then the earlier, then the lower event id), the other is excluded
    with reason duplicate_hand_raise and names the event it duplicates. An event that itself
    counted nothing (daily cap) never makes another a duplicate.

    A table rebuilt each run over the hand-raise rows only (a few percent of the events):
    int_intent__signal_events applies it to the incremental int_intent__scored_events, so a
    later, better copy can exclude an earlier event without rewriting stored days.
-#}
with

signals as (
    select
        signal_id,
        hand_raise_group
    from {{ ref('intent_signals') }}
    where hand_raise_group is not null
),

hand_raises as (
    select
        scored_events.event_id,
        scored_events.lead_key,
        scored_events.source,
        scored_events.occurred_at,
        scored_events.base_points,
        scored_events.is_excluded,
        signals.hand_raise_group
    from {{ ref('int_intent__scored_events') }} as scored_events
    inner join signals
        on scored_events.signal_id = signals.signal_id
    where scored_events.occurred_at <= {{ leadflow.as_of() }}
),

better_copies as (
    select
        copy.event_id,
        copy.lead_key,
        copy.hand_raise_group,
        better.event_id as duplicate_of_event_id,
        row_number() over (
            partition by copy.event_id
            order by better.base_points desc, better.occurred_at asc, better.event_id asc
        ) as better_rank
    from hand_raises as copy
    inner join hand_raises as better
        on
            copy.lead_key = better.lead_key
            and copy.hand_raise_group = better.hand_raise_group
            and copy.source <> better.source
            and not better.is_excluded
            and abs({{ leadflow.seconds_between('better.occurred_at', 'copy.occurred_at') }})
            <= {{ var('hand_raise_dedup_hours') }} * 3600
            and (
                copy.base_points < better.base_points
                or (
                    copy.base_points = better.base_points
                    and (
                        copy.occurred_at > better.occurred_at
                        or (copy.occurred_at = better.occurred_at and copy.event_id > better.event_id)
                    )
                )
            )
),

final as (
    select
        event_id,
        lead_key,
        hand_raise_group,
        duplicate_of_event_id,
        'duplicate_hand_raise' as exclusion_reason
    from better_copies
    where better_rank = 1
)

select * from final
