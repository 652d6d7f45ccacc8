-- Coverage: one row per government of the current gazetteer (province, prefecture and county
-- levels; municipal 市辖区 and 省直辖 groups are not governments) x year, from 2008 to the
-- latest year any report covers. has_own_report: the government's own primary report exists
-- (reports at a former code count for the code that succeeded it). Department and township
-- reports count under their government (n_department_reports, n_township_reports), never as
-- a report of the government itself.
with governments as (
    select * from {{ ref('int_regions') }}
    where is_current and is_government = 1
),

reports as (
    select * from {{ ref('int_primary_reports') }}
    where region_code is not null
),

last_year as (
    select max(year) as year
    from {{ ref('stg_reports') }}
    where year <= extract(year from {{ dbt.current_timestamp() }})
),

years as (
    select y.year
    from {{ ref('dim_year') }} as y
    inner join last_year as l on y.year <= l.year
),

own as (
    select region_code, year, report_id, template, form_code, status
    from reports
    where is_government_report = 1
),

subordinate as (
    select
        region_code,
        year,
        sum(case when issuer_kind = 'department' then 1 else 0 end) as n_department_reports,
        sum(case when issuer_kind <> 'department' and reported_region_level = 'township' then 1 else 0 end)
            as n_township_reports
    from reports
    where is_government_report = 0
    group by region_code, year
),

quality as (
    select report_id, quality_score from {{ ref('int_report_quality') }}
)

select
    {{ dbt.cast('g.region_code', dbt.type_string()) }} as region_code,
    {{ dbt.cast('g.region_name', dbt.type_string()) }} as region_name,
    {{ dbt.cast('g.region_level', dbt.type_string()) }} as region_level,
    {{ dbt.cast('g.province_code', dbt.type_string()) }} as province_code,
    {{ dbt.cast('g.province_name', dbt.type_string()) }} as province_name,
    {{ dbt.cast('g.prefecture_code', dbt.type_string()) }} as prefecture_code,
    {{ dbt.cast('g.prefecture_name', dbt.type_string()) }} as prefecture_name,
    {{ dbt.cast('y.year', dbt.type_int()) }} as year,
    {{ dbt.cast('o.report_id is not null', dbt.type_boolean()) }} as has_own_report,
    {{ dbt.cast('coalesce(s.n_department_reports, 0)', dbt.type_int()) }} as n_department_reports,
    {{ dbt.cast('coalesce(s.n_township_reports, 0)', dbt.type_int()) }} as n_township_reports,
    {{ dbt.cast('o.template', dbt.type_string()) }} as template,
    {{ dbt.cast('o.form_code', dbt.type_string()) }} as form_code,
    {{ dbt.cast('o.report_id', dbt.type_string()) }} as report_id,
    {{ dbt.cast("coalesce(o.status, 'missing')", dbt.type_string()) }} as report_status,
    {{ dbt.cast('q.quality_score', type_double()) }} as quality_score
from governments as g
cross join years as y
left join own as o on g.region_code = o.region_code and y.year = o.year
left join subordinate as s on g.region_code = s.region_code and y.year = s.year
left join quality as q on o.report_id = q.report_id
