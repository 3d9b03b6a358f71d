{{ config(enabled=var('using_salesforce', true)) }}
-- Every owner routing assigns is an active Salesforce user (a rep dealt by round robin, a kept
-- owner, an account or opportunity owner). Fails listing each lead routed to an inactive or
-- unknown user; people without an owner carry their reason in assignment_method instead.
select
    routing.lead_key,
    routing.assignment_method,
    routing.assigned_owner_id,
    users.is_active
from {{ ref('fct_lead_routing') }} as routing
left join {{ ref('stg_salesforce__users') }} as users
    on routing.assigned_owner_id = users.user_id
where routing.assigned_owner_id is not null and not coalesce(users.is_active, false)
