-- One parse per report: the parse in force.
-- The parser version in force is that of the latest parse run (parsed.parse_runs, appended
-- by every run, a rollback to an older PARSER_VERSION included). Per report, its parse by
-- that version wins; a report that version has not parsed (yet) keeps its most recent parse.
-- Without any parse run recorded (empty or absent parse_runs) the most recent parse wins.
{%- set runs = source('parsed', 'parse_runs') %}
with version_in_force as (
    {% if relation_exists(runs) %}
    select parser_version
    from (
        select
            parser_version,
            row_number() over (
                order by finished_at desc nulls last, started_at desc nulls last, parser_version desc
            ) as run_rank
        from {{ runs }}
        where parser_version is not null
    ) as r
    where run_rank = 1
    {% else %}
    select {{ dbt.cast('null', dbt.type_string()) }} as parser_version
    where 1 = 0
    {% endif %}
),

ranked as (
    select
        p.*,
        row_number() over (
            partition by p.report_id
            order by
                case when p.parser_version = (select v.parser_version from version_in_force as v) then 0 else 1 end,
                p.parsed_at desc,
                p.parser_version desc
        ) as parse_rank
    from {{ source('parsed', 'reports') }} as p
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
