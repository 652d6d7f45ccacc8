-- Report years from the first national regulations (2008) to the current year, with the
-- template era a report of that year is expected to use.
with numbers as (
    {{ dbt.generate_series(200) }}
),

years as (
    select 2007 + generated_number as year
    from numbers
)

select
    {{ dbt.cast('year', dbt.type_int()) }} as year,
    {{ dbt.cast(
        "case when year < 2019 then 'old_table' when year < 2021 then 'new_2019' else 'new_2021' end",
        dbt.type_string()) }} as template_era,
    {{ dbt.cast("case when year < 2019 then 'old_table' else 'new_table' end", dbt.type_string()) }} as template
from years
where year <= extract(year from {{ dbt.current_timestamp() }})
