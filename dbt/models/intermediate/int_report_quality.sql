{{ report_incremental('fingerprint_quality_checks') }}
-- Per report: how many checks (int_quality_checks) apply, pass and fail. The score is the
-- share of applicable checks passed; NULL when none applies ("no evidence" is not "perfect").
-- Incremental by report (macros/report_ledger.sql).
with checks as (
    select * from {{ ref('int_quality_checks') }}
    where {{ report_ledger_scope('report_id', fingerprint_quality_checks()) }}
)

select
    report_id,
    count(*) as n_rules_applicable,
    sum(case when passed then 1 else 0 end) as n_passed,
    sum(case when not passed and severity = 'error' then 1 else 0 end) as n_failed_error,
    sum(case when not passed and severity <> 'error' then 1 else 0 end) as n_failed_warning,
    {{ dbt.cast('sum(case when passed then 1 else 0 end)', type_double()) }} / count(*) as quality_score
from checks
group by report_id
