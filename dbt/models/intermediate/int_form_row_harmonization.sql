-- Each printed row of each form (and each indicator it feeds through a suffixed column, e.g.
-- 历年累计: int_form_row_indicators) mapped to the one harmonised indicator it is compared under:
--   * its own indicator when forms of both template families (old_table, new_table) print
--     that indicator, or when it is itself a harmonised indicator (seed harmonized_indicators);
--   * else the seed indicator_harmonization's mapping of its indicator (the most specific
--     target, i.e. the longest code, when it feeds several), with the seed's reason;
--   * else its own indicator (a code one family only knows; the YAML grade says how far).
-- The grade is the worse of the YAML row's `equivalence` and the seed mapping's grade.
with form_rows as (
    select * from {{ ref('int_form_row_indicators') }}
),

mapping as (
    select * from {{ ref('indicator_harmonization') }}
),

families as (
    select
        f.indicator_code,
        case
            when count(distinct f.template) >= 2 then 1
            when max(case when h.harmonized_code is null then 0 else 1 end) = 1 then 1
            else 0
        end as keeps_own_code
    from form_rows as f
    left join {{ ref('harmonized_indicators') }} as h on f.indicator_code = h.harmonized_code
    where f.indicator_code is not null
    group by f.indicator_code
),

seed_choice as (
    select
        m.*,
        row_number() over (
            partition by m.indicator_code
            order by {{ dbt.length('m.harmonized_code') }} desc, m.harmonized_code
        ) as choice
    from mapping as m
),

also_feeds as (
    select
        indicator_code,
        {{ dbt.listagg('harmonized_code', "', '", 'order by harmonized_code') }} as feeds
    from mapping
    where harmonized_code <> indicator_code
    group by indicator_code
),

chosen as (
    select
        r.form_code,
        r.row_key,
        r.column_key,
        r.indicator_code,
        r.equivalence as row_equivalence,
        r.note,
        case
            when r.indicator_code is null then null
            when coalesce(fa.keeps_own_code, 0) = 1 or s.harmonized_code is null then r.indicator_code
            else s.harmonized_code
        end as harmonized_code,
        case
            when r.indicator_code is null then null
            when coalesce(fa.keeps_own_code, 0) = 1 or s.harmonized_code is null then 'same'
            else s.role
        end as harmonized_role,
        case
            when r.indicator_code is null then null
            when coalesce(fa.keeps_own_code, 0) = 1 or s.harmonized_code is null then null
            else s.equivalence
        end as seed_equivalence,
        case
            when coalesce(fa.keeps_own_code, 0) = 1 or s.harmonized_code is null then null
            else s.reason
        end as seed_reason,
        af.feeds
    from form_rows as r
    left join families as fa on r.indicator_code = fa.indicator_code
    left join seed_choice as s on r.indicator_code = s.indicator_code and s.choice = 1
    left join also_feeds as af on r.indicator_code = af.indicator_code
)

select
    form_code,
    row_key,
    column_key,
    harmonized_code,
    harmonized_role,
    case
        when indicator_code is null then 'none'
        else {{ equivalence_of_rank(
            "case when " ~ equivalence_rank('seed_equivalence') ~ " > " ~ equivalence_rank("coalesce(row_equivalence, 'exact')")
            ~ " and seed_equivalence is not null then " ~ equivalence_rank('seed_equivalence')
            ~ " else " ~ equivalence_rank("coalesce(row_equivalence, 'exact')") ~ " end"
        ) }}
    end as harmonized_equivalence,
    case
        when indicator_code is null then coalesce(nullif(note, ''), 'group header: no figure of its own')
        when seed_reason is not null and nullif(note, '') is not null
            then {{ dbt.concat(['seed_reason', "'; '", 'note']) }}
        else coalesce(seed_reason, nullif(note, ''))
    end as harmonization_reason,
    feeds as also_feeds
from chosen
