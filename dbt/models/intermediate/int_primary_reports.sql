-- The reports BI counts: primary (int_report_primary) with a year (a failed parse stays: it
-- still shows the government published; it has no figures). Regions are
-- mapped to their current code and carry their chain. `is_government_report` is the
-- government's own report (issuer not a department, region not a township): only these roll
-- up, so a government and its own departments are never counted twice.
with reports as (
    select * from {{ ref('stg_reports') }}
),

primaries as (
    select * from {{ ref('int_report_primary') }}
),

regions as (
    select * from {{ ref('int_regions') }}
)

select
    r.report_id,
    r.year,
    r.template,
    r.form_code,
    r.status,
    r.issuer_name,
    r.issuer_kind,
    p.issuer_key,
    r.region_code as reported_region_code,
    r.region_level as reported_region_level,
    g.region_code,
    g.region_name,
    g.region_level,
    g.prefecture_code,
    g.prefecture_name,
    g.province_code,
    g.province_name,
    case
        when r.issuer_kind = 'department' then 0
        when r.region_level = 'township' then 0
        when g.is_government = 1 then 1
        else 0
    end as is_government_report
from reports as r
inner join primaries as p on r.report_id = p.report_id
left join regions as orig on r.region_code = orig.region_code
left join regions as g on coalesce(orig.current_code, r.region_code) = g.region_code
where p.is_primary = 1
    and r.year is not null
