-- An account's fit is the sum of its components, clamped to 0-100, and it has a disqualifier
-- exactly when a disqualifying component fired. Fails listing each account that disagrees.
with

components as (
    select
        account_key,
        sum(points) as points,
        max(case when is_disqualifier then 1 else 0 end) as disqualifiers
    from {{ ref('int_accounts__fit_components') }}
    group by account_key
)

select
    fit.account_key,
    fit.fit_points,
    fit.fit_score,
    components.points as component_points
from {{ ref('int_accounts__fit') }} as fit
left join components
    on fit.account_key = components.account_key
where
    fit.fit_points <> coalesce(components.points, 0)
    or fit.fit_score <> least(100, greatest(0, coalesce(components.points, 0)))
    or fit.has_disqualifier <> (coalesce(components.disqualifiers, 0) = 1)
