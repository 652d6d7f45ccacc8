-- The full GB/T 2260 gazetteer (current and former codes) with its parent chain spelled out,
-- so BI rolls a county up to its prefecture and province without recursive joins. Former
-- codes point at the current code that succeeded them; each current code lists the former
-- codes and names that map to it. Municipal 市辖区 and 省直辖 groups are `is_government` false:
-- their counties have no prefecture and roll up to the province directly.
with regions as (
    select * from {{ ref('int_regions') }}
),

former as (
    select
        current_code,
        {{ dbt.listagg('region_code', "'|'", 'order by region_code') }} as former_codes,
        {{ dbt.listagg('region_name', "'|'", 'order by region_code') }} as former_names
    from regions
    where not is_current and current_code is not null and current_code <> region_code
    group by current_code
)

select
    {{ dbt.cast('r.region_code', dbt.type_string()) }} as region_code,
    {{ dbt.cast('r.region_name', dbt.type_string()) }} as region_name,
    {{ dbt.cast('r.region_level', dbt.type_string()) }} as region_level,
    {{ dbt.cast('r.parent_code', dbt.type_string()) }} as parent_code,
    {{ dbt.cast('parent.region_name', dbt.type_string()) }} as parent_name,
    {{ dbt.cast('r.prefecture_code', dbt.type_string()) }} as prefecture_code,
    {{ dbt.cast('r.prefecture_name', dbt.type_string()) }} as prefecture_name,
    {{ dbt.cast('r.province_code', dbt.type_string()) }} as province_code,
    {{ dbt.cast('r.province_name', dbt.type_string()) }} as province_name,
    {{ dbt.cast('r.is_government = 1', dbt.type_boolean()) }} as is_government,
    {{ dbt.cast('r.is_current', dbt.type_boolean()) }} as is_current,
    {{ dbt.cast('r.valid_from_year', dbt.type_int()) }} as valid_from_year,
    {{ dbt.cast('r.valid_to_year', dbt.type_int()) }} as valid_to_year,
    {{ dbt.cast('r.current_code', dbt.type_string()) }} as current_code,
    {{ dbt.cast('cur.region_name', dbt.type_string()) }} as current_name,
    {{ dbt.cast('f.former_codes', dbt.type_string()) }} as former_codes,
    {{ dbt.cast("coalesce(r.former_names, f.former_names)", dbt.type_string()) }} as former_names,
    {{ dbt.cast('r.aliases', dbt.type_string()) }} as aliases,
    {{ dbt.cast('r.change_kind', dbt.type_string()) }} as change_kind
from regions as r
left join regions as parent on r.parent_code = parent.region_code
left join regions as cur on r.current_code = cur.region_code
left join former as f on r.region_code = f.current_code
