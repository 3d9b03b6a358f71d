-- Every scoring seed carries the same model_version, and that version is recorded in
-- seeds/scoring_model_versions.csv. Fails listing each seed and version that disagree.
{{ leadflow.one_model_version_failures(
    ['fit_scoring_rules', 'fit_grade_thresholds', 'intent_signals', 'intent_band_thresholds',
     'priority_matrix', 'fit_inputs', 'qualification_rules'],
    'scoring_model_versions'
) }}
