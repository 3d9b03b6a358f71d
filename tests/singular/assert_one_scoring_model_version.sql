-- Every scoring seed carries the same model_version, and that version is recorded in
-- seeds/scoring_model_versions.csv. Fails listing each seed and version that disagree.
with

versions as (
    select
        'fit_scoring_rules' as seed_name,
        model_version
    from {{ ref('fit_scoring_rules') }}
    union all
    select
        'fit_grade_thresholds' as seed_name,
        model_version
    from {{ ref('fit_grade_thresholds') }}
    union all
    select
        'intent_signals' as seed_name,
        model_version
    from {{ ref('intent_signals') }}
    union all
    select
        'intent_band_thresholds' as seed_name,
        model_version
    from {{ ref('intent_band_thresholds') }}
    union all
    select
        'priority_matrix' as seed_name,
        model_version
    from {{ ref('priority_matrix') }}
    union all
    select
        'fit_inputs' as seed_name,
        model_version
    from {{ ref('fit_inputs') }}
    union all
    select
        'qualification_rules' as seed_name,
        model_version
    from {{ ref('qualification_rules') }}
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
        select changelog.model_version from {{ ref('scoring_model_versions') }} as changelog
    )
