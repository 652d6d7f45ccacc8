-- Coverage rolled up per prefecture, per province and for the country, per year: how many of
-- the governments within (the unit's own government included) published their own report.
with coverage as (
    select * from {{ ref('mart_coverage') }}
),

by_prefecture as (
    select
        'prefecture' as rollup_level,
        prefecture_code as region_code,
        min(prefecture_name) as region_name,
        min(province_code) as province_code,
        min(province_name) as province_name,
        year,
        count(*) as n_governments,
        sum(case when has_own_report then 1 else 0 end) as n_with_own_report,
        sum(n_department_reports) as n_department_reports
    from coverage
    where prefecture_code is not null
    group by prefecture_code, year
),

by_province as (
    select
        'province' as rollup_level,
        province_code as region_code,
        min(province_name) as region_name,
        province_code,
        min(province_name) as province_name,
        year,
        count(*) as n_governments,
        sum(case when has_own_report then 1 else 0 end) as n_with_own_report,
        sum(n_department_reports) as n_department_reports
    from coverage
    group by province_code, year
),

national as (
    select
        'country' as rollup_level,
        '000000' as region_code,
        '全国' as region_name,
        {{ dbt.cast('null', dbt.type_string()) }} as province_code,
        {{ dbt.cast('null', dbt.type_string()) }} as province_name,
        year,
        count(*) as n_governments,
        sum(case when has_own_report then 1 else 0 end) as n_with_own_report,
        sum(n_department_reports) as n_department_reports
    from coverage
    group by year
),

rolled as (
    select * from by_prefecture
    union all
    select * from by_province
    union all
    select * from national
)

select
    {{ dbt.cast('rollup_level', dbt.type_string()) }} as rollup_level,
    {{ dbt.cast('region_code', dbt.type_string()) }} as region_code,
    {{ dbt.cast('region_name', dbt.type_string()) }} as region_name,
    {{ dbt.cast('province_code', dbt.type_string()) }} as province_code,
    {{ dbt.cast('province_name', dbt.type_string()) }} as province_name,
    {{ dbt.cast('year', dbt.type_int()) }} as year,
    {{ dbt.cast('n_governments', dbt.type_int()) }} as n_governments,
    {{ dbt.cast('n_with_own_report', dbt.type_int()) }} as n_with_own_report,
    {{ dbt.cast(dbt.cast('n_with_own_report', type_double()) ~ ' / n_governments', type_double()) }} as share_covered,
    {{ dbt.cast('n_department_reports', dbt.type_int()) }} as n_department_reports
from rolled
