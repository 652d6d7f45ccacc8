-- The gazetteer with its parent chain resolved to governments. Parents come from the staged
-- columns where present, else from the code itself (province = first 2 digits + '0000',
-- prefecture = first 4 + '00'). A prefecture-level code is a *pseudo* prefecture, not a
-- government, when it only groups counties under the province: the 市辖区/县 of the four
-- municipalities (its name is the province's) and the 省直辖县级行政单位 groups; counties
-- under one have no prefecture and roll up straight to their province.
with regions as (
    select * from {{ ref('stg_regions') }}
),

candidates as (
    select
        r.*,
        coalesce(
            r.province_code,
            {{ dbt.concat([code_prefix('r.region_code', 2), "'0000'"]) }}
        ) as province_candidate,
        case
            when r.region_level = 'prefecture' then r.region_code
            when r.region_level = 'county' then coalesce(
                r.prefecture_code,
                {{ dbt.concat([code_prefix('r.region_code', 4), "'00'"]) }}
            )
        end as prefecture_candidate
    from regions as r
),

flagged as (
    select
        c.*,
        prov.region_name as province_name_resolved,
        case
            when c.region_level = 'prefecture'
                and (c.region_name = coalesce(c.province_name, prov.region_name)
                     or c.region_name like '%直辖%')
                then 1
            else 0
        end as is_pseudo
    from candidates as c
    left join regions as prov on c.province_candidate = prov.region_code
),

chained as (
    select
        f.*,
        case
            when f.region_level = 'prefecture' and f.is_pseudo = 0 then f.region_code
            when f.region_level = 'county' and pref.is_pseudo = 0 then pref.region_code
        end as prefecture_code_resolved,
        case
            when f.region_level = 'prefecture' and f.is_pseudo = 0 then f.region_name
            when f.region_level = 'county' and pref.is_pseudo = 0 then pref.region_name
        end as prefecture_name_resolved
    from flagged as f
    left join flagged as pref
        on f.prefecture_candidate = pref.region_code
        and pref.region_level = 'prefecture'
)

select
    region_code,
    region_name,
    region_level,
    parent_code,
    prefecture_code_resolved as prefecture_code,
    prefecture_name_resolved as prefecture_name,
    province_candidate as province_code,
    coalesce(province_name, province_name_resolved) as province_name,
    case
        when region_level in ('province', 'prefecture', 'county') and is_pseudo = 0 then 1 else 0
    end as is_government,
    is_pseudo,
    is_current,
    valid_from_year,
    valid_to_year,
    -- A code no longer current maps to its successor where the gazetteer names one.
    case when is_current then region_code else current_code end as current_code,
    aliases,
    former_names,
    change_kind
from chained
