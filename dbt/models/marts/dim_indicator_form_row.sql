-- One row per form x form row: every printed row of every statistical form, the indicator it
-- feeds, and the harmonised indicator it is compared under across the 2019 reform, with the
-- grade (exact / approximate / none) and the reason (int_form_row_harmonization). This is the
-- reviewable mapping; docs/harmonization.md says how far each grade can be trusted.
-- A form column with an indicator_suffix (the old form's 历年累计) adds one row per form row x
-- such column (column_key set): the indicator `<indicator><suffix>` it feeds, graded by the
-- column (none toward the 2019+ forms, which print no cumulative figure).
with form_rows as (
    select * from {{ ref('int_form_row_indicators') }}
),

harmonization as (
    select * from {{ ref('int_form_row_harmonization') }}
),

names as (
    select indicator_code, name_en from {{ ref('dim_indicator') }}
),

counterparts as (
    select
        a.form_code,
        a.row_key,
        a.column_key,
        {{ dbt.listagg(
            dbt.concat(['b_rows.form_code', "': '", 'b_rows.label']),
            "' | '",
            'order by b_rows.form_code, b_rows.row_key'
        ) }} as counterpart_labels
    from harmonization as a
    inner join form_rows as a_rows
        on a.form_code = a_rows.form_code
        and a.row_key = a_rows.row_key
        and coalesce(a.column_key, '') = coalesce(a_rows.column_key, '')
    inner join harmonization as b on a.harmonized_code = b.harmonized_code
    inner join form_rows as b_rows
        on b.form_code = b_rows.form_code
        and b.row_key = b_rows.row_key
        and coalesce(b.column_key, '') = coalesce(b_rows.column_key, '')
        and a_rows.template <> b_rows.template
        and a_rows.channel_code = b_rows.channel_code
        and a_rows.applicant_type = b_rows.applicant_type
    group by a.form_code, a.row_key, a.column_key
)

select
    {{ dbt.cast('r.form_code', dbt.type_string()) }} as form_code,
    {{ dbt.cast('r.row_key', dbt.type_string()) }} as row_key,
    {{ dbt.cast('r.column_key', dbt.type_string()) }} as column_key,
    {{ dbt.cast('r.column_label', dbt.type_string()) }} as column_label,
    {{ dbt.cast('r.template', dbt.type_string()) }} as template,
    {{ dbt.cast('r.form_name', dbt.type_string()) }} as form_name,
    {{ dbt.cast('r.first_year', dbt.type_int()) }} as first_year,
    {{ dbt.cast('r.last_year', dbt.type_int()) }} as last_year,
    {{ dbt.cast('r.label', dbt.type_string()) }} as label,
    {{ dbt.cast('r.aliases', dbt.type_string()) }} as aliases,
    {{ dbt.cast('r.section', dbt.type_string()) }} as section,
    {{ dbt.cast('r.unit', dbt.type_string()) }} as unit,
    {{ dbt.cast('r.indicator_code', dbt.type_string()) }} as indicator_code,
    {{ dbt.cast('n.name_en', dbt.type_string()) }} as name_en,
    {{ dbt.cast('r.channel_code', dbt.type_string()) }} as channel_code,
    {{ dbt.cast('r.applicant_type', dbt.type_string()) }} as applicant_type,
    {{ dbt.cast('r.equivalence', dbt.type_string()) }} as equivalence,
    {{ dbt.cast('r.note', dbt.type_string()) }} as note,
    {{ dbt.cast('h.harmonized_code', dbt.type_string()) }} as harmonized_code,
    {{ dbt.cast('h.harmonized_role', dbt.type_string()) }} as harmonized_role,
    {{ dbt.cast('h.harmonized_equivalence', dbt.type_string()) }} as harmonized_equivalence,
    {{ dbt.cast('h.harmonization_reason', dbt.type_string()) }} as harmonization_reason,
    {{ dbt.cast('h.also_feeds', dbt.type_string()) }} as also_feeds,
    {{ dbt.cast('c.counterpart_labels', dbt.type_string()) }} as counterpart_labels
from form_rows as r
left join harmonization as h
    on r.form_code = h.form_code
    and r.row_key = h.row_key
    and coalesce(r.column_key, '') = coalesce(h.column_key, '')
left join names as n on r.indicator_code = n.indicator_code
left join counterparts as c
    on r.form_code = c.form_code
    and r.row_key = c.row_key
    and coalesce(r.column_key, '') = coalesce(c.column_key, '')
