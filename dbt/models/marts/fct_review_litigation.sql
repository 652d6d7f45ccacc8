{{ report_incremental('fingerprint_primary', contract=true) }}
-- Administrative reviews and lawsuits about disclosure, harmonised across forms: one row per
-- primary report stating any of these figures. The 2019+ lawsuit totals add the direct and the
-- after-review columns (derived rows of the forms); complaints_total is old-form only.
{{ wide_fact([
    ['admin_review_total', 'all', 'all', none],
    ['admin_review_upheld', 'all', 'all', none],
    ['admin_review_corrected', 'all', 'all', none],
    ['admin_review_other', 'all', 'all', none],
    ['admin_review_pending', 'all', 'all', none],
    ['admin_litigation_total', 'all', 'all', none],
    ['admin_litigation_upheld', 'all', 'all', none],
    ['admin_litigation_corrected', 'all', 'all', none],
    ['admin_litigation_other', 'all', 'all', none],
    ['admin_litigation_pending', 'all', 'all', none],
    ['complaints_total', 'all', 'all', none],
]) }}
