-- One row per landed document: how many checks apply to it (form rules, table/prose
-- agreement, cross-year rules), how many pass and fail, and the quality score (the share of
-- applicable checks passed; NULL when none applies). dim_report carries the same score.
select
    {{ dbt.cast('r.report_id', dbt.type_string()) }} as report_id,
    {{ dbt.cast('coalesce(q.n_rules_applicable, 0)', dbt.type_int()) }} as n_rules_applicable,
    {{ dbt.cast('coalesce(q.n_passed, 0)', dbt.type_int()) }} as n_passed,
    {{ dbt.cast('coalesce(q.n_failed_error, 0)', dbt.type_int()) }} as n_failed_error,
    {{ dbt.cast('coalesce(q.n_failed_warning, 0)', dbt.type_int()) }} as n_failed_warning,
    {{ dbt.cast('q.quality_score', type_double()) }} as quality_score
from {{ ref('stg_landed_files') }} as r
left join {{ ref('int_report_quality') }} as q on r.report_id = q.report_id
