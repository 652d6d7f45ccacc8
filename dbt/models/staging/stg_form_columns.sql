-- Every column of every statistical form (parsed.form_columns, from ingest/forms/*.yaml).
-- Empty when the warehouse was written before the catalog staged columns.
{%- set src = source('parsed', 'form_columns') %}
{% if relation_exists(src) %}
select
    form_code,
    table_key,
    column_key,
    label,
    aliases,
    applicant_type,
    nullif(indicator_suffix, '') as indicator_suffix,
    equivalence,
    note,
    is_optional
from {{ src }}
{% else %}
select
    {{ dbt.cast('null', dbt.type_string()) }} as form_code,
    {{ dbt.cast('null', dbt.type_string()) }} as table_key,
    {{ dbt.cast('null', dbt.type_string()) }} as column_key,
    {{ dbt.cast('null', dbt.type_string()) }} as label,
    {{ dbt.cast('null', dbt.type_string()) }} as aliases,
    {{ dbt.cast('null', dbt.type_string()) }} as applicant_type,
    {{ dbt.cast('null', dbt.type_string()) }} as indicator_suffix,
    {{ dbt.cast('null', dbt.type_string()) }} as equivalence,
    {{ dbt.cast('null', dbt.type_string()) }} as note,
    {{ dbt.cast('null', dbt.type_boolean()) }} as is_optional
where 1 = 0
{% endif %}
