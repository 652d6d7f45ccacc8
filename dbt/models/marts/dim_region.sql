-- The gazetteer with its parent chain spelled out, so BI can roll a county up to its
-- prefecture and province without recursive joins.
with regions as (
    select * from {{ ref('stg_regions') }}
)

select
    {{ dbt.cast('r.region_code', dbt.type_string()) }} as region_code,
    {{ dbt.cast('r.region_name', dbt.type_string()) }} as region_name,
    {{ dbt.cast('r.region_level', dbt.type_string()) }} as region_level,
    {{ dbt.cast('r.parent_code', dbt.type_string()) }} as parent_code,
    {{ dbt.cast('parent.region_name', dbt.type_string()) }} as parent_name,
    {{ dbt.cast('r.prefecture_code', dbt.type_string()) }} as prefecture_code,
    {{ dbt.cast('pref.region_name', dbt.type_string()) }} as prefecture_name,
    {{ dbt.cast('r.province_code', dbt.type_string()) }} as province_code,
    {{ dbt.cast('coalesce(r.province_name, prov.region_name)', dbt.type_string()) }} as province_name,
    {{ dbt.cast('r.is_current', dbt.type_boolean()) }} as is_current,
    {{ dbt.cast('r.valid_from_year', dbt.type_int()) }} as valid_from_year,
    {{ dbt.cast('r.valid_to_year', dbt.type_int()) }} as valid_to_year,
    {{ dbt.cast('r.current_code', dbt.type_string()) }} as current_code,
    {{ dbt.cast('cur.region_name', dbt.type_string()) }} as current_name
from regions as r
left join regions as parent on r.parent_code = parent.region_code
left join regions as pref on r.prefecture_code = pref.region_code
left join regions as prov on r.province_code = prov.region_code
left join regions as cur on r.current_code = cur.region_code
