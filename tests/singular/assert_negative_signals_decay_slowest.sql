-- Intent never rises without new events only if every negative signal decays no faster than
-- every positive one (then, while the sum is positive, it shrinks: d/dt <= -rate_min * sum).
-- Fails listing each negative signal with a shorter half-life than some positive signal.
select
    negative.signal_id as negative_signal_id,
    negative.half_life_days as negative_half_life_days,
    positive.signal_id as positive_signal_id,
    positive.half_life_days as positive_half_life_days
from {{ ref('intent_signals') }} as negative
inner join {{ ref('intent_signals') }} as positive
    on negative.half_life_days < positive.half_life_days
where
    negative.base_points < 0
    and positive.base_points > 0
