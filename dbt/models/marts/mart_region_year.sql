-- One row per region x year with a government report of its own or reporting governments
-- below it: the headline indicators (var headline_indicators) of its own primary government
-- report, the form they came from, and the roll-up of the government reports below it
-- (a prefecture: its counties; a province: its prefectures and counties), with the count of
-- units that reported. Only government reports roll up (never departments or townships), and
-- only primary reports (duplicates never count twice).
{%- set headline = var('headline_indicators') %}
with reports as (
    select *
    from {{ ref('int_primary_reports') }}
    where is_government_report = 1 and region_code is not null
),

headline_values as (
    select report_id, harmonized_code, value
    from {{ ref('int_harmonized_values') }}
    where channel_code = 'all'
        and applicant_type = 'all'
        and harmonized_code in ({% for c in headline %}'{{ c }}'{{ ', ' if not loop.last }}{% endfor %})
),

own as (
    select
        r.region_code,
        r.year,
        r.report_id,
        r.form_code,
        r.template,
        r.region_level,
        r.prefecture_code,
        r.province_code,
        {% for c in headline -%}
        max(case when v.harmonized_code = '{{ c }}' then v.value end) as {{ c }}{{ ',' if not loop.last }}
        {% endfor %}
    from reports as r
    left join headline_values as v on r.report_id = v.report_id
    group by r.region_code, r.year, r.report_id, r.form_code, r.template, r.region_level,
        r.prefecture_code, r.province_code
),

below_prefecture as (
    select
        prefecture_code as region_code,
        year,
        count(*) as n_units_below_reporting,
        {% for c in headline -%}
        sum({{ c }}) as {{ c }}_below{{ ',' if not loop.last }}
        {% endfor %}
    from own
    where region_level = 'county' and prefecture_code is not null
    group by prefecture_code, year
),

below_province as (
    select
        province_code as region_code,
        year,
        count(*) as n_units_below_reporting,
        {% for c in headline -%}
        sum({{ c }}) as {{ c }}_below{{ ',' if not loop.last }}
        {% endfor %}
    from own
    where region_level in ('prefecture', 'county') and province_code is not null
    group by province_code, year
),

below as (
    select * from below_prefecture
    union all
    select * from below_province
),

governments as (
    select * from {{ ref('int_regions') }}
    where is_current and is_government = 1
),

units_below as (
    select p.region_code, count(c.region_code) as n_units_below
    from governments as p
    left join governments as c
        on (p.region_level = 'prefecture' and c.region_level = 'county' and c.prefecture_code = p.region_code)
        or (p.region_level = 'province' and c.region_level in ('prefecture', 'county')
            and c.province_code = p.region_code)
    group by p.region_code
),

keys as (
    select region_code, year from own
    union
    select region_code, year from below
)

select
    {{ dbt.cast('k.region_code', dbt.type_string()) }} as region_code,
    {{ dbt.cast('g.region_name', dbt.type_string()) }} as region_name,
    {{ dbt.cast('g.region_level', dbt.type_string()) }} as region_level,
    {{ dbt.cast('g.prefecture_code', dbt.type_string()) }} as prefecture_code,
    {{ dbt.cast('g.prefecture_name', dbt.type_string()) }} as prefecture_name,
    {{ dbt.cast('g.province_code', dbt.type_string()) }} as province_code,
    {{ dbt.cast('g.province_name', dbt.type_string()) }} as province_name,
    {{ dbt.cast('k.year', dbt.type_int()) }} as year,
    {{ dbt.cast('o.report_id is not null', dbt.type_boolean()) }} as has_own_report,
    {{ dbt.cast('o.report_id', dbt.type_string()) }} as report_id,
    {{ dbt.cast('o.form_code', dbt.type_string()) }} as form_code,
    {{ dbt.cast('o.template', dbt.type_string()) }} as template,
    {{ dbt.cast('coalesce(u.n_units_below, 0)', dbt.type_int()) }} as n_units_below,
    {{ dbt.cast('coalesce(b.n_units_below_reporting, 0)', dbt.type_int()) }} as n_units_below_reporting,
    {% for c in headline -%}
    {{ dbt.cast('o.' ~ c, type_double()) }} as {{ c }},
    {{ dbt.cast('b.' ~ c ~ '_below', type_double()) }} as {{ c }}_below{{ ',' if not loop.last }}
    {% endfor %}
from keys as k
left join {{ ref('int_regions') }} as g on k.region_code = g.region_code
left join own as o on k.region_code = o.region_code and k.year = o.year
left join below as b on k.region_code = b.region_code and k.year = b.year
left join units_below as u on k.region_code = u.region_code
