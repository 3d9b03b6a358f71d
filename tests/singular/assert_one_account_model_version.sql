-- Every account scoring seed carries the same model_version, and that version is recorded in
-- seeds/account_model_versions.csv. Fails listing each seed and version that disagree.
{{ leadflow.one_model_version_failures(
    ['account_fit_rules', 'account_fit_grade_thresholds', 'account_scoring_rules',
     'account_priority_matrix', 'buying_group_roles'],
    'account_model_versions'
) }}
