-- One row per statistical form (from parsed.form_rows, i.e. ingest/forms/*.yaml): its template
-- family, the report years it applies to and the regulation it derives from.
with form_rows as (
    select * from {{ ref('stg_form_rows') }}
),

rules as (
    select form_code, count(distinct rule) as n_rules
    from {{ ref('stg_form_rules') }}
    group by form_code
),

forms as (
    select
        form_code,
        min(template) as template,
        min(form_name) as form_name,
        min(legal_basis) as legal_basis,
        min(first_year) as first_year,
        max(last_year) as last_year,
        count(*) as n_rows,
        count(distinct indicator_code) as n_indicators
    from form_rows
    group by form_code
)

select
    {{ dbt.cast('f.form_code', dbt.type_string()) }} as form_code,
    {{ dbt.cast('f.template', dbt.type_string()) }} as template,
    {{ dbt.cast('f.form_name', dbt.type_string()) }} as form_name,
    {{ dbt.cast('f.legal_basis', dbt.type_string()) }} as legal_basis,
    {{ dbt.cast('f.first_year', dbt.type_int()) }} as first_year,
    {{ dbt.cast('f.last_year', dbt.type_int()) }} as last_year,
    {{ dbt.cast('f.n_rows', dbt.type_int()) }} as n_rows,
    {{ dbt.cast('f.n_indicators', dbt.type_int()) }} as n_indicators,
    {{ dbt.cast('coalesce(r.n_rules, 0)', dbt.type_int()) }} as n_rules
from forms as f
left join rules as r on f.form_code = r.form_code
