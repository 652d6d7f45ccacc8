{{ report_incremental('fingerprint_parse') }}
-- One figure per report x indicator x channel x applicant: the table figure where the
-- report has one, else the prose figure. Incremental by report (macros/report_ledger.sql).
select
    report_id,
    parser_version,
    indicator_code,
    channel_code,
    applicant_type,
    value,
    unit,
    value_qualifier,
    source,
    source_line,
    source_text,
    form_code,
    row_key,
    column_key,
    {{ fact_key('indicator_code', 'channel_code', 'applicant_type') }} as fact_key
from ({{ facts_ranked(report_ledger_scope('f.report_id', fingerprint_parse())) }}) as ranked
where precedence = 1
