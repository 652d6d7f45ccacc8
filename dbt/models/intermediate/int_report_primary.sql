-- Which report is in force when several cover the same issuer and year (a revised report,
-- the same report saved in two encodings, ...). The issuer is the region's government for
-- every report not issued by a department or a township (a government cannot publish two
-- own reports for one year, whatever name it prints), else region + issuer name.
-- Rule, in order: parsed before partial before failed; the latest published_on (a revision
-- is published later; unknown dates last); the most figures read; the smallest report_id.
with reports as (
    select * from {{ ref('stg_reports') }}
),

regions as (
    select region_code, current_code from {{ ref('int_regions') }}
),

fact_counts as (
    select report_id, n_facts from {{ ref('int_report_facts') }}
),

keyed as (
    select
        r.report_id,
        r.year,
        r.status,
        r.published_on,
        coalesce(fc.n_facts, 0) as n_facts,
        coalesce(g.current_code, r.region_code) as issuer_region_code,
        case
            when r.region_code is null or r.year is null then null
            when r.issuer_kind = 'department'
                then {{ dbt.concat(["coalesce(g.current_code, r.region_code)", "':department:'", "coalesce(r.issuer_name, '')"]) }}
            when r.region_level = 'township'
                then {{ dbt.concat(["coalesce(g.current_code, r.region_code)", "':township:'", "coalesce(r.issuer_name, '')"]) }}
            else {{ dbt.concat(["coalesce(g.current_code, r.region_code)", "':government'"]) }}
        end as issuer_key
    from reports as r
    left join regions as g on r.region_code = g.region_code
    left join fact_counts as fc on r.report_id = fc.report_id
),

ranked as (
    select
        k.*,
        row_number() over (
            partition by k.issuer_key, k.year
            order by
                case k.status when 'parsed' then 0 when 'partial' then 1 else 2 end,
                case when k.published_on is null then 1 else 0 end,
                k.published_on desc,
                k.n_facts desc,
                k.report_id
        ) as duplicate_rank,
        count(*) over (partition by k.issuer_key, k.year) as n_duplicates
    from keyed as k
),

primaries as (
    select issuer_key, year, report_id as primary_report_id
    from ranked
    where duplicate_rank = 1 and issuer_key is not null
)

select
    r.report_id,
    r.issuer_key,
    r.issuer_region_code,
    case when r.issuer_key is null then 1 else r.duplicate_rank end as duplicate_rank,
    case when r.issuer_key is null then 1 else r.n_duplicates end as n_duplicates,
    case when r.issuer_key is null or r.duplicate_rank = 1 then 1 else 0 end as is_primary,
    case when r.duplicate_rank > 1 then p.primary_report_id end as superseded_by
from ranked as r
left join primaries as p on r.issuer_key = p.issuer_key and r.year = p.year
