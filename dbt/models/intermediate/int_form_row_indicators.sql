-- Every indicator a printed form row feeds (grain form_code, row_key, column_key):
--   * the row's own indicator (column_key NULL: the columns stating this year's figure);
--   * one derived indicator `<row indicator><indicator_suffix>` per column of the form that
--     declares an indicator_suffix (the old form's 历年累计 → requests_received_cumulative),
--     with the column's grade (equivalence) and note, falling back to the row's. A column of
--     one table (table_key) applies to the rows of that section only.
-- Group headers (no indicator) appear once, with their own row only.
with form_rows as (
    select * from {{ ref('stg_form_rows') }}
),

suffixed_columns as (
    select * from {{ ref('stg_form_columns') }}
    where indicator_suffix is not null
)

select
    r.form_code,
    r.template,
    r.form_name,
    r.legal_basis,
    r.first_year,
    r.last_year,
    r.row_key,
    {{ dbt.cast('null', dbt.type_string()) }} as column_key,
    {{ dbt.cast('null', dbt.type_string()) }} as column_label,
    r.label,
    r.aliases,
    r.section,
    r.unit,
    r.indicator_code,
    r.indicator_code as base_indicator_code,
    r.channel_code,
    r.applicant_type,
    r.equivalence,
    r.note
from form_rows as r

union all

select
    r.form_code,
    r.template,
    r.form_name,
    r.legal_basis,
    r.first_year,
    r.last_year,
    r.row_key,
    c.column_key,
    c.label as column_label,
    r.label,
    r.aliases,
    r.section,
    r.unit,
    {{ dbt.concat(['r.indicator_code', 'c.indicator_suffix']) }} as indicator_code,
    r.indicator_code as base_indicator_code,
    r.channel_code,
    r.applicant_type,
    coalesce(c.equivalence, r.equivalence) as equivalence,
    coalesce(nullif(c.note, ''), r.note) as note
from form_rows as r
inner join suffixed_columns as c
    on r.form_code = c.form_code
    and (c.table_key is null or c.table_key = r.section)
where r.indicator_code is not null
