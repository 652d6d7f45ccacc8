-- Only the figures of the parse in force (see stg_reports).
select
    f.report_id,
    f.parser_version,
    f.indicator_code,
    coalesce(f.channel_code, 'all') as channel_code,
    coalesce(f.applicant_type, 'all') as applicant_type,
    f.value,
    f.unit,
    coalesce(f.value_qualifier, 'exact') as value_qualifier,
    f.source,
    f.source_line,
    f.source_text,
    f.form_code,
    f.row_key,
    f.column_key
from {{ source('parsed', 'facts') }} as f
inner join {{ ref('stg_reports') }} as r
    on f.report_id = r.report_id
    and f.parser_version = r.parser_version
