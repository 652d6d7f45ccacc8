-- One row per harmonised indicator_code. Names come from the indicator_names seed; codes that
-- only appear in a form or in the facts are kept too (with the form's unit) so every fact
-- finds its indicator. The form rows feeding each code are in dim_indicator_form_row.
with named as (
    select indicator_code, name_en, section, unit
    from {{ ref('indicator_names') }}
),

form_units as (
    select indicator_code, min(unit) as unit, min(section) as section, count(*) as n_form_rows
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
),

form_labels as (
    select
        indicator_code,
        {{ dbt.listagg(dbt.concat(['form_code', "': '", 'label']), "' | '", 'order by form_code, row_key') }} as form_labels
    from {{ ref('stg_form_rows') }}
    where indicator_code is not null
    group by indicator_code
)

select
    {{ dbt.cast('c.indicator_code', dbt.type_string()) }} as indicator_code,
    {{ dbt.cast('n.name_en', dbt.type_string()) }} as name_en,
    {{ dbt.cast('coalesce(n.unit, fu.unit, xu.unit)', dbt.type_string()) }} as unit,
    {{ dbt.cast("coalesce(n.section, fu.section, 'unknown')", dbt.type_string()) }} as section,
    {{ dbt.cast('coalesce(fu.n_form_rows, 0)', dbt.type_int()) }} as n_form_rows,
    {{ dbt.cast('fl.form_labels', dbt.type_string()) }} as form_labels,
    {{ dbt.cast('n.indicator_code is not null', dbt.type_boolean()) }} as is_in_vocabulary
from codes as c
left join named as n on c.indicator_code = n.indicator_code
left join form_units as fu on c.indicator_code = fu.indicator_code
left join fact_units as xu on c.indicator_code = xu.indicator_code
left join form_labels as fl on c.indicator_code = fl.indicator_code
