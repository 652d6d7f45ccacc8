-- Several parser versions may have parsed a report; the most recent parse is the one in force.
with ranked as (
    select
        *,
        row_number() over (
            partition by report_id
            order by parsed_at desc, parser_version desc
        ) as parse_rank
    from {{ source('parsed', 'reports') }}
)

select
    report_id,
    parser_version,
    status,
    failure_reason,
    title,
    region_code,
    region_name,
    region_level,
    issuer_name,
    issuer_kind,
    year,
    year_source,
    template,
    form_code,
    published_on,
    n_facts,
    n_issues,
    parsed_at
from ranked
where parse_rank = 1
