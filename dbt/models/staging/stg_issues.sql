select
    i.report_id,
    i.parser_version,
    i.code,
    i.severity,
    i.message,
    i.source_line,
    i.source_text
from {{ source('parsed', 'issues') }} as i
inner join {{ ref('stg_reports') }} as r
    on i.report_id = r.report_id
    and i.parser_version = r.parser_version
