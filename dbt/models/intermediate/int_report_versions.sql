-- The reports in force (stg_reports), each with the fingerprint of its parse in force and the
-- catalog's (int_catalog_fingerprint, repeated on every row): where the fingerprints of the models incremental by
-- report start (macros/report_fingerprints.sql). A table rebuilt every run (one read of
-- stg_reports for every fingerprint); a stale copy (a partial selection) only makes the models
-- recompute more later, never keep stale rows: each model's rows are computed from its inputs
-- as they are, and its ledger records the fingerprint it saw.
select
    r.report_id,
    r.parser_version,
    r.parsed_at,
    {{ fingerprint_of(['r.parser_version', 'r.parsed_at']) }} as parse_fingerprint,
    c.rules_fingerprint,
    c.harmonization_fingerprint,
    c.cross_year_fingerprint
from {{ ref('stg_reports') }} as r
cross join {{ ref('int_catalog_fingerprint') }} as c
