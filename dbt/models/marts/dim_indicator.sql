-- One row per indicator code: every code a form row or a figure uses, plus the harmonised
-- indicators (seed harmonized_indicators) with their Chinese name, description and the wide
-- fact that carries them. English names, units and sections from the seed indicator_names.
-- The printed rows feeding each code are in dim_indicator_form_row.
with named as (
    select indicator_code, name_en, section, unit
    from {{ ref('indicator_names') }}
),

harmonized as (
    select harmonized_code, wide_fact, is_headline, name_zh, description
    from {{ ref('harmonized_indicators') }}
),

form_units as (
    select
        indicator_code,
        min(unit) as unit,
        min(section) as section,
        count(*) as n_form_rows,
        min(label) as any_label
    from {{ ref('stg_form_rows') }}
    where indicator_code is not null
    group by indicator_code
),

fact_units as (
    select indicator_code, min(unit) as unit
    from {{ ref('int_facts_resolved') }}
    group by indicator_code
),

codes as (
    select indicator_code from named
    union
    select indicator_code from form_units
    union
    select indicator_code from fact_units
    union
    select harmonized_code as indicator_code from harmonized
),

form_labels as (
    select
        indicator_code,
        {{ dbt.listagg(dbt.concat(['form_code', "': '", 'label']), "' | '", 'order by form_code, row_key') }} as form_labels
    from {{ ref('stg_form_rows') }}
    where indicator_code is not null
    group by indicator_code
),

forms as (
    select
        indicator_code,
        {{ dbt.listagg('form_code', "','", 'order by form_code') }} as form_codes,
        min(first_year) as first_year,
        max(case when last_year is null then 9999 else last_year end) as last_year
    from (
        select distinct indicator_code, form_code, first_year, last_year
        from {{ ref('stg_form_rows') }}
        where indicator_code is not null
    ) as d
    group by indicator_code
)

select
    {{ dbt.cast('c.indicator_code', dbt.type_string()) }} as indicator_code,
    {{ dbt.cast('n.name_en', dbt.type_string()) }} as name_en,
    {{ dbt.cast('coalesce(h.name_zh, fu.any_label)', dbt.type_string()) }} as name_zh,
    {{ dbt.cast('h.description', dbt.type_string()) }} as description,
    {{ dbt.cast('coalesce(n.unit, fu.unit, xu.unit)', dbt.type_string()) }} as unit,
    {{ dbt.cast("coalesce(n.section, fu.section, 'unknown')", dbt.type_string()) }} as section,
    {{ dbt.cast('coalesce(fu.n_form_rows, 0)', dbt.type_int()) }} as n_form_rows,
    {{ dbt.cast('fl.form_labels', dbt.type_string()) }} as form_labels,
    {{ dbt.cast('fo.form_codes', dbt.type_string()) }} as form_codes,
    {{ dbt.cast('fo.first_year', dbt.type_int()) }} as first_year,
    {{ dbt.cast('case when fo.last_year = 9999 then null else fo.last_year end', dbt.type_int()) }} as last_year,
    {{ dbt.cast('n.indicator_code is not null', dbt.type_boolean()) }} as is_in_vocabulary,
    {{ dbt.cast('h.harmonized_code is not null', dbt.type_boolean()) }} as is_harmonized,
    {{ dbt.cast('coalesce(h.is_headline, false)', dbt.type_boolean()) }} as is_headline,
    {{ dbt.cast('h.wide_fact', dbt.type_string()) }} as wide_fact
from codes as c
left join named as n on c.indicator_code = n.indicator_code
left join harmonized as h on c.indicator_code = h.harmonized_code
left join form_units as fu on c.indicator_code = fu.indicator_code
left join fact_units as xu on c.indicator_code = xu.indicator_code
left join form_labels as fl on c.indicator_code = fl.indicator_code
left join forms as fo on c.indicator_code = fo.indicator_code
