-- Every account scoring seed carries the same model_version, and that version is recorded in
-- seeds/account_model_versions.csv. Fails listing each seed and version that disagree.
with

versions as (
    select
        'account_fit_rules' as seed_name,
        model_version
    from {{ ref('account_fit_rules') }}
    union all
    select
        'account_fit_grade_thresholds' as seed_name,
        model_version
    from {{ ref('account_fit_grade_thresholds') }}
    union all
    select
        'account_scoring_rules' as seed_name,
        model_version
    from {{ ref('account_scoring_rules') }}
    union all
    select
        'account_priority_matrix' as seed_name,
        model_version
    from {{ ref('account_priority_matrix') }}
    union all
    select
        'buying_group_roles' as seed_name,
        model_version
    from {{ ref('buying_group_roles') }}
),

distinct_versions as (
    select distinct
        seed_name,
        model_version
    from versions
)

select
    distinct_versions.seed_name,
    distinct_versions.model_version
from distinct_versions
where
    (select count(distinct versions.model_version) from versions) > 1
    or distinct_versions.model_version not in (
        select changelog.model_version from {{ ref('account_model_versions') }} as changelog
    )
