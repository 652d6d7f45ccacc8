-- One row per form x form row: how each printed row of each statistical form maps to a
-- harmonised indicator (and how closely: equivalence exact / approximate / none).
select
    {{ dbt.cast('form_code', dbt.type_string()) }} as form_code,
    {{ dbt.cast('row_key', dbt.type_string()) }} as row_key,
    {{ dbt.cast('template', dbt.type_string()) }} as template,
    {{ dbt.cast('form_name', dbt.type_string()) }} as form_name,
    {{ dbt.cast('first_year', dbt.type_int()) }} as first_year,
    {{ dbt.cast('last_year', dbt.type_int()) }} as last_year,
    {{ dbt.cast('label', dbt.type_string()) }} as label,
    {{ dbt.cast('aliases', dbt.type_string()) }} as aliases,
    {{ dbt.cast('section', dbt.type_string()) }} as section,
    {{ dbt.cast('unit', dbt.type_string()) }} as unit,
    {{ dbt.cast('indicator_code', dbt.type_string()) }} as indicator_code,
    {{ dbt.cast('channel_code', dbt.type_string()) }} as channel_code,
    {{ dbt.cast('applicant_type', dbt.type_string()) }} as applicant_type,
    {{ dbt.cast('equivalence', dbt.type_string()) }} as equivalence,
    {{ dbt.cast('note', dbt.type_string()) }} as note
from {{ ref('stg_form_rows') }}
