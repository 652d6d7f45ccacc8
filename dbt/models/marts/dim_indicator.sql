-- One row per indicator code: every code a form row or a figure uses, plus the harmonised
-- indicators (seed harmonized_indicators) with their Chinese name, description and the wide
-- fact that carries them. English names, units and sections from the seed indicator_names.
-- The printed rows feeding each code are in dim_indicator_form_row.
-- A form column with an indicator_suffix (the old form's 历年累计) makes every row's indicator
-- `<indicator><suffix>` a code of its own (int_form_row_indicators), named after the row's
-- indicator ("Disclosure requests received (cumulative since 2008)") and the printed row and
-- column ("收到申请数（历年累计）"), in the vocabulary when the row's indicator is.
with named as (
    select indicator_code, name_en, section, unit
    from {{ ref('indicator_names') }}
),

harmonized as (
    select harmonized_code, wide_fact, is_headline, name_zh, description
    from {{ ref('harmonized_indicators') }}
),

form_rows as (
    select
        *,
        case
            when column_label is null then label
            else {{ dbt.concat(['label', "'（'", 'column_label', "'）'"]) }}
        end as printed_label
    from {{ ref('int_form_row_indicators') }}
    where indicator_code is not null
),

form_units as (
    select
        indicator_code,
        min(unit) as unit,
        min(section) as section,
        count(*) as n_form_rows,
        min(printed_label) as any_label
    from form_rows
    group by indicator_code
),

derived as (
    select
        indicator_code,
        min(base_indicator_code) as base_indicator_code,
        min(column_key) as column_key,
        min(first_year) as first_year,
        min(case when channel_code = 'all' and applicant_type = 'all' then printed_label end) as total_label
    from form_rows
    where column_key is not null
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
        {{ dbt.listagg(dbt.concat(['form_code', "': '", 'printed_label']), "' | '", 'order by form_code, row_key') }} as form_labels
    from form_rows
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
        from form_rows
    ) as d
    group by indicator_code
),

derived_names as (
    select
        d.indicator_code,
        {{ dbt.concat(['bn.name_en', "' ('", 'd.qualifier_en', "')'"]) }} as name_en,
        d.total_label as name_zh,
        bn.unit,
        bn.section,
        bn.indicator_code is not null as base_in_vocabulary
    from (
        select
            *,
            case
                when column_key = 'cumulative'
                    then {{ dbt.concat(["'cumulative since '", dbt.cast('first_year', dbt.type_string())]) }}
                else {{ dbt.replace('column_key', "'_'", "' '") }}
            end as qualifier_en
        from derived
    ) as d
    left join named as bn on d.base_indicator_code = bn.indicator_code
)

select
    {{ dbt.cast('c.indicator_code', dbt.type_string()) }} as indicator_code,
    {{ dbt.cast('coalesce(n.name_en, dn.name_en)', dbt.type_string()) }} as name_en,
    {{ dbt.cast('coalesce(h.name_zh, dn.name_zh, fu.any_label)', dbt.type_string()) }} as name_zh,
    {{ dbt.cast('h.description', dbt.type_string()) }} as description,
    {{ dbt.cast('coalesce(n.unit, dn.unit, fu.unit, xu.unit)', dbt.type_string()) }} as unit,
    {{ dbt.cast("coalesce(n.section, dn.section, fu.section, 'unknown')", dbt.type_string()) }} as section,
    {{ dbt.cast('coalesce(fu.n_form_rows, 0)', dbt.type_int()) }} as n_form_rows,
    {{ dbt.cast('fl.form_labels', dbt.type_string()) }} as form_labels,
    {{ dbt.cast('fo.form_codes', dbt.type_string()) }} as form_codes,
    {{ dbt.cast('fo.first_year', dbt.type_int()) }} as first_year,
    {{ dbt.cast('case when fo.last_year = 9999 then null else fo.last_year end', dbt.type_int()) }} as last_year,
    {{ dbt.cast('n.indicator_code is not null or coalesce(dn.base_in_vocabulary, false)', dbt.type_boolean()) }}
        as is_in_vocabulary,
    {{ dbt.cast('h.harmonized_code is not null', dbt.type_boolean()) }} as is_harmonized,
    {{ dbt.cast('coalesce(h.is_headline, false)', dbt.type_boolean()) }} as is_headline,
    {{ dbt.cast('h.wide_fact', dbt.type_string()) }} as wide_fact
from codes as c
left join named as n on c.indicator_code = n.indicator_code
left join harmonized as h on c.indicator_code = h.harmonized_code
left join derived_names as dn on c.indicator_code = dn.indicator_code
left join form_units as fu on c.indicator_code = fu.indicator_code
left join fact_units as xu on c.indicator_code = xu.indicator_code
left join form_labels as fl on c.indicator_code = fl.indicator_code
left join forms as fo on c.indicator_code = fo.indicator_code
