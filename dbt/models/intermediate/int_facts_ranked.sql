-- Every staged figure with its rank among the figures stated for the same key: first
-- within its own source (a parser should state a key once per source, but a repeated
-- figure must not duplicate the key), then across sources, where the table wins over prose.
select
    f.*,
    row_number() over (
        partition by f.report_id, f.indicator_code, f.channel_code, f.applicant_type, f.source
        order by f.source_line, f.value
    ) as rank_in_source,
    row_number() over (
        partition by f.report_id, f.indicator_code, f.channel_code, f.applicant_type
        order by case when f.source = 'table' then 0 else 1 end, f.source_line, f.value
    ) as precedence
from {{ ref('stg_facts') }} as f
