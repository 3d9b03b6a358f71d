{{ config(enabled=var('using_salesforce', true)) }}
-- Low fit, high intent (matrix action manual_review) is checked by a human before any rep is
-- dealt: such a person is never routed by round robin, and one who needs a decision goes to a
-- queue (the review queue; pipeline whose owner left waits in its team queue for a manager) or
-- to an account or opportunity owner. Fails listing each manual-review person dealt to a rep.
select
    routing.lead_key,
    routing.priority_action,
    routing.assignment_method,
    routing.assigned_team,
    routing.assigned_owner_id
from {{ ref('fct_lead_routing') }} as routing
where
    routing.priority_action = 'manual_review'
    and (
        routing.assignment_method = 'round_robin'
        or (
            routing.routing_rule_id is not null
            and routing.assignment_method not in ('queue', 'account_owner', 'opportunity_owner', 'team_queue')
        )
    )
