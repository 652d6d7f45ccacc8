{{ report_incremental('fingerprint_facts') }}
-- Per report: how many figures are in force (int_facts_resolved), so the duplicate choice and
-- dim_report count them without reading every figure. Incremental by report.
select
    report_id,
    count(*) as n_facts
from {{ ref('int_facts_resolved') }}
where {{ report_ledger_scope('report_id', fingerprint_facts()) }}
group by report_id
