-- seeds/routing_disqualifiers.csv and seeds/rejection_reasons.csv must agree: every reason code
-- a disqualifier gives is a controlled reason whose exit stage is disqualified, so routing and
-- the reps' own disqualifications report in one vocabulary. Fails listing each code that is not.
select
    disqualifiers.reason_code,
    reasons.exit_stage
from {{ ref('routing_disqualifiers') }} as disqualifiers
left join (
    select distinct
        reason_code,
        exit_stage
    from {{ ref('rejection_reasons') }}
) as reasons
    on disqualifiers.reason_code = reasons.reason_code
where reasons.reason_code is null or reasons.exit_stage <> 'disqualified'
