{{ report_incremental('fingerprint_quality_checks', contract=true) }}
-- One row per report x consistency rule (docs/contract.md); see int_quality_checks.
-- Incremental by report (macros/report_ledger.sql).
select
    {{ dbt.cast('report_id', dbt.type_string()) }} as report_id,
    {{ dbt.cast('rule', dbt.type_string()) }} as rule,
    {{ dbt.cast('passed', dbt.type_boolean()) }} as passed,
    {{ dbt.cast('observed', dbt.type_string()) }} as observed,
    {{ dbt.cast('expected', dbt.type_string()) }} as expected,
    {{ dbt.cast('severity', dbt.type_string()) }} as severity
from {{ ref('int_quality_checks') }}
where {{ report_ledger_scope('report_id', fingerprint_quality_checks()) }}
