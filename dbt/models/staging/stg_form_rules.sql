select
    form_code,
    rule,
    op,
    severity,
    description,
    total_indicator,
    coalesce(total_channel, 'all') as total_channel,
    coalesce(total_applicant, 'all') as total_applicant,
    part_indicator,
    coalesce(part_channel, 'all') as part_channel,
    coalesce(part_applicant, 'all') as part_applicant,
    part_no,
    coalesce(min_parts, 1) as min_parts
from {{ source('parsed', 'form_rules') }}
