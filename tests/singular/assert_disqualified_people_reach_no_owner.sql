{{ config(enabled=var('using_salesforce', true)) }}
-- Competitors, students and our own employees never reach a named owner (account, opportunity,
-- territory or kept owner): read from dim_leads' own facts (email domain type, account type,
-- seniority), not from seeds/routing_disqualifiers.csv, so a disqualifier row removed by
-- mistake fails here. Fails listing each such person with the owner routing gave them.
select
    leads.lead_key,
    leads.email_domain_type,
    leads.account_type,
    leads.seniority,
    routing.assignment_method,
    routing.assigned_owner_id
from {{ ref('dim_leads') }} as leads
inner join {{ ref('fct_lead_routing') }} as routing
    on leads.lead_key = routing.lead_key
where
    (
        leads.email_domain_type in ('competitor', 'student', 'internal')
        or leads.account_type = 'Competitor'
        or leads.seniority = 'student'
    )
    and (routing.assigned_owner_id is not null or routing.assignment_method <> 'disqualified')
